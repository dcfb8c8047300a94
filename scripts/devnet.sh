#!/usr/bin/env bash
# devnet.sh: the whole mpavs system on one machine (make devnet).
#
#   scripts/devnet.sh [options]
#
# Starts anvil as L1 (osaka) and a second anvil as the L2 (cancun, interval mining), creates the
# development SGX PKI (mpavs sim-ca), deploys every contract in simulation mode, runs the
# sequencer (L2 block ranges committed to the MockRollup), creates keys for N operators, stakes
# and registers them (mpavs operator register), and starts one prover per operator, the
# operators and the aggregator. Then it prints what happens: liveness proofs, tasks, signatures,
# every state confirmed on chain with its transaction and gas. Ctrl-C stops every process it
# started.
#
# Options (each also as an environment variable):
#   --operators N           MPAVS_DEVNET_OPERATORS      operators, each with its prover (default 4)
#   --faulty-prover         MPAVS_DEVNET_FAULTY=1       the last operator's prover signs wrong states
#   --executor E            MPAVS_DEVNET_EXECUTOR       the provers' executor: reexec (default:
#                           every L2 block re-executed statelessly) or headers
#   --no-traffic            MPAVS_DEVNET_TRAFFIC=0      no L2 transactions (scripts/l2-traffic.sh)
#   --l2-block-time S       MPAVS_DEVNET_L2_BLOCK_TIME  L2 block time in seconds (default 2)
#   --liveness-validity S   MPAVS_DEVNET_LIVENESS       liveness validity in seconds (default 3600;
#                                                       fixed by the first run's deployment)
#   --base-port P           MPAVS_DEVNET_BASE_PORT      first of the ports used (default 18545):
#                           L1 P, L2 P+1, aggregator P+2, provers P+10+i, operator node APIs
#                           P+40+i, operator metrics P+70+i
#   --fresh                 MPAVS_DEVNET_FRESH=1        start over (same as make devnet-clean first)
#   --dir DIR               MPAVS_DEVNET_DIR            state directory (default .devnet)
#   --until-confirmed N     MPAVS_DEVNET_UNTIL=N        exit 0 after N confirmed states (tests)
#
# All state lives in the state directory: chain state dumps, the PKI, keys and their password
# files (0600), daemon databases and logs (logs/). A second run resumes from it: the chains
# reload their dumps, registered operators are not registered again, the daemons reopen their
# databases. --fresh or `make devnet-clean` starts over.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/devnet-lib.sh
. "$root/scripts/devnet-lib.sh"

DN_OPS=${MPAVS_DEVNET_OPERATORS:-4}
DN_FAULTY=${MPAVS_DEVNET_FAULTY:-0}
DN_EXECUTOR=${MPAVS_DEVNET_EXECUTOR:-reexec}
DN_TRAFFIC=${MPAVS_DEVNET_TRAFFIC:-1}
DN_L2_BLOCK_TIME=${MPAVS_DEVNET_L2_BLOCK_TIME:-2}
DN_LIVENESS=${MPAVS_DEVNET_LIVENESS:-3600}
DN_BASE=${MPAVS_DEVNET_BASE_PORT:-18545}
DN_DIR=${MPAVS_DEVNET_DIR:-$root/.devnet}
fresh=${MPAVS_DEVNET_FRESH:-0}
until_n=${MPAVS_DEVNET_UNTIL:-0}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
    --operators) DN_OPS=${2:?}; shift 2 ;;
    --faulty-prover) DN_FAULTY=1; shift ;;
    --executor) DN_EXECUTOR=${2:?}; shift 2 ;;
    --no-traffic) DN_TRAFFIC=0; shift ;;
    --l2-block-time) DN_L2_BLOCK_TIME=${2:?}; shift 2 ;;
    --liveness-validity) DN_LIVENESS=${2:?}; shift 2 ;;
    --base-port) DN_BASE=${2:?}; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --dir) DN_DIR=${2:?}; shift 2 ;;
    --until-confirmed) until_n=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) dn_die "unknown argument '$1' (see --help)" ;;
    esac
done
for v in DN_OPS DN_L2_BLOCK_TIME DN_LIVENESS DN_BASE until_n; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || dn_die "$v must be a non-negative integer (got '${!v}')"
done
if [ "$DN_OPS" -lt 1 ] || [ "$DN_OPS" -gt 29 ]; then dn_die "--operators must be 1 to 29"; fi
[ "$DN_L2_BLOCK_TIME" -ge 1 ] || dn_die "--l2-block-time must be at least 1"
case "$DN_EXECUTOR" in reexec | headers) ;; *) dn_die "--executor must be reexec or headers" ;; esac

describe() {
    local id=$1 m=$2
    if [ "$id" = 1 ]; then
        echo "identifier 1, L2 block $(dn_word "$m" 1)"
    else
        echo "identifier 2, batch $(dn_word "$m" 1) (L2 blocks $(dn_word "$m" 2)..$(dn_word "$m" 3))"
    fi
}

