/*
** pipeline.c: the checks and the commit of submissions in batches. Server
** threads hand over the submissions that passed the checks they can do alone
** (submit.c); two threads then take everything that queued up meanwhile:
**
**   checker    one BLS batch verification over all of them (a Miller loop
**              per distinct header digest, one final exponentiation;
**              bisection only when the batch fails), then the prover
**              signature's verdict and liveness, in the order of the
**              validation list; a rejection is answered at once
**   committer  one transaction and one fsync for every checked response,
**              then the aggregates move under agg_ctx.mu and the calls are
**              answered
**
** Batches grow with the load and nothing waits for one to fill: under light
** load a submission goes through alone. While the committer waits for the
** disk, the checker verifies the next batch. Server threads do not wait
** (their calls are deferred, mp_rpcs_defer), except for a submission inside
** a JSON-RPC batch, whose thread waits for its outcome.
*/
#include "agg.h"

#include "mpavs/bls.h"
#include "mpavs/rand.h"

#include <stdlib.h>
#include <string.h>

#define CHECK_MAX 256 /* submissions per BLS batch */

/* Answers j (deferred: then frees it) or wakes the server thread waiting for it. */
static void finish(agg_ctx *c, agg_job *j)
{
    if (j->deferred) {
        mp_rpcs_answer(j->call, j->rc, j->rc == MP_OK ? agg_submit_result(j) : NULL, &j->err);
        free(j);
        return;
    }
    pthread_mutex_lock(&c->pipe.mu);
    j->done = true;
    pthread_cond_broadcast(&c->pipe.done_cv);
    pthread_mutex_unlock(&c->pipe.mu);
}

static void finish_rejected(agg_ctx *c, agg_job *j, int code, const char *msg)
{
    j->rc = agg_reject(c, j->call, &j->err, code, msg);
    finish(c, j);
}

static void push(agg_job **head, agg_job **tail, agg_job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static agg_job *pop(agg_job **head, agg_job **tail)
{
    agg_job *j = *head;
    *head = j->next;
    if (*head == NULL)
        *tail = NULL;
    return j;
}

/* ---- checker ---- */

/* An operator whose signature failed is checked alone for a while: one bad
 * signature in a batch costs a bisection (about 2 log2 n batch checks), which
 * an operator sending them on purpose could repeat to slow everyone's. */
#define SUSPECT_MS (10 * 60 * 1000)

_Static_assert(AGG_SUSPECTS == 1 << 10, "suspect_slot takes the top 10 bits of its hash");

static int64_t *suspect_slot(agg_ctx *c, const uint8_t op[20])
{
    uint64_t h;
    memcpy(&h, op, sizeof h);
    h = (h ^ c->pipe.suspect_salt) * 0x9e3779b97f4a7c15ULL;
    return &c->pipe.suspect_until[h >> 54]; /* the top 10 bits: AGG_SUSPECTS slots */
}

/* BLS validity of the jobs of suspects, each checked alone; the others are
 * left to the batch (alone[i] false). */
static void check_suspects(agg_ctx *c, agg_job **jobs, size_t n, bool *alone, bool *bad)
{
    int64_t now = agg_now_ms();
    for (size_t i = 0; i < n; i++) {
        alone[i] = now < *suspect_slot(c, jobs[i]->r.operator_addr);
        if (alone[i]) {
            bad[i] = mp_bls_verify(&jobs[i]->key.g2, jobs[i]->dg.header, &jobs[i]->r.bls_sig,
                                   NULL) != MP_OK;
            agg_count(c->m.batches, "bls_alone", 1);
        }
    }
}

/* BLS validity of every job's signature: bad[i] for the invalid ones. */
static int check_bls(agg_ctx *c, agg_job **jobs, size_t n, bool *bad, mp_err *err)
{
    uint8_t(*digests)[32] = malloc(n * sizeof *digests);
    mp_bn254_g2 *pks = malloc(n * sizeof *pks);
    mp_bn254_g1 *sigs = malloc(n * sizeof *sigs);
    bool *alone = calloc(n, sizeof *alone), *batch_bad = calloc(n, sizeof *batch_bad);
    size_t *at = malloc(n * sizeof *at), k = 0, n_bad = 0;
    int rc = digests && pks && sigs && alone && batch_bad && at
                 ? MP_OK
                 : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK)
        check_suspects(c, jobs, n, alone, bad);
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        if (alone[i])
            continue;
        memcpy(digests[k], jobs[i]->dg.header, 32);
        pks[k] = jobs[i]->key.g2;
        sigs[k] = jobs[i]->r.bls_sig;
        at[k++] = i;
    }
    if (rc == MP_OK && k > 0)
        rc = mp_bls_batch_find_invalid((const uint8_t(*)[32])digests, pks, sigs, k, batch_bad,
                                       &n_bad, err);
    for (size_t j = 0; rc == MP_OK && j < k; j++)
        bad[at[j]] = batch_bad[j];
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        if (bad[i])
            *suspect_slot(c, jobs[i]->r.operator_addr) = agg_now_ms() + SUSPECT_MS;
    if (rc == MP_OK && k > 0) {
        agg_count(c->m.batches, "bls", 1);
        agg_count(c->m.batched, "bls", (double)k);
    }
    free(alone);
    free(batch_bad);
    free(at);
    free(digests);
    free(pks);
    free(sigs);
    return rc;
}

