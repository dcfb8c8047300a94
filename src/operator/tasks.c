/*
** tasks.c: the operator's task loop. A task moves RECEIVED -> SIGNED ->
** ACKED (or EXPIRED, FAILED) in the store, each step committed before the
** next begins, so a restart (even after kill -9) resumes every open task
** from where it was: a RECEIVED task is proven again and the signing-safety
** record (opstore.h) returns the signature already given, or refuses if the
** prover now claims another state; a SIGNED task is submitted again.
**
** Each round: expire, work on the open tasks, then long-poll the aggregator
** for new ones (without waiting while some task waits for a retry).
*/
#include "clients.h"
#include "op.h"
#include "mpavs/backoff.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/keccak.h"
#include "mpavs/opstore.h"
#include "mpavs/stateheader.h"
#include "mpavs/store.h"
#include "mpavs/u256.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_OPEN  64
#define MAX_FETCH 32

typedef struct tloop {
    op_ctx *c;
    mp_rpc prover, agg;
    bool prover_ready, agg_ready;
    mp_store *store;
} tloop;

/* What became of one task in this round. */
enum { T_DONE, T_RETRY, T_SIGNED };

static uint64_t now_s(void)
{
    return (uint64_t)time(NULL);
}

static int tloop_open(tloop *t, mp_err *err)
{
    const op_cfg *cfg = t->c->cfg;
    char path[1024];
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.retries = 1;
    MP_TRY(mp_rpc_init(&t->prover, cfg->prover_url, &o, NULL, err));
    t->prover_ready = true;
    o.timeout_ms = cfg->fetch_wait_ms + 10000; /* the long poll answers after fetch_wait */
    MP_TRY(mp_rpc_init(&t->agg, cfg->aggregator_url, &o, NULL, err));
    t->agg_ready = true;
    snprintf(path, sizeof path, "%s/operator.db", cfg->common.data_dir);
    MP_TRY(mp_store_open(&t->store, path, NULL, err));
    return mp_opstore_init(t->store, err);
}

static void tloop_close(tloop *t)
{
    mp_store_close(t->store);
    if (t->agg_ready)
        mp_rpc_close(&t->agg);
    if (t->prover_ready)
        mp_rpc_close(&t->prover);
}

static void task_log(tloop *t, int level, const char *msg, const mp_opstore_task *task,
                     const char *why)
{
    mp_log_kv(&t->c->d->log, level, msg, MP_LU64("task", task->task_id),
              MP_LU64("identifier", task->identifier), "reason", why ? why : "", NULL);
}

/* Records a final outcome; the store error (rare) is logged, the task stays open. */
static int finish(tloop *t, const mp_opstore_task *task, int status, const char *event,
                  const char *why)
{
    mp_err err;
    if (mp_opstore_task_set(t->store, task->task_id, status, why, false, now_s(), &err) != MP_OK) {
        mp_log_err(&t->c->d->log, MP_LOG_ERROR, "store", &err);
        op_count(t->c->m.errors, "store");
        return T_RETRY;
    }
    op_count(t->c->m.tasks, event);
    task_log(t, status == MP_TASK_ACKED ? MP_LOG_INFO : MP_LOG_WARN, event, task, why);
    return T_DONE;
}

/* Keeps the reason of a retry in the task row (for status and the logs). */
static int retry(tloop *t, const mp_opstore_task *task, const char *why, bool attempt)
{
    mp_err err;
    if (mp_opstore_task_set(t->store, task->task_id, task->status, why, attempt, now_s(), &err) !=
        MP_OK)
        op_count(t->c->m.errors, "store");
    task_log(t, MP_LOG_DEBUG, "task retry", task, why);
    return T_RETRY;
}

static bool serves(const op_ctx *c, uint64_t identifier)
{
    for (size_t i = 0; i < c->n_identifiers; i++)
        if (c->identifiers[i] == identifier)
            return true;
    return false;
}

static int bls_signer(void *ctx, const uint8_t digest[32], uint8_t sig[64], mp_err *err)
{
    (void)err;
    op_ctx *c = ctx;
    mp_bn254_g1 s;
    mp_bls_sign(&s, &c->bls, digest);
    mp_bn254_g1_encode(sig, &s);
    return MP_OK;
}

/* The submission goes out only for the enclave the chain has for us: otherwise the
 * aggregator would not count it, so liveness is fixed first. */
