/*
** engine_impl.h: the whole BN254 engine as one translation unit, and its
** operation table (backend.h). Included by bn254_generic.c and bn254_adx.c,
** which set the backend macros first:
**
**   MP_BN254_ADX        defined for the MULX/ADX assembly products
**   BN254_BACKEND_VAR   the name of the mp_bn254_backend table to define
**   BN254_BACKEND_NAME  its printable name
*/
#ifndef MPAVS_BN254_ENGINE_IMPL_H
#define MPAVS_BN254_ENGINE_IMPL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "mpavs/mem.h"

/* clang-format off */
#include "fp_impl.h"
#include "fp2_impl.h"
#include "constants_impl.h"
#include "inv_impl.h"
#include "fp6_impl.h"
#include "fp12_impl.h"
#include "scalar_decomp_impl.h"
#include "g1_impl.h"
#include "g2_impl.h"
#include "pairing_impl.h"
/* clang-format on */

_Static_assert(sizeof(fp12) == sizeof(mp_bn254_gt), "GT layout");

static inline void gt_in(fp12 *r, const mp_bn254_gt *a)
{
    memcpy(r, a, sizeof *r);
}

static inline void gt_out(mp_bn254_gt *r, const fp12 *a)
{
    memcpy(r, a, sizeof *r);
}

/* ---- table entries --------------------------------------------------------- */

static int e_fp_from_bytes(mp_bn254_fp *r, const uint8_t in[32])
{
    return fp_from_bytes(r, in);
}

static void e_fp_to_bytes(uint8_t out[32], const mp_bn254_fp *a)
{
    fp_to_bytes(out, a);
}

static void e_fp_add(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b)
{
    fp_add(r, a, b);
}

static void e_fp_sub(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b)
{
    fp_sub(r, a, b);
}

static void e_fp_mul(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b)
{
    fp_mul(r, a, b);
}

static void e_fp_sqr(mp_bn254_fp *r, const mp_bn254_fp *a)
{
    fp_sqr(r, a);
}

static void e_fp_inv(mp_bn254_fp *r, const mp_bn254_fp *a)
{
    fp_inv(r, a);
}

static void e_fp_inv_var(mp_bn254_fp *r, const mp_bn254_fp *a)
{
    fp_inv_var(r, a);
}

static int e_fp_sqrt(mp_bn254_fp *r, const mp_bn254_fp *a)
{
    return fp_sqrt(r, a);
}

static void e_fp2_add(mp_bn254_fp2 *r, const mp_bn254_fp2 *a, const mp_bn254_fp2 *b)
{
    fp2_add(r, a, b);
}

static void e_fp2_mul(mp_bn254_fp2 *r, const mp_bn254_fp2 *a, const mp_bn254_fp2 *b)
{
    fp2_mul(r, a, b);
}

static void e_fp2_sqr(mp_bn254_fp2 *r, const mp_bn254_fp2 *a)
{
    fp2_sqr(r, a);
}

static void e_fp2_mul_xi(mp_bn254_fp2 *r, const mp_bn254_fp2 *a)
{
    fp2_mul_xi(r, a);
}

static int e_fp2_sqrt(mp_bn254_fp2 *r, const mp_bn254_fp2 *a)
{
    return fp2_sqrt_var(r, a);
}

static void e_g1_add(g1a *r, const g1a *a, const g1a *b)
{
    g1j t;
    g1j_from_aff(&t, a);
    g1j_add_aff(&t, &t, b);
    g1j_to_aff(r, &t);
}

static void e_g1_dbl(g1a *r, const g1a *a)
{
    g1j t;
    g1j_from_aff(&t, a);
    g1j_dbl(&t, &t);
    g1j_to_aff(r, &t);
}

static void e_g1_sum(g1a *r, const g1a *pts, size_t n)
{
    g1j t;
    g1j_set_inf(&t);
    for (size_t i = 0; i < n; i++)
        g1j_add_aff(&t, &t, &pts[i]);
    g1j_to_aff(r, &t);
}