/* verifyLivenessProof for every job: cached answers, the others read in one
 * JSON-RPC batch (a burst of operators not seen for a while costs one round
 * trip, not one each). */
static int check_liveness(agg_ctx *c, agg_job **jobs, size_t n, bool *live, mp_err *err)
{
    uint8_t(*ops)[20] = malloc(n * sizeof *ops), (*enclaves)[20] = malloc(n * sizeof *enclaves);
    size_t *at = malloc(n * sizeof *at), k = 0;
    bool *got = malloc(n * sizeof *got);
    int rc = ops && enclaves && at && got ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int64_t now = agg_now_ms();
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        if (!(live[i] = agg_live_get(c, jobs[i]->r.operator_addr, jobs[i]->r.enclave, now))) {
            memcpy(ops[k], jobs[i]->r.operator_addr, 20);
            memcpy(enclaves[k], jobs[i]->r.enclave, 20);
            at[k++] = i;
        }
    pthread_mutex_unlock(&c->mu);
    if (rc == MP_OK && k > 0) {
        mp_rpc *r = agg_rpc_get(c);
        rc = mp_avs_verify_liveness_batch(r, &c->dep, (const uint8_t(*)[20])ops,
                                          (const uint8_t(*)[20])enclaves, k, MP_BLOCK_LATEST, got,
                                          err);
        agg_rpc_put(c, r);
    }
    if (rc == MP_OK && k > 0) {
        pthread_mutex_lock(&c->mu);
        for (size_t i = 0; i < k; i++) {
            live[at[i]] = got[i];
            if (got[i]) /* a "no" is not kept: the operator may be attesting right now */
                agg_live_put(c, ops[i], enclaves[i], now + c->cfg->liveness_cache_ms);
        }
        pthread_mutex_unlock(&c->mu);
    }
    free(ops);
    free(enclaves);
    free(at);
    free(got);
    return rc;
}

/* Checks 7 and 8 for jobs[0..n), whose BLS signatures are good; the ones that
 * pass are moved to the front, their count returned; the others are answered. */
static size_t check_rest(agg_ctx *c, agg_job **jobs, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i]->prover_ok)
            jobs[m++] = jobs[i];
        else
            finish_rejected(c, jobs[i], MP_WIRE_BAD_PROVER_SIG,
                            "proverSignature does not recover to enclaveAddress over the prover "
                            "digest");
    }
    mp_err err = {0};
    bool *live = calloc(m ? m : 1, sizeof *live);
    int rc = live ? check_liveness(c, jobs, m, live, &err)
                  : MP_FAIL(&err, MP_ERR_NOMEM, "out of memory");
    size_t kept = 0;
    for (size_t i = 0; i < m; i++) {
        agg_job *j = jobs[i];
        if (rc != MP_OK) {
            j->rc = rc;
            j->err = err;
            finish(c, j);
        } else if (!live[i]) {
            finish_rejected(c, j, MP_WIRE_NOT_LIVE,
                            "the operator has no valid liveness proof for enclaveAddress");
        } else {
            jobs[kept++] = j;
        }
    }
    free(live);
    return kept;
}

/* Checks jobs[0..n); the ones that pass are moved to the front, their count
 * returned; the others are answered. */
static size_t check_batch(agg_ctx *c, agg_job **jobs, size_t n)
{
    mp_err err = {0};
    bool *bad = calloc(n, sizeof *bad);
    int rc = bad ? check_bls(c, jobs, n, bad, &err) : MP_FAIL(&err, MP_ERR_NOMEM, "out of memory");
    size_t good = 0;
    for (size_t i = 0; i < n; i++) {
        agg_job *j = jobs[i];
        if (rc != MP_OK) {
            j->rc = rc;
            j->err = err;
            finish(c, j);
        } else if (bad[i]) {
            finish_rejected(c, j, MP_WIRE_BAD_BLS,
                            "blsSignature does not verify for the operator's registered key over "
                            "the task's header digest");
        } else {
            jobs[good++] = j;
        }
    }
    free(bad);
    return check_rest(c, jobs, good);
}