static bool enclave_attested(op_ctx *c, const uint8_t enclave[20])
{
    pthread_mutex_lock(&c->mu);
    bool ok = c->st.live && memcmp(c->st.attested, enclave, 20) == 0;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

/* Signs through the safety record, then stores the submission. */
static int sign_task(tloop *t, mp_opstore_task *task, op_proof *p, mp_err *err)
{
    op_ctx *c = t->c;
    mp_state_header h = {.metadata = task->metadata.data,
                         .metadata_len = task->metadata.len,
                         .state = p->state.data,
                         .state_len = p->state.len,
                         .reference_block = task->reference_block};
    mp_opstore_header sh = {.reference_block = task->reference_block};
    bool reused;
    mp_u256_from_u64(h.identifier, task->identifier);
    memcpy(sh.identifier, h.identifier, 32);
    mp_keccak256(sh.metadata_hash, task->metadata.data, task->metadata.len);
    mp_keccak256(sh.state_hash, p->state.data, p->state.len);
    mp_state_header_digest(sh.digest, &h, c->dep.chain_id, c->dep.service_manager);
    MP_TRY(
        mp_opstore_sign(t->store, &sh, bls_signer, c, now_s(), task->bls_signature, &reused, err));
    op_count(c->m.tasks, reused ? "resigned" : "signed");
    mp_buf_free(&task->state);
    task->state = p->state;
    p->state = (mp_buf)MP_BUF_INIT;
    memcpy(task->prover_signature, p->prover_signature, 65);
    memcpy(task->enclave, p->enclave, 20);
    MP_TRY(mp_opstore_task_signed(t->store, task, now_s(), err));
    task->status = MP_TASK_SIGNED;
    return MP_OK;
}

/* RECEIVED: ask the prover, check, sign. */
static int prove_and_sign(tloop *t, mp_opstore_task *task)
{
    op_ctx *c = t->c;
    op_proof p;
    mp_err err;
    int rc = op_prover_prove(&t->prover, task->identifier, &task->metadata, &p, &err);
    if (rc != MP_OK) {
        bool transport = mp_rc_class(rc) == MP_ERR_RPC || mp_rc_class(rc) == MP_ERR_TIMEOUT;
        op_set_svc(c, OP_SVC_PROVER, transport ? OP_SVC_DOWN : OP_SVC_UP);
        op_count(c->m.errors, transport ? "prover" : "bad_prover_answer");
        mp_log_err(&c->d->log, MP_LOG_WARN, "prover", &err);
        return retry(t, task, err.msg, false);
    }
    op_set_svc(c, OP_SVC_PROVER, OP_SVC_UP);
    if (p.not_ready)
        return retry(t, task, "the prover's L2 has not reached the task yet", false);
    if (!enclave_attested(c, p.enclave)) {
        mp_buf_free(&p.state);
        op_wake_liveness(c);
        return retry(t, task, "waiting for the prover's enclave to be attested", false);
    }
    rc = sign_task(t, task, &p, &err);
    mp_buf_free(&p.state);
    if (rc == MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION)) {
        op_count(c->m.tasks, "equivocation_refused");
        return finish(t, task, MP_TASK_FAILED, "failed", err.msg);
    }
    if (rc != MP_OK) {
        op_count(c->m.errors, "store");
        mp_log_err(&c->d->log, MP_LOG_ERROR, "signing", &err);
        return retry(t, task, err.msg, false);
    }
    return T_SIGNED;
}

/* SIGNED: deliver until acknowledged, refused for good, or expired. */
static int submit(tloop *t, mp_opstore_task *task)
{
    op_ctx *c = t->c;
    mp_err err;
    bool dup;
    int rc = op_agg_submit(&t->agg, task, c->addr, c->operator_id, &dup, &err);
    if (rc == MP_OK) {
        op_set_svc(c, OP_SVC_AGGREGATOR, OP_SVC_UP);
        pthread_mutex_lock(&c->mu);
        c->st.last_task_acked = task->task_id;
        pthread_mutex_unlock(&c->mu);
        return finish(t, task, MP_TASK_ACKED, "acked", dup ? "duplicate" : NULL);
    }
    if (rc != MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT)) {
        op_set_svc(c, OP_SVC_AGGREGATOR, mp_rc_class(rc) == MP_ERR_PARSE ? OP_SVC_UP : OP_SVC_DOWN);
        op_count(c->m.errors,
                 mp_rc_class(rc) == MP_ERR_PARSE ? "bad_aggregator_answer" : "aggregator");
        return retry(t, task, err.msg, true);
    }
    op_set_svc(c, OP_SVC_AGGREGATOR, OP_SVC_UP);
    switch (t->agg.last_error.code) {
    case MP_WIRE_TASK_CLOSED:
        return finish(t, task, MP_TASK_EXPIRED, "expired", err.msg);
    case MP_WIRE_NOT_LIVE:
        op_wake_liveness(c);
        return retry(t, task, err.msg, true);
    case MP_WIRE_RATE_LIMITED:
    case -32603:
        return retry(t, task, err.msg, true);
    default:
        op_count(c->m.errors, "aggregator");
        return finish(t, task, MP_TASK_FAILED, "failed", err.msg);
    }
}

