/*
** fp2_impl.h: Fp2 = Fp[u]/(u^2 + 1), elements c0 + c1*u (c0 real).
**
** Products use lazy reduction: three 512-bit products (Karatsuba) combined
** before two Montgomery reductions, instead of three full multiplications.
** Multiplication by xi = 9 + u (the tower's non-residue) is additions only.
*/
#ifndef MPAVS_BN254_FP2_IMPL_H
#define MPAVS_BN254_FP2_IMPL_H

typedef mp_bn254_fp2 fp2;

#if !defined(FP_HAVE_X86_ADD)
/* Sum without reduction (< 2p < 2^255), only as a factor of fp_mul_wide. */
static inline void fp_add_nr(fp *r, const fp *a, const fp *b)
{
    u128 c = (u128)a->v[0] + b->v[0];
    r->v[0] = (uint64_t)c;
    c = (u128)a->v[1] + b->v[1] + (uint64_t)(c >> 64);
    r->v[1] = (uint64_t)c;
    c = (u128)a->v[2] + b->v[2] + (uint64_t)(c >> 64);
    r->v[2] = (uint64_t)c;
    r->v[3] = a->v[3] + b->v[3] + (uint64_t)(c >> 64);
}

/* a - b for a >= b (plain 512-bit subtraction). */
static inline void fpw_sub_nr(fpw *r, const fpw *a, const fpw *b)
{
    u128 d = 0;
    for (int i = 0; i < 8; i++) {
        d = (u128)a->v[i] - b->v[i] - ((uint64_t)(d >> 64) & 1);
        r->v[i] = (uint64_t)d;
    }
}
#endif

static inline void fp2_set_zero(fp2 *r)
{
    memset(r, 0, sizeof *r);
}

static inline void fp2_set_one(fp2 *r)
{
    r->c0 = FP_ONE;
    fp_set_zero(&r->c1);
}

static inline int fp2_is_zero(const fp2 *a)
{
    return fp_is_zero(&a->c0) & fp_is_zero(&a->c1);
}

static inline int fp2_eq(const fp2 *a, const fp2 *b)
{
    return fp_eq(&a->c0, &b->c0) & fp_eq(&a->c1, &b->c1);
}

static inline void fp2_cmov(fp2 *r, const fp2 *a, uint64_t flag)
{
    fp_cmov(&r->c0, &a->c0, flag);
    fp_cmov(&r->c1, &a->c1, flag);
}

