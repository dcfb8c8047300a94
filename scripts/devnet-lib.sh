# shellcheck shell=bash
# devnet-lib.sh: the building blocks of the devnet, sourced by scripts/devnet.sh (make devnet)
# and by the end-to-end scenarios (tests/e2e/devnet.sh), so both run exactly the same system.
#
# Set the DN_* variables (or leave the defaults), call dn_init, then dn_up (chains, PKI,
# contracts, keys, registration, sequencer, provers, operators, aggregator). Every process is
# started with dn_start NAME ... in its own process group and recorded; dn_stop NAME [SIG] stops
# one, dn_stop_all every one (the caller traps EXIT with it). Logs: $DN_DIR/logs/NAME.log.
#
#   DN_DIR          state directory                         DN_OPS         operators (4)
#   DN_BASE         first port (18545): L1, L2 +1, aggregator +2, provers +10+i, operator
#                   node APIs +40+i, operator metrics +70+i
#   DN_L2_BLOCK_TIME  L2 block time, s (2)                 DN_LIVENESS    liveness validity, s (3600)
#   DN_FAULTY       1: the last operator's prover signs wrong states
#   DN_EXECUTOR     the provers' executor: reexec (default) or headers
#   DN_TRAFFIC      1 (default): scripts/l2-traffic.sh sends a mix of L2 transactions
#   DN_BIN          directory of mpavs, mpavs-prover, mpavs-operator, mpavs-aggregator (build/bin)
#   DN_AGG_FLAGS, DN_OP_FLAGS   extra flags for the aggregator / every operator (arrays)

dn_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$dn_root/node_modules/.bin:$PATH"

# anvil's well-known development accounts (mnemonic "test test ... junk"); devnet only.
DN_DEPLOYER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
DN_SEQUENCER_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
DN_STAKE=2000000000000000000

declare -A DN_PID=() DN_STATUS=()
DN_ORDER=()

dn_say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }
dn_die() {
    echo "devnet: $*" >&2
    exit 2
}

dn_init() {
    DN_DIR=${DN_DIR:-$dn_root/.devnet}
    DN_OPS=${DN_OPS:-4}
    DN_BASE=${DN_BASE:-18545}
    DN_L2_BLOCK_TIME=${DN_L2_BLOCK_TIME:-2}
    DN_LIVENESS=${DN_LIVENESS:-3600}
    DN_FAULTY=${DN_FAULTY:-0}
    DN_EXECUTOR=${DN_EXECUTOR:-reexec}
    DN_TRAFFIC=${DN_TRAFFIC:-1}
    DN_BIN=${DN_BIN:-$dn_root/build/bin}
    [ -n "${DN_AGG_FLAGS+x}" ] || DN_AGG_FLAGS=()
    [ -n "${DN_OP_FLAGS+x}" ] || DN_OP_FLAGS=()
    L1=http://127.0.0.1:$DN_BASE
    L2=http://127.0.0.1:$((DN_BASE + 1))
    AGG=http://127.0.0.1:$((DN_BASE + 2))
    local b
    for b in mpavs mpavs-prover mpavs-operator mpavs-aggregator; do
        [ -x "$DN_BIN/$b" ] || dn_die "$DN_BIN/$b missing: run make (or make devnet)"
    done
    umask 077
    mkdir -p "$DN_DIR/logs" "$DN_DIR/keys"
    chmod 700 "$DN_DIR"
}

# ---- processes ----

# dn_start NAME CMD...: CMD in the background, in its own process group, output appended to
# logs/NAME.log. A name already running is an error.
dn_start() {
    local name=$1
    shift
    dn_running "$name" && dn_die "$name is already running"
    setsid "$@" >>"$DN_DIR/logs/$name.log" 2>&1 </dev/null &
    DN_PID[$name]=$!
    local i order=()
    for i in ${DN_ORDER[@]+"${DN_ORDER[@]}"}; do [ "$i" = "$name" ] || order+=("$i"); done
    DN_ORDER=(${order[@]+"${order[@]}"} "$name") # once each: a second SIGTERM may end a daemon abruptly
}

