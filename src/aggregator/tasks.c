/*
** tasks.c: the aggregator's tasks in memory (sorted by id), their per-state
** aggregates, the identifier 1 task source (one task every block_interval
** blocks of the L2 node, the last issued block kept in the kv table), expiry,
** and the task JSON of the wire protocol.
*/
#include "agg.h"

#include "mpavs/ethrpc.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/log.h"
#include "mpavs/stateheader.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

#define KEEP_CLOSED 64 /* closed tasks kept in memory for the status page */

static const char *const status_names[] = {
    "open", "confirming", "confirmed", "confirmed_elsewhere", "expired", "failed", "reorged"};

_Static_assert(sizeof status_names / sizeof *status_names == AGG_REORGED + 1,
               "a name for every status");

const char *agg_status_name(agg_status s)
{
    return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : "unknown";
}

int agg_status_parse(const char *name)
{
    for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
        if (strcmp(name, status_names[i]) == 0)
            return (int)i;
    return -1;
}

agg_task *agg_task_find(agg_ctx *c, uint64_t id)
{
    size_t lo = 0, hi = c->n_tasks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->tasks[mid].id == id)
            return &c->tasks[mid];
        if (c->tasks[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

agg_task *agg_task_add(agg_ctx *c, const agg_task *t, mp_err *err)
{
    if (c->n_tasks == c->cap_tasks) {
        size_t cap = c->cap_tasks ? 2 * c->cap_tasks : 64;
        agg_task *grown = realloc(c->tasks, cap * sizeof *grown);
        if (grown == NULL) {
            MP_FAIL(err, MP_ERR_NOMEM, "out of memory for tasks");
            return NULL;
        }
        c->tasks = grown;
        c->cap_tasks = cap;
    }
    size_t at = c->n_tasks; /* usually the end: ids grow */
    while (at > 0 && c->tasks[at - 1].id > t->id)
        at--;
    memmove(&c->tasks[at + 1], &c->tasks[at], (c->n_tasks - at) * sizeof *c->tasks);
    c->tasks[at] = *t;
    c->n_tasks++;
    return &c->tasks[at];
}

/* A state's signed stake per committee quorum, summed over the responses
 * t->resps[0 .. seen) (t->resps only grows): each readiness check adds the
 * responses that arrived since the last one. Summing them all again cost
 * O(committee) comparisons per submission and per task at every confirmation
 * check, under agg_ctx.mu: 20,000 per submission with 1,000 operators. */
struct agg_stake_memo {
    const mp_agg_committee_state *cs; /* the committee summed against */
    size_t seen;
    bool *counted;     /* per member of cs: its stake is in sum */
    uint8_t sum[][32]; /* per set of cs */
};

static void stake_memo_free(agg_state *st)
{
    if (st->stake)
        free(st->stake->counted);
    free(st->stake);
    st->stake = NULL;
}

void agg_task_free(agg_task *t)
{
    for (size_t i = 0; i < t->n_states; i++) {
        free(t->states[i].bytes);
        stake_memo_free(&t->states[i]);
    }
    free(t->states);
    free(t->resps);
    if (t->cs) {
        mp_agg_committee_free(t->cs);
        free(t->cs);
    }
    memset(t, 0, sizeof *t);
}

size_t agg_task_state(agg_task *t, const uint8_t hash[32], const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < t->n_states; i++)
        if (memcmp(t->states[i].hash, hash, 32) == 0)
            return i;
    agg_state *grown = realloc(t->states, (t->n_states + 1) * sizeof *grown);
    if (grown == NULL)
        return SIZE_MAX;
    t->states = grown;
    agg_state *s = &t->states[t->n_states];
    memset(s, 0, sizeof *s);
    memcpy(s->hash, hash, 32);
    s->bytes = malloc(len ? len : 1);
    if (s->bytes == NULL)
        return SIZE_MAX;
    memcpy(s->bytes, bytes ? bytes : (const uint8_t *)"", len);
    s->len = len;
    return t->n_states++;
}

void agg_task_recount(agg_task *t)
{
    for (size_t i = 0; i < t->n_states; i++) {
        t->states[i].n_signers = 0;
        stake_memo_free(&t->states[i]);
    }
    for (size_t i = 0; i < t->n_resps; i++)
        t->states[t->resps[i].state].n_signers++;
}

/* st's memo for committee cs and n_resps responses, new if it was summed
 * against another committee or more responses; NULL when out of memory. */
static struct agg_stake_memo *stake_memo(agg_state *st, const mp_agg_committee_state *cs,
                                         size_t n_resps)
{
    if (st->stake && st->stake->cs == cs && st->stake->seen <= n_resps)
        return st->stake;
    stake_memo_free(st);
    struct agg_stake_memo *m = calloc(1, sizeof *m + cs->state.n_sets * sizeof m->sum[0]);
    if (m && (m->counted = calloc(cs->n_members ? cs->n_members : 1, sizeof *m->counted)) == NULL) {
        free(m);
        m = NULL;
    }
    if (m)
        m->cs = cs;
    return st->stake = m;
}

/* False also when out of memory: the next confirmation check asks again. */
bool agg_task_state_ready(const agg_task *t, size_t s)
{
    if (t->cs == NULL || t->cs->state.n_sets > MP_CHECKSIG_MAX_QUORUMS)
        return false;
    struct agg_stake_memo *m = stake_memo(&t->states[s], t->cs, t->n_resps);
    if (m == NULL)
        return false;
    for (; m->seen < t->n_resps; m->seen++) {
        const agg_resp *r = &t->resps[m->seen];
        long k = r->state == s ? mp_agg_committee_find(t->cs, r->operator_addr) : -1;
        if (k >= 0 && !m->counted[k]) {
            m->counted[k] = true;
            mp_agg_add_signer(t->cs, (size_t)k, m->sum);
        }
    }
    return mp_agg_meets_thresholds(t->cs, (const uint8_t(*)[32])m->sum);
}

/* ---- JSON ---- */

/* Per-state progress: signers and signed/total stake per quorum (decimal strings). */
static json_t *progress_json(const agg_task *t)
{
    json_t *arr = json_array();
    for (size_t s = 0; s < t->n_states; s++) {
        json_t *q = json_array();
        bool met = agg_task_state_ready(t, s); /* brings the state's stake memo up to date */
        const struct agg_stake_memo *m = t->states[s].stake;
        if (t->cs && m && m->cs == t->cs) {
            for (size_t i = 0; i < t->cs->state.n_sets; i++) {
                char sd[MP_U256_DEC_MAX], td[MP_U256_DEC_MAX];
                mp_u256_to_dec(sd, m->sum[i]);
                mp_u256_to_dec(td, t->cs->total_stake[i]);
                json_array_append_new(q, json_pack("{s:i, s:s, s:s, s:i}", "quorum",
                                                   t->cs->state.sets[i].quorum, "signedStake", sd,
                                                   "totalStake", td, "thresholdPercent",
                                                   t->cs->committee.thresholds[i]));
            }
        }
        json_array_append_new(
            arr,
            json_pack("{s:o, s:o, s:I, s:o, s:b}", "stateHash",
                      mp_json_hex_new(t->states[s].hash, 32, MP_JSON_0X), "state",
                      mp_json_hex_new(t->states[s].bytes, t->states[s].len, MP_JSON_0X), "signers",
                      (json_int_t)t->states[s].n_signers, "quorums", q, "thresholdsMet", met));
    }
    return arr;
}

json_t *agg_task_json(const agg_task *t, bool progress)
{
    json_t *o =
        json_pack("{s:I, s:I, s:o, s:I, s:I}", "taskId", (json_int_t)t->id, "identifier",
                  (json_int_t)t->identifier, "metadata",
                  mp_json_hex_new(t->metadata, t->metadata_len, MP_JSON_0X), "referenceBlockNumber",
                  (json_int_t)t->reference_block, "expiresAt", (json_int_t)t->expires_at);
    if (o == NULL || !progress)
        return o;
    static const uint8_t zero[32];
    json_object_set_new(o, "status", json_string(agg_status_name(t->status)));
    json_object_set_new(o, "reason", json_string(t->reason));
    json_object_set_new(o, "createdAt", json_integer(t->created_at));
    json_object_set_new(o, "responses", json_integer((json_int_t)t->n_resps));
    json_object_set_new(o, "states", progress_json(t));
    if (memcmp(t->confirmed_hash, zero, 32) != 0)
        json_object_set_new(o, "confirmedStateHash",
                            mp_json_hex_new(t->confirmed_hash, 32, MP_JSON_0X));
    if (t->has_tx) {
        json_object_set_new(o, "txHash", mp_json_hex_new(t->tx_hash, 32, MP_JSON_0X));
        json_object_set_new(o, "gasUsed", json_integer((json_int_t)t->gas_used));
    }
    return o;
}

/* ---- identifier 1: a task every block_interval L2 blocks ---- */

/* Issues the task for L2 block b (under c->mu). */
static int issue_l2_block_task(agg_ctx *c, uint64_t b, mp_err *err)
{
    agg_task t = {0};
    t.identifier = MP_STATE_L2_BLOCK;
    mp_state_l2block_metadata(t.metadata, c->dep.l2_chain_id, b);
    t.metadata_len = 64;
    t.reference_block = (uint32_t)(c->l1_head - (uint64_t)c->cfg->reference_lag);
    t.created_at = agg_now_s();
    t.expires_at = t.created_at + c->cfg->task_ttl_ms / 1000;
    t.status = AGG_OPEN;
    MP_TRY(mp_store_begin(c->db, err));
    int rc = agg_db_insert_task(c, &t, err);
    if (rc == MP_OK)
        rc = agg_db_set_u64(c, "l2_block_task", b, err);
    if (rc == MP_OK)
        rc = mp_store_commit(c->db, err);
    if (rc != MP_OK) {
        mp_store_rollback(c->db);
        return rc;
    }
    agg_task *added = agg_task_add(c, &t, err);
    if (added == NULL)
        return MP_ERR_NOMEM;
    agg_task_prefetch_committee(c, added);
    c->last_l2_task = b;
    agg_count(c->m.tasks, "issued", 1);
    MP_INFO(&c->d->log, "task issued", MP_LU64("task", t.id), MP_LU64("identifier", 1),
            MP_LU64("l2_block", b), MP_LU64("reference_block", t.reference_block));
    return MP_OK;
}

void agg_tasks_poll(agg_ctx *c)
{
    mp_err err = {0};
    uint64_t l1 = 0, l2 = 0;
    mp_rpc *r = agg_rpc_get(c);
    int rc = mp_eth_block_number(r, &l1, &err);
    agg_rpc_put(c, r);
    if (rc == MP_OK && c->l2_ready && c->have_committee[0])
        rc = mp_eth_block_number(&c->l2, &l2, &err);
    if (rc != MP_OK) {
        MP_WARN(&c->d->log, "chain head poll failed", "error", err.msg);
        return;
    }
    uint64_t n = (uint64_t)c->cfg->block_interval;
    bool issued = false;
    pthread_mutex_lock(&c->mu);
    c->l1_head = l1;
    if (l1 > (uint64_t)c->cfg->reference_lag && c->l2_ready && c->have_committee[0]) {
        uint64_t next = c->last_l2_task ? c->last_l2_task + n : (l2 / n) * n;
        if (next == 0)
            next = n;
        /* Past blocks only once each; a long outage issues the latest, not a backlog. */
        if (l2 >= next + 8 * n)
            next = (l2 / n) * n;
        for (; next <= l2 && rc == MP_OK; next += n) {
            rc = issue_l2_block_task(c, next, &err);
            issued = issued || rc == MP_OK;
        }
    }
    pthread_mutex_unlock(&c->mu);
    if (rc != MP_OK)
        MP_ERROR(&c->d->log, "cannot issue a task", "error", err.msg);
    if (issued)
        agg_api_notify_task(c);
}

/* ---- expiry and trimming ---- */

/* Why an open task ended unconfirmed, for its record. */
static void expiry_reason(const agg_task *t, char *out, size_t cap)
{
    if (t->n_resps == 0) {
        snprintf(out, cap, "expired: no valid responses");
        return;
    }
    size_t best = 0;
    for (size_t i = 1; i < t->n_states; i++)
        if (t->states[i].n_signers > t->states[best].n_signers)
            best = i;
    snprintf(out, cap, "expired: thresholds not met (%zu responses, %zu states, best %zu signers)",
             t->n_resps, t->n_states, t->n_states ? t->states[best].n_signers : 0);
}

void agg_tasks_expire(agg_ctx *c)
{
    int64_t now = agg_now_s();
    for (size_t i = 0; i < c->n_tasks; i++) {
        agg_task *t = &c->tasks[i];
        if (t->status != AGG_OPEN || now < t->expires_at)
            continue;
        mp_err err = {0};
        t->status = AGG_EXPIRED;
        expiry_reason(t, t->reason, sizeof t->reason);
        if (agg_db_update_task(c, t, &err) != MP_OK)
            MP_ERROR(&c->d->log, "cannot record an expiry", "error", err.msg);
        agg_count(c->m.tasks, "expired", 1);
        MP_INFO(&c->d->log, "task expired", MP_LU64("task", t->id), "reason", t->reason);
    }
}

void agg_tasks_trim(agg_ctx *c)
{
    size_t closed = 0;
    for (size_t i = c->n_tasks; i-- > 0;)
        if (c->tasks[i].status != AGG_OPEN && c->tasks[i].status != AGG_CONFIRMING)
            closed++;
    size_t w = 0;
    for (size_t i = 0; i < c->n_tasks; i++) {
        agg_task *t = &c->tasks[i];
        bool closed_one = t->status != AGG_OPEN && t->status != AGG_CONFIRMING;
        if (closed_one && closed > KEEP_CLOSED) {
            closed--;
            agg_task_free(t);
            continue;
        }
        if (w != i)
            c->tasks[w] = *t;
        w++;
    }
    c->n_tasks = w;
}
