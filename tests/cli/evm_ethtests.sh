#!/usr/bin/env bash
# evm_ethtests.sh: the committed ethereum/tests subset (tests/vectors/ethtests,
# see its README) through "mpavs evm statetest|blocktest|trietest": one TAP
# line per fixture file, ok only when every Cancun entry in it passes. A
# fixture that fails shows as "not ok" with the failing entries; nothing is
# skipped silently. Also "mpavs evm run" on a small program and on bad input.
set -uo pipefail
cd "${MPAVS_ROOT:-$(dirname "$0")/../..}"
MPAVS="${MPAVS_BIN:-build/bin}/mpavs"
V=tests/vectors/ethtests
. tests/support/tap.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# fixture KIND FILE: runs one fixture file, ok when it exits 0 with no failed entry.
fixture() {
    local kind=$1 f=$2
    timeout 120 "$MPAVS" evm "$kind" "$f" >"$out" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && ! grep -q '"pass":false' "$out"; then
        ok "$kind ${f#$V/}"
    else
        notok "$kind ${f#$V/}" "exit $rc" "$(grep -m3 '"pass":false' "$out" | cut -c1-300)" \
            "$(tail -n 2 "$out" | cut -c1-300)"
    fi
}

while IFS= read -r f; do fixture statetest "$f"; done < <(find "$V/GeneralStateTests" -name '*.json' | sort)
while IFS= read -r f; do fixture blocktest "$f"; done < <(find "$V/BlockchainTests" -name '*.json' | sort)
while IFS= read -r f; do fixture trietest "$f"; done < <(find "$V/TrieTests" -name '*.json' | sort)

# A quick run: 2 + 3 returned as a word, 24 gas.
got=$("$MPAVS" evm run --code 600260030160005260206000f3 2>&1)
same "evm run: 2+3" "$got" \
    '{"status":"success","gasUsed":24,"output":"0x0000000000000000000000000000000000000000000000000000000000000005","logs":0}'
"$MPAVS" evm run --code 0xzz >/dev/null 2>"$out"
rc=$?
if [ $rc -eq 2 ] && grep -q "code" "$out"; then ok "evm run: bad hex is a usage error"; else notok "evm run: bad hex is a usage error" "exit $rc"; fi
"$MPAVS" evm run --code fe >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ]; then ok "evm run: INVALID exits 1"; else notok "evm run: INVALID exits 1" "exit $rc"; fi
printf '{"x": ' >"$out.json"
"$MPAVS" evm statetest "$out.json" >/dev/null 2>"$out"
rc=$?
rm -f "$out.json"
if [ $rc -ne 0 ] && grep -q "line" "$out"; then ok "statetest: malformed JSON is an error"; else notok "statetest: malformed JSON is an error" "exit $rc"; fi
