/*
** verifier.c: batched BLS verification shared by threads (mp_agg_verifier in
** include/mpavs/aggregate.h). Leader/follower: callers queue a request; one
** of them runs the whole queue as a batch outside the lock while the others
** wait on a condition variable for the sequence number of their request.
*/
#include "mpavs/aggregate.h"
#include "mpavs/bls.h"
#include "mpavs/secp.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct vreq {
    const uint8_t *digest;
    const mp_bn254_g2 *pk;
    const mp_bn254_g1 *sig;
    uint64_t seq;
    bool valid;
    int rc;
    mp_err err;
} vreq;

struct mp_agg_verifier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    vreq **q;
    size_t n, cap;
    uint64_t seq, done; /* last queued, last answered */
    bool busy;
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
    pthread_cond_init(&v->cv, NULL);
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

/* Checks batch[0..n): one batch verification, bisection only when it fails. */
static void run_batch(vreq **batch, size_t n)
{
    mp_err err = {0};
    if (n == 1) {
        batch[0]->valid = mp_bls_verify(batch[0]->pk, batch[0]->digest, batch[0]->sig, NULL) ==
                          MP_OK;
        return;
    }
    uint8_t(*digests)[32] = malloc(n * 32);
    mp_bn254_g2 *pks = malloc(n * sizeof *pks);
    mp_bn254_g1 *sigs = malloc(n * sizeof *sigs);
    bool *bad = calloc(n, sizeof *bad);
    int rc = digests && pks && sigs && bad ? MP_OK : MP_FAIL(&err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        memcpy(digests[i], batch[i]->digest, 32);
        pks[i] = *batch[i]->pk;
        sigs[i] = *batch[i]->sig;
    }
    if (rc == MP_OK) {
        rc = mp_bls_batch_verify((const uint8_t(*)[32])digests, pks, sigs, n, &err);
        if (mp_rc_class(rc) == MP_ERR_VERIFY) {
            size_t n_bad = 0;
            rc = mp_bls_batch_find_invalid((const uint8_t(*)[32])digests, pks, sigs, n, bad,
                                           &n_bad, &err);
        }
    }
    for (size_t i = 0; i < n; i++) {
        batch[i]->rc = rc;
        batch[i]->err = err;
        batch[i]->valid = rc == MP_OK && !bad[i];
    }
    free(digests);
    free(pks);
    free(sigs);
    free(bad);
}

/* Queues r, waiting while the queue is full; under v->mu. */
static void enqueue(mp_agg_verifier *v, vreq *r)
{
    while (v->n == v->cap)
        pthread_cond_wait(&v->cv, &v->mu);
    r->seq = ++v->seq;
    v->q[v->n++] = r;
}

int mp_agg_verify(mp_agg_verifier *v, const uint8_t digest[32], const mp_bn254_g2 *pk,
                  const mp_bn254_g1 *sig, bool *valid, mp_err *err)
{
    vreq r = {.digest = digest, .pk = pk, .sig = sig};
    vreq *batch[1024];
    pthread_mutex_lock(&v->mu);
    enqueue(v, &r);
    while (v->done < r.seq) {
        if (v->busy) {
            pthread_cond_wait(&v->cv, &v->mu);
            continue;
        }
        v->busy = true;
        size_t n = v->n < sizeof batch / sizeof *batch ? v->n : sizeof batch / sizeof *batch;
        memcpy(batch, v->q, n * sizeof *batch);
        memmove(v->q, v->q + n, (v->n - n) * sizeof *v->q);
        v->n -= n;
        pthread_cond_broadcast(&v->cv); /* room in the queue */
        pthread_mutex_unlock(&v->mu);
        run_batch(batch, n);
        pthread_mutex_lock(&v->mu);
        v->done = batch[n - 1]->seq;
        v->batches++;
        v->sigs += n;
        v->busy = false;
        pthread_cond_broadcast(&v->cv);
    }
    pthread_mutex_unlock(&v->mu);
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
