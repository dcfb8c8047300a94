#!/usr/bin/env bash
# devnet.sh: the whole mpavs system on one machine (make devnet).
#
#   scripts/devnet.sh [options]
#
# Starts anvil as L1 (osaka) and a second anvil as the L2 (cancun, interval mining), creates the
# development SGX PKI (mpavs sim-ca), deploys every contract in simulation mode, runs the
# sequencer (L2 block ranges committed to the MockRollup), creates keys for N operators, stakes
# and registers them, and starts one prover per operator, the operators and the aggregator.
# Then it prints what happens: liveness proofs, tasks, signatures, every state confirmed on
# chain with its transaction and gas. Ctrl-C stops every process it started.
#
# Options (each also as an environment variable):
#   --operators N           MPAVS_DEVNET_OPERATORS      operators, each with its prover (default 4)
#   --faulty-prover         MPAVS_DEVNET_FAULTY=1       the last operator's prover signs wrong states
#   --l2-block-time S       MPAVS_DEVNET_L2_BLOCK_TIME  L2 block time in seconds (default 2)
#   --liveness-validity S   MPAVS_DEVNET_LIVENESS       liveness validity in seconds (default 3600)
#   --base-port P           MPAVS_DEVNET_BASE_PORT      first of the ports used (default 18545):
#                           L1 P, L2 P+1, aggregator P+2, provers P+10+i, operators P+40+i
#   --fresh                 MPAVS_DEVNET_FRESH=1        start over (same as make devnet-clean first)
#   --dir DIR               MPAVS_DEVNET_DIR            state directory (default .devnet)
#   --until-confirmed N     MPAVS_DEVNET_UNTIL=N        exit 0 after N confirmed states (tests)
#
# All state lives in the state directory: chain state dumps, the PKI, keys, daemon databases
# and logs (logs/). A second run resumes from it (the chains reload their dumps, the daemons
# their databases); --fresh or `make devnet-clean` starts over.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$root/build/bin:$PATH"

n_ops=${MPAVS_DEVNET_OPERATORS:-4}
faulty=${MPAVS_DEVNET_FAULTY:-0}
l2_block_time=${MPAVS_DEVNET_L2_BLOCK_TIME:-2}
liveness=${MPAVS_DEVNET_LIVENESS:-3600}
base=${MPAVS_DEVNET_BASE_PORT:-18545}
fresh=${MPAVS_DEVNET_FRESH:-0}
dir=${MPAVS_DEVNET_DIR:-$root/.devnet}
until_n=${MPAVS_DEVNET_UNTIL:-0}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "devnet: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --operators) n_ops=${2:?}; shift 2 ;;
    --faulty-prover) faulty=1; shift ;;
    --l2-block-time) l2_block_time=${2:?}; shift 2 ;;
    --liveness-validity) liveness=${2:?}; shift 2 ;;
    --base-port) base=${2:?}; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --dir) dir=${2:?}; shift 2 ;;
    --until-confirmed) until_n=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
for v in n_ops l2_block_time liveness base until_n; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
[ "$n_ops" -ge 1 ] || die "--operators must be at least 1"

# anvil's well-known development accounts (mnemonic "test test ... junk"); devnet only.
DEPLOYER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
SEQUENCER_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
SUBMITTER_KEY=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9bd9b4f13ef22

l1_port=$base l2_port=$((base + 1)) agg_port=$((base + 2))
L1=http://127.0.0.1:$l1_port
L2=http://127.0.0.1:$l2_port
pids=()

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }

