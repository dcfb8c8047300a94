/*
** confirm.c: getting a ready state confirmed, once. One job at a time runs on
** a worker thread with a snapshot of the task (its committee state stays put
** while the task is "confirming"):
**
**   1. confirmedStateHash(identifier, metadata) on chain: already set means
**      someone else (or our own transaction from before a restart) confirmed
**      it: recorded, nothing sent;
**   2. liveness of every signer again, uncached (one JSON-RPC batch): a signer no longer live
**      becomes a non-signer; below the thresholds the task goes back to open;
**   3. NonSignerStakesAndSignature (mp_agg_build_params) and a dry run of
**      checkSignatures as an eth_call;
**   4. confirmState through the transaction sender; a revert is checked
**      against step 1 again ("confirmed by someone else" in between).
**
** The result is applied on the loop thread (job_done), under the lock.
*/
#include "agg.h"

#include "mpavs/abi.h"
#include "mpavs/ethrpc.h"
#include "mpavs/log.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

#define RETRY_MS 5000 /* wait before a task that could not be sent is tried again */

typedef struct confirm_job {
    agg_ctx *c;
    uint64_t task_id, identifier;
    uint8_t metadata[AGG_MAX_METADATA];
    size_t metadata_len;
    uint8_t *state;
    size_t state_len;
    uint8_t state_hash[32];
    uint32_t ref;
    const mp_agg_committee_state *cs;
    size_t n;
    uint8_t (*ops)[20];
    uint8_t (*enclaves)[20];
    mp_checksig_signer *signers;
    /* the outcome */
    agg_status status;
    bool retry;
    char reason[200];
    uint8_t tx_hash[32];
    bool has_tx;
    uint64_t gas_used;
    uint8_t confirmed_hash[32];
} confirm_job;

static void job_free(confirm_job *j)
{
    free(j->state);
    free(j->ops);
    free(j->enclaves);
    free(j->signers);
    free(j);
}

/* ---- the worker side ---- */

static int already_confirmed(confirm_job *j, mp_rpc *r, bool *yes, mp_err *err)
{
    uint8_t id[32];
    static const uint8_t zero[32];
    mp_u256_from_u64(id, j->identifier);
    MP_TRY(mp_avs_confirmed_state_hash(r, &j->c->dep, id, j->metadata, j->metadata_len,
                                       MP_BLOCK_LATEST, j->confirmed_hash, err));
    *yes = memcmp(j->confirmed_hash, zero, 32) != 0;
    if (*yes) {
        j->status = AGG_CONFIRMED_ELSEWHERE;
        snprintf(j->reason, sizeof j->reason, "%s",
                 memcmp(j->confirmed_hash, j->state_hash, 32) == 0
                     ? "this state was confirmed by another transaction"
                     : "another state was confirmed for this task");
    }
    return MP_OK;
}

/* Drops signers that are no longer live; false when the rest miss a threshold. */
static int keep_live_signers(confirm_job *j, mp_rpc *r, bool *enough, mp_err *err)
{
    size_t w = 0;
    bool *mask = calloc(j->cs->n_members ? j->cs->n_members : 1, sizeof *mask);
    bool *live = calloc(j->n ? j->n : 1, sizeof *live);
    uint8_t(*stake)[32] = calloc(j->cs->state.n_sets ? j->cs->state.n_sets : 1, 32);
    int rc = mask && live && stake ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK && j->n > 0)
        rc = mp_avs_verify_liveness_batch(r, &j->c->dep, (const uint8_t(*)[20])j->ops,
                                          (const uint8_t(*)[20])j->enclaves, j->n, MP_BLOCK_LATEST,
                                          live, err);
    for (size_t i = 0; rc == MP_OK && i < j->n; i++) {
        if (!live[i])
            continue;
        long m = mp_agg_committee_find(j->cs, j->ops[i]);
        if (m >= 0)
            mask[m] = true;
        j->signers[w++] = j->signers[i];
    }
    if (rc == MP_OK) {
        j->n = w;
        mp_agg_signed_stake(j->cs, mask, stake);
        *enough = w > 0 && mp_agg_meets_thresholds(j->cs, (const uint8_t(*)[32])stake);
    }
    free(mask);
    free(live);
    free(stake);
    return rc;
}

/* eth_call checkSignatures(msgHash, quorumNumbers, referenceBlockNumber, params). */
static int dry_run(confirm_job *j, mp_rpc *r, const mp_checksig_params *p, const uint8_t digest[32],
                   mp_err *err)
{
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    int rc = mp_abi_put_selector(
        &cd,
        "checkSignatures(bytes32,bytes,uint32,(uint32[],(uint256,uint256)[],(uint256,uint256)[],"
        "(uint256[2],uint256[2]),(uint256,uint256),uint32[],uint32[],uint32[][]))",
        err);
    if (rc == MP_OK) {
        mp_abi_put_word(&cd, digest);
        mp_abi_put_u64(&cd, 4 * 32);
        mp_abi_put_u64(&cd, j->ref);
        mp_abi_put_u64(&cd, 4 * 32 + mp_abi_tail_bytes_len(p->n_quorums));
        mp_abi_put_tail_bytes(&cd, p->quorums, p->n_quorums);
        rc = mp_checksig_encode(&cd, p, err);
    }
    if (rc == MP_OK)
        rc = mp_buf_check(&cd, err);
    if (rc == MP_OK) {
        mp_eth_callmsg m = {.to = j->c->dep.service_manager, .data = cd.data, .data_len = cd.len};
        rc = mp_eth_call(r, &m, MP_BLOCK_LATEST, &ret, err);
    }
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    return rc;
}