static void e_g1_mul_var(g1a *r, const g1a *p, const mp_bn254_scalar *k)
{
    g1_mul_glv(r, p, k->v);
}

static void e_g1_mul_ct(g1a *r, const g1a *p, const mp_bn254_scalar *k)
{
    g1_mul_ct_glv(r, p, k->v);
}

static void e_g1_mul_ref(g1a *r, const g1a *p, const mp_bn254_scalar *k)
{
    g1mul_ref(r, p, k->v);
}

static int e_g1_msm(g1a *r, const g1a *pts, const mp_bn254_scalar *ks, size_t n, unsigned bits)
{
    return g1msm(r, pts, ks, n, bits);
}

static void e_g2_add(g2a *r, const g2a *a, const g2a *b)
{
    g2j t;
    g2j_from_aff(&t, a);
    g2j_add_aff(&t, &t, b);
    g2j_to_aff(r, &t);
}

static void e_g2_dbl(g2a *r, const g2a *a)
{
    g2j t;
    g2j_from_aff(&t, a);
    g2j_dbl(&t, &t);
    g2j_to_aff(r, &t);
}

static void e_g2_sum(g2a *r, const g2a *pts, size_t n)
{
    g2j t;
    g2j_set_inf(&t);
    for (size_t i = 0; i < n; i++)
        g2j_add_aff(&t, &t, &pts[i]);
    g2j_to_aff(r, &t);
}

static void e_g2_mul_var(g2a *r, const g2a *p, const mp_bn254_scalar *k)
{
    g2_mul_gls(r, p, k->v);
}

static void e_g2_mul_ct(g2a *r, const g2a *p, const mp_bn254_scalar *k)
{
    g2mul_ct(r, p, k->v);
}

static void e_g2_mul_ref(g2a *r, const g2a *p, const mp_bn254_scalar *k)
{
    g2mul_ref(r, p, k->v);
}

static int e_g2_msm(g2a *r, const g2a *pts, const mp_bn254_scalar *ks, size_t n, unsigned bits)
{
    return g2msm(r, pts, ks, n, bits);
}

static int e_g2_in_subgroup(const g2a *p)
{
    return g2_in_subgroup(p);
}

static int e_g2_from_x(g2a *r, const mp_bn254_fp2 *x)
{
    fp2 rhs, y;
    fp2_sqr(&rhs, x);
    fp2_mul(&rhs, &rhs, x);
    fp2_add(&rhs, &rhs, &FP2_B_TWIST);
    if (!fp2_sqrt_var(&y, &rhs))
        return 0;
    r->x = *x;
    r->y = y;
    r->infinity = 0;
    return 1;
}

static void e_g2_psi(g2a *r, const g2a *p)
{
    g2aff_psi(r, p);
}

#define ML_BATCH 8 /* pairs per Miller loop call on the stack */

static void e_miller_loop(mp_bn254_gt *out, const g1a *ps, const g2a *qs, size_t n)
{
    fp12 acc, f;
    fp12_set_one(&acc);
    ml_pair pairs[ML_BATCH];
    size_t used = 0;
    for (size_t i = 0; i <= n; i++) {
        /* Flush a full batch (or the rest at the end) into the product. */
        if (used == ML_BATCH || (i == n && used > 0)) {
            miller_loop(&f, pairs, used);
            fp12_mul(&acc, &acc, &f);
            used = 0;
        }
        if (i == n)
            break;
        if (ps[i].infinity || qs[i].infinity)
            continue;
        pairs[used].xp = ps[i].x;
        fp_neg(&pairs[used].myp, &ps[i].y);
        pairs[used].q = qs[i];
        used++;
    }
    gt_out(out, &acc);
}

static void e_final_exp(mp_bn254_gt *r, const mp_bn254_gt *f)
{
    fp12 t;
    gt_in(&t, f);
    final_exp(&t, &t);
    gt_out(r, &t);
}

