/*
** fp12_impl.h: Fp12 = Fp6[w]/(w^2 - v), elements c0 + c1 w, so that
** Fp12 = Fp2[w]/(w^6 - xi) with coefficients (of w^0..w^5)
** c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2.
**
** Besides the field operations: the Frobenius maps, the Granger-Scott
** squaring for elements of the cyclotomic subgroup (where the pairing's final
** exponentiation spends its time), and the product by a sparse line value
** a + (b + c v) w that the Miller loop produces.
*/
#ifndef MPAVS_BN254_FP12_IMPL_H
#define MPAVS_BN254_FP12_IMPL_H

typedef struct fp12 {
    fp6 c0, c1;
} fp12;

static inline void fp12_set_one(fp12 *r)
{
    fp6_set_one(&r->c0);
    fp6_set_zero(&r->c1);
}

static inline int fp12_eq(const fp12 *a, const fp12 *b)
{
    return fp6_eq(&a->c0, &b->c0) & fp6_eq(&a->c1, &b->c1);
}

static inline int fp12_is_one(const fp12 *a)
{
    fp12 one;
    fp12_set_one(&one);
    return fp12_eq(a, &one);
}

/* The conjugate c0 - c1 w = a^(p^6); the inverse for unitary elements. */
static inline void fp12_conj(fp12 *r, const fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

static BN_UNUSED void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b)
{
    fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* Complex squaring: c0 = (a0 + a1)(a0 + v a1) - t - v t, c1 = 2t, t = a0 a1. */
static BN_UNUSED void fp12_sqr(fp12 *r, const fp12 *a)
{
    fp6 t, s, u;
    fp6_mul(&t, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&u, &a->c1);
    fp6_add(&u, &u, &a->c0);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t);
    fp6_mul_v(&u, &t);
    fp6_sub(&r->c0, &s, &u);
    fp6_dbl(&r->c1, &t);
}