static void send_confirmation(confirm_job *j, mp_rpc *r, const mp_checksig_params *p,
                              const mp_state_header *h)
{
    agg_ctx *c = j->c;
    mp_err err = {0};
    mp_buf cd = MP_BUF_INIT;
    mp_eth_receipt rec;
    memset(&rec, 0, sizeof rec);
    int rc = mp_checksig_confirm_calldata(&cd, h, p, &err);
    if (rc == MP_OK) {
        mp_txreq req = {.to = c->dep.service_manager, .data = cd.data, .data_len = cd.len};
        rc = mp_txsend_send(&c->tx, &req, &rec, j->tx_hash, &err);
    }
    bool mined = rc == MP_OK;
    if (mined) {
        j->has_tx = true;
        j->gas_used = rec.gas_used;
    }
    if (mined && rec.status) {
        j->status = AGG_CONFIRMED;
        memcpy(j->confirmed_hash, j->state_hash, 32);
        snprintf(j->reason, sizeof j->reason, "confirmed in block %llu",
                 (unsigned long long)rec.block_number);
    } else {
        bool elsewhere = false;
        mp_err e2 = {0};
        if (already_confirmed(j, r, &elsewhere, &e2) != MP_OK || !elsewhere) {
            j->status = AGG_FAILED;
            snprintf(j->reason, sizeof j->reason, "confirmState %s: %.150s",
                     mined ? "reverted on chain" : "failed", mined ? "status 0" : err.msg);
            if (!mined && mp_rc_class(rc) != MP_ERR_REVERTED) {
                j->retry = true; /* transport trouble: try again later */
                j->status = AGG_OPEN;
            }
        }
    }
    mp_eth_receipt_free(&rec);
    mp_buf_free(&cd);
}

static void job_work(void *arg)
{
    confirm_job *j = arg;
    agg_ctx *c = j->c;
    mp_err err = {0};
    mp_rpc *r = agg_rpc_get(c);
    mp_checksig_params p;
    bool have_params = false, done_already = false, enough = false;
    int rc = already_confirmed(j, r, &done_already, &err);
    if (rc == MP_OK && !done_already)
        rc = keep_live_signers(j, r, &enough, &err);
    if (rc == MP_OK && !done_already && !enough) {
        j->retry = true;
        j->status = AGG_OPEN;
        snprintf(j->reason, sizeof j->reason, "signers no longer live: below a threshold");
        goto out;
    }
    if (rc == MP_OK && !done_already) {
        rc = mp_agg_build_params(&p, r, &c->dep, j->cs, j->signers, j->n, &err);
        have_params = rc == MP_OK;
    }
    mp_state_header h = {.metadata = j->metadata,
                         .metadata_len = j->metadata_len,
                         .state = j->state,
                         .state_len = j->state_len,
                         .reference_block = j->ref};
    mp_u256_from_u64(h.identifier, j->identifier);
    uint8_t digest[32];
    mp_state_header_digest(digest, &h, c->dep.chain_id, c->dep.service_manager);
    if (rc == MP_OK && !done_already) {
        rc = dry_run(j, r, &p, digest, &err);
        if (rc != MP_OK && mp_rc_class(rc) == MP_ERR_REVERTED) {
            j->status = AGG_FAILED;
            snprintf(j->reason, sizeof j->reason, "checkSignatures dry run: %.170s", err.msg);
            goto out;
        }
    }
    if (rc == MP_OK && !done_already)
        send_confirmation(j, r, &p, &h);
    if (rc != MP_OK) {
        j->retry = true;
        j->status = AGG_OPEN;
        snprintf(j->reason, sizeof j->reason, "confirmation attempt failed: %.160s", err.msg);
    }
out:
    if (have_params)
        mp_checksig_params_free(&p);
    agg_rpc_put(c, r);
}

/* ---- the loop side ---- */

/* The outcome in the database (loop thread, without c->mu: the fsync must not
 * hold up submissions); rec is a copy of the task taken under c->mu. */