# new_lines NAME: sets `lines` to the JSON lines of logs/NAME.log written since the last call
# (whole lines only). Runs in this shell, so the offsets persist.
declare -A log_off=()
new_lines() {
    local f=$DN_DIR/logs/$1.log off=${log_off[$1]:-0} size chunk LC_ALL=C
    lines=""
    [ -f "$f" ] || return 0
    size=$(stat -c %s "$f")
    [ "$size" -gt "$off" ] || return 0
    chunk=$(tail -c +$((off + 1)) "$f" | head -c $((size - off)))
    case "$chunk" in *$'\n'*) ;; *) return 0 ;; esac
    chunk=${chunk%$'\n'*}
    log_off[$1]=$((off + ${#chunk} + 1))
    lines=$(printf '%s\n' "$chunk" | grep '^{' || true)
}

# The live view: liveness proofs from the operators' logs, tasks, signatures and confirmations
# from the aggregator's JSON-RPC (aggregator_listTasks, aggregator_getTask).
declare -A task_seen=() task_sigs=() task_done=()
confirmed=0 first_at=""
# progress_once [quiet]: quiet (on resume) takes note of earlier tasks without printing them.
progress_once() {
    local quiet=${1:-0} i line lines tasks t id status m n signed
    for ((i = 1; i <= DN_OPS; i++)); do
        new_lines "operator$i"
        [ -n "$lines" ] || continue
        while IFS= read -r line; do
            [ -n "$line" ] && dn_say "operator $i: liveness proof confirmed on chain ($line)"
        done < <(jq -r 'select(.msg == "liveness proof mined")
            | "block \(.block), tx \(.tx), gas \(.gas)"' <<<"$lines" 2>/dev/null)
    done
    tasks=$(dn_agg aggregator_listTasks "{\"limit\":$([ "$quiet" = 1 ] && echo 200 || echo 50)}" 2>/dev/null |
        jq -c '.tasks | reverse | .[]') || return 0
    while IFS= read -r t; do
        [ -n "$t" ] || continue
        id=$(jq -r .taskId <<<"$t")
        status=$(jq -r .status <<<"$t")
        m=$(jq -r .metadata <<<"$t")
        if [ "$quiet" = 1 ] && [ "$status" != open ] && [ "$status" != confirming ]; then
            task_seen[$id]=1 task_done[$id]=1
            continue
        fi
        if [ -z "${task_seen[$id]:-}" ]; then
            task_seen[$id]=1
            dn_say "task $id created: $(describe "$(jq -r .identifier <<<"$t")" "$m") (reference block $(jq -r .referenceBlockNumber <<<"$t"))"
        fi
        [ -z "${task_done[$id]:-}" ] || continue
        if [ "$status" = open ] || [ "$status" = confirming ]; then
            n=$(dn_agg aggregator_getTask "{\"taskId\":$id}" 2>/dev/null | jq -r '"\(.responses) signature(s) in" +
                if (.states | length) > 1 then ", CONFLICT: " +
                ([.states[] | "state \(.stateHash[0:10])… signed by \(.signers)"] | join(", "))
                else "" end') || n=""
            if [ -n "$n" ] && [ "$n" != "${task_sigs[$id]:-}" ]; then
                task_sigs[$id]=$n
                dn_say "task $id: $n"
            fi
            continue
        fi
        task_done[$id]=1
        case "$status" in
        confirmed)
            confirmed=$((confirmed + 1))
            [ -n "$first_at" ] || first_at=$SECONDS
            signed=$(dn_agg aggregator_getTask "{\"taskId\":$id}" 2>/dev/null |
                jq -r '.confirmedStateHash as $h | [.states[]? | select(.stateHash == $h) | .signers][0] // "?"') || signed="?"
            dn_say "task $id CONFIRMED on chain: $(describe "$(jq -r .identifier <<<"$t")" "$m"), $signed signers, state hash $(jq -r .confirmedStateHash <<<"$t"), tx $(jq -r .txHash <<<"$t"), gas $(jq -r .gasUsed <<<"$t")" ;;
        *) dn_say "task $id $status${status:+: }$(jq -r .reason <<<"$t")" ;;
        esac
    done <<<"$tasks"
}

check_alive() {
    local name
    for name in "${!DN_PID[@]}"; do
        dn_running "$name" && continue
        dn_say "$name stopped unexpectedly; the end of logs/$name.log:"
        tail -5 "$DN_DIR/logs/$name.log" | sed 's/^/    /'
        unset "DN_PID[$name]"
    done
}

main() {
    [ "$fresh" = 1 ] && rm -rf "$DN_DIR"
    local resumed=0
    [ -f "$DN_DIR/deployment.json" ] && resumed=1
    dn_init
    trap 'dn_stop_all' EXIT
    trap 'exit 130' INT TERM
    local t0=$SECONDS i
    if [ "$resumed" = 1 ]; then
        dn_say "resuming from $DN_DIR (--fresh or make devnet-clean starts over)"
        for ((i = 1; i <= DN_OPS; i++)); do
            [ -f "$DN_DIR/logs/operator$i.log" ] &&
                log_off[operator$i]=$(stat -c %s "$DN_DIR/logs/operator$i.log")
        done
    fi
    dn_up
    dn_say "status page: $AGG/   metrics: $AGG/metrics   logs: $DN_DIR/logs/   Ctrl-C stops everything"
    dn_wait_for 30 dn_agg aggregator_listTasks || dn_die "the aggregator does not answer (logs/aggregator.log)"
    if [ "$resumed" = 1 ]; then
        progress_once 1
        dn_say "earlier runs finished ${#task_done[@]} of the last 200 tasks (aggregator_listTasks lists them)"
    fi
    while :; do
        progress_once
        check_alive
        if [ -n "$first_at" ] && [ -z "${reported:-}" ]; then
            reported=1
            dn_say "first state confirmed $((first_at - t0)) s after start"
        fi
        if [ "$until_n" -gt 0 ] && [ "$confirmed" -ge "$until_n" ]; then
            dn_say "states confirmed: $confirmed; stopping (--until-confirmed)"
            exit 0
        fi
        sleep 1
    done
}

main
