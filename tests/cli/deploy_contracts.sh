#!/usr/bin/env bash
# deploy_contracts.sh: scripts/deploy-contracts.sh refuses, before starting forge, a reference
# block window that is not shorter than the vault's withdrawal delay (issue 10 item 1). No
# chain is needed: the check comes first. Prints TAP-like lines; run by scripts/run-tests.sh.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/support/tap.sh"
key=0x$(printf 'ab%.0s' {1..32})

# refused NAME PATTERN [VAR=VALUE...]: exit 2 with PATTERN on stderr.
refused() {
    local name=$1 pat=$2 err rc
    shift 2
    err=$(env "$@" DEPLOYER_PRIVATE_KEY=$key bash "$ROOT/scripts/deploy-contracts.sh" \
        --rpc-url http://127.0.0.1:9 --sgx-verifier 0x0000000000000000000000000000000000000001 \
        2>&1 >/dev/null)
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" <<<"$err"; then ok "$name"; else notok "$name" "exit $rc: $err"; fi
}

refused "window equal to the delay refused" "must be below MPAVS_WITHDRAWAL_DELAY_BLOCKS (50)" \
    MPAVS_MAX_REFERENCE_BLOCK_AGE=50 MPAVS_WITHDRAWAL_DELAY_BLOCKS=50
refused "the old devnet pair 600/50 refused" "MPAVS_MAX_REFERENCE_BLOCK_AGE (600)" \
    MPAVS_MAX_REFERENCE_BLOCK_AGE=600 MPAVS_WITHDRAWAL_DELAY_BLOCKS=50
refused "default window above a short delay refused" "(300) must be below" \
    MPAVS_WITHDRAWAL_DELAY_BLOCKS=200
refused "non-numeric window refused" "must be block counts" MPAVS_MAX_REFERENCE_BLOCK_AGE=abc