static void record_outcome(agg_ctx *c, const agg_task *rec, const confirm_job *j)
{
    mp_err err = {0};
    int rc = mp_store_begin(c->ldb, &err);
    if (rc == MP_OK)
        rc = agg_db_update_task(c, rec, &err);
    if (rc == MP_OK && (j->has_tx || !j->retry))
        rc = agg_db_insert_submission(c, rec, agg_status_name(rec->status), &err);
    if (rc == MP_OK)
        rc = mp_store_commit(c->ldb, &err);
    if (rc != MP_OK) {
        mp_store_rollback(c->ldb);
        MP_ERROR(&c->d->log, "cannot record a confirmation outcome", "error", err.msg);
    }
    MP_INFO(&c->d->log, "confirmation", MP_LU64("task", rec->id), "status",
            agg_status_name(rec->status), "reason", rec->reason, MP_LU64("gas", rec->gas_used));
}

static void job_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop;
    confirm_job *j = arg;
    agg_ctx *c = j->c;
    agg_task rec;
    pthread_mutex_lock(&c->mu);
    agg_task *t = agg_task_find(c, j->task_id);
    if (t && canceled) {
        t->status = AGG_OPEN; /* the store still says confirming: re-checked at start */
    } else if (t) {
        t->status = j->status;
        snprintf(t->reason, sizeof t->reason, "%s", j->reason);
        memcpy(t->confirmed_hash, j->confirmed_hash, 32);
        if (j->has_tx) {
            memcpy(t->tx_hash, j->tx_hash, 32);
            t->has_tx = true;
            t->gas_used = j->gas_used;
            agg_count(c->m.gas, NULL, (double)j->gas_used);
        }
        if (j->retry)
            t->retry_after_ms = agg_now_ms() + RETRY_MS;
        if (t->status != AGG_OPEN)
            agg_count(c->m.confirmations, agg_status_name(t->status), 1);
        rec = *t; /* written after the lock is released */
    }
    c->confirming = false;
    pthread_mutex_unlock(&c->mu);
    if (t && !canceled)
        record_outcome(c, &rec, j);
    job_free(j);
    if (!canceled)
        agg_confirm_next(c);
}

/* The state of t to confirm: ready, with the most signers; SIZE_MAX if none. */
static size_t ready_state(const agg_task *t)
{
    size_t best = SIZE_MAX;
    for (size_t s = 0; s < t->n_states; s++)
        if (agg_task_state_ready(t, s) &&
            (best == SIZE_MAX || t->states[s].n_signers > t->states[best].n_signers))
            best = s;
    return best;
}

static confirm_job *snapshot(agg_ctx *c, const agg_task *t, size_t s)
{
    confirm_job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    const agg_state *st = &t->states[s];
    j->c = c;
    j->task_id = t->id;
    j->identifier = t->identifier;
    memcpy(j->metadata, t->metadata, t->metadata_len);
    j->metadata_len = t->metadata_len;
    j->state = malloc(st->len ? st->len : 1);
    j->state_len = st->len;
    memcpy(j->state_hash, st->hash, 32);
    j->ref = t->reference_block;
    j->cs = t->cs;
    j->ops = calloc(st->n_signers + 1, 20);
    j->enclaves = calloc(st->n_signers + 1, 20);
    j->signers = calloc(st->n_signers + 1, sizeof *j->signers);
    if (j->state == NULL || j->ops == NULL || j->enclaves == NULL || j->signers == NULL) {
        job_free(j);
        return NULL;
    }
    memcpy(j->state, st->bytes, st->len);
    for (size_t i = 0; i < t->n_resps; i++) {
        const agg_resp *r = &t->resps[i];
        long m = mp_agg_committee_find(t->cs, r->operator_addr);
        if (r->state != s || m < 0 || j->n > st->n_signers)
            continue;
        memcpy(j->ops[j->n], r->operator_addr, 20);
        memcpy(j->enclaves[j->n], r->enclave, 20);
        memcpy(j->signers[j->n].id, t->cs->keys[m].id, 32);
        j->signers[j->n].sig = r->sig;
        j->n++;
    }
    return j;
}

void agg_confirm_next(agg_ctx *c)
{
    int64_t now = agg_now_ms();
    confirm_job *j = NULL;
    agg_task rec;
    mp_err err = {0};
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tasks && !c->confirming && !c->stopping && j == NULL; i++) {
        agg_task *t = &c->tasks[i];
        if (t->status != AGG_OPEN || t->cs == NULL || now < t->retry_after_ms ||
            now < t->created_at * 1000 + c->cfg->min_wait_ms)
            continue;
        size_t s = ready_state(t);
        if (s == SIZE_MAX)
            continue;
        j = snapshot(c, t, s);
        if (j == NULL)
            break;
        if (mp_loop_submit(c->d->loop, job_work, job_done, j, &err) != MP_OK) {
            job_free(j);
            j = NULL;
            break;
        }
        t->status = AGG_CONFIRMING;
        c->confirming = true;
        rec = *t;
    }
    pthread_mutex_unlock(&c->mu);
    if (j && agg_db_update_task(c, &rec, &err) != MP_OK) /* loop thread, without c->mu */
        MP_ERROR(&c->d->log, "cannot record a confirmation start", "error", err.msg);
}
