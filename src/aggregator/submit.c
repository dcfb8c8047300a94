/*
** submit.c: aggregator_submitTask. A submission counts only after every check
** of docs/aggregator.md ("Validation"), in this order: well-formed fields, the
** task exists and is open, the header equals the task's, the operator is in
** the committee at the reference block with that operatorId, a repeat is a
** duplicate (idempotent) and another state is equivocation (recorded), the BLS
** signature, the prover signature, liveness. Then it is written to the
** database (fsync'd) before the answer, and the task's aggregate moves.
**
** The server thread runs the checks a submission needs alone (up to the
** duplicate check, and the prover signature's recovery, reported after the
** BLS check) and hands it to the pipeline (pipeline.c), which verifies the
** BLS signatures of everything that arrived meanwhile at once, commits them
** with one fsync and answers. Chain reads (the committee at the reference
** block, liveness) run without the context lock; the task is looked up again
** afterwards by id.
*/
#include "agg.h"

#include "mpavs/bn254_g1.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/log.h"
#include "mpavs/secp.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {
    "taskId",   "identifier", "metadata",     "state",           "referenceBlockNumber",
    "operator", "operatorId", "blsSignature", "proverSignature", "enclaveAddress",
    NULL};

static int parse(agg_job *s, json_t *params, mp_err *err)
{
    json_t *o;
    size_t n;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_check_keys(o, "params[0]", fields, err));
    MP_TRY(mp_json_get_u64(o, "taskId", 1, INT64_MAX, &s->task_id, err));
    MP_TRY(mp_json_get_u64(o, "identifier", 0, INT64_MAX, &s->identifier, err));
    MP_TRY(mp_json_get_hex_max(o, "metadata", MP_JSON_0X, s->metadata, 0, AGG_MAX_METADATA,
                               &s->metadata_len, err));
    MP_TRY(mp_json_get_hex_max(o, "state", MP_JSON_0X, s->state, 0, AGG_MAX_STATE, &s->state_len,
                               err));
    MP_TRY(mp_json_get_u64(o, "referenceBlockNumber", 0, UINT32_MAX, &s->reference_block, err));
    MP_TRY(mp_json_get_address(o, "operator", s->r.operator_addr, err));
    MP_TRY(mp_json_get_word(o, "operatorId", s->operator_id, err));
    MP_TRY(mp_json_get_hex(o, "blsSignature", MP_JSON_0X, s->bls, 64, err));
    MP_TRY(mp_json_get_hex(o, "proverSignature", MP_JSON_0X, s->prover_sig, 65, err));
    MP_TRY(mp_json_get_address(o, "enclaveAddress", s->r.enclave, err));
    (void)n;
    if (mp_bn254_g1_decode(&s->r.bls_sig, s->bls, NULL) != MP_OK)
        return MP_FAIL(err, MP_ERR_INVALID, "blsSignature is not a point of G1");
    memcpy(s->r.prover_sig, s->prover_sig, 65);
    return MP_OK;
}

static const char *reason_label(int code)
{
    switch (code) {
    case MP_WIRE_UNKNOWN_TASK:
        return "unknown_task";
    case MP_WIRE_HEADER_MISMATCH:
        return "header_mismatch";
    case MP_WIRE_NOT_REGISTERED:
        return "not_registered";
    case MP_WIRE_BAD_BLS:
        return "bad_bls_signature";
    case MP_WIRE_BAD_PROVER_SIG:
        return "bad_prover_signature";
    case MP_WIRE_NOT_LIVE:
        return "not_live";
    case MP_WIRE_EQUIVOCATION:
        return "equivocation";
    case MP_WIRE_TASK_CLOSED:
        return "task_closed";
    default:
        return "invalid_params";
    }
}

int agg_reject(agg_ctx *c, mp_rpcs_call *call, mp_err *err, int code, const char *msg)
{
    agg_count(c->m.submissions, reason_label(code), 1);
    return mp_rpcs_fail(call, err, code, "%s", msg);
}