# Every process this script starts is in pids; all of them are stopped on any exit.
stop_all() {
    local p
    trap - EXIT INT TERM
    [ ${#pids[@]} -eq 0 ] && return 0
    say "stopping ${#pids[@]} processes"
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop_all' EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in the background with its output in logs/NAME.log.
start() {
    local name=$1
    shift
    "$@" >>"$dir/logs/$name.log" 2>&1 &
    pids+=($!)
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_rpc() {
    local url=$1 what=$2
    for _ in $(seq 100); do
        cast block-number --rpc-url "$url" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "$what did not answer at $url (log: $dir/logs)"
}

start_chains() {
    local p
    for p in $l1_port $l2_port $agg_port; do
        port_free "$p" || die "port $p is in use (another devnet running? try --base-port)"
    done
    mkdir -p "$dir/l1" "$dir/l2"
    local l1_state=() l2_state=()
    [ -f "$dir/l1/state.json" ] && l1_state=(--load-state "$dir/l1/state.json")
    [ -f "$dir/l2/state.json" ] && l2_state=(--load-state "$dir/l2/state.json")
    # L1 mines on demand until the contracts are deployed (forge's broadcast stalls under interval
    # mining), then one block a second (set_l1_block_time).
    start anvil-l1 anvil --port "$l1_port" --host 127.0.0.1 --hardfork osaka --chain-id 31337 \
        --dump-state "$dir/l1/state.json" --state-interval 5 ${l1_state[@]+"${l1_state[@]}"}
    start anvil-l2 anvil --port "$l2_port" --host 127.0.0.1 --hardfork cancun --chain-id 31338 \
        --block-time "$l2_block_time" --dump-state "$dir/l2/state.json" --state-interval 5 \
        ${l2_state[@]+"${l2_state[@]}"}
    wait_rpc "$L1" "L1 anvil"
    wait_rpc "$L2" "L2 anvil"
    say "L1 anvil at $L1 (block $(cast block-number --rpc-url "$L1")), L2 anvil at $L2"
}

deploy() {
    if [ -f "$dir/deployment.json" ] &&
        [ "$(cast code --rpc-url "$L1" "$(jq -r .serviceManager "$dir/deployment.json")")" != 0x ]; then
        say "contracts already deployed (resuming)"
        return 0
    fi
    [ -f "$dir/pki/sim.json" ] || {
        say "creating the development SGX PKI (mpavs sim-ca init)"
        mpavs sim-ca init "$dir/pki" >/dev/null
    }
    say "deploying the contracts in simulation mode (forge script; about a minute)"
    local seq_addr
    seq_addr=$(cast wallet address --private-key "$SEQUENCER_KEY")
    DEPLOYER_PRIVATE_KEY=$DEPLOYER_KEY MPAVS_SEQUENCER=$seq_addr \
        MPAVS_LIVENESS_VALIDITY_SECONDS=$liveness \
        "$root/scripts/deploy-contracts.sh" --rpc-url "$L1" --sim-ca "$dir/pki" \
        --mrenclave "$(mrenclave)" --out "$dir/deployment.json" >/dev/null
    say "deployed: service manager $(jq -r .serviceManager "$dir/deployment.json")"
}

# The simulated prover's MRENCLAVE (what the deployment allows).
mrenclave() { printf '0x%s' "$(printf 'mpavs simulated enclave' | sha256sum | cut -c1-64)"; }

set_l1_block_time() {
    cast rpc --rpc-url "$L1" evm_setIntervalMining 1 >/dev/null
}

start_sequencer() {
    SEQUENCER_PRIVATE_KEY=$SEQUENCER_KEY start sequencer "$root/scripts/devnet-sequencer.sh" \
        --l1 "$L1" --l2 "$L2" --rollup "$(jq -r .mockRollup "$dir/deployment.json")" \
        --batch-blocks 5 --interval 2
    say "sequencer committing L2 blocks to the MockRollup in batches of 5"
}

main() {
    [ -x "$root/build/bin/mpavs" ] || die "build/bin/mpavs missing: run make devnet"
    if [ "$fresh" = 1 ]; then rm -rf "$dir"; fi
    mkdir -p "$dir/logs"
    chmod 700 "$dir"
    start_chains
    deploy
    set_l1_block_time
    start_sequencer
    wait
}

main
