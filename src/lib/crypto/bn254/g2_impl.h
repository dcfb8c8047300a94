/*
** g2_impl.h: G2, the order-r subgroup of the twist E'(Fp2): y^2 = x^3 + b',
** b' = 3/(9+u). Instantiates group_impl.h over Fp2 and adds the EVM encoding
** (imaginary parts first), the endomorphism psi (untwist, Frobenius, twist),
** which acts as [6x^2] on G2, the subgroup test built on it, and GLS scalar
** multiplication (four ~64-bit pieces, one doubling chain).
*/
#ifndef MPAVS_BN254_G2_IMPL_H
#define MPAVS_BN254_G2_IMPL_H

#define GFE    fp2
#define GF(op) fp2_##op
#define GP(n)  g2##n
#define G_AFF  mp_bn254_g2
#define G_B    (&FP2_B_TWIST)
#define G_B3   (&FP2_B3_TWIST)
#include "group_impl.h"
#undef GFE
#undef GF
#undef GP
#undef G_AFF
#undef G_B
#undef G_B3

typedef mp_bn254_g2 g2a;

#define G2_WNAF_W 5

/* psi(x, y) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)); on Jacobian
 * coordinates Z is conjugated too. */
static inline void g2aff_psi(g2a *r, const g2a *a)
{
    fp2 t;
    fp2_conj(&t, &a->x);
    fp2_mul(&r->x, &t, &FROB1_2);
    fp2_conj(&t, &a->y);
    fp2_mul(&r->y, &t, &FROB1_3);
    r->infinity = a->infinity;
}

static inline void g2j_psi(g2j *r, const g2j *a)
{
    fp2 t;
    fp2_conj(&t, &a->x);
    fp2_mul(&r->x, &t, &FROB1_2);
    fp2_conj(&t, &a->y);
    fp2_mul(&r->y, &t, &FROB1_3);
    fp2_conj(&r->z, &a->z);
}

/* psi^2(x, y) = (x xi^((p^2-1)/3), -y) */
static inline void g2j_psi2(g2j *r, const g2j *a)
{
    fp2_mul_fp(&r->x, &a->x, &FROB2_2);
    fp2_neg(&r->y, &a->y);
    r->z = a->z;
}

static inline void g2j_psi3(g2j *r, const g2j *a)
{
    fp2 t;
    fp2_conj(&t, &a->x);
    fp2_mul(&r->x, &t, &FROB3_2);
    fp2_conj(&t, &a->y);
    fp2_mul(&r->y, &t, &FROB3_3);
    fp2_conj(&r->z, &a->z);
}

/* Equality of Jacobian points by cross-multiplication. */
static BN_UNUSED int g2j_eq(const g2j *a, const g2j *b)
{
    int ia = g2j_is_inf(a), ib = g2j_is_inf(b);
    if (ia || ib)
        return ia && ib;
    fp2 za2, zb2, l, r;
    fp2_sqr(&za2, &a->z);
    fp2_sqr(&zb2, &b->z);
    fp2_mul(&l, &a->x, &zb2);
    fp2_mul(&r, &b->x, &za2);
    if (!fp2_eq(&l, &r))
        return 0;
    fp2_mul(&za2, &za2, &a->z);
    fp2_mul(&zb2, &zb2, &b->z);
    fp2_mul(&l, &a->y, &zb2);
    fp2_mul(&r, &b->y, &za2);
    return fp2_eq(&l, &r);
}

/* [x]a for the BN seed x (NAF, mixed additions). */
static BN_UNUSED void g2_mul_x(g2j *r, const g2a *a)
{
    g2a neg;
    g2aff_neg(&neg, a);
    int n = (int)(sizeof X_NAF / sizeof X_NAF[0]);
    g2j acc;
    g2j_from_aff(&acc, a);
    for (int i = n - 2; i >= 0; i--) {
        g2j_dbl(&acc, &acc);
        if (X_NAF[i] > 0)
            g2j_add_aff(&acc, &acc, a);
        else if (X_NAF[i] < 0)
            g2j_add_aff(&acc, &acc, &neg);
    }
    *r = acc;
}

