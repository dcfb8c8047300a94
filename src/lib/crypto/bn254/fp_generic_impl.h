/*
** fp_generic_impl.h: portable Montgomery products for Fp on 4x64-bit limbs,
** written with the compiler's 64x64->128-bit multiply (the generic backend).
**
** fp_mul is CIOS Montgomery multiplication with the "no final carry" shortcut
** (p < 2^254 leaves the top limb small, so the running sum fits four limbs
** plus a word). fp_mul_wide and fp_red split it in two for lazy reduction:
** a full 512-bit product, and a Montgomery reduction of any T < p*2^256.
** Everything is constant-time (no branches on data).
*/
#ifndef MPAVS_BN254_FP_GENERIC_IMPL_H
#define MPAVS_BN254_FP_GENERIC_IMPL_H

static inline void fp_mul(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, hi;
    for (int i = 0; i < 4; i++) {
        uint64_t bi = b->v[i];
        u128 c = (u128)a->v[0] * bi + t0;
        t0 = (uint64_t)c;
        c = (u128)a->v[1] * bi + t1 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (u128)a->v[2] * bi + t2 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        c = (u128)a->v[3] * bi + t3 + (uint64_t)(c >> 64);
        t3 = (uint64_t)c;
        hi = (uint64_t)(c >> 64);
        uint64_t m = t0 * FP_PINV;
        c = (u128)m * FP_P0 + t0;
        c = (u128)m * FP_P1 + t1 + (uint64_t)(c >> 64);
        t0 = (uint64_t)c;
        c = (u128)m * FP_P2 + t2 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (u128)m * FP_P3 + t3 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        t3 = hi + (uint64_t)(c >> 64);
    }
    fp_reduce_once(r, t0, t1, t2, t3);
}

static inline void fp_sqr(fp *r, const fp *a)
{
    fp_mul(r, a, a);
}

/* t = a * b as a 512-bit integer (a, b < 2^256). */
static inline void fp_mul_wide(fpw *t, const fp *a, const fp *b)
{
    uint64_t r[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 c = (u128)a->v[j] * b->v[i] + r[i + j] + carry;
            r[i + j] = (uint64_t)c;
            carry = (uint64_t)(c >> 64);
        }
        r[i + 4] = carry;
    }
    memcpy(t->v, r, sizeof r);
}

static inline void fp_sqr_wide(fpw *t, const fp *a)
{
    fp_mul_wide(t, a, a);
}

/* r = t * 2^-256 mod p for t < p * 2^256, fully reduced. */
static inline void fp_red(fp *r, const fpw *t)
{
    uint64_t w[8];
    memcpy(w, t->v, sizeof w);
    uint64_t top = 0; /* carry out of the limb above the current window */
    for (int i = 0; i < 4; i++) {
        uint64_t m = w[i] * FP_PINV;
        u128 c = (u128)m * FP_P0 + w[i];
        c = (u128)m * FP_P1 + w[i + 1] + (uint64_t)(c >> 64);
        w[i + 1] = (uint64_t)c;
        c = (u128)m * FP_P2 + w[i + 2] + (uint64_t)(c >> 64);
        w[i + 2] = (uint64_t)c;
        c = (u128)m * FP_P3 + w[i + 3] + (uint64_t)(c >> 64);
        w[i + 3] = (uint64_t)c;
        c = (u128)w[i + 4] + (uint64_t)(c >> 64) + top;
        w[i + 4] = (uint64_t)c;
        top = (uint64_t)(c >> 64);
    }
    fp_reduce_once(r, w[4], w[5], w[6], w[7]);
}

#endif /* MPAVS_BN254_FP_GENERIC_IMPL_H */