int agg_find_task(agg_ctx *c, const agg_job *s, agg_task **out, int *code, char *msg, size_t cap)
{
    agg_task *t = agg_task_find(c, s->task_id);
    *out = t;
    if (t == NULL) {
        *code = MP_WIRE_UNKNOWN_TASK;
        snprintf(msg, cap, "task %llu was not issued by this aggregator or is no longer kept",
                 (unsigned long long)s->task_id);
    } else if (t->status != AGG_OPEN || agg_now_s() >= t->expires_at) {
        *code = MP_WIRE_TASK_CLOSED;
        snprintf(msg, cap, "task %llu is %s", (unsigned long long)t->id,
                 t->status == AGG_OPEN ? "expired" : agg_status_name(t->status));
    } else if (s->identifier != t->identifier) {
        *code = MP_WIRE_HEADER_MISMATCH;
        snprintf(msg, cap, "identifier %llu is not the task's (%llu)",
                 (unsigned long long)s->identifier, (unsigned long long)t->identifier);
    } else if (s->metadata_len != t->metadata_len ||
               memcmp(s->metadata, t->metadata, t->metadata_len) != 0) {
        *code = MP_WIRE_HEADER_MISMATCH;
        snprintf(msg, cap, "metadata is not the task's");
    } else if (s->reference_block != t->reference_block) {
        *code = MP_WIRE_HEADER_MISMATCH;
        snprintf(msg, cap, "referenceBlockNumber %llu is not the task's (%u)",
                 (unsigned long long)s->reference_block, t->reference_block);
    } else {
        *code = 0;
    }
    return *code == 0 ? MP_OK : MP_ERR_INVALID;
}

/* Makes sure the task's committee state is loaded (reads the chain unlocked).
 * One thread loads it; the submissions arriving meanwhile wait for that load
 * instead of reading the same committee again (a burst of a new task's
 * responses would otherwise load it once per server thread). */
int agg_task_load_committee(agg_ctx *c, uint64_t task_id, uint64_t identifier, uint32_t ref,
                            mp_err *err)
{
    pthread_mutex_lock(&c->mu);
    agg_task *t = agg_task_find(c, task_id);
    while (t && t->cs == NULL && t->cs_loading) {
        pthread_cond_wait(&c->cs_cv, &c->mu);
        t = agg_task_find(c, task_id);
    }
    bool need = t && t->cs == NULL;
    if (need)
        t->cs_loading = true;
    pthread_mutex_unlock(&c->mu);
    if (!need)
        return MP_OK; /* loaded, or the task is gone (the next lookup says so) */
    size_t k = identifier == 2 ? 1 : 0;
    mp_agg_committee_state *cs = calloc(1, sizeof *cs);
    int rc = cs ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK) {
        mp_rpc *r = agg_rpc_get(c);
        rc = mp_agg_committee_load(cs, r, &c->dep, &c->committees[k], ref, err);
        agg_rpc_put(c, r);
    }
    pthread_mutex_lock(&c->mu);
    t = agg_task_find(c, task_id);
    if (t) {
        t->cs_loading = false;
        /* a task derived again after a reorg may have another reference block */
        if (rc == MP_OK && t->cs == NULL && t->reference_block == ref) {
            t->cs = cs;
            cs = NULL;
            agg_task_restake(t);
        }
    }
    pthread_cond_broadcast(&c->cs_cv); /* on failure a waiter tries the load itself */
    pthread_mutex_unlock(&c->mu);
    if (cs && rc == MP_OK)
        mp_agg_committee_free(cs);
    free(cs);
    return rc;
}

/* A committee load ahead of the first submission (worker thread). */
typedef struct prefetch {
    agg_ctx *c;
    uint64_t task_id, identifier;
    uint32_t ref;
} prefetch;

static void prefetch_work(void *arg)
{
    prefetch *p = arg;
    mp_err err = {0};
    if (agg_task_load_committee(p->c, p->task_id, p->identifier, p->ref, &err) != MP_OK)
        MP_WARN(&p->c->d->log, "cannot load a task's committee ahead (the first submission will)",
                MP_LU64("task", p->task_id), "error", err.msg);
}

