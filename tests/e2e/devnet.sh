#!/usr/bin/env bash
# devnet.sh (e2e): the end-to-end scenarios of the whole AVS, on one devnet built by
# scripts/devnet-lib.sh (the functions make devnet uses): L1 and L2 anvil, contracts in
# simulation mode, the sequencer, 4 operators with their provers, the aggregator; loopback only.
# The scenarios run in order on the same devnet, each bounded (waits of at most 60 s):
#   1 happy path: states of both identifiers confirmed on chain, equal to the L2 node's blocks
#   2 a faulty prover: the correct state is confirmed, the wrong one never; the conflict is
#     visible in the aggregator
#   3 an operator's liveness expires (chain time moved past it): its signature is refused as
#     not live; it re-attests and counts again
#   4 the aggregator is killed with -9 with signatures in and no confirmation yet (held by
#     min_wait), restarted: the state is confirmed once, no accepted signature lost
#   5 the L1 anvil stops (state dumped) and restarts from its dump: the daemons keep running
#     and catch up
#   6 an operator deregisters: its signatures are refused, the others keep confirming
# Every process is stopped on every path (trap); MPAVS_KEEP_LOGS=1 keeps the state directory.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/support/tap.sh"
. "$ROOT/scripts/devnet-lib.sh"

DN_DIR=$(mktemp -d /tmp/mpavs-e2e-devnet.XXXXXX)
mkdir -p "$DN_DIR/logs"
DN_BIN=${MPAVS_BIN:-$ROOT/build/bin}
DN_OPS=4
DN_LIVENESS=120 # seconds: short, so scenario 3 moves the chain's clock past it
DN_L2_BLOCK_TIME=2
# Operators re-attest when less than 60 s are left and look every second; operator 4 (below)
# only when less than 5 s are left, and by itself only every hour.
DN_OP_FLAGS=(--liveness-check 1s --liveness-margin 60s)
# Liveness is checked on every submission (no cache), so an expired operator is refused at once.
DN_AGG_FLAGS=(--liveness-cache 0s)
WAIT=60

