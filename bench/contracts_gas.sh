#!/usr/bin/env bash
# contracts_gas.sh: gas of MultiProverServiceManager.confirmState for 10, 50 and 100 operators
# with 0 %, 10 % and 33 % non-signers, measured by the forge test ConfirmStateGasTest
# (contracts/test/integration/ConfirmStateGas.t.sol: cold storage, mean of 8 tasks per cell).
# Prints a Markdown table; make bench runs it through scripts/run-bench.sh.
set -euo pipefail
cd "$(dirname "$0")/../contracts"
export PATH="$(pwd)/../node_modules/.bin:$PATH"
if ! out=$(forge test --match-contract ConfirmStateGasTest -vv 2>&1); then
    echo "$out" | grep -E 'FAIL|Error' | head -20 >&2
    echo "contracts_gas: forge test ConfirmStateGasTest failed" >&2
    exit 1
fi
echo
echo "### confirmState gas (execution gas, cold storage, mean/min/max over 8 tasks)"
echo
echo "| operators | non-signers | mean gas | min | max | gas per non-signer | tx gas incl. 21,000 + calldata |"
echo "|---|---|---|---|---|---|---|"
echo "$out" | grep -E '^[[:space:]]+\| [0-9]+ \|' | sed 's/^[[:space:]]*//' | sort -t'|' -k2,2n -k3,3n
echo
echo "Targets (issue 5): 10 operators, 0 non-signers <= 250,000 gas; each non-signer <= 12,000 gas more."