static void prefetch_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop, (void)canceled;
    free(arg);
}

void agg_task_prefetch_committee(agg_ctx *c, const agg_task *t)
{
    prefetch *p = malloc(sizeof *p);
    mp_err err = {0};
    if (p == NULL)
        return; /* only an optimisation: the first submission loads it */
    *p = (prefetch){c, t->id, t->identifier, t->reference_block};
    if (mp_loop_submit(c->d->loop, prefetch_work, prefetch_done, p, &err) != MP_OK)
        free(p);
}

int agg_check_operator(agg_ctx *c, agg_task *t, agg_job *s, int *code, char *msg, size_t cap)
{
    const uint8_t *sh = s->state_hash;
    long m = mp_agg_committee_find(t->cs, s->r.operator_addr);
    s->dup = false;
    *code = 0;
    if (m < 0 || memcmp(t->cs->keys[m].id, s->operator_id, 32) != 0) {
        *code = MP_WIRE_NOT_REGISTERED;
        snprintf(msg, cap,
                 m < 0 ? "operator is not registered in the committee's quorums at block %u"
                       : "operatorId is not the operator's registered key id at block %u",
                 t->reference_block);
        return MP_ERR_INVALID;
    }
    s->key = t->cs->keys[m];
    for (size_t i = 0; i < t->n_resps; i++) {
        const agg_resp *r = &t->resps[i];
        if (memcmp(r->operator_addr, s->r.operator_addr, 20) != 0)
            continue;
        const agg_state *st = &t->states[r->state];
        if (memcmp(st->hash, sh, 32) == 0 && memcmp(r->sig_enc, s->bls, 64) == 0) {
            s->dup = true;
            return MP_OK;
        }
        mp_err e2 = {0};
        if (memcmp(st->hash, sh, 32) != 0 &&
            agg_db_insert_equivocation(c, t->id, s->r.operator_addr, st->hash, sh, &e2) != MP_OK)
            MP_ERROR(&c->d->log, "cannot record an equivocation", "error", e2.msg);
        *code = memcmp(st->hash, sh, 32) != 0 ? MP_WIRE_EQUIVOCATION : MP_WIRE_BAD_BLS;
        snprintf(msg, cap,
                 *code == MP_WIRE_EQUIVOCATION
                     ? "equivocation: the operator already signed another state for this task"
                     : "the operator already signed this state with another signature");
        return MP_ERR_INVALID;
    }
    return MP_OK;
}

int agg_accept(agg_ctx *c, agg_task *t, const agg_job *s, mp_err *err)
{
    size_t si = agg_task_state(t, s->state_hash, s->state, s->state_len);
    agg_resp *grown = si == SIZE_MAX ? NULL : realloc(t->resps, (t->n_resps + 1) * sizeof *grown);
    if (grown == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    t->resps = grown;
    agg_resp *r = &t->resps[t->n_resps++];
    memset(r, 0, sizeof *r);
    memcpy(r->operator_addr, s->r.operator_addr, 20);
    memcpy(r->enclave, s->r.enclave, 20);
    r->sig = s->r.bls_sig;
    memcpy(r->sig_enc, s->bls, 64);
    r->state = si;
    r->at_ms = s->row.at_ms;
    t->states[si].n_signers++;
    long m = t->cs ? mp_agg_committee_find(t->cs, r->operator_addr) : -1;
    if (m >= 0 && t->cs->state.n_sets <= MP_CHECKSIG_MAX_QUORUMS)
        mp_agg_add_signer_stake(t->cs, (size_t)m, t->states[si].signed_stake);
    agg_count(c->m.submissions, "accepted", 1);
    if (t->threshold_ms == 0 && agg_task_state_ready(t, si)) {
        t->threshold_ms = agg_now_ms();
        mp_series_observe(mp_metric_series(c->m.to_quorum, NULL),
                          (double)t->threshold_ms / 1000.0 - (double)t->created_at);
    }
    return MP_OK;
}

json_t *agg_submit_result(const agg_job *j)
{
    return json_pack("{s:b, s:b, s:I, s:o}", "accepted", 1, "duplicate", j->dup, "taskId",
                     (json_int_t)j->task_id, "stateHash",
                     mp_json_hex_new(j->state_hash, 32, MP_JSON_0X));
}

void agg_submit_load_committees(agg_ctx *c)
{
    enum { BATCH = 16 };
    uint64_t ids[BATCH], identifiers[BATCH];
    uint32_t refs[BATCH];
    size_t n = 0;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tasks && n < BATCH; i++) {
        const agg_task *t = &c->tasks[i];
        if (t->status == AGG_OPEN && t->cs == NULL && t->n_resps > 0) {
            ids[n] = t->id;
            identifiers[n] = t->identifier;
            refs[n++] = t->reference_block;
        }
    }
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < n; i++) {
        mp_err err;
        if (agg_task_load_committee(c, ids[i], identifiers[i], refs[i], &err) != MP_OK)
            MP_WARN(&c->d->log, "cannot load a reloaded task's committee", MP_LU64("task", ids[i]),
                    "error", err.msg);
    }
}

