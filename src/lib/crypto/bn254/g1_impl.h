/*
** g1_impl.h: G1 = E(Fp), y^2 = x^3 + 3. Instantiates group_impl.h over Fp
** and adds what is particular to G1: the EVM encoding, the x -> point lift
** used by hashToG1, and GLV scalar multiplication with the endomorphism
** phi(x, y) = (beta x, y) = [lambda](x, y).
*/
#ifndef MPAVS_BN254_G1_IMPL_H
#define MPAVS_BN254_G1_IMPL_H

#define GFE    fp
#define GF(op) fp_##op
#define GP(n)  g1##n
#define G_AFF  mp_bn254_g1
#define G_B    (&FP_THREE)
#define G_B3   (&FP_NINE)
#include "group_impl.h"
#undef GFE
#undef GF
#undef GP
#undef G_AFF
#undef G_B
#undef G_B3

typedef mp_bn254_g1 g1a;

#define G1_WNAF_W 5 /* 8 odd multiples per table */

static BN_UNUSED int g1_decode(g1a *p, const uint8_t in[64])
{
    g1a t;
    memset(&t, 0, sizeof t);
    if (!fp_from_bytes(&t.x, in) || !fp_from_bytes(&t.y, in + 32))
        return BN254_DECODE_RANGE;
    if (fp_is_zero(&t.x) && fp_is_zero(&t.y)) {
        g1aff_set_inf(p);
        return BN254_DECODE_OK;
    }
    if (!g1aff_on_curve(&t))
        return BN254_DECODE_CURVE;
    *p = t;
    return BN254_DECODE_OK;
}

static BN_UNUSED void g1_encode(uint8_t out[64], const g1a *p)
{
    if (p->infinity) {
        memset(out, 0, 64);
        return;
    }
    fp_to_bytes(out, &p->x);
    fp_to_bytes(out + 32, &p->y);
}

/* The point with abscissa x (32 bytes, < p) and y = (x^3+3)^((p+1)/4), if that
 * is a square root; 0 when x^3 + 3 is not a square. */
static BN_UNUSED int g1_from_x(g1a *r, const uint8_t xb[32])
{
    fp x, beta, y;
    if (!fp_from_bytes(&x, xb))
        return 0;
    fp_sqr(&beta, &x);
    fp_mul(&beta, &beta, &x);
    fp_add(&beta, &beta, &FP_THREE);
    if (!fp_sqrt(&y, &beta))
        return 0;
    r->x = x;
    r->y = y;
    r->infinity = 0;
    return 1;
}

/* r = k*p, variable time: k = k1 + k2 lambda, both halves in width-5 NAF,
 * one shared doubling chain over ~128 bits. */
static BN_UNUSED void g1_mul_glv(g1a *r, const g1a *p, const uint64_t k[4])
{
    if (p->infinity) {
        g1aff_set_inf(r);
        return;
    }
    uint64_t k1[2], k2[2];
    int neg1, neg2;
    glv_split(k1, &neg1, k2, &neg2, k);
    g1a base = *p, t1[8], t2[8];
    if (neg1)
        g1aff_neg(&base, p);
    g1odd_multiples(t1, &base, 8);
    for (int i = 0; i < 8; i++) {
        fp_mul(&t2[i].x, &t1[i].x, &FP_BETA);
        t2[i].y = t1[i].y;
        t2[i].infinity = t1[i].infinity;
        if (neg1 != neg2)
            fp_neg(&t2[i].y, &t2[i].y);
    }
    int8_t d1[130], d2[130];
    int n1 = wnaf_recode(d1, k1, 2, G1_WNAF_W), n2 = wnaf_recode(d2, k2, 2, G1_WNAF_W);
    int n = n1 > n2 ? n1 : n2;
    g1j acc;
    g1j_set_inf(&acc);
    for (int i = n - 1; i >= 0; i--) {
        g1j_dbl(&acc, &acc);
        if (i < n1)
            g1j_add_digit(&acc, t1, d1[i]);
        if (i < n2)
            g1j_add_digit(&acc, t2, d2[i]);
    }
    g1j_to_aff(r, &acc);
}

/* r = k*p in constant time for a secret k: k = k1 + k2 lambda (branch-free
 * GLV split), then 4-bit fixed windows over the two 128-bit halves, each
 * window doubling 4 times and adding one entry of the table of p and one of
 * phi(p) = (beta x, y). The tables are multiples of the public point; the
 * secret signs negate them with masks and every lookup reads all 16 entries.
 * Complete formulas throughout (no exceptional cases to branch on). */
static BN_UNUSED void g1_mul_ct_glv(g1a *r, const g1a *p, const uint64_t k[4])
{
    uint64_t k1[2], k2[2], neg1, neg2;
    glv_split_ct(k1, &neg1, k2, &neg2, k);
    g1p t1[16], t2[16], acc, sel;
    g1p_set_inf(&t1[0]);
    g1p_from_aff(&t1[1], p);
    for (int i = 2; i < 16; i++) {
        if (i & 1)
            g1p_add(&t1[i], &t1[i - 1], &t1[1]);
        else
            g1p_dbl(&t1[i], &t1[i / 2]);
    }
    for (int i = 0; i < 16; i++) {
        fp ny;
        t2[i] = t1[i];
        fp_mul(&t2[i].x, &t1[i].x, &FP_BETA);
        fp_neg(&ny, &t1[i].y);
        fp_cmov(&t2[i].y, &ny, neg2);
        fp_cmov(&t1[i].y, &ny, neg1);
    }
    g1p_set_inf(&acc);
    for (int w = 31; w >= 0; w--) {
        for (int d = 0; d < 4; d++)
            g1p_dbl(&acc, &acc);
        uint64_t n1 = (k1[w / 16] >> (4 * (w % 16))) & 15;
        uint64_t n2 = (k2[w / 16] >> (4 * (w % 16))) & 15;
        g1p_set_inf(&sel);
        for (uint64_t i = 1; i < 16; i++) {
            uint64_t diff = i ^ n1;
            g1p_cmov(&sel, &t1[i], ((diff | (0 - diff)) >> 63) ^ 1);
        }
        g1p_add(&acc, &acc, &sel);
        g1p_set_inf(&sel);
        for (uint64_t i = 1; i < 16; i++) {
            uint64_t diff = i ^ n2;
            g1p_cmov(&sel, &t2[i], ((diff | (0 - diff)) >> 63) ^ 1);
        }
        g1p_add(&acc, &acc, &sel);
    }
    g1p_to_aff(r, &acc);
    mp_memzero(&acc, sizeof acc);
    mp_memzero(&sel, sizeof sel);
    mp_memzero(k1, sizeof k1);
    mp_memzero(k2, sizeof k2);
    /* the tables' signs are secret too */
    mp_memzero(t1, sizeof t1);
    mp_memzero(t2, sizeof t2);
}

#endif /* MPAVS_BN254_G1_IMPL_H */
