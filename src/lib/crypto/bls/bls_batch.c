/*
** bls_batch.c: verification of many EigenLayer BLS signatures at once (the
** aggregator's hot path) and the search for the bad ones in a failing batch.
**
** Each signature gets a random 64-bit weight r_i from getrandom, so a set
** containing an invalid signature passes with probability about 2^-64, while
** the work is two multi-scalar multiplications (Pippenger) and one
** multi-pairing instead of n pairing checks:
**   same digest:  e(H, sum r_i pk_i) * e(-sum r_i sig_i, G2) == 1
**   any digests:  prod over digests m of e(H(m), sum_{i: m_i = m} r_i pk_i)
**                 * e(-sum r_i sig_i, G2) == 1
** (a digest used once pairs r_i H(m_i) with pk_i instead: a G1 product is
** cheaper than a G2 one).
*/
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/bn254_pairing.h"
#include "mpavs/rand.h"

#include <stdlib.h>
#include <string.h>

#define WEIGHT_BITS 64

static int random_weights(mp_bn254_scalar *ks, size_t n, mp_err *err)
{
    uint64_t *w = malloc(n * sizeof *w);
    if (w == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu batch weights", n);
    int rc = mp_rand_bytes(w, n * sizeof *w, err);
    if (rc != MP_OK) {
        free(w);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        mp_bn254_scalar_set_u64(&ks[i], w[i] ? w[i] : 1);
    free(w);
    return MP_OK;
}

int mp_bls_batch_verify_same(const uint8_t digest[32], const mp_bn254_g2 *pks,
                             const mp_bn254_g1 *sigs, size_t n, mp_err *err)
{
    if (n == 0)
        return MP_OK;
    mp_bn254_scalar *ks = malloc(n * sizeof *ks);
    if (ks == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for a batch of %zu", n);
    int rc = random_weights(ks, n, err);
    mp_bn254_g1 ps[2];
    mp_bn254_g2 qs[2];
    if (rc == MP_OK)
        rc = mp_bn254_g1_msm_var(&ps[1], sigs, ks, n, WEIGHT_BITS, err);
    if (rc == MP_OK)
        rc = mp_bn254_g2_msm_var(&qs[0], pks, ks, n, WEIGHT_BITS, err);
    free(ks);
    if (rc != MP_OK)
        return rc;
    mp_bls_hash_to_g1(&ps[0], digest);
    mp_bn254_g1_neg(&ps[1], &ps[1]);
    mp_bn254_g2_generator(&qs[1]);
    if (!mp_bn254_pairing_check(ps, qs, 2))
        return MP_FAIL(err, MP_ERR_VERIFY, "batch of %zu BLS signatures does not verify", n);
    return MP_OK;
}

typedef struct sorted_item {
    const uint8_t *digest;
    size_t index;
} sorted_item;

static int cmp_item(const void *a, const void *b)
{
    const sorted_item *x = a, *y = b;
    int c = memcmp(x->digest, y->digest, 32);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The pairs of the batch equation, one per distinct digest plus the
 * signature side; returns the number of pairs written. */
static int batch_pairs(const uint8_t (*digests)[32], const mp_bn254_g2 *pks,
                       const mp_bn254_scalar *ks, const sorted_item *order, size_t n,
                       mp_bn254_g1 *ps, mp_bn254_g2 *qs, mp_bn254_g2 *gpk, mp_bn254_scalar *gks,
                       size_t *npairs, mp_err *err)
{
    size_t np = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && memcmp(order[b].digest, order[a].digest, 32) == 0)
            b++;
        mp_bn254_g1 h;
        mp_bls_hash_to_g1(&h, digests[order[a].index]);
        if (b - a == 1) {
            mp_bn254_g1_mul_var(&ps[np], &h, &ks[order[a].index]);
            qs[np] = pks[order[a].index];
        } else {
            for (size_t i = a; i < b; i++) {
                gpk[i - a] = pks[order[i].index];
                gks[i - a] = ks[order[i].index];
            }
            ps[np] = h;
            MP_TRY(mp_bn254_g2_msm_var(&qs[np], gpk, gks, b - a, WEIGHT_BITS, err));
        }
        np++;
        a = b;
    }
    *npairs = np;
    return MP_OK;
}

int mp_bls_batch_verify(const uint8_t (*digests)[32], const mp_bn254_g2 *pks,
                        const mp_bn254_g1 *sigs, size_t n, mp_err *err)
{
    if (n == 0)
        return MP_OK;
    mp_bn254_scalar *ks = malloc(n * sizeof *ks), *gks = malloc(n * sizeof *gks);
    sorted_item *order = malloc(n * sizeof *order);
    mp_bn254_g1 *ps = malloc((n + 1) * sizeof *ps);
    mp_bn254_g2 *qs = malloc((n + 1) * sizeof *qs), *gpk = malloc(n * sizeof *gpk);
    int rc = MP_OK;
    size_t np = 0;
    if (!ks || !gks || !order || !ps || !qs || !gpk)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory for a batch of %zu", n);
    if (rc == MP_OK)
        rc = random_weights(ks, n, err);
    if (rc == MP_OK) {
        for (size_t i = 0; i < n; i++)
            order[i] = (sorted_item){digests[i], i};
        qsort(order, n, sizeof *order, cmp_item);
        rc = batch_pairs(digests, pks, ks, order, n, ps, qs, gpk, gks, &np, err);
    }
    if (rc == MP_OK)
        rc = mp_bn254_g1_msm_var(&ps[np], sigs, ks, n, WEIGHT_BITS, err);
    if (rc == MP_OK) {
        mp_bn254_g1_neg(&ps[np], &ps[np]);
        mp_bn254_g2_generator(&qs[np]);
        if (!mp_bn254_pairing_check(ps, qs, np + 1))
            rc = MP_FAIL(err, MP_ERR_VERIFY, "batch of %zu BLS signatures does not verify", n);
    }
    free(ks);
    free(gks);
    free(order);
    free(ps);
    free(qs);
    free(gpk);
    return rc;
}

typedef struct bisect_ctx {
    const uint8_t *same; /* the one digest of a same-digest batch, or NULL */
    const uint8_t (*digests)[32];
    const mp_bn254_g2 *pks;
    const mp_bn254_g1 *sigs;
    bool *invalid;
    size_t found;
} bisect_ctx;

/* Sets *ok to whether [lo, hi) verifies as a batch; fails only on errors
 * other than a failed verification. */
static int range_ok(const bisect_ctx *c, size_t lo, size_t hi, bool *ok, mp_err *err)
{
    int rc = c->same
                 ? mp_bls_batch_verify_same(c->same, c->pks + lo, c->sigs + lo, hi - lo, err)
                 : mp_bls_batch_verify(c->digests + lo, c->pks + lo, c->sigs + lo, hi - lo, err);
    *ok = rc == MP_OK;
    return mp_rc_class(rc) == MP_ERR_VERIFY ? MP_OK : rc;
}

/* Marks the invalid signatures in [lo, hi). known_bad: the range is already
 * known to fail as a batch. A single signature is decided by a plain
 * verification, so a mark never rests on a random weight. */
static int bisect(bisect_ctx *c, size_t lo, size_t hi, bool known_bad, mp_err *err)
{
    if (hi - lo == 1) {
        const uint8_t *digest = c->same ? c->same : c->digests[lo];
        if (mp_bls_verify(&c->pks[lo], digest, &c->sigs[lo], NULL) != MP_OK) {
            c->invalid[lo] = true;
            c->found++;
        }
        return MP_OK;
    }
    bool ok = false;
    if (!known_bad) {
        MP_TRY(range_ok(c, lo, hi, &ok, err));
        if (ok)
            return MP_OK;
    }
    size_t mid = lo + (hi - lo) / 2;
    bool left_ok = false;
    if (mid - lo > 1)
        MP_TRY(range_ok(c, lo, mid, &left_ok, err));
    if (!left_ok)
        MP_TRY(bisect(c, lo, mid, mid - lo > 1, err));
    /* The whole range failed: with a good left half the right one is bad. */
    return bisect(c, mid, hi, left_ok, err);
}

int mp_bls_batch_find_invalid(const uint8_t (*digests)[32], const mp_bn254_g2 *pks,
                              const mp_bn254_g1 *sigs, size_t n, bool *invalid, size_t *n_invalid,
                              mp_err *err)
{
    bisect_ctx c = {NULL, digests, pks, sigs, invalid, 0};
    for (size_t i = 0; i < n; i++)
        invalid[i] = false;
    *n_invalid = 0;
    if (n == 0)
        return MP_OK;
    MP_TRY(bisect(&c, 0, n, 0, err));
    *n_invalid = c.found;
    return MP_OK;
}

int mp_bls_batch_find_invalid_same(const uint8_t digest[32], const mp_bn254_g2 *pks,
                                   const mp_bn254_g1 *sigs, size_t n, bool *invalid,
                                   size_t *n_invalid, mp_err *err)
{
    bisect_ctx c = {digest, NULL, pks, sigs, invalid, 0};
    for (size_t i = 0; i < n; i++)
        invalid[i] = false;
    *n_invalid = 0;
    if (n == 0)
        return MP_OK;
    MP_TRY(bisect(&c, 0, n, 0, err));
    *n_invalid = c.found;
    return MP_OK;
}