static void *checker_main(void *arg)
{
    agg_ctx *c = arg;
    agg_pipe *p = &c->pipe;
    agg_job *batch[CHECK_MAX];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->check_head == NULL && !p->closing)
            pthread_cond_wait(&p->check_cv, &p->mu);
        if (p->check_head == NULL)
            break; /* closing, and everything queued is checked */
        size_t n = 0;
        while (p->check_head && n < CHECK_MAX)
            batch[n++] = pop(&p->check_head, &p->check_tail);
        pthread_mutex_unlock(&p->mu);
        size_t kept = check_batch(c, batch, n);
        pthread_mutex_lock(&p->mu);
        for (size_t i = 0; i < kept; i++)
            push(&p->commit_head, &p->commit_tail, batch[i]);
        if (kept)
            pthread_cond_signal(&p->commit_cv);
    }
    p->checker_done = true;
    pthread_cond_signal(&p->commit_cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- committer ---- */

static void fill_row(agg_row *row, const agg_job *j, int64_t at_ms)
{
    memset(row, 0, sizeof *row);
    row->task_id = j->task_id;
    memcpy(row->operator_addr, j->r.operator_addr, 20);
    memcpy(row->operator_id, j->operator_id, 32);
    memcpy(row->enclave, j->r.enclave, 20);
    row->state = j->state;
    row->state_len = j->state_len;
    memcpy(row->state_hash, j->state_hash, 32);
    memcpy(row->bls, j->bls, 64);
    memcpy(row->prover_sig, j->prover_sig, 65);
    row->at_ms = at_ms;
}

/* After the commit (under c->mu): the checks again, as the task may have
 * closed and another submission of the operator may have come first; then
 * the aggregate moves. */
static void settle(agg_ctx *c, agg_job *j)
{
    char msg[200];
    int code = 0;
    agg_task *t;
    if (j->row.rc != MP_OK) {
        j->rc = j->row.rc;
        j->err = j->row.err;
        return;
    }
    if (agg_find_task(c, j, &t, &code, msg, sizeof msg) == MP_OK)
        agg_check_operator(c, t, j, &code, msg, sizeof msg);
    if (code != 0)
        j->rc = agg_reject(c, j->call, &j->err, code, msg);
    else if (j->dup)
        agg_count(c->m.submissions, "duplicate", 1);
    else if (j->row.inserted)
        j->rc = agg_accept(c, t, j, &j->err);
    else
        j->rc = MP_FAIL(&j->err, MP_ERR_BUSY,
                        "another submission of this operator for this task is being recorded; "
                        "submit again");
}

static void commit_batch(agg_ctx *c, agg_job **jobs, agg_row **rows, size_t n)
{
    int64_t now = agg_now_ms();
    for (size_t i = 0; i < n; i++) {
        fill_row(&jobs[i]->row, jobs[i], now);
        rows[i] = &jobs[i]->row;
    }
    agg_db_commit_rows(c, rows, n);
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < n; i++)
        settle(c, jobs[i]);
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < n; i++)
        finish(c, jobs[i]);
}

static void *committer_main(void *arg)
{
    agg_ctx *c = arg;
    agg_pipe *p = &c->pipe;
    agg_job *batch[2 * CHECK_MAX];
    agg_row *rows[2 * CHECK_MAX];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->commit_head == NULL && !p->checker_done)
            pthread_cond_wait(&p->commit_cv, &p->mu);
        if (p->commit_head == NULL)
            break;
        size_t n = 0;
        while (p->commit_head && n < 2 * CHECK_MAX)
            batch[n++] = pop(&p->commit_head, &p->commit_tail);
        pthread_mutex_unlock(&p->mu);
        commit_batch(c, batch, rows, n);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- start, stop, submit ---- */

int agg_pipe_start(agg_ctx *c, mp_err *err)
{
    agg_pipe *p = &c->pipe;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->check_cv, NULL);
    pthread_cond_init(&p->commit_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    p->ready = true;
    MP_TRY(mp_rand_bytes(&p->suspect_salt, sizeof p->suspect_salt, err));
    if (pthread_create(&p->checker, NULL, checker_main, c) != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot start the checking thread");
    p->checker_started = true;
    if (pthread_create(&p->committer, NULL, committer_main, c) != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot start the committing thread");
    p->committer_started = true;
    pthread_mutex_lock(&p->mu);
    p->running = true;
    pthread_mutex_unlock(&p->mu);
    return MP_OK;
}

void agg_pipe_stop(agg_ctx *c)
{
    agg_pipe *p = &c->pipe;
    if (!p->ready)
        return;
    pthread_mutex_lock(&p->mu);
    p->running = false;
    p->closing = true;
    pthread_cond_broadcast(&p->check_cv);
    pthread_mutex_unlock(&p->mu);
    if (p->checker_started)
        pthread_join(p->checker, NULL); /* it drained its queue into the committer's */
    p->checker_started = false;
    if (p->committer_started)
        pthread_join(p->committer, NULL);
    p->committer_started = false;
}

void agg_pipe_free(agg_ctx *c)
{
    agg_pipe *p = &c->pipe;
    if (!p->ready)
        return;
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->commit_cv);
    pthread_cond_destroy(&p->check_cv);
    pthread_mutex_destroy(&p->mu);
    p->ready = false;
}

void agg_pipe_submit(agg_ctx *c, agg_job *j)
{
    agg_pipe *p = &c->pipe;
    pthread_mutex_lock(&p->mu);
    if (!p->running) {
        pthread_mutex_unlock(&p->mu);
        j->rc = MP_FAIL(&j->err, MP_ERR_BUSY, "the aggregator is shutting down");
        finish(c, j);
        return;
    }
    push(&p->check_head, &p->check_tail, j);
    pthread_cond_signal(&p->check_cv);
    while (!j->deferred && !j->done) /* j is ours until the lock is released */
        pthread_cond_wait(&p->done_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