/* The checks before the pipeline: MP_OK with j ready for it (or j->dup), or
 * the call's failure (a rejection with its code). */
static int precheck(agg_ctx *c, mp_rpcs_call *call, json_t *params, agg_job *j, mp_err *err)
{
    char msg[200];
    int code = 0;
    agg_task *t;
    if (parse(j, params, err) != MP_OK)
        return agg_reject(c, call, err, MP_RPCS_INVALID_PARAMS, err->msg);
    mp_keccak256(j->state_hash, j->state, j->state_len);
    pthread_mutex_lock(&c->mu);
    agg_find_task(c, j, &t, &code, msg, sizeof msg);
    uint32_t ref = t ? t->reference_block : 0;
    pthread_mutex_unlock(&c->mu);
    if (code != 0)
        return agg_reject(c, call, err, code, msg);
    MP_TRY(agg_task_load_committee(c, j->task_id, j->identifier, ref, err));
    /* Header digests and the prover signature need no lock. */
    mp_state_header h = {.metadata = j->metadata,
                         .metadata_len = j->metadata_len,
                         .state = j->state,
                         .state_len = j->state_len,
                         .reference_block = ref};
    mp_u256_from_u64(h.identifier, j->identifier);
    mp_agg_digests_of(&j->dg, &h, c->dep.chain_id, c->dep.service_manager);
    pthread_mutex_lock(&c->mu);
    if (agg_find_task(c, j, &t, &code, msg, sizeof msg) == MP_OK)
        agg_check_operator(c, t, j, &code, msg, sizeof msg);
    pthread_mutex_unlock(&c->mu);
    if (code != 0)
        return agg_reject(c, call, err, code, msg);
    if (j->dup) {
        agg_count(c->m.submissions, "duplicate", 1);
        return MP_OK;
    }
    uint8_t enclave[20];
    j->prover_ok =
        mp_secp_recover_address65(enclave, j->dg.prover, j->r.prover_sig, NULL) == MP_OK &&
        memcmp(enclave, j->r.enclave, 20) == 0;
    return MP_OK;
}

int agg_submit(agg_ctx *c, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg_job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = precheck(c, call, params, j, err);
    if (rc != MP_OK || j->dup) {
        if (rc == MP_OK)
            *result = agg_submit_result(j);
        free(j);
        return rc;
    }
    j->call = call;
    j->deferred = mp_rpcs_defer(call);
    if (j->deferred) {
        agg_pipe_submit(c, j); /* the pipeline answers and frees j */
        return MP_OK;
    }
    agg_pipe_submit(c, j); /* a call in a JSON-RPC batch: wait here */
    rc = j->rc;
    if (rc == MP_OK)
        *result = agg_submit_result(j);
    else
        *err = j->err;
    free(j);
    return rc;
}
