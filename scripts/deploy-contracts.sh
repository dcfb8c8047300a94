#!/usr/bin/env bash
# deploy-contracts.sh: deploys the whole mpavs contract system to an RPC in one forge run
# (contracts/script/Deploy.s.sol): the on-chain SGX DCAP verifier (collateral store pinned to a
# root key, collateral uploaded, enclave policy set), then the AVS contracts with that verifier
# wired into TEELivenessVerifier; writes one deployment JSON. docs/operations.md, "Deploying the
# contracts", describes both modes and the output.
#
#   scripts/deploy-contracts.sh --rpc-url URL MODE [options] [-- forge script options]
#
# MODE (one of):
#   --sim-ca DIR            simulation: pin the root of an `mpavs sim-ca init DIR` directory and
#                           upload its collateral (development and tests only)
#   --intel [--collateral DIR]
#                           Intel's SGX Root CA pinned; upload DIR (PCS collateral, file names
#                           as in docs/onchain-dcap.md) if given, else upload collateral later
#   --sgx-verifier ADDR     use an attestation verifier deployed before (its owner manages its
#                           collateral and policy)
# Options:
#   --mrenclave HEX[,HEX..] MRENCLAVE allow-list      --mrsigner HEX[,HEX..]  MRSIGNER allow-list
#   --accept-status S[,S..] accepted TCB statuses (default UpToDate, SWHardeningNeeded,
#                           ConfigurationAndSWHardeningNeeded, ConfigurationNeeded)
#   --owner ADDR            owner of every contract (two-step transfers; default: the deployer)
#   --out FILE              where to write the deployment JSON
#                           (default contracts/script/output/<chainId>/deployment.json)
# The deployer key is read from DEPLOYER_PRIVATE_KEY (hex), never from the command line. Every
# other setting of Deploy.s.sol (MPAVS_THRESHOLD_PERCENT, MPAVS_LIVENESS_VALIDITY_SECONDS,
# MPAVS_MIN_STAKE, ...) is taken from the environment as it is. MPAVS_MAX_REFERENCE_BLOCK_AGE
# (default 300) must stay below MPAVS_WITHDRAWAL_DELAY_BLOCKS (default 600): stake counted at a
# reference block must still be slashable when the confirmation lands (exit 2 otherwise).
# Prints the path of the deployment JSON on success; exit 1 on failure (forge's log quoted),
# 2 on unusable arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$PATH"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}
die() {
    echo "deploy-contracts: $*" >&2
    exit 2
}

rpc="" mode="" dir="" verifier="" mrenclaves="" mrsigners="" statuses="" owner="" out=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --rpc-url) rpc=${2:?}; shift 2 ;;
    --sim-ca) [ -z "$mode" ] || die "give one of --sim-ca, --intel, --sgx-verifier"
        mode=simulation; dir=${2:?}; shift 2 ;;
    --intel) [ -z "$mode" ] || die "give one of --sim-ca, --intel, --sgx-verifier"
        mode=intel; shift ;;
    --collateral) dir=${2:?}; shift 2 ;;
    --sgx-verifier) [ -z "$mode" ] || die "give one of --sim-ca, --intel, --sgx-verifier"
        mode=existing; verifier=${2:?}; shift 2 ;;
    --mrenclave) mrenclaves=${2:?}; shift 2 ;;
    --mrsigner) mrsigners=${2:?}; shift 2 ;;
    --accept-status) statuses=${2:?}; shift 2 ;;
    --owner) owner=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$rpc" ] || die "--rpc-url is required"