static inline void fp2_add(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

static inline void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

static inline void fp2_dbl(fp2 *r, const fp2 *a)
{
    fp_dbl(&r->c0, &a->c0);
    fp_dbl(&r->c1, &a->c1);
}

static inline void fp2_neg(fp2 *r, const fp2 *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

static inline void fp2_half(fp2 *r, const fp2 *a)
{
    fp_half(&r->c0, &a->c0);
    fp_half(&r->c1, &a->c1);
}

/* The conjugate c0 - c1*u, which is also the Frobenius map a^p. */
static inline void fp2_conj(fp2 *r, const fp2 *a)
{
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}

static inline void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b)
{
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

/* Double-width product, for callers that add products before reducing. */
typedef struct fp2w {
    fpw c0, c1;
} fp2w;

static inline void fp2_mul_wide(fp2w *r, const fp2 *a, const fp2 *b)
{
    fpw t0, t1, t2;
    fp sa, sb;
    fp_mul_wide(&t0, &a->c0, &b->c0);
    fp_mul_wide(&t1, &a->c1, &b->c1);
    fp_add_nr(&sa, &a->c0, &a->c1);
    fp_add_nr(&sb, &b->c0, &b->c1);
    fp_mul_wide(&t2, &sa, &sb);
    fpw_sub_nr(&t2, &t2, &t0); /* a0*b1 + a1*b0 >= 0, < 2p^2 */
    fpw_sub_nr(&r->c1, &t2, &t1);
    fpw_sub(&r->c0, &t0, &t1); /* may be negative: wraps modulo p*2^256 */
}

static inline void fp2_red(fp2 *r, const fp2w *a)
{
    fp_red(&r->c0, &a->c0);
    fp_red(&r->c1, &a->c1);
}

static inline void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b)
{
#if defined(FP2_HAVE_ADX_MUL)
    /* the same computation, fused in one assembly routine */
    mp_bn254_adx_fp2_mul(r, a, b);
#else
    fp2w t;
    fp2_mul_wide(&t, a, b);
    fp2_red(r, &t);
#endif
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */
static inline void fp2_sqr(fp2 *r, const fp2 *a)
{
#if defined(FP2_HAVE_ADX_MUL)
    mp_bn254_adx_fp2_sqr(r, a);
#else
    fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &m);
#endif
}

/* r = a * (9 + u) = (9 a0 - a1) + (9 a1 + a0) u */
static inline void fp2_mul_xi(fp2 *r, const fp2 *a)
{
#if defined(FP2_HAVE_ADX_MUL)
    mp_bn254_adx_fp2_mul_xi(r, a);
#else
    fp t0, t1;
    fp_dbl(&t0, &a->c0);
    fp_dbl(&t0, &t0);
    fp_dbl(&t0, &t0);
    fp_add(&t0, &t0, &a->c0); /* 9 a0 */
    fp_dbl(&t1, &a->c1);
    fp_dbl(&t1, &t1);
    fp_dbl(&t1, &t1);
    fp_add(&t1, &t1, &a->c1); /* 9 a1 */
    fp_sub(&t0, &t0, &a->c1);
    fp_add(&r->c1, &t1, &a->c0);
    r->c0 = t0;
#endif
}

/* r = a^-1 = conj(a) / (a0^2 + a1^2); zero maps to zero. Constant time. */
static BN_UNUSED void fp2_inv(fp2 *r, const fp2 *a)
{
    fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

/* r = a^e for a public 4-limb exponent (square and multiply). */
static BN_UNUSED void fp2_pow_var(fp2 *r, const fp2 *a, const uint64_t e[4])
{
    fp2 acc, base = *a;
    fp2_set_one(&acc);
    for (int i = 255; i >= 0; i--) {
        fp2_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            fp2_mul(&acc, &acc, &base);
    }
    *r = acc;
}

/* (p - 3) / 4 and (p - 1) / 2 */
static const uint64_t FP_EXP_P34[4] = {0x4f082305b61f3f51ULL, 0x65e05aa45a1c72a3ULL,
                                       0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};

/* A square root of a in Fp2 (variable time, public inputs); 1 on success.
 * Algorithm 9 of Adj and Rodriguez-Henriquez, "Square root computation over
 * even extension fields" (p = 3 mod 4). */
static BN_UNUSED int fp2_sqrt_var(fp2 *r, const fp2 *a)
{
    if (fp2_is_zero(a)) {
        fp2_set_zero(r);
        return 1;
    }
    fp2 a1, alpha, a0, x0, x, minus_one;
    fp2_set_one(&minus_one);
    fp2_neg(&minus_one, &minus_one);
    fp2_pow_var(&a1, a, FP_EXP_P34);
    fp2_mul(&x0, &a1, a);
    fp2_mul(&alpha, &a1, &x0);
    fp2_conj(&a0, &alpha);
    fp2_mul(&a0, &a0, &alpha);
    if (fp2_eq(&a0, &minus_one))
        return 0;
    if (fp2_eq(&alpha, &minus_one)) {
        /* x = u * x0 */
        fp_neg(&x.c0, &x0.c1);
        x.c1 = x0.c0;
    } else {
        fp2 b;
        fp2_set_one(&b);
        fp2_add(&b, &b, &alpha);
        fp2_pow_var(&b, &b, FP_EXP_LEGENDRE);
        fp2_mul(&x, &b, &x0);
    }
    fp2 chk;
    fp2_sqr(&chk, &x);
    if (!fp2_eq(&chk, a))
        return 0;
    *r = x;
    return 1;
}

#endif /* MPAVS_BN254_FP2_IMPL_H */
