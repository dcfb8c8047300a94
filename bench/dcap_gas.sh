#!/usr/bin/env bash
# dcap_gas.sh: gas of the on-chain DCAP v3 verifier, as Markdown table rows (make bench).
#
#   - forge (contracts/test/attestation/DcapGas.t.sol): call gas of verifying the real quotes
#     with cold storage (as in a new transaction) and of each collateral upload;
#   - anvil (osaka, EIP-7825 gas cap on): a deployment with Intel's root and set1 collateral at
#     set1's time, then the gas of a whole verifyAttestation transaction (21,000 + calldata +
#     execution), which is what an operator's liveness proof pays on top of its own logic;
#   - liveness proofs with the real verifier: forge (contracts/test/integration/LivenessDcap.t.sol
#     run with --isolate: each proof is its own transaction, its gasUsed is reported) and the C
#     end-to-end test on anvil
#     (tests/integration/test_avs_e2e.c: receipt gasUsed of submitLivenessProof and of
#     confirmState, sent by the C transaction sender against the script-deployed contracts).
set -euo pipefail
cd "$(dirname "$0")/../contracts"
export PATH="$(cd .. && pwd)/node_modules/.bin:$PATH"

out=cache/dcap-gas
rm -rf "$out"
mkdir -p "$out"
{ DCAP_GAS_DIR="$out" forge test --match-contract DcapGasTest &&
    DCAP_GAS_DIR="$out" forge test --isolate --match-contract LivenessDcapTest \
        --match-test test_gas_SubmitLivenessProof; } >"$out/forge.log" 2>&1 || {
    echo "dcap_gas.sh: forge gas test failed, see contracts/$out/forge.log" >&2
    exit 1
}

echo
echo "### On-chain DCAP verifier (gas)"
echo
echo "| operation | measured | target |"
echo "|---|---|---|"
cat "$out"/set1.md "$out"/set2.md "$out"/large.md

# A free loopback port for anvil.
port=""
for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! ss -ltn 2>/dev/null | grep -q ":$p "; then
        port=$p
        break
    fi
done
[ -n "$port" ] || { echo "dcap_gas.sh: no free port" >&2; exit 1; }
rpc="http://127.0.0.1:$port"
anvil --hardfork osaka --enable-tx-gas-limit --timestamp 1719496800 --port "$port" \
    >"$out/anvil.log" 2>&1 &
anvil_pid=$!
trap 'kill "$anvil_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    cast block-number --rpc-url "$rpc" >/dev/null 2>&1 && break
    sleep 0.1
done

DCAP_COLLATERAL_DIR=../tests/vectors/dcap/set1 \
    DCAP_MRENCLAVES=0xa4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd \
    DCAP_DEPLOYMENT_OUT="$out/deployment.json" \
    forge script script/DeployAttestation.s.sol --rpc-url "$rpc" --broadcast \
    >"$out/deploy.log" 2>&1 || {
    echo "dcap_gas.sh: deployment to anvil failed, see contracts/$out/deploy.log" >&2
    exit 1
}
verifier=$(jq -r .sgxDcapVerifier "$out/deployment.json")
quote=0x$(od -An -v -tx1 ../tests/vectors/dcap/set1/quote.bin | tr -d ' \n')
gas=$(cast estimate "$verifier" "verifyAttestation(bytes)" "$quote" --rpc-url "$rpc")
echo "| verifyAttestation transaction on anvil (osaka), set1 4734-byte quote | $gas gas | TEELivenessVerifier total <= 1,200,000 |"

echo
echo "### Liveness proofs and confirmations with the real DCAP verifier (gas)"
echo
echo "| operation | measured | target |"
echo "|---|---|---|"
cat "$out"/liveness.md
# The C end-to-end test writes its receipts' gas as rows (ASan build: gas does not depend on it).
root=$(cd .. && pwd)
make -C "$root" --no-print-directory -s build/san/tests/integration/test_avs_e2e \
    build/san/bin/mpavs >"$out/make.log" 2>&1 || {
    echo "dcap_gas.sh: building the end-to-end test failed, see contracts/$out/make.log" >&2
    exit 1
}
(cd "$root" && MPAVS_ROOT="$root" MPAVS_BIN="$root/build/san/bin" \
    MPAVS_AVS_GAS_OUT="$root/contracts/$out/e2e.md" build/san/tests/integration/test_avs_e2e \
    >"$root/contracts/$out/e2e.log" 2>&1) || {
    echo "dcap_gas.sh: the end-to-end test failed, see contracts/$out/e2e.log" >&2
    exit 1
}
cat "$out"/e2e.md
