/*
** fp6_impl.h: Fp6 = Fp2[v]/(v^3 - xi), xi = 9 + u; elements c0 + c1 v + c2 v^2.
**
** Multiplication is Karatsuba (6 Fp2 products), squaring Chung-Hasan SQR2,
** and the sparse products the Miller loop needs (by b + c v) are separate.
*/
#ifndef MPAVS_BN254_FP6_IMPL_H
#define MPAVS_BN254_FP6_IMPL_H

typedef struct fp6 {
    fp2 c0, c1, c2;
} fp6;

static inline void fp6_set_zero(fp6 *r)
{
    memset(r, 0, sizeof *r);
}

static inline void fp6_set_one(fp6 *r)
{
    fp6_set_zero(r);
    r->c0.c0 = FP_ONE;
}

static inline int fp6_eq(const fp6 *a, const fp6 *b)
{
    return fp2_eq(&a->c0, &b->c0) & fp2_eq(&a->c1, &b->c1) & fp2_eq(&a->c2, &b->c2);
}

static inline void fp6_add(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}

static inline void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}

static inline void fp6_neg(fp6 *r, const fp6 *a)
{
    fp2_neg(&r->c0, &a->c0);
    fp2_neg(&r->c1, &a->c1);
    fp2_neg(&r->c2, &a->c2);
}

static inline void fp6_dbl(fp6 *r, const fp6 *a)
{
    fp2_dbl(&r->c0, &a->c0);
    fp2_dbl(&r->c1, &a->c1);
    fp2_dbl(&r->c2, &a->c2);
}

/* r = a * v = xi c2 + c0 v + c1 v^2 */
static inline void fp6_mul_v(fp6 *r, const fp6 *a)
{
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

static BN_UNUSED void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2 t0, t1, t2, s, u, c0, c1, c2;
    fp2_mul(&t0, &a->c0, &b->c0);
    fp2_mul(&t1, &a->c1, &b->c1);
    fp2_mul(&t2, &a->c2, &b->c2);
    /* c0 = t0 + xi((a1 + a2)(b1 + b2) - t1 - t2) */
    fp2_add(&s, &a->c1, &a->c2);
    fp2_add(&u, &b->c1, &b->c2);
    fp2_mul(&c0, &s, &u);
    fp2_sub(&c0, &c0, &t1);
    fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, &b->c0, &b->c1);
    fp2_mul(&c1, &s, &u);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&s, &t2);
    fp2_add(&c1, &c1, &s);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    fp2_add(&s, &a->c0, &a->c2);
    fp2_add(&u, &b->c0, &b->c2);
    fp2_mul(&c2, &s, &u);
    fp2_sub(&c2, &c2, &t0);
    fp2_sub(&c2, &c2, &t2);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Chung-Hasan SQR2: s0 = a0^2, s1 = 2a0a1, s2 = (a0 - a1 + a2)^2, s3 = 2a1a2,
 * s4 = a2^2; c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4. */
static BN_UNUSED void fp6_sqr(fp6 *r, const fp6 *a)
{
    fp2 s0, s1, s2, s3, s4, t;
    fp2_sqr(&s0, &a->c0);
    fp2_mul(&s1, &a->c0, &a->c1);
    fp2_dbl(&s1, &s1);
    fp2_sub(&t, &a->c0, &a->c1);
    fp2_add(&t, &t, &a->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&s3, &a->c1, &a->c2);
    fp2_dbl(&s3, &s3);
    fp2_sqr(&s4, &a->c2);
    fp2_mul_xi(&t, &s3);
    fp2_add(&r->c0, &s0, &t);
    fp2_add(&r->c2, &s1, &s2);
    fp2_add(&r->c2, &r->c2, &s3);
    fp2_sub(&r->c2, &r->c2, &s0);
    fp2_sub(&r->c2, &r->c2, &s4);
    fp2_mul_xi(&t, &s4);
    fp2_add(&r->c1, &s1, &t);
}

static inline void fp6_mul_fp2(fp6 *r, const fp6 *a, const fp2 *b)
{
    fp2_mul(&r->c0, &a->c0, b);
    fp2_mul(&r->c1, &a->c1, b);
    fp2_mul(&r->c2, &a->c2, b);
}

/* r = a * (b + c v): the sparse factor of a line function. */
static BN_UNUSED void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *b, const fp2 *c)
{
    fp2 t0, t1, s, u, c0, c1, c2;
    fp2_mul(&t0, &a->c0, b);
    fp2_mul(&t1, &a->c1, c);
    /* c0 = t0 + xi a2 c */
    fp2_mul(&c0, &a->c2, c);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    /* c1 = (a0 + a1)(b + c) - t0 - t1 */
    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, b, c);
    fp2_mul(&c1, &s, &u);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    /* c2 = t1 + a2 b */
    fp2_mul(&c2, &a->c2, b);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* r = a^-1 (zero maps to zero), for public a (variable-time Fp inversion). */
static BN_UNUSED void fp6_inv_var(fp6 *r, const fp6 *a)
{
    fp2 t0, t1, t2, s, d;
    /* t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 */
    fp2_sqr(&t0, &a->c0);
    fp2_mul(&s, &a->c1, &a->c2);
    fp2_mul_xi(&s, &s);
    fp2_sub(&t0, &t0, &s);
    fp2_sqr(&t1, &a->c2);
    fp2_mul_xi(&t1, &t1);
    fp2_mul(&s, &a->c0, &a->c1);
    fp2_sub(&t1, &t1, &s);
    fp2_sqr(&t2, &a->c1);
    fp2_mul(&s, &a->c0, &a->c2);
    fp2_sub(&t2, &t2, &s);
    /* d = a0 t0 + xi (a2 t1 + a1 t2) */
    fp2_mul(&d, &a->c2, &t1);
    fp2_mul(&s, &a->c1, &t2);
    fp2_add(&d, &d, &s);
    fp2_mul_xi(&d, &d);
    fp2_mul(&s, &a->c0, &t0);
    fp2_add(&d, &d, &s);
    fp2_inv_var(&d, &d);
    fp2_mul(&r->c0, &t0, &d);
    fp2_mul(&r->c1, &t1, &d);
    fp2_mul(&r->c2, &t2, &d);
}

#endif /* MPAVS_BN254_FP6_IMPL_H */
