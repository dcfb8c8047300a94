#!/usr/bin/env bash
# devnet-sequencer.sh: the devnet's sequencer. Commits the L2's blocks to the MockRollup on L1
# in batches, each with the batch hash of docs/protocol.md §8.1
# (keccak256 of the concatenated block hashes), so that provers can recompute it from the L2.
#
#   scripts/devnet-sequencer.sh --l1 URL --l2 URL --rollup ADDR [--batch-blocks N]
#                               [--interval SECONDS] [--confirmations N] [--once]
# The sequencer's key is read from SEQUENCER_PRIVATE_KEY (hex), never from the command line.
# Prints one line per committed batch; runs until killed (or one round with --once).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$PATH"

l1="" l2="" rollup="" batch=5 interval=2 confirmations=1 once=0
die() { echo "devnet-sequencer: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --l1) l1=${2:?}; shift 2 ;;
    --l2) l2=${2:?}; shift 2 ;;
    --rollup) rollup=${2:?}; shift 2 ;;
    --batch-blocks) batch=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
    --confirmations) confirmations=${2:?}; shift 2 ;;
    --once) once=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$l1" ] && [ -n "$l2" ] && [ -n "$rollup" ] || die "--l1, --l2 and --rollup are required"
[[ "$batch" =~ ^[1-9][0-9]*$ ]] || die "--batch-blocks must be a positive integer"
[ -n "${SEQUENCER_PRIVATE_KEY:-}" ] || die "set SEQUENCER_PRIVATE_KEY"

# commit_one: commits the next batch when the L2 has enough blocks past the confirmation depth;
# returns 1 when there is nothing to commit yet.
commit_one() {
    local next head last b hashes="" batch_hash out
    next=$(cast call --rpc-url "$l1" "$rollup" 'nextBlock()(uint64)') || return 1
    head=$(cast block-number --rpc-url "$l2") || return 1
    last=$((next + batch - 1))
    [ $((head - confirmations)) -ge "$last" ] || return 1
    for ((b = next; b <= last; b++)); do
        hashes+=$(cast block --rpc-url "$l2" "$b" --field hash | sed 's/^0x//')
    done
    batch_hash=$(cast keccak "0x$hashes")
    out=$(cast send --rpc-url "$l1" --private-key "$SEQUENCER_PRIVATE_KEY" --json "$rollup" \
        'commitBatch(bytes32,uint64,uint64)' "$batch_hash" "$next" "$last") || return 1
    printf 'sequencer: batch of L2 blocks %d..%d committed (hash %s, tx %s)\n' "$next" "$last" \
        "$batch_hash" "$(jq -r .transactionHash <<<"$out")"
}

while :; do
    while commit_one; do :; done
    [ "$once" -eq 1 ] && exit 0
    sleep "$interval"
done
