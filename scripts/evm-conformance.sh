#!/usr/bin/env bash
# evm-conformance.sh DIR: runs the whole ethereum/tests suite from a checkout
# DIR through mpavs evm (GeneralStateTests Cancun fills, BlockchainTests/
# ValidBlocks, InvalidBlocks and GeneralStateTests of the Cancun network,
# TrieTests) and prints pass/fail entries per folder as a Markdown table. Files time out after $EVM_TIMEOUT seconds
# (default 120) and then count as one failure.
set -uo pipefail
dir=${1:?usage: evm-conformance.sh ETHEREUM_TESTS_DIR}
cd "$(dirname "$0")/.."
MPAVS=${MPAVS:-build/bin/mpavs}
limit=${EVM_TIMEOUT:-120}
tp=0 tf=0
echo "| folder | passed | failed | skipped (not Cancun) | timed out files |"
echo "|---|---|---|---|---|"
# folder KIND DIR: sums the summary lines of every file in DIR.
folder() {
    local kind=$1 d=$2 p=0 f=0 s=0 t=0 line
    while IFS= read -r file; do
        line=$(timeout "$limit" "$MPAVS" evm "$kind" "$file" 2>&1 >/dev/null)
        rc=$?
        line=$(printf '%s\n' "$line" | tail -n 1)
        if [ $rc -eq 124 ]; then
            t=$((t + 1)); f=$((f + 1)); continue
        fi
        set -- $(echo "$line" | grep -o '[0-9]\+ [a-z]*' | awk '{print $1}')
        p=$((p + ${1:-0})); f=$((f + ${2:-1})); s=$((s + ${3:-0}))
    done < <(find "$d" -name '*.json' | sort)
    echo "| ${d#$dir/} | $p | $f | $s | $t |"
    tp=$((tp + p)); tf=$((tf + f))
}
for d in "$dir"/GeneralStateTests/*/; do folder statetest "${d%/}"; done
for d in "$dir"/BlockchainTests/ValidBlocks/*/ "$dir"/BlockchainTests/InvalidBlocks/*/ \
    "$dir"/BlockchainTests/GeneralStateTests/*/; do
    [ -d "$d" ] && folder blocktest "${d%/}"
done
[ -d "$dir/TrieTests" ] && folder trietest "$dir/TrieTests"
echo "| **total** | $tp | $tf | | |"
[ $tf -eq 0 ]
