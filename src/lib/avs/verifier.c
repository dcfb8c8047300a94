/*
** verifier.c: batched BLS verification shared by threads (mp_agg_verifier in
** include/mpavs/aggregate.h). Leader/follower per digest: callers queue a
** request; when no batch on its digest runs, a caller takes every queued
** request on that digest and verifies them outside the lock with
** mp_bls_batch_verify_same (one pairing for the lot); callers on other digests
** do the same in parallel, so the cores are not serialised behind one leader.
*/
#include "mpavs/aggregate.h"
#include "mpavs/bls.h"
#include "mpavs/secp.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct vreq {
    const uint8_t *digest;
    const mp_bn254_g2 *pk;
    const mp_bn254_g1 *sig;
    bool done, valid;
    int rc;
    mp_err err;
} vreq;

#define MAX_RUNNING 64 /* digests being verified at once */

struct mp_agg_verifier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    vreq **q; /* waiting requests */
    size_t n, cap;
    uint8_t running[MAX_RUNNING][32]; /* digests whose batch runs now */
    size_t n_running;
    unsigned gather_us; /* a leader waits this long for more signatures on its digest */
    uint64_t batches, sigs;
};

int mp_agg_verifier_new(mp_agg_verifier **out, size_t max_batch, mp_err *err)
{
    mp_agg_verifier *v = calloc(1, sizeof *v);
    if (v)
        v->cap = max_batch ? max_batch : 256;
    if (v)
        v->q = calloc(v->cap, sizeof *v->q);
    if (v == NULL || v->q == NULL) {
        free(v);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&v->mu, NULL);
    pthread_condattr_t ca; /* gathering windows on the monotonic clock: no wall-clock jumps */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&v->cv, &ca);
    pthread_condattr_destroy(&ca);
    *out = v;
    return MP_OK;
}

void mp_agg_verifier_free(mp_agg_verifier *v)
{
    if (v == NULL)
        return;
    pthread_cond_destroy(&v->cv);
    pthread_mutex_destroy(&v->mu);
    free(v->q);
    free(v);
}

/* Checks batch[0..n), all on one digest: one batch verification, bisection
 * only when it fails. */
static void run_batch(vreq **batch, size_t n)
{
    mp_err err = {0};
    const uint8_t *digest = batch[0]->digest;
    if (n == 1) {
        batch[0]->valid = mp_bls_verify(batch[0]->pk, digest, batch[0]->sig, NULL) == MP_OK;
        return;
    }
    mp_bn254_g2 *pks = malloc(n * sizeof *pks);
    mp_bn254_g1 *sigs = malloc(n * sizeof *sigs);
    bool *bad = calloc(n, sizeof *bad);
    int rc = pks && sigs && bad ? MP_OK : MP_FAIL(&err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        pks[i] = *batch[i]->pk;
        sigs[i] = *batch[i]->sig;
    }
    if (rc == MP_OK) {
        rc = mp_bls_batch_verify_same(digest, pks, sigs, n, &err);
        if (mp_rc_class(rc) == MP_ERR_VERIFY) {
            size_t n_bad = 0;
            rc = mp_bls_batch_find_invalid_same(digest, pks, sigs, n, bad, &n_bad, &err);
        }
    }
    for (size_t i = 0; i < n; i++) {
        batch[i]->rc = rc;
        batch[i]->err = err;
        batch[i]->valid = rc == MP_OK && !bad[i];
    }
    free(pks);
    free(sigs);
    free(bad);
}

void mp_agg_verifier_set_gather(mp_agg_verifier *v, unsigned gather_us)
{
    pthread_mutex_lock(&v->mu);
    v->gather_us = gather_us;
    pthread_mutex_unlock(&v->mu);
}

/* The leader's gathering window (under v->mu, its digest marked running so
 * that callers on it queue instead of leading): ends early when the queue is full. */
static void gather(mp_agg_verifier *v)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long ns = until.tv_nsec + (long)v->gather_us * 1000L;
    until.tv_sec += ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    while (v->n < v->cap && pthread_cond_timedwait(&v->cv, &v->mu, &until) != ETIMEDOUT)
        ;
}

static bool is_running(const mp_agg_verifier *v, const uint8_t digest[32])
{
    for (size_t i = 0; i < v->n_running; i++)
        if (memcmp(v->running[i], digest, 32) == 0)
            return true;
    return false;
}

/* Moves every queued request on r's digest into batch (r among them); under v->mu. */
static size_t take_batch(mp_agg_verifier *v, const vreq *r, vreq **batch)
{
    size_t n = 0, w = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (memcmp(v->q[i]->digest, r->digest, 32) == 0)
            batch[n++] = v->q[i];
        else
            v->q[w++] = v->q[i];
    }
    v->n = w;
    return n;
}

int mp_agg_verify(mp_agg_verifier *v, const uint8_t digest[32], const mp_bn254_g2 *pk,
                  const mp_bn254_g1 *sig, bool *valid, mp_err *err)
{
    vreq r = {.digest = digest, .pk = pk, .sig = sig};
    vreq **batch = malloc(v->cap * sizeof *batch); /* before queueing: no failure after */
    if (batch == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&v->mu);
    while (v->n == v->cap)
        pthread_cond_wait(&v->cv, &v->mu);
    v->q[v->n++] = &r;
    while (!r.done) {
        if (is_running(v, digest) || v->n_running == MAX_RUNNING) {
            pthread_cond_wait(&v->cv, &v->mu); /* a batch on this digest may take r */
            continue;
        }
        /* Lead a batch of everything queued on this digest; other digests run beside it. */
        memcpy(v->running[v->n_running++], digest, 32);
        if (v->gather_us > 0)
            gather(v);
        size_t n = take_batch(v, &r, batch);
        pthread_cond_broadcast(&v->cv); /* room in the queue */
        pthread_mutex_unlock(&v->mu);
        run_batch(batch, n);
        pthread_mutex_lock(&v->mu);
        for (size_t i = 0; i < n; i++)
            batch[i]->done = true;
        for (size_t i = 0; i < v->n_running; i++)
            if (memcmp(v->running[i], digest, 32) == 0) {
                memmove(v->running[i], v->running[--v->n_running], 32);
                break;
            }
        v->batches++;
        v->sigs += n;
        pthread_cond_broadcast(&v->cv);
    }
    pthread_mutex_unlock(&v->mu);
    free(batch);
    *valid = r.valid;
    if (r.rc != MP_OK && err)
        *err = r.err;
    return r.rc;
}

void mp_agg_verifier_stats(mp_agg_verifier *v, uint64_t *batches, uint64_t *sigs)
{
    pthread_mutex_lock(&v->mu);
    *batches = v->batches;
    *sigs = v->sigs;
    pthread_mutex_unlock(&v->mu);
}

int mp_agg_check_signatures_with(mp_agg_verifier *v, const mp_agg_digests *dg,
                                 const mp_checksig_key *key, const mp_agg_response *r,
                                 mp_agg_verdict *verdict, mp_err *err)
{
    bool ok = false;
    uint8_t enclave[20];
    MP_TRY(mp_agg_verify(v, dg->header, &key->g2, &r->bls_sig, &ok, err));
    if (!ok)
        *verdict = MP_AGG_BAD_BLS;
    else if (mp_secp_recover_address65(enclave, dg->prover, r->prover_sig, NULL) != MP_OK ||
             memcmp(enclave, r->enclave, 20) != 0)
        *verdict = MP_AGG_BAD_PROVER_SIG;
    else
        *verdict = MP_AGG_ACCEPTED;
    return MP_OK;
}