[ -n "$mode" ] || die "give one of --sim-ca DIR, --intel, --sgx-verifier ADDR"
[ -n "${DEPLOYER_PRIVATE_KEY:-}" ] || die "set DEPLOYER_PRIVATE_KEY to the deployer's key (hex)"
key=${DEPLOYER_PRIVATE_KEY#0x}
[[ "$key" =~ ^[0-9a-fA-F]{64}$ ]] || die "DEPLOYER_PRIVATE_KEY must be 32 bytes of hex"
export DEPLOYER_PRIVATE_KEY=0x$key
unset key
if [ "$mode" = simulation ]; then
    [ -f "$dir/sim.json" ] || die "$dir is not a complete mpavs sim-ca directory (no sim.json)"
fi
if [ "$mode" = existing ] && [ -n "$dir$mrenclaves$mrsigners$statuses" ]; then
    die "--sgx-verifier takes no collateral or policy: they belong to that verifier's owner"
fi
[ -z "$dir" ] || [ -d "$dir" ] || die "no such directory: $dir"
# Checked again by MpavsDeployer and the service manager; here it fails before forge starts.
window=${MPAVS_MAX_REFERENCE_BLOCK_AGE:-300} delay=${MPAVS_WITHDRAWAL_DELAY_BLOCKS:-600}
[[ "$window" =~ ^[0-9]+$ && "$delay" =~ ^[0-9]+$ ]] ||
    die "MPAVS_MAX_REFERENCE_BLOCK_AGE and MPAVS_WITHDRAWAL_DELAY_BLOCKS must be block counts"
[ "$window" -lt "$delay" ] || die "MPAVS_MAX_REFERENCE_BLOCK_AGE ($window) must be below" \
    "MPAVS_WITHDRAWAL_DELAY_BLOCKS ($delay): stake must stay slashable for the whole window"
command -v forge >/dev/null || die "forge not found (run scripts/setup.sh)"

# forge may read only inside contracts/ (fs_permissions), so the collateral is staged there:
# the public files only (certificates, CRLs, JSON), never the sim-CA's *.key files.
stage=$(mktemp -d "$root/contracts/cache/deploy.XXXXXX" 2>/dev/null) || {
    mkdir -p "$root/contracts/cache"
    stage=$(mktemp -d "$root/contracts/cache/deploy.XXXXXX")
}
trap 'rm -rf "$stage"' EXIT
if [ -n "$dir" ]; then
    mkdir "$stage/collateral"
    n=0
    for f in root_ca.der root_ca_crl.der pck_platform_ca.der pck_processor_ca.der tcb_signing.der \
        pck_crl.der pck_platform_crl.der pck_processor_crl.der tcbinfo.json qe_identity.json \
        identity.json; do
        if [ -f "$dir/$f" ]; then
            cp "$dir/$f" "$stage/collateral/$f"
            n=$((n + 1))
        fi
    done
    [ "$n" -ge 7 ] || die "$dir lacks collateral files (found $n, need 7; see docs/onchain-dcap.md)"
    export MPAVS_DCAP_COLLATERAL_DIR="$stage/collateral"
else
    unset MPAVS_DCAP_COLLATERAL_DIR
fi

# Settings given as flags replace the environment's; empty ones are removed (forge would try
# to parse an empty value).
export MPAVS_ATTESTATION=$mode
setenv() { if [ -n "$2" ]; then export "$1=$2"; else unset "$1"; fi; }
setenv MPAVS_SGX_ATTESTATION_VERIFIER "$verifier"
setenv MPAVS_MRENCLAVES "${mrenclaves:-${MPAVS_MRENCLAVES:-}}"
setenv MPAVS_MRSIGNERS "${mrsigners:-${MPAVS_MRSIGNERS:-}}"
setenv MPAVS_ACCEPTED_STATUSES "${statuses:-${MPAVS_ACCEPTED_STATUSES:-}}"
setenv MPAVS_OWNER "${owner:-${MPAVS_OWNER:-}}"
for v in $(env | sed -n 's/^\(MPAVS_[A-Z0-9_]*\)=$/\1/p'); do unset "$v"; done
export MPAVS_DEPLOYMENT_OUT="$stage/deployment.json"

log="$stage/forge.log"
if ! (cd "$root/contracts" && forge script script/Deploy.s.sol --rpc-url "$rpc" --broadcast \
    ${extra[@]+"${extra[@]}"} >"$log" 2>&1); then
    echo "deploy-contracts: forge script failed; the end of its log:" >&2
    grep -Ev '^\s*$|^Warning|^ *([0-9]+ )?[|│╰]|-->' "$log" | tail -25 >&2
    exit 1
fi
[ -s "$stage/deployment.json" ] || { echo "deploy-contracts: no deployment JSON written" >&2; exit 1; }
chain=$(jq -er .chainId "$stage/deployment.json")
out=${out:-$root/contracts/script/output/$chain/deployment.json}
mkdir -p "$(dirname "$out")"
cp "$stage/deployment.json" "$out"
echo "$out"