/* Membership in G2 for a point on the twist (El Housni, Guillevic, Piellard,
 * "Co-factor clearing and subgroup membership testing on pairing-friendly
 * curves", 2022): [x+1]P + psi([x]P) + psi^2([x]P) == psi^3([2x]P). */
static BN_UNUSED int g2_in_subgroup(const g2a *a)
{
    if (a->infinity)
        return 1;
    g2j xp, lhs, t, rhs;
    g2_mul_x(&xp, a);
    g2j_add_aff(&lhs, &xp, a);
    g2j_psi(&t, &xp);
    g2j_add(&lhs, &lhs, &t);
    g2j_psi2(&t, &xp);
    g2j_add(&lhs, &lhs, &t);
    g2j_dbl(&t, &xp);
    g2j_psi3(&rhs, &t);
    return g2j_eq(&lhs, &rhs);
}

static BN_UNUSED int g2_decode(g2a *p, const uint8_t in[128], int check_subgroup)
{
    g2a t;
    memset(&t, 0, sizeof t);
    if (!fp_from_bytes(&t.x.c1, in) || !fp_from_bytes(&t.x.c0, in + 32) ||
        !fp_from_bytes(&t.y.c1, in + 64) || !fp_from_bytes(&t.y.c0, in + 96))
        return BN254_DECODE_RANGE;
    if (fp2_is_zero(&t.x) && fp2_is_zero(&t.y)) {
        g2aff_set_inf(p);
        return BN254_DECODE_OK;
    }
    if (!g2aff_on_curve(&t))
        return BN254_DECODE_CURVE;
    if (check_subgroup && !g2_in_subgroup(&t))
        return BN254_DECODE_SUBGROUP;
    *p = t;
    return BN254_DECODE_OK;
}

static BN_UNUSED void g2_encode(uint8_t out[128], const g2a *p)
{
    if (p->infinity) {
        memset(out, 0, 128);
        return;
    }
    fp_to_bytes(out, &p->x.c1);
    fp_to_bytes(out + 32, &p->x.c0);
    fp_to_bytes(out + 64, &p->y.c1);
    fp_to_bytes(out + 96, &p->y.c0);
}

/* r = k*p for p in G2, variable time: k = sum k_i psi^i with |k_i| < 2^66,
 * each in width-5 NAF over tables psi^i(odd multiples of p). */
static BN_UNUSED void g2_mul_gls(g2a *r, const g2a *p, const uint64_t k[4])
{
    if (p->infinity) {
        g2aff_set_inf(r);
        return;
    }
    uint64_t ki[4][2];
    int neg[4];
    gls_split(ki, neg, k);
    g2a tab[4][8];
    g2odd_multiples(tab[0], p, 8);
    for (int j = 1; j < 4; j++)
        for (int i = 0; i < 8; i++)
            g2aff_psi(&tab[j][i], &tab[j - 1][i]);
    for (int j = 0; j < 4; j++)
        if (neg[j])
            for (int i = 0; i < 8; i++)
                fp2_neg(&tab[j][i].y, &tab[j][i].y);
    int8_t d[4][130];
    int len[4], n = 0;
    for (int j = 0; j < 4; j++) {
        len[j] = wnaf_recode(d[j], ki[j], 2, G2_WNAF_W);
        if (len[j] > n)
            n = len[j];
    }
    g2j acc;
    g2j_set_inf(&acc);
    for (int i = n - 1; i >= 0; i--) {
        g2j_dbl(&acc, &acc);
        for (int j = 0; j < 4; j++)
            if (i < len[j])
                g2j_add_digit(&acc, tab[j], d[j][i]);
    }
    g2j_to_aff(r, &acc);
}

#endif /* MPAVS_BN254_G2_IMPL_H */
