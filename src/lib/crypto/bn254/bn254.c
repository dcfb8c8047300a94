/*
** bn254.c: the public BN254 API (bn254.h, bn254_g1.h, bn254_g2.h,
** bn254_pairing.h): picks the arithmetic backend for the CPU, turns decoding
** failures into errors that name the problem, and implements the EVM
** precompiles 0x06-0x08 on top of the group and pairing operations.
*/
#include "backend.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/bn254_pairing.h"

#include <stdlib.h>
#include <string.h>

const mp_bn254_backend *mp_bn254_backend_get(void)
{
    return mp_bn254_backend_adx_usable() ? &mp_bn254_backend_adx : &mp_bn254_backend_generic;
}

#define BE (mp_bn254_backend_get())

const char *mp_bn254_backend_name(void)
{
    return BE->name;
}

static const uint8_t G1_GEN[64] = {[31] = 1, [63] = 2};

/* ---- G1 ------------------------------------------------------------------- */

static int g1_fail(mp_err *err, int why, const char *what)
{
    if (why == BN254_DECODE_RANGE)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: G1 coordinate is not below the field modulus p",
                       what);
    return MP_FAIL(err, MP_ERR_INVALID, "%s: G1 point is not on the curve y^2 = x^3 + 3", what);
}

void mp_bn254_g1_generator(mp_bn254_g1 *p)
{
    int rc = BE->g1_decode(p, G1_GEN);
    (void)rc;
}

void mp_bn254_g1_infinity(mp_bn254_g1 *p)
{
    memset(p, 0, sizeof *p);
    p->infinity = 1;
}

int mp_bn254_g1_decode(mp_bn254_g1 *p, const uint8_t in[64], mp_err *err)
{
    int why = BE->g1_decode(p, in);
    return why ? g1_fail(err, why, "G1 point") : MP_OK;
}

void mp_bn254_g1_encode(uint8_t out[64], const mp_bn254_g1 *p)
{
    BE->g1_encode(out, p);
}

bool mp_bn254_g1_eq(const mp_bn254_g1 *a, const mp_bn254_g1 *b)
{
    if (a->infinity || b->infinity)
        return a->infinity && b->infinity;
    return memcmp(&a->x, &b->x, sizeof a->x) == 0 && memcmp(&a->y, &b->y, sizeof a->y) == 0;
}

void mp_bn254_g1_add(mp_bn254_g1 *r, const mp_bn254_g1 *a, const mp_bn254_g1 *b)
{
    BE->g1_add(r, a, b);
}