cleanup() {
    dn_stop_all >/dev/null 2>&1
    if [ -n "${MPAVS_KEEP_LOGS:-}" ]; then echo "# state and logs kept in $DN_DIR"; else rm -rf "$DN_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free block of ports (L1 .. operator metrics = base .. base+75).
for _ in $(seq 20); do
    DN_BASE=$((20000 + (RANDOM % 120) * 100)) # below the ephemeral ports
    dn_port_free "$DN_BASE" && dn_port_free $((DN_BASE + 2)) && dn_port_free $((DN_BASE + 11)) && break
done

# ---- helpers ----

sq() { sqlite3 -readonly -cmd '.timeout 5000' "$DN_DIR/aggregator/aggregator.db" "$1"; }
metric() { # metric NAME_WITH_LABELS: the aggregator's value (0 when absent)
    curl -sf --max-time 5 "$AGG/metrics" | awk -v k="$1" '$1 == k {print int($2); f=1} END {if (!f) print 0}'
}
metric_above() { [ "$(metric "$1")" -gt "$2" ]; }
tasks() { dn_agg aggregator_listTasks "{\"status\":\"$1\",\"limit\":200}" | jq -c '.tasks[]'; }
task() { dn_agg aggregator_getTask "{\"taskId\":$1}"; }
max_task() { dn_agg aggregator_listTasks '{"limit":1}' | jq '.tasks[0].taskId // 0'; }
l1_block() { cast block-number --rpc-url "$L1"; }
# L2 block headers (hash, stateRoot) of blocks 0..$1 in one JSON-RPC batch, into l2blocks.json;
# blk N FIELD reads them.
l2_loaded=-1
load_l2_blocks() {
    local b req="["
    for ((b = 0; b <= $1; b++)); do
        req+=$(printf '{"jsonrpc":"2.0","id":%d,"method":"eth_getBlockByNumber","params":["0x%x",false]}' "$b" "$b")
        [ "$b" -lt "$1" ] && req+=","
    done
    curl -sf --max-time 30 -H 'content-type: application/json' -d "$req]" "$L2" |
        jq 'map({key: (.id | tostring), value: {hash: .result.hash, stateRoot: .result.stateRoot}})
            | from_entries' >"$DN_DIR/l2blocks.json" && l2_loaded=$1
}
blk() { jq -r --arg n "$1" --arg f "$2" '.[$n][$f]' "$DN_DIR/l2blocks.json" | sed 's/^0x//'; }
addr_hex() { local a; a=$(dn_op_addr "$1"); a=${a#0x}; echo "${a,,}"; }
liveness_proofs() { grep -c '"liveness proof mined"' "$DN_DIR/logs/operator$1.log"; }
show_log() { tail -n "${2:-15}" "$DN_DIR/logs/$1.log" | sed 's/^/#   /'; }

# The state the L2 node's blocks give for a task (docs/protocol.md sections 1 and 8.1).
expected_state() {
    local id=$1 m=$2 f l x hashes=""
    if [ "$id" = 1 ]; then
        f=$(dn_word "$m" 1)
        echo "0x$(blk "$f" hash)$(blk "$f" stateRoot)"
    else
        f=$(dn_word "$m" 2) l=$(dn_word "$m" 3)
        for ((x = f; x <= l; x++)); do hashes+=$(blk "$x" hash); done
        echo "0x$(blk $((f - 1)) stateRoot)$(blk "$l" stateRoot)$(cast keccak "0x$hashes" | sed 's/^0x//')"
    fi
}

chain_hash() {
    cast call --rpc-url "$L1" "$(dn_dep serviceManager)" \
        'confirmedStateHash(uint256,bytes)(bytes32)' "$1" "$2"
}

# check_confirmed TASK_JSON: the aggregator's confirmed hash, the chain's and keccak256 of the
# L2's state agree. Prints a reason and fails otherwise.
check_confirmed() {
    local id m want got chain
    id=$(jq -r .identifier <<<"$1") m=$(jq -r .metadata <<<"$1")
    [ "$(dn_word "$m" $((id == 1 ? 1 : 3)))" -le "$l2_loaded" ] ||
        load_l2_blocks "$(cast block-number --rpc-url "$L2")"
    want=$(cast keccak "$(expected_state "$id" "$m")")
    got=$(jq -r .confirmedStateHash <<<"$1")
    chain=$(chain_hash "$id" "$m")
    [ "$want" = "$got" ] && [ "$want" = "$chain" ] && return 0
    echo "# task $(jq -r .taskId <<<"$1"): L2 gives $want, aggregator $got, chain $chain"
    return 1
}

conflicts_on_chain() {
    cast logs --rpc-url "$L1" --from-block 0 --address "$(dn_dep serviceManager)" --json \
        'StateConflict(uint256 indexed,bytes32 indexed,bytes32 indexed,bytes32,bytes,uint32,bytes32)' |
        jq length
}

confirmed_events() { # confirmed_events METADATA: StateConfirmed events for it
    cast logs --rpc-url "$L1" --from-block 0 --address "$(dn_dep serviceManager)" --json \
        'StateConfirmed(uint256 indexed,bytes32 indexed,bytes32 indexed,bytes,bytes,uint32,bytes32)' \
        "" "$(cast keccak "$1")" | jq length
}

# a confirmed task of identifier $1 with an id above $2 (prints it)
confirmed_after() {
    tasks confirmed | jq -c --argjson id "$1" --argjson after "$2" \
        'select(.identifier == $id and .taskId > $after)' | tail -1 | grep .
}

# signers of task $1 in the aggregator's database (lower-case hex addresses)
signers() { sq "SELECT lower(hex(operator)) FROM response WHERE task_id = $1 ORDER BY 1"; }

# ---- setup ----

setup() {
    dn_init
    dn_start_l1
    dn_start_l2
    dn_deploy
    dn_aggregator_key
    dn_register_all
    dn_l1_interval
    dn_start_sequencer
    dn_start_traffic
    local i
    for ((i = 1; i <= DN_OPS; i++)); do dn_start_prover "$i"; done
    dn_start_aggregator
    for ((i = 1; i < DN_OPS; i++)); do dn_start_operator "$i"; done
    dn_start_operator "$DN_OPS" --liveness-margin 5s --liveness-check 1h
}
setup >"$DN_DIR/logs/setup.out" 2>&1 || {
    notok "devnet setup" "$(tail -5 "$DN_DIR/logs/setup.out")"
    exit 1
}
ok "devnet up: L1, L2, contracts, sequencer, $DN_OPS provers, operators, aggregator"

# ---- 1 happy path ----

s1() {
    local id t
    for id in 1 2; do
        if ! dn_wait_for $WAIT confirmed_after "$id" 0; then
            notok "1 happy path: a state of identifier $id confirmed within ${WAIT}s"
            show_log aggregator
            return
        fi
        t=$(confirmed_after "$id" 0)
        if check_confirmed "$t"; then
            ok "1 happy path: identifier $id state confirmed on chain equals the L2 node's blocks"
        else
            notok "1 happy path: identifier $id state confirmed on chain equals the L2 node's blocks"
        fi
    done
    same "1 happy path: signatures of all 4 operators accepted" \
        "$(sq 'SELECT count(DISTINCT operator) FROM response')" 4
    s1_reexec
}

# The provers re-executed the L2's blocks (issue 16).
s1_reexec() {
    local meta
    meta=$(curl -sf --max-time 5 -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"prover_metadata","params":[]}' "$(dn_prover_url 1)")
    if jq -e '.result.executor == "reexec" and .result.proves == "execution"
              and .result.execution.blocksExecuted > 0' <<<"$meta" >/dev/null; then
        ok "1 happy path: prover 1 re-executed $(jq .result.execution.blocksExecuted <<<"$meta") L2 blocks"
    else
        notok "1 happy path: prover 1 re-executes the L2 blocks" "$meta"
    fi
}
s1

# ---- 2 faulty prover ----

# a task above $1 whose responses hold two states (prints its id)
conflict_after() {
    sq "SELECT task_id FROM response WHERE task_id > $1 GROUP BY task_id
        HAVING count(DISTINCT state_hash) > 1 ORDER BY task_id LIMIT 1" | grep .
}
task_confirmed() { [ "$(task "$1" | jq -r .status)" = confirmed ]; }

s2() {
    local from
    from=$(max_task)
    dn_stop prover4
    # under re-execution the faulty prover really computes another post-state root
    if [ "$DN_EXECUTOR" = reexec ]; then
        dn_start_prover 4 --fault-wrong-execution
    else
        dn_start_prover 4 --fault-wrong-state
    fi
    s2_checks "$from"
    # an honest prover again (a new enclave: operator 4 attests it before signing)
    dn_stop prover4
    dn_start_prover 4
}

s2_checks() {
    local from=$1 id t states
    if ! dn_wait_for $WAIT conflict_after "$from"; then
        notok "2 faulty prover: its operator signs a wrong state"
        show_log operator4
        show_log prover4 5
        return
    fi
    id=$(conflict_after "$from")
    ok "2 faulty prover: its operator signs a wrong state (task $id)"
    dn_wait_for $WAIT task_confirmed "$id"
    t=$(task "$id")
    states=$(jq -c '[.states[] | {signers, thresholdsMet}] | sort_by(.signers)' <<<"$t")
    same "2 faulty prover: the aggregator shows the conflict (two states, the wrong one short)" \
        "$states" '[{"signers":1,"thresholdsMet":false},{"signers":3,"thresholdsMet":true}]'
    if curl -sf --max-time 5 "$AGG/" | grep -q 'class="conflict"'; then
        ok "2 faulty prover: the status page marks the conflict"
    else
        notok "2 faulty prover: the status page marks the conflict"
    fi
    if [ "$(jq -r .status <<<"$t")" = confirmed ] && check_confirmed "$t"; then
        ok "2 faulty prover: the correct state is confirmed"
    else
        notok "2 faulty prover: the correct state is confirmed" "$t"
    fi
    same "2 faulty prover: the wrong state never reaches the chain (no StateConflict)" \
        "$(conflicts_on_chain)" 0
}
s2

# ---- 3 liveness expiry ----

op_live_until() { dn_op_status "$1" | jq .liveness.liveUntil; }
chain_time() { cast block --rpc-url "$L1" latest --field timestamp; }
advance() { cast rpc --rpc-url "$L1" evm_increaseTime "$1" >/dev/null && cast rpc --rpc-url "$L1" evm_mine >/dev/null; }
proofs_above() { # proofs_above N1 N2 N3: operators 1..3 each sent a proof after these counts
    [ "$(liveness_proofs 1)" -gt "$1" ] && [ "$(liveness_proofs 2)" -gt "$2" ] &&
        [ "$(liveness_proofs 3)" -gt "$3" ]
}
op4_counts_after() { # a confirmed task above $1 that operator 4 signed
    local t id
    while IFS= read -r t; do
        id=$(jq .taskId <<<"$t")
        [ "$id" -gt "$1" ] && signers "$id" | grep -qx "$(addr_hex 4)" && return 0
    done < <(tasks confirmed)
    return 1
}
# operator 4 is live with its current prover's enclave
op4_live() {
    local enclave
    enclave=$("$DN_BIN/mpavs" prover call prover_metadata --url "$(dn_prover_url 4)" | jq -r .enclaveAddress)
    dn_op_status 4 | jq -e --arg e "${enclave,,}" '.liveness.live and (.liveness.enclave | ascii_downcase) == $e'
}

s3() {
    local until now p1 p2 p3 p4 refused from
    if ! dn_wait_for $WAIT op4_live; then
        notok "3 liveness: operator 4 is live with its prover's enclave"
        return
    fi
    until=$(op_live_until 4) now=$(chain_time)
    p1=$(liveness_proofs 1) p2=$(liveness_proofs 2) p3=$(liveness_proofs 3) p4=$(liveness_proofs 4)
    # 20 s before operator 4's expiry: operators 1-3 (margin 60 s) renew, operator 4 (5 s) not
    advance $((until - now - 20))
    if ! dn_wait_for $WAIT proofs_above "$p1" "$p2" "$p3"; then
        notok "3 liveness: operators 1-3 renew their liveness ahead of expiry"
        return
    fi
    ok "3 liveness: operators 1-3 renew their liveness ahead of expiry"
    refused=$(metric 'mpavs_aggregator_submissions_total{result="not_live"}')
    from=$(max_task)
    advance 25 # operator 4 expired; the others are live for about 100 s more
    if dn_wait_for $WAIT metric_above 'mpavs_aggregator_submissions_total{result="not_live"}' "$refused"; then
        ok "3 liveness: the expired operator's signature is refused as not live"
    else
        notok "3 liveness: the expired operator's signature is refused as not live"
        show_log operator4
    fi
    if dn_wait_for $WAIT op4_counts_after "$from" && [ "$(liveness_proofs 4)" -gt "$p4" ]; then
        ok "3 liveness: it re-attests and its signature counts again"
    else
        notok "3 liveness: it re-attests and its signature counts again" \
            "liveness proofs of operator 4: $p4 -> $(liveness_proofs 4)"
        show_log operator4
    fi
}
s3

# ---- 4 aggregator kill -9 ----

# an open task above $1 with a state that met the thresholds (held by min_wait); prints its id
ready_open_after() {
    local t
    t=$(tasks open | jq -c --argjson a "$1" 'select(.taskId > $a)' | tail -1 | grep .) || return 1
    task "$(jq .taskId <<<"$t")" | jq -e 'select(any(.states[]; .thresholdsMet)) | .taskId'
}

s4() {
    local from id before after ev subs
    from=$(max_task)
    dn_stop aggregator
    dn_start_aggregator --min-wait 40s
    if ! dn_wait_for $WAIT ready_open_after "$from"; then
        notok "4 aggregator kill -9: a task has its signatures, not yet confirmed"
        show_log aggregator
        return
    fi
    id=$(ready_open_after "$from")
    before=$(signers "$id" | tr '\n' ' ')
    dn_stop aggregator KILL
    ok "4 aggregator kill -9 with task $id's signatures in (${before% })"
    dn_start_aggregator
    if ! dn_wait_for $WAIT task_confirmed "$id"; then
        notok "4 aggregator kill -9: confirmed after the restart"
        show_log aggregator
        return
    fi
    after=$(signers "$id" | tr '\n' ' ')
    same "4 aggregator kill -9: no accepted signature lost" \
        "$(comm -23 <(tr ' ' '\n' <<<"$before" | grep .) <(tr ' ' '\n' <<<"$after" | grep .) | wc -l)/$(wc -w <<<"$before")" \
        "0/$(wc -w <<<"$before")"
    ev=$(confirmed_events "$(task "$id" | jq -r .metadata)")
    subs=$(sq "SELECT count(*) FROM submission WHERE task_id = $id AND tx_hash IS NOT NULL")
    same "4 aggregator kill -9: confirmed once (events on chain / our transactions)" "$ev/$subs" "1/1"
}
s4

# ---- 5 L1 away ----

s5() {
    local from i alive=1 name
    from=$(max_task)
    dn_stop anvil-l1
    sleep 10
    for name in aggregator sequencer prover1 operator1 operator2 operator3 operator4; do
        dn_running "$name" || {
            alive=0
            echo "# $name exited while L1 was away"
        }
    done
    dn_start_l1
    dn_l1_interval
    if [ "$alive" = 1 ]; then
        ok "5 L1 away 10 s: every daemon keeps running"
    else
        notok "5 L1 away 10 s: every daemon keeps running"
    fi
    for i in 1 2; do
        if dn_wait_for $WAIT confirmed_after "$i" "$from"; then
            ok "5 L1 back from its state dump: a new identifier $i state is confirmed"
        else
            notok "5 L1 back from its state dump: a new identifier $i state is confirmed"
            show_log aggregator 10
        fi
    done
}
s5

# ---- 6 deregistration ----

# a confirmed task above $1 whose reference block is at or past L1 block $2 (prints it)
confirmed_ref_after() {
    tasks confirmed | jq -c --argjson a "$1" --argjson at "$2" \
        'select(.taskId > $a and .referenceBlockNumber >= $at)' | tail -1 | grep .
}

s6() {
    local at from t id refused accepted
    refused=$(metric 'mpavs_aggregator_submissions_total{result="not_registered"}')
    if ! dn_op_deregister 4; then
        notok "6 deregistration: mpavs operator deregister" "$(tail -3 "$DN_DIR/logs/register-op4.log")"
        return
    fi
    at=$(l1_block)
    from=$(max_task)
    ok "6 deregistration: operator 4 deregistered at L1 block $at"
    if ! dn_wait_for $WAIT confirmed_ref_after "$from" "$at"; then
        notok "6 deregistration: the other operators keep confirming"
        show_log aggregator 10
        return
    fi
    t=$(confirmed_ref_after "$from" "$at")
    id=$(jq .taskId <<<"$t")
    ok "6 deregistration: the other operators keep confirming (task $id)"
    accepted=$(sq "SELECT count(*) FROM response r JOIN task t ON t.id = r.task_id
            WHERE t.reference_block >= $at AND lower(hex(r.operator)) = '$(addr_hex 4)'")
    # It is refused as not registered (-32003), or it stops by itself once its liveness loop
    # sees the deregistration; either way nothing of it is accepted.
    echo "# not_registered refusals: $(($(metric 'mpavs_aggregator_submissions_total{result="not_registered"}') - refused))"
    same "6 deregistration: no signature of it accepted for a task past the deregistration" "$accepted" 0
}

s6

# ---- every state ever confirmed ----

bad=0 all=0
while IFS= read -r t; do
    all=$((all + 1))
    check_confirmed "$t" || bad=$((bad + 1))
done < <(tasks confirmed)
same "every confirmed state ($all) equals the L2 node's, on chain and in the aggregator" "$bad" 0

# The L2 blocks carry the traffic generator's transactions (so re-execution ran on them).
check_traffic() {
    local txs=0 b head
    head=$(cast block-number --rpc-url "$L2")
    for ((b = 2; b <= head; b++)); do
        txs=$((txs + $(cast block --rpc-url "$L2" "$b" --json | jq '.transactions | length')))
    done
    if [ "$txs" -gt 0 ]; then
        ok "L2 traffic: the L2 blocks carry traffic ($txs transactions in $((head - 1)) blocks)"
    else
        notok "L2 traffic: the L2 blocks carry traffic" "no transaction in blocks 2..$head"
    fi
}
check_traffic

# ---- clean shutdown ----

dn_stop_all >/dev/null
bad=""
for name in aggregator prover1 prover2 prover3 prover4 operator1 operator2 operator3 operator4; do
    [ "${DN_STATUS[$name]:-none}" = 0 ] || bad+=" $name:${DN_STATUS[$name]:-none}"
done
same "SIGTERM: every daemon exits 0" "${bad:-none}" none
same "no sanitizer report in any log" "$(grep -l -i -E 'Sanitizer|runtime error' "$DN_DIR"/logs/*.log | wc -l)" 0