static int process(tloop *t, uint64_t id)
{
    op_ctx *c = t->c;
    mp_opstore_task task;
    mp_err err;
    if (mp_opstore_task_get(t->store, id, &task, &err) != MP_OK) {
        op_count(c->m.errors, "store");
        return T_RETRY;
    }
    int r = T_SIGNED;
    if (!serves(c, task.identifier))
        r = finish(t, &task, MP_TASK_FAILED, "failed", "not a committee this operator serves");
    else if (task.expires_at <= now_s())
        r = finish(t, &task, MP_TASK_EXPIRED, "expired", "expired before it was acknowledged");
    else if (task.status == MP_TASK_RECEIVED)
        r = prove_and_sign(t, &task);
    if (r == T_SIGNED) /* signed now or before a restart: deliver */
        r = submit(t, &task);
    mp_opstore_task_free(&task);
    return r;
}

/* Works on every open task; true if some wait for a retry. */
static bool work_open(tloop *t)
{
    uint64_t ids[MAX_OPEN];
    size_t n = 0, expired = 0;
    mp_err err;
    bool pending = false;
    if (mp_opstore_task_expire(t->store, now_s(), &expired, &err) != MP_OK ||
        mp_opstore_task_open(t->store, ids, MAX_OPEN, &n, &err) != MP_OK) {
        mp_log_err(&t->c->d->log, MP_LOG_ERROR, "store", &err);
        op_count(t->c->m.errors, "store");
        return true;
    }
    for (size_t i = 0; i < expired; i++)
        op_count(t->c->m.tasks, "expired");
    for (size_t i = 0; i < n && !op_stopping(t->c); i++)
        pending |= process(t, ids[i]) == T_RETRY;
    return pending;
}

/* Long-polls for new tasks and stores them; false when the aggregator failed. */
static bool fetch(tloop *t, bool pending)
{
    op_ctx *c = t->c;
    mp_opstore_task got[MAX_FETCH];
    size_t n = 0;
    uint64_t after;
    mp_err err;
    if (mp_opstore_task_last_id(t->store, &after, &err) != MP_OK)
        return false;
    unsigned wait_s = pending ? 0 : (unsigned)(c->cfg->fetch_wait_ms / 1000);
    int rc = op_agg_fetch(&t->agg, c->identifiers, c->n_identifiers, after, wait_s, got, MAX_FETCH,
                          &n, &err);
    if (rc != MP_OK) {
        bool garbage = mp_rc_class(rc) == MP_ERR_PARSE;
        op_set_svc(c, OP_SVC_AGGREGATOR, garbage ? OP_SVC_UP : OP_SVC_DOWN);
        op_count(c->m.errors, garbage ? "bad_aggregator_answer" : "aggregator");
        mp_log_err(&c->d->log, MP_LOG_WARN, "fetching tasks", &err);
        return false;
    }
    op_set_svc(c, OP_SVC_AGGREGATOR, OP_SVC_UP);
    for (size_t i = 0; i < n; i++) {
        bool inserted = false;
        if (mp_opstore_task_add(t->store, &got[i], now_s(), &inserted, &err) != MP_OK)
            op_count(c->m.errors, "store");
        else if (inserted) {
            op_count(c->m.tasks, "received");
            task_log(t, MP_LOG_INFO, "task received", &got[i], NULL);
        }
        mp_opstore_task_free(&got[i]);
    }
    return true;
}

void op_task_work(void *arg)
{
    tloop t = {.c = arg};
    op_ctx *c = t.c;
    mp_err err;
    if (tloop_open(&t, &err) != MP_OK) {
        mp_log_err(&c->d->log, MP_LOG_ERROR, "task loop cannot start", &err);
        tloop_close(&t);
        return;
    }
    mp_backoff bo;
    mp_backoff_init(&bo, c->cfg->backoff_initial_ms, c->cfg->backoff_max_ms);
    while (!op_stopping(c)) {
        bool pending = work_open(&t);
        if (op_stopping(c))
            break;
        if (!fetch(&t, pending)) {
            op_wait(c, mp_backoff_next(&bo, op_random()), false);
            continue;
        }
        mp_backoff_reset(&bo);
        if (pending)
            op_wait(c, c->cfg->retry_ms, false);
    }
    tloop_close(&t);
}