/* r = a^-1 for public a (variable time). */
static BN_UNUSED void fp12_inv_var(fp12 *r, const fp12 *a)
{
    fp6 t0, t1;
    fp6_sqr(&t0, &a->c0);
    fp6_sqr(&t1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv_var(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

/* a^(p^k) for k = 1, 2, 3: conjugate the coefficients (odd k) and scale the
 * coefficient of w^i by xi^(i(p^k - 1)/6). */
static BN_UNUSED void fp12_frobenius(fp12 *r, const fp12 *a, int k)
{
    fp12 t = *a;
    if (k & 1) {
        fp2_conj(&t.c0.c0, &t.c0.c0);
        fp2_conj(&t.c0.c1, &t.c0.c1);
        fp2_conj(&t.c0.c2, &t.c0.c2);
        fp2_conj(&t.c1.c0, &t.c1.c0);
        fp2_conj(&t.c1.c1, &t.c1.c1);
        fp2_conj(&t.c1.c2, &t.c1.c2);
    }
    if (k == 1) {
        fp2_mul(&t.c1.c0, &t.c1.c0, &FROB1_1);
        fp2_mul(&t.c0.c1, &t.c0.c1, &FROB1_2);
        fp2_mul(&t.c1.c1, &t.c1.c1, &FROB1_3);
        fp2_mul(&t.c0.c2, &t.c0.c2, &FROB1_4);
        fp2_mul(&t.c1.c2, &t.c1.c2, &FROB1_5);
    } else if (k == 2) {
        fp2_mul_fp(&t.c1.c0, &t.c1.c0, &FROB2_1);
        fp2_mul_fp(&t.c0.c1, &t.c0.c1, &FROB2_2);
        fp2_neg(&t.c1.c1, &t.c1.c1); /* xi^(3(p^2-1)/6) = -1 */
        fp2_mul_fp(&t.c0.c2, &t.c0.c2, &FROB2_4);
        fp2_mul_fp(&t.c1.c2, &t.c1.c2, &FROB2_5);
    } else {
        fp2_mul(&t.c1.c0, &t.c1.c0, &FROB3_1);
        fp2_mul(&t.c0.c1, &t.c0.c1, &FROB3_2);
        fp2_mul(&t.c1.c1, &t.c1.c1, &FROB3_3);
        fp2_mul(&t.c0.c2, &t.c0.c2, &FROB3_4);
        fp2_mul(&t.c1.c2, &t.c1.c2, &FROB3_5);
    }
    *r = t;
}

/* Squaring in the cyclotomic subgroup (Granger-Scott). View Fp12 as
 * Fp4[w]/(w^3 - s) with Fp4 = Fp2[s]/(s^2 - xi), s = w^3, and
 * a = A0 + A1 w + A2 w^2 with A0 = (g0, h1), A1 = (h0, g2), A2 = (g1, h2).
 * For unitary a: a^2 = (3A0^2 - 2conj(A0)) + (3s A2^2 + 2conj(A1)) w
 * + (3A1^2 - 2conj(A2)) w^2, where conj(x0 + x1 s) = x0 - x1 s. */
static BN_UNUSED void fp12_cyclotomic_sqr(fp12 *r, const fp12 *a)
{
    const fp2 *g0 = &a->c0.c0, *g1 = &a->c0.c1, *g2 = &a->c0.c2;
    const fp2 *h0 = &a->c1.c0, *h1 = &a->c1.c1, *h2 = &a->c1.c2;
    fp2 t0, t1, t2, t3, t4, t5, s0, s1, s2, z;
    /* A0^2 = (g0^2 + xi h1^2) + 2 g0 h1 s */
    fp2_sqr(&t0, g0);
    fp2_sqr(&t1, h1);
    fp2_add(&s0, g0, h1);
    fp2_sqr(&s0, &s0);
    fp2_sub(&s0, &s0, &t0);
    fp2_sub(&s0, &s0, &t1); /* 2 g0 h1 */
    fp2_mul_xi(&t1, &t1);
    fp2_add(&t0, &t0, &t1); /* g0^2 + xi h1^2 */
    /* A1^2 = (h0^2 + xi g2^2) + 2 h0 g2 s */
    fp2_sqr(&t2, h0);
    fp2_sqr(&t3, g2);
    fp2_add(&s1, h0, g2);
    fp2_sqr(&s1, &s1);
    fp2_sub(&s1, &s1, &t2);
    fp2_sub(&s1, &s1, &t3); /* 2 h0 g2 */
    fp2_mul_xi(&t3, &t3);
    fp2_add(&t2, &t2, &t3); /* h0^2 + xi g2^2 */
    /* A2^2 = (g1^2 + xi h2^2) + 2 g1 h2 s */
    fp2_sqr(&t4, g1);
    fp2_sqr(&t5, h2);
    fp2_add(&s2, g1, h2);
    fp2_sqr(&s2, &s2);
    fp2_sub(&s2, &s2, &t4);
    fp2_sub(&s2, &s2, &t5); /* 2 g1 h2 */
    fp2_mul_xi(&t5, &t5);
    fp2_add(&t4, &t4, &t5); /* g1^2 + xi h2^2 */
    fp2_mul_xi(&s2, &s2);   /* s A2^2 = xi 2 g1 h2 + (g1^2 + xi h2^2) s */
    fp12 out;
    /* new g0 = 3 t0 - 2 g0 = 2 (t0 - g0) + t0, new h1 = 3 s0 + 2 h1 */
    fp2_sub(&z, &t0, g0);
    fp2_dbl(&z, &z);
    fp2_add(&out.c0.c0, &z, &t0);
    fp2_add(&z, &s0, h1);
    fp2_dbl(&z, &z);
    fp2_add(&out.c1.c1, &z, &s0);
    /* new h0 = 3 xi 2 g1 h2 + 2 h0, new g2 = 3 t4 - 2 g2 */
    fp2_add(&z, &s2, h0);
    fp2_dbl(&z, &z);
    fp2_add(&out.c1.c0, &z, &s2);
    fp2_sub(&z, &t4, g2);
    fp2_dbl(&z, &z);
    fp2_add(&out.c0.c2, &z, &t4);
    /* new g1 = 3 t2 - 2 g1, new h2 = 3 s1 + 2 h2 */
    fp2_sub(&z, &t2, g1);
    fp2_dbl(&z, &z);
    fp2_add(&out.c0.c1, &z, &t2);
    fp2_add(&z, &s1, h2);
    fp2_dbl(&z, &z);
    fp2_add(&out.c1.c2, &z, &s1);
    *r = out;
}

/* r = f * (a + (b + c v) w), the line value of a Miller-loop step:
 * 3 + 5 + 5 Fp2 products instead of 18. */
static BN_UNUSED void fp12_mul_line(fp12 *f, const fp2 *a, const fp2 *b, const fp2 *c)
{
    fp6 t0, t1, s;
    fp2 ab;
    fp6_mul_fp2(&t0, &f->c0, a);
    fp6_mul_01(&t1, &f->c1, b, c);
    fp6_add(&s, &f->c0, &f->c1);
    fp2_add(&ab, a, b);
    fp6_mul_01(&s, &s, &ab, c);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&f->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

/* r = a^x for the BN seed x, a in the cyclotomic subgroup: width-4 signed
 * window (a, a^3, a^5, a^7 and their conjugates, which are the inverses
 * there), 62 cyclotomic squarings and 13 + 4 multiplications instead of the
 * NAF's 23. */
static BN_UNUSED void fp12_cyclotomic_exp_x(fp12 *r, const fp12 *a)
{
    fp12 odd[4], a2, acc;
    odd[0] = *a;
    fp12_cyclotomic_sqr(&a2, a);
    for (int i = 1; i < 4; i++)
        fp12_mul(&odd[i], &odd[i - 1], &a2);
    int n = (int)(sizeof X_WNAF4 / sizeof X_WNAF4[0]);
    acc = odd[X_WNAF4[n - 1] / 2]; /* the top digit is positive */
    for (int i = n - 2; i >= 0; i--) {
        fp12_cyclotomic_sqr(&acc, &acc);
        int d = X_WNAF4[i];
        if (d > 0) {
            fp12_mul(&acc, &acc, &odd[d / 2]);
        } else if (d < 0) {
            fp12 inv;
            fp12_conj(&inv, &odd[-d / 2]);
            fp12_mul(&acc, &acc, &inv);
        }
    }
    *r = acc;
}

/* r = a^e for a public 4-limb exponent (square and multiply; tests, GT). */
static BN_UNUSED void fp12_pow_var(fp12 *r, const fp12 *a, const uint64_t *e, int limbs)
{
    fp12 acc, base = *a;
    fp12_set_one(&acc);
    for (int i = 64 * limbs - 1; i >= 0; i--) {
        fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}

#endif /* MPAVS_BN254_FP12_IMPL_H */
