#!/usr/bin/env bash
# tx.sh: "mpavs tx send" against a real anvil: a value transfer checked with
# cast, a hand-assembled contract deployed with --data, a call that reverts
# with Error("nope") (exit 1, reason on stderr), and bad input (exit 2).
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
CAST=$ROOT/node_modules/.bin/cast
ANVIL=$ROOT/node_modules/.bin/anvil
T=$(mktemp -d)
. "$ROOT/tests/support/tap.sh"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RPC=http://127.0.0.1:$port
"$ANVIL" --hardfork osaka --silent --host 127.0.0.1 --port "$port" >"$T/anvil.log" 2>&1 &
apid=$!
trap 'kill $apid 2>/dev/null; wait $apid 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
    "$CAST" chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break
    sleep 0.1
done
same "anvil is up" "$("$CAST" chain-id --rpc-url "$RPC" 2>&1)" 31337

printf 'pw\n' >"$T/pw"
addr=$("$M" key new --out "$T/k.json" --password-file "$T/pw" --light)
"$CAST" rpc anvil_setBalance "$addr" 0xde0b6b3a7640000 --rpc-url "$RPC" >/dev/null
send() { "$M" tx send --rpc "$RPC" --key-file "$T/k.json" --password-file "$T/pw" "$@"; }

to=0x0000000000000000000000000000000000004242
out=$(send --to $to --value 12345)
if grep -q '"status":1' <<<"$out"; then ok "value transfer mined"; else notok "value transfer mined" "$out"; fi
same "the recipient got the value" "$("$CAST" balance $to --rpc-url "$RPC")" 12345

# Init code: CODECOPY the 112-byte runtime after a 15-byte header, RETURN it. The runtime
# CODECOPYs its 100-byte Error("nope") blob and REVERTs with it.
blob=08c379a0$(printf '%064x' 32)$(printf '%064x' 4)6e6f7065$(printf '%056d' 0)
runtime=6064600c60003960646000fd$blob
init="0x610070 61000f 600039 610070 6000 f3"
init=$(tr -d ' ' <<<"$init")$runtime
out=$(send --data "$init")
contract=$(grep -o '"contract":"0x[0-9a-fA-F]*"' <<<"$out" | cut -d'"' -f4)
if [ -n "$contract" ]; then ok "contract deployed with --data"; else notok "contract deployed" "$out"; fi
same "deployed code is the runtime" "$("$CAST" code "$contract" --rpc-url "$RPC")" "0x$runtime"

err=$(send --to "$contract" 'poke(uint256)' 7 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 1 ] && grep -q 'Error("nope")' <<<"$err"; then ok "revert: exit 1 with the reason"; else notok "revert" "exit $rc: $err"; fi
err=$(send --to "$contract" --gas 100000 'poke(uint256)' 7 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q '"status":0' <<<"$err" && grep -q 'nope' <<<"$err"; then
    ok "mined revert: receipt printed, exit 1, reason from the replay"
else
    notok "mined revert" "exit $rc: $err"
fi

printf 'nope\n' >"$T/bad"
"$M" tx send --rpc "$RPC" --key-file "$T/k.json" --password-file "$T/bad" --to $to >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "wrong password" "$T/err"; then ok "wrong password: exit 2"; else notok "wrong password" "exit $rc: $(cat "$T/err")"; fi
"$M" tx send --key-file "$T/k.json" --to $to >/dev/null 2>&1
same "missing --rpc: exit 2" "$?" 2
err=$(send --to 0x123 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "40 hex digits" <<<"$err"; then ok "bad --to: exit 2"; else notok "bad --to" "exit $rc: $err"; fi
if "$M" tx send --help | grep -q "^usage: mpavs tx send"; then ok "tx send --help"; else notok "tx send --help"; fi
echo "1..$n"