dn_running() { [ -n "${DN_PID[$1]:-}" ] && kill -0 "${DN_PID[$1]}" 2>/dev/null; }

# dn_stop NAME [SIGNAL]: signals NAME's process group (TERM by default), waits up to 15 s for it,
# then KILLs it (SIGNAL 0: only waits). Its exit status goes to DN_STATUS[NAME]
# (128 + signal if killed).
dn_stop() {
    local name=$1 sig=${2:-TERM} pid=${DN_PID[$1]:-}
    [ -n "$pid" ] || return 0
    kill "-$sig" -- "-$pid" 2>/dev/null || true
    local i
    for i in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    DN_STATUS[$name]=$rc
    unset "DN_PID[$name]"
} 2>/dev/null # also bash's "Killed" notice for the job

# Stops everything, newest first (daemons before the chains, so the chains dump their state
# last), all TERMed at once so the daemons' shutdown graces overlap.
dn_stop_all() {
    local i name pid
    [ ${#DN_PID[@]} -eq 0 ] && return 0
    dn_say "stopping ${#DN_PID[@]} processes"
    for ((i = ${#DN_ORDER[@]} - 1; i >= 0; i--)); do
        name=${DN_ORDER[$i]}
        case "$name" in anvil-*) continue ;; esac
        pid=${DN_PID[$name]:-}
        [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
    done
    for name in "${!DN_PID[@]}"; do
        case "$name" in anvil-*) continue ;; esac
        dn_stop "$name" 0 # signalled above: wait for it
    done
    for name in anvil-l1 anvil-l2; do dn_stop "$name"; done
}

# dn_wait_for SECONDS CMD...: polls CMD twice a second until it succeeds; 1 on timeout.
dn_wait_for() {
    local limit=$1 end
    shift
    end=$((SECONDS + limit))
    while [ "$SECONDS" -lt "$end" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    "$@" >/dev/null 2>&1
}

dn_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- chains ----

dn_start_l1() {
    local state=()
    [ -f "$DN_DIR/l1/state.json" ] && state=(--load-state "$DN_DIR/l1/state.json")
    mkdir -p "$DN_DIR/l1"
    dn_port_free "$DN_BASE" || dn_die "port $DN_BASE is in use (another devnet? try --base-port)"
    # L1 mines on demand while contracts are deployed and operators registered (forge's
    # broadcast stalls under interval mining), then one block a second (dn_l1_interval).
    dn_start anvil-l1 anvil --port "$DN_BASE" --host 127.0.0.1 --hardfork osaka --chain-id 31337 \
        --dump-state "$DN_DIR/l1/state.json" --state-interval 5 ${state[@]+"${state[@]}"}
    dn_wait_for 20 cast block-number --rpc-url "$L1" || dn_die "L1 anvil did not start (logs/anvil-l1.log)"
}

dn_l1_interval() { cast rpc --rpc-url "$L1" evm_setIntervalMining 1 >/dev/null; }

dn_start_l2() {
    local state=() port=$((DN_BASE + 1))
    [ -f "$DN_DIR/l2/state.json" ] && state=(--load-state "$DN_DIR/l2/state.json")
    mkdir -p "$DN_DIR/l2"
    dn_port_free "$port" || dn_die "port $port is in use (another devnet? try --base-port)"
    dn_start anvil-l2 anvil --port "$port" --host 127.0.0.1 --hardfork cancun --chain-id 31338 \
        --block-time "$DN_L2_BLOCK_TIME" --dump-state "$DN_DIR/l2/state.json" --state-interval 5 \
        ${state[@]+"${state[@]}"}
    dn_wait_for 20 cast block-number --rpc-url "$L2" || dn_die "L2 anvil did not start (logs/anvil-l2.log)"
}

# ---- contracts ----

dn_dep() { jq -r ".$1" "$DN_DIR/deployment.json"; }

# The simulated prover's MRENCLAVE (the sim CA's default enclave, what the deployment allows).
dn_mrenclave() { printf '0x%s' "$(printf 'mpavs simulated enclave' | sha256sum | cut -c1-64)"; }

dn_deploy() {
    if [ -f "$DN_DIR/deployment.json" ] &&
        [ "$(cast code --rpc-url "$L1" "$(dn_dep serviceManager)")" != 0x ]; then
        dn_say "contracts already deployed at $(dn_dep serviceManager) (resuming)"
        return 0
    fi
    rm -f "$DN_DIR/deployment.json"
    [ -f "$DN_DIR/pki/sim.json" ] || {
        dn_say "creating the development SGX PKI (mpavs sim-ca init)"
        "$DN_BIN/mpavs" sim-ca init "$DN_DIR/pki" >/dev/null
    }
    dn_say "deploying the contracts in simulation mode (liveness validity ${DN_LIVENESS}s)"
    DEPLOYER_PRIVATE_KEY=$DN_DEPLOYER_KEY \
        MPAVS_SEQUENCER=$(cast wallet address --private-key "$DN_SEQUENCER_KEY") \
        MPAVS_LIVENESS_VALIDITY_SECONDS=$DN_LIVENESS MPAVS_FIRST_L2_BLOCK=2 \
        "$dn_root/scripts/deploy-contracts.sh" --rpc-url "$L1" --sim-ca "$DN_DIR/pki" \
        --mrenclave "$(dn_mrenclave)" --out "$DN_DIR/deployment.json" \
        >>"$DN_DIR/logs/deploy.log" 2>&1 || dn_die "deployment failed (logs/deploy.log)"
    dn_say "deployed: service manager $(dn_dep serviceManager), MockRollup $(dn_dep mockRollup)"
}

# dn_send TO SIG ARGS...: a transaction from the deployer, waited for.
dn_send() {
    cast send --rpc-url "$L1" --private-key "$DN_DEPLOYER_KEY" "$@" >/dev/null
}

# ---- keys ----

# A random password in a 0600 file (made once).
dn_password() {
    [ -f "$1" ] || (umask 077 && head -c 24 /dev/urandom | base64 >"$1")
}

# dn_ecdsa_key NAME: keys/NAME.json (ECDSA keystore), keys/NAME.password; prints the address.
dn_ecdsa_key() {
    local k=$DN_DIR/keys/$1
    dn_password "$k.password"
    [ -f "$k.json" ] || (umask 077 && "$DN_BIN/mpavs" key new --out "$k.json" \
        --password-file "$k.password" --light >/dev/null)
    "$DN_BIN/mpavs" key show "$k.json" | grep -o '0x[0-9a-fA-F]\{40\}' | head -1
}

dn_bls_key() {
    local k=$DN_DIR/keys/$1
    dn_password "$k.bls.password"
    [ -f "$k.bls.json" ] || (umask 077 && "$DN_BIN/mpavs" bls keygen --out "$k.bls.json" \
        --password-file "$k.bls.password" --light >/dev/null)
}

# ---- operators ----

dn_op_addr() { "$DN_BIN/mpavs" key show "$DN_DIR/keys/op$1.json" | grep -o '0x[0-9a-fA-F]\{40\}' | head -1; }

# dn_op_status I: `mpavs operator status` JSON of operator I.
dn_op_status() {
    "$DN_BIN/mpavs" operator status --rpc "$L1" --deployment "$DN_DIR/deployment.json" \
        --operator "$(dn_op_addr "$1")"
}

# Keys, gas money, stake tokens and registration for operators 1..DN_OPS (skips what is done).
# The registrations run in parallel, as processes of dn_start (so an interrupt stops them too).
dn_register_all() {
    local i addr st names=() name pid
    for ((i = 1; i <= DN_OPS; i++)); do
        addr=$(dn_ecdsa_key "op$i")
        dn_bls_key "op$i"
        st=$(dn_op_status "$i" 2>/dev/null | jq -r .status 2>/dev/null || true)
        [ "$st" = REGISTERED ] && continue
        if [ "$(cast balance --rpc-url "$L1" "$addr")" = 0 ]; then
            dn_send "$addr" --value 10ether
            dn_send "$(dn_dep stakeToken)" 'mint(address,uint256)' "$addr" "$DN_STAKE"
        fi
        dn_say "operator $i ($addr): staking and registering (mpavs operator register)"
        dn_start "register-op$i" "$DN_BIN/mpavs" operator register --rpc "$L1" \
            --deployment "$DN_DIR/deployment.json" \
            --ecdsa-key "$DN_DIR/keys/op$i.json" --ecdsa-password-file "$DN_DIR/keys/op$i.password" \
            --bls-key "$DN_DIR/keys/op$i.bls.json" \
            --bls-password-file "$DN_DIR/keys/op$i.bls.password" --stake "$DN_STAKE" \
            --socket "http://127.0.0.1:$((DN_BASE + 40 + i))"
        names+=("register-op$i")
    done
    for name in ${names[@]+"${names[@]}"}; do
        pid=${DN_PID[$name]}
        wait "$pid" || dn_die "registration failed (logs/$name.log)"
        unset "DN_PID[$name]"
    done
}

dn_op_deregister() {
    "$DN_BIN/mpavs" operator deregister --rpc "$L1" --deployment "$DN_DIR/deployment.json" \
        --ecdsa-key "$DN_DIR/keys/op$1.json" --ecdsa-password-file "$DN_DIR/keys/op$1.password" \
        >>"$DN_DIR/logs/register-op$1.log" 2>&1
}

# dn_start_prover I [FLAGS...]: operator I's prover (the last one faulty with DN_FAULTY=1).
# With DN_EXECUTOR=reexec (the default) provers re-execute every L2 block statelessly; anvil's
# state trie is not Ethereum's, hence --reexec-anvil-trie (docs/prover.md), and the faulty
# prover really computes another post-state (--fault-wrong-execution).
dn_start_prover() {
    local i=$1 exec=(--executor "$DN_EXECUTOR") fault=()
    shift
    [ "$DN_EXECUTOR" = reexec ] && exec+=(--reexec-anvil-trie)
    if [ "$DN_FAULTY" = 1 ] && [ "$i" -eq "$DN_OPS" ]; then
        if [ "$DN_EXECUTOR" = reexec ]; then fault=(--fault-wrong-execution); else fault=(--fault-wrong-state); fi
    fi
    dn_start "prover$i" "$DN_BIN/mpavs-prover" --listen "127.0.0.1:$((DN_BASE + 10 + i))" \
        --l2-rpc-url "$L2" --sim-ca-dir "$DN_DIR/pki" --data-dir "$DN_DIR/prover$i" \
        --profile devnet "${exec[@]}" ${fault[@]+"${fault[@]}"} "$@"
}

dn_prover_url() { echo "http://127.0.0.1:$((DN_BASE + 10 + $1))/"; }

# dn_start_operator I [FLAGS...]: operator I's daemon (config written to opI.json).
dn_start_operator() {
    local i=$1 k=$DN_DIR/keys/op$1
    shift
    jq -n --arg data "$DN_DIR/op$i" --arg l1 "$L1" --arg agg "$AGG/" \
        --arg prover "$(dn_prover_url "$i")" --arg dep "$DN_DIR/deployment.json" \
        --arg pki "$DN_DIR/pki" --arg k "$k" --arg api "127.0.0.1:$((DN_BASE + 40 + i))" \
        --arg metrics "127.0.0.1:$((DN_BASE + 70 + i))" '{
        data_dir: $data, eth_rpc_url: $l1, aggregator_url: $agg, prover_url: $prover,
        deployment: $dep, collateral_dir: $pki,
        ecdsa_keystore: ($k + ".json"), ecdsa_password_file: ($k + ".password"),
        bls_keystore: ($k + ".bls.json"), bls_password_file: ($k + ".bls.password"),
        node_api: $api, metrics: $metrics, liveness_check: "5s", backoff_initial: "500ms",
        backoff_max: "5s", fetch_wait: "2s", retry: "500ms", shutdown_grace: "5s"}' \
        >"$DN_DIR/op$i.json"
    dn_start "operator$i" "$DN_BIN/mpavs-operator" --config "$DN_DIR/op$i.json" \
        ${DN_OP_FLAGS[@]+"${DN_OP_FLAGS[@]}"} "$@"
}

# ---- aggregator ----

dn_aggregator_key() {
    local addr
    addr=$(dn_ecdsa_key aggregator)
    [ "$(cast balance --rpc-url "$L1" "$addr")" != 0 ] || dn_send "$addr" --value 100ether
}

# dn_start_aggregator [FLAGS...]
dn_start_aggregator() {
    jq -n --arg l1 "$L1" --arg l2 "$L2" --arg dep "$DN_DIR/deployment.json" \
        --arg k "$DN_DIR/keys/aggregator" --arg listen "127.0.0.1:$((DN_BASE + 2))" \
        --arg data "$DN_DIR/aggregator" '{
        rpc_url: $l1, deployment: $dep, keystore: ($k + ".json"),
        keystore_password_file: ($k + ".password"), listen: $listen, l2_rpc_url: $l2,
        block_interval: 5, poll_interval: "1s", task_ttl: "2m", batch_confirmations: 2,
        data_dir: $data, shutdown_grace: "5s"}' >"$DN_DIR/aggregator.json"
    dn_start aggregator "$DN_BIN/mpavs-aggregator" --config "$DN_DIR/aggregator.json" \
        ${DN_AGG_FLAGS[@]+"${DN_AGG_FLAGS[@]}"} "$@"
}

# dn_agg METHOD [PARAMS_JSON]: one JSON-RPC call to the aggregator; prints the result.
dn_agg() {
    curl -sf --max-time 5 -H 'content-type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":[${2:-{\}}]}" "$AGG/" |
        jq -e -c .result
}

# dn_word HEX N: word N of an ABI encoding, as a number (the words of task metadata fit 64 bits).
dn_word() { echo $((16#${1:$((2 + 64 * $2 + 48)):16})); }

# ---- the sequencer ----

dn_start_sequencer() {
    SEQUENCER_PRIVATE_KEY=$DN_SEQUENCER_KEY dn_start sequencer \
        "$dn_root/scripts/devnet-sequencer.sh" --l1 "$L1" --l2 "$L2" --rollup "$(dn_dep mockRollup)" \
        --batch-blocks 5 --interval 2
}

# ---- L2 traffic ----

# dn_start_traffic: a mix of L2 transactions (scripts/l2-traffic.sh) so that re-execution is
# exercised on every block; off with DN_TRAFFIC=0.
dn_start_traffic() {
    [ "$DN_TRAFFIC" = 1 ] || return 0
    dn_start l2-traffic "$dn_root/scripts/l2-traffic.sh" --rpc "$L2" --interval 1
}

# ---- everything ----

dn_up() {
    dn_start_l1
    dn_start_l2
    dn_say "L1 anvil at $L1 (block $(cast block-number --rpc-url "$L1")), L2 anvil at $L2"
    dn_deploy
    dn_aggregator_key
    dn_register_all
    dn_l1_interval
    dn_start_sequencer
    dn_start_traffic
    local i
    for ((i = 1; i <= DN_OPS; i++)); do dn_start_prover "$i"; done
    dn_start_aggregator
    for ((i = 1; i <= DN_OPS; i++)); do dn_start_operator "$i"; done
    dn_say "started the sequencer, $DN_OPS provers$([ "$DN_FAULTY" = 1 ] && echo " (prover $DN_OPS faulty)"), $DN_OPS operators and the aggregator"
}