/* -a in Montgomery form is p - a limb-wise (0 stays 0), as for any residue. */
static void fp_neg_limbs(mp_bn254_fp *r, const mp_bn254_fp *a)
{
    static const uint64_t P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};
    if ((a->v[0] | a->v[1] | a->v[2] | a->v[3]) == 0) {
        *r = *a;
        return;
    }
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        __extension__ unsigned __int128 d = (unsigned __int128)P[i] - a->v[i] - borrow;
        r->v[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

void mp_bn254_g1_neg(mp_bn254_g1 *r, const mp_bn254_g1 *a)
{
    *r = *a;
    fp_neg_limbs(&r->y, &a->y);
}

void mp_bn254_g1_sum(mp_bn254_g1 *r, const mp_bn254_g1 *pts, size_t n)
{
    BE->g1_sum(r, pts, n);
}

void mp_bn254_g1_mul_var(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k)
{
    BE->g1_mul_var(r, p, k);
}

void mp_bn254_g1_mul_ct(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k)
{
    BE->g1_mul_ct(r, p, k);
}

int mp_bn254_g1_msm_var(mp_bn254_g1 *r, const mp_bn254_g1 *pts, const mp_bn254_scalar *ks, size_t n,
                        unsigned bits, mp_err *err)
{
    if (!BE->g1_msm_var(r, pts, ks, n, bits))
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for a %zu-point G1 multiplication", n);
    return MP_OK;
}

bool mp_bn254_g1_from_x_var(mp_bn254_g1 *r, const uint8_t x[32])
{
    return BE->g1_from_x_var(r, x) != 0;
}

/* ---- G2 ------------------------------------------------------------------- */

static int g2_fail(mp_err *err, int why, const char *what)
{
    switch (why) {
    case BN254_DECODE_RANGE:
        return MP_FAIL(err, MP_ERR_INVALID, "%s: G2 coordinate is not below the field modulus p",
                       what);
    case BN254_DECODE_CURVE:
        return MP_FAIL(err, MP_ERR_INVALID, "%s: G2 point is not on the twist curve", what);
    default:
        return MP_FAIL(err, MP_ERR_INVALID, "%s: G2 point is not in the order-r subgroup", what);
    }
}

static const uint8_t G2_GEN[128] = {
    0x19, 0x8e, 0x93, 0x93, 0x92, 0x0d, 0x48, 0x3a, 0x72, 0x60, 0xbf, 0xb7, 0x31, 0xfb, 0x5d, 0x25,
    0xf1, 0xaa, 0x49, 0x33, 0x35, 0xa9, 0xe7, 0x12, 0x97, 0xe4, 0x85, 0xb7, 0xae, 0xf3, 0x12, 0xc2,
    0x18, 0x00, 0xde, 0xef, 0x12, 0x1f, 0x1e, 0x76, 0x42, 0x6a, 0x00, 0x66, 0x5e, 0x5c, 0x44, 0x79,
    0x67, 0x43, 0x22, 0xd4, 0xf7, 0x5e, 0xda, 0xdd, 0x46, 0xde, 0xbd, 0x5c, 0xd9, 0x92, 0xf6, 0xed,
    0x09, 0x06, 0x89, 0xd0, 0x58, 0x5f, 0xf0, 0x75, 0xec, 0x9e, 0x99, 0xad, 0x69, 0x0c, 0x33, 0x95,
    0xbc, 0x4b, 0x31, 0x33, 0x70, 0xb3, 0x8e, 0xf3, 0x55, 0xac, 0xda, 0xdc, 0xd1, 0x22, 0x97, 0x5b,
    0x12, 0xc8, 0x5e, 0xa5, 0xdb, 0x8c, 0x6d, 0xeb, 0x4a, 0xab, 0x71, 0x80, 0x8d, 0xcb, 0x40, 0x8f,
    0xe3, 0xd1, 0xe7, 0x69, 0x0c, 0x43, 0xd3, 0x7b, 0x4c, 0xe6, 0xcc, 0x01, 0x66, 0xfa, 0x7d, 0xaa};

void mp_bn254_g2_generator(mp_bn254_g2 *p)
{
    int rc = BE->g2_decode(p, G2_GEN, 0);
    (void)rc;
}

void mp_bn254_g2_infinity(mp_bn254_g2 *p)
{
    memset(p, 0, sizeof *p);
    p->infinity = 1;
}

int mp_bn254_g2_decode(mp_bn254_g2 *p, const uint8_t in[128], mp_err *err)
{
    int why = BE->g2_decode(p, in, 1);
    return why ? g2_fail(err, why, "G2 point") : MP_OK;
}

int mp_bn254_g2_decode_on_curve(mp_bn254_g2 *p, const uint8_t in[128], mp_err *err)
{
    int why = BE->g2_decode(p, in, 0);
    return why ? g2_fail(err, why, "G2 point") : MP_OK;
}

void mp_bn254_g2_encode(uint8_t out[128], const mp_bn254_g2 *p)
{
    BE->g2_encode(out, p);
}

bool mp_bn254_g2_in_subgroup_var(const mp_bn254_g2 *p)
{
    return BE->g2_in_subgroup_var(p) != 0;
}

bool mp_bn254_g2_eq(const mp_bn254_g2 *a, const mp_bn254_g2 *b)
{
    if (a->infinity || b->infinity)
        return a->infinity && b->infinity;
    return memcmp(&a->x, &b->x, sizeof a->x) == 0 && memcmp(&a->y, &b->y, sizeof a->y) == 0;
}

void mp_bn254_g2_add(mp_bn254_g2 *r, const mp_bn254_g2 *a, const mp_bn254_g2 *b)
{
    BE->g2_add(r, a, b);
}

void mp_bn254_g2_neg(mp_bn254_g2 *r, const mp_bn254_g2 *a)
{
    *r = *a;
    fp_neg_limbs(&r->y.c0, &a->y.c0);
    fp_neg_limbs(&r->y.c1, &a->y.c1);
}

void mp_bn254_g2_sum(mp_bn254_g2 *r, const mp_bn254_g2 *pts, size_t n)
{
    BE->g2_sum(r, pts, n);
}

void mp_bn254_g2_mul_var(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k)
{
    BE->g2_mul_var(r, p, k);
}

void mp_bn254_g2_mul_ct(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k)
{
    BE->g2_mul_ct(r, p, k);
}

int mp_bn254_g2_msm_var(mp_bn254_g2 *r, const mp_bn254_g2 *pts, const mp_bn254_scalar *ks, size_t n,
                        unsigned bits, mp_err *err)
{
    if (!BE->g2_msm_var(r, pts, ks, n, bits))
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for a %zu-point G2 multiplication", n);
    return MP_OK;
}

void mp_bn254_g2_psi(mp_bn254_g2 *r, const mp_bn254_g2 *p)
{
    BE->g2_psi(r, p);
}

/* ---- pairing ------------------------------------------------------------------ */

void mp_bn254_miller_loop(mp_bn254_gt *out, const mp_bn254_g1 *ps, const mp_bn254_g2 *qs, size_t n)
{
    BE->miller_loop(out, ps, qs, n);
}

void mp_bn254_final_exp(mp_bn254_gt *out, const mp_bn254_gt *f)
{
    BE->final_exp(out, f);
}

void mp_bn254_multi_pairing(mp_bn254_gt *out, const mp_bn254_g1 *ps, const mp_bn254_g2 *qs,
                            size_t n)
{
    const mp_bn254_backend *be = BE;
    mp_bn254_gt f;
    be->miller_loop(&f, ps, qs, n);
    be->final_exp(out, &f);
}

void mp_bn254_pairing(mp_bn254_gt *out, const mp_bn254_g1 *p, const mp_bn254_g2 *q)
{
    mp_bn254_multi_pairing(out, p, q, 1);
}

bool mp_bn254_pairing_check(const mp_bn254_g1 *ps, const mp_bn254_g2 *qs, size_t n)
{
    mp_bn254_gt r;
    mp_bn254_multi_pairing(&r, ps, qs, n);
    return mp_bn254_gt_is_one(&r);
}

void mp_bn254_gt_one(mp_bn254_gt *r)
{
    BE->gt_one(r);
}

bool mp_bn254_gt_eq(const mp_bn254_gt *a, const mp_bn254_gt *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

bool mp_bn254_gt_is_one(const mp_bn254_gt *a)
{
    mp_bn254_gt one;
    mp_bn254_gt_one(&one);
    return mp_bn254_gt_eq(a, &one);
}

void mp_bn254_gt_mul(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_gt *b)
{
    BE->gt_mul(r, a, b);
}

void mp_bn254_gt_pow_var(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_scalar *k)
{
    const mp_bn254_backend *be = BE;
    mp_bn254_gt acc, base = *a;
    be->gt_one(&acc);
    for (int i = 255; i >= 0; i--) {
        be->gt_sqr(&acc, &acc);
        if ((k->v[i / 64] >> (i % 64)) & 1)
            be->gt_mul(&acc, &acc, &base);
    }
    *r = acc;
}

void mp_bn254_gt_inv(mp_bn254_gt *r, const mp_bn254_gt *a)
{
    BE->gt_inv(r, a);
}

/* ---- EVM precompiles ------------------------------------------------------------ */

/* The input as the precompile sees it: the first n bytes, zero-padded. */
static void padded(uint8_t *out, size_t n, const uint8_t *in, size_t len)
{
    memset(out, 0, n);
    if (len > 0)
        memcpy(out, in, len < n ? len : n);
}

int mp_bn254_ecadd_with(const mp_bn254_backend *be, uint8_t out[64], const uint8_t *in, size_t len,
                        mp_err *err)
{
    uint8_t buf[128];
    padded(buf, sizeof buf, in, len);
    mp_bn254_g1 a, b, s;
    int why = be->g1_decode(&a, buf);
    if (why)
        return g1_fail(err, why, "ecAdd first point");
    why = be->g1_decode(&b, buf + 64);
    if (why)
        return g1_fail(err, why, "ecAdd second point");
    be->g1_add(&s, &a, &b);
    be->g1_encode(out, &s);
    return MP_OK;
}

int mp_bn254_ecmul_with(const mp_bn254_backend *be, uint8_t out[64], const uint8_t *in, size_t len,
                        mp_err *err)
{
    uint8_t buf[96];
    padded(buf, sizeof buf, in, len);
    mp_bn254_g1 a, s;
    int why = be->g1_decode(&a, buf);
    if (why)
        return g1_fail(err, why, "ecMul point");
    mp_bn254_scalar k;
    mp_bn254_scalar_from_bytes_raw(&k, buf + 64);
    be->g1_mul_var(&s, &a, &k);
    be->g1_encode(out, &s);
    return MP_OK;
}

int mp_bn254_ecpairing_with(const mp_bn254_backend *be, uint8_t out[32], const uint8_t *in,
                            size_t len, mp_err *err)
{
    if (len % 192 != 0)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "ecPairing input is %zu bytes, not a multiple of 192 (G1 || G2 pairs)", len);
    size_t n = len / 192;
    mp_bn254_g1 *ps = NULL;
    mp_bn254_g2 *qs = NULL;
    if (n > 0) {
        ps = malloc(n * sizeof *ps);
        qs = malloc(n * sizeof *qs);
        if (ps == NULL || qs == NULL) {
            free(ps);
            free(qs);
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu pairs", n);
        }
    }
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        int why = be->g1_decode(&ps[i], in + 192 * i);
        if (why) {
            rc = g1_fail(err, why, "ecPairing G1 point");
            mp_err_wrap(err, "pair %zu", i);
            break;
        }
        why = be->g2_decode(&qs[i], in + 192 * i + 64, 1);
        if (why) {
            rc = g2_fail(err, why, "ecPairing G2 point");
            mp_err_wrap(err, "pair %zu", i);
        }
    }
    if (rc == MP_OK) {
        mp_bn254_gt f, e;
        be->miller_loop(&f, ps, qs, n);
        be->final_exp(&e, &f);
        memset(out, 0, 32);
        out[31] = mp_bn254_gt_is_one(&e) ? 1 : 0;
    }
    free(ps);
    free(qs);
    return rc;
}

int mp_bn254_ecadd(uint8_t out[64], const uint8_t *in, size_t len, mp_err *err)
{
    return mp_bn254_ecadd_with(BE, out, in, len, err);
}

int mp_bn254_ecmul(uint8_t out[64], const uint8_t *in, size_t len, mp_err *err)
{
    return mp_bn254_ecmul_with(BE, out, in, len, err);
}

int mp_bn254_ecpairing(uint8_t out[32], const uint8_t *in, size_t len, mp_err *err)
{
    return mp_bn254_ecpairing_with(BE, out, in, len, err);
}