static void e_final_exp_ref(mp_bn254_gt *r, const mp_bn254_gt *f)
{
    fp12 t;
    gt_in(&t, f);
    final_exp_ref(&t, &t);
    gt_out(r, &t);
}

static void e_gt_mul(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_gt *b)
{
    fp12 x, y;
    gt_in(&x, a);
    gt_in(&y, b);
    fp12_mul(&x, &x, &y);
    gt_out(r, &x);
}

static void e_gt_sqr(mp_bn254_gt *r, const mp_bn254_gt *a)
{
    fp12 x;
    gt_in(&x, a);
    fp12_sqr(&x, &x);
    gt_out(r, &x);
}

static void e_gt_cyclotomic_sqr(mp_bn254_gt *r, const mp_bn254_gt *a)
{
    fp12 x;
    gt_in(&x, a);
    fp12_cyclotomic_sqr(&x, &x);
    gt_out(r, &x);
}

static void e_gt_inv(mp_bn254_gt *r, const mp_bn254_gt *a)
{
    fp12 x;
    gt_in(&x, a);
    fp12_inv_var(&x, &x);
    gt_out(r, &x);
}

static void e_gt_frobenius(mp_bn254_gt *r, const mp_bn254_gt *a, int power)
{
    fp12 x;
    gt_in(&x, a);
    fp12_frobenius(&x, &x, power);
    gt_out(r, &x);
}

static void e_gt_one(mp_bn254_gt *r)
{
    fp12 x;
    fp12_set_one(&x);
    gt_out(r, &x);
}

const mp_bn254_backend BN254_BACKEND_VAR = {
    .name = BN254_BACKEND_NAME,
    .fp_from_bytes = e_fp_from_bytes,
    .fp_to_bytes = e_fp_to_bytes,
    .fp_add = e_fp_add,
    .fp_sub = e_fp_sub,
    .fp_mul = e_fp_mul,
    .fp_sqr = e_fp_sqr,
    .fp_inv = e_fp_inv,
    .fp_inv_var = e_fp_inv_var,
    .fp_sqrt = e_fp_sqrt,
    .fp2_add = e_fp2_add,
    .fp2_mul = e_fp2_mul,
    .fp2_sqr = e_fp2_sqr,
    .fp2_mul_xi = e_fp2_mul_xi,
    .fp2_sqrt = e_fp2_sqrt,
    .g1_decode = g1_decode,
    .g1_encode = g1_encode,
    .g1_add = e_g1_add,
    .g1_dbl = e_g1_dbl,
    .g1_sum = e_g1_sum,
    .g1_mul_var = e_g1_mul_var,
    .g1_mul_ct = e_g1_mul_ct,
    .g1_mul_ref = e_g1_mul_ref,
    .g1_msm_var = e_g1_msm,
    .g1_from_x_var = g1_from_x,
    .g2_decode = g2_decode,
    .g2_encode = g2_encode,
    .g2_in_subgroup_var = e_g2_in_subgroup,
    .g2_from_x_var = e_g2_from_x,
    .g2_add = e_g2_add,
    .g2_dbl = e_g2_dbl,
    .g2_sum = e_g2_sum,
    .g2_mul_var = e_g2_mul_var,
    .g2_mul_ct = e_g2_mul_ct,
    .g2_mul_ref = e_g2_mul_ref,
    .g2_msm_var = e_g2_msm,
    .g2_psi = e_g2_psi,
    .miller_loop = e_miller_loop,
    .final_exp = e_final_exp,
    .final_exp_ref = e_final_exp_ref,
    .gt_mul = e_gt_mul,
    .gt_sqr = e_gt_sqr,
    .gt_cyclotomic_sqr = e_gt_cyclotomic_sqr,
    .gt_inv = e_gt_inv,
    .gt_frobenius = e_gt_frobenius,
    .gt_one = e_gt_one,
};

#endif /* MPAVS_BN254_ENGINE_IMPL_H */
