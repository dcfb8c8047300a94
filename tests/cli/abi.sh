#!/usr/bin/env bash
# abi.sh: "mpavs abi ..." against cast (Foundry) on the same inputs, plus its
# error handling. Prints TAP-like lines; run by scripts/run-tests.sh.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
CAST=$ROOT/node_modules/.bin/cast
. "$ROOT/tests/support/tap.sh"
# fails NAME PATTERN CMD...: exit 2 and stderr matching PATTERN
fails() {
    local name=$1 pat=$2 err rc
    shift 2
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" <<<"$err"; then ok "$name"; else notok "$name" "exit $rc: $err"; fi
}

A=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
cases=(
    "f(uint256,address)|7|$A"
    "f(string,bytes,uint8[])|hello world|0x0102|[1,2,3]"
    "f((uint8,string)[2],int16)|[(1,a),(2,\"b,c\")]|-5"
    "f(bytes32[],bool,int256)|[0x1111111111111111111111111111111111111111111111111111111111111111]|true|-1"
    "f(string[],(bytes,uint256)[])|[a,bb,ccc]|[(0x01,1),(0x,2)]"
    "f(uint256[][],string[])|[[1,2],[3]]|[one,two,three]"
)
for c in "${cases[@]}"; do
    IFS='|' read -r -a parts <<<"$c"
    same "encode ${parts[0]} like cast abi-encode" "$("$M" abi encode "${parts[@]}")" \
        "$("$CAST" abi-encode "${parts[@]}")"
    same "calldata ${parts[0]} like cast calldata" "$("$M" abi calldata "${parts[@]}")" \
        "$("$CAST" calldata "${parts[@]}")"
done
same "encode --packed like cast abi-encode --packed" \
    "$("$M" abi encode --packed 'f(uint8,address,string,uint16[],bytes4,int8)' 7 $A hi '[1,2]' 0x01020304 -1)" \
    "$("$CAST" abi-encode --packed 'f(uint8,address,string,uint16[],bytes4,int8)' 7 $A hi '[1,2]' 0x01020304 -1)"
same "selector" "$("$M" abi selector 'transfer(address to, uint256 amount)')" 0xa9059cbb
same "topic like cast keccak" "$("$M" abi topic 'Transfer(address indexed from, address indexed to, uint256 value)')" \
    "$("$CAST" keccak 'Transfer(address,address,uint256)')"
enc=$("$CAST" abi-encode 'f((uint8,string)[2],int16,bytes,address[])' '[(1,a),(2,"b,c")]' -5 0xdeadbeef "[$A]")
same "decode to JSON" "$("$M" abi decode '(uint8,string)[2],int16,bytes,address[]' "$enc")" \
    '[[["1","a"],["2","b,c"]],"-5","0xdeadbeef",["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]]'
same "decode calldata with a named signature" \
    "$("$M" abi decode 'transfer(address,uint256)' "$("$CAST" calldata 'transfer(address,uint256)' $A 1000)")" \
    "[\"$A\",\"1000\"]"

fails "unknown type" "unknown or unsupported type" "$M" abi encode 'f(uint7x)' 1
fails "wrong argument count" "2 arguments expected" "$M" abi encode 'f(uint8,bool)' 1
fails "value out of range" "does not fit in uint8" "$M" abi encode 'f(uint8)' 256
fails "bad hex" "not a hex digit" "$M" abi decode 'uint256' 0xzz
fails "dirty uint8 word" "out of range for uint8" "$M" abi decode 'uint8' \
    0x0000000000000000000000000000000000000000000000000000000000000100
fails "truncated data" "runs past the end" "$M" abi decode 'uint256,bytes' 0x00
fails "wrong selector" "does not start with the selector" "$M" abi decode 'transfer(address,uint256)' 0x12345678
fails "calldata needs a name" "function name" "$M" abi calldata '(uint8)' 1
fails "unknown subcommand" "unknown command" "$M" abi frobnicate
for sub in encode calldata decode selector topic; do
    if "$M" abi $sub --help | grep -q "^usage: mpavs abi $sub"; then ok "abi $sub --help"; else notok "abi $sub --help"; fi
done
echo "1..$n"
