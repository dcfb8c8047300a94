#!/usr/bin/env bash
# dcap_differential.sh: the C DCAP verifier and the on-chain verifier must agree, quote by
# quote, on verdict, TCB status and failed check: 7 simulated CAs x N quotes (most with a
# flipped bit, some debug enclaves) plus the real vectors. Wraps
# contracts/script/attestation_diff.sh and prints one TAP line per group, plus checks that
# the run was not vacuous (both verdicts occur, enough quotes compared).
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
N=${MPAVS_DIFF_QUOTES:-40}
out=$(MPAVS="$ROOT/build/bin/mpavs" bash "$ROOT/contracts/script/attestation_diff.sh" "$N" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
n=0
while IFS= read -r line; do
    n=$((n + 1))
    if [[ $line =~ ,\ 0\ mismatches$ ]]; then echo "ok $n - ${line}"; else echo "not ok $n - ${line}"; fi
done < <(grep -E '^[^#].*: [0-9]+ quotes, [0-9]+ mismatches$' <<<"$out" | grep -v '^total')
w="$ROOT/build/attestation-diff"
accepted=$(cat "$w"/c*.tsv 2>/dev/null | awk -F'\t' '$2 == "accept"' | wc -l)
rejected=$(cat "$w"/c*.tsv 2>/dev/null | awk -F'\t' '$2 == "reject"' | wc -l)
n=$((n + 1))
if [ "$accepted" -ge 10 ] && [ "$rejected" -ge 100 ] && [ $((accepted + rejected)) -ge $((7 * N + 20)) ]; then
    echo "ok $n - not vacuous: $accepted accepted, $rejected rejected"
else
    echo "not ok $n - too few verdicts: $accepted accepted, $rejected rejected"
fi
exit $status
