/*
** scalar_decomp_impl.h: the integer helpers of the variable-time scalar
** multiplications: width-w NAF recoding, and the splitting of a 256-bit
** scalar into short signed pieces along the lattice bases of the
** endomorphisms (GLV on G1, GLS on G2; constants in constants_impl.h).
*/
#ifndef MPAVS_BN254_SCALAR_DECOMP_IMPL_H
#define MPAVS_BN254_SCALAR_DECOMP_IMPL_H

/* Width-w NAF of k (nlimbs limbs): odd digits in (-2^(w-1), 2^(w-1)), at least
 * w-1 zeros after each nonzero one. out needs 64*nlimbs + 1 entries. Returns
 * the number of digits (0 for k = 0). */
static BN_UNUSED int wnaf_recode(int8_t *out, const uint64_t *k_in, int nlimbs, int w)
{
    uint64_t k[5] = {0, 0, 0, 0, 0};
    memcpy(k, k_in, (size_t)nlimbs * sizeof k[0]);
    int len = 0;
    const int64_t full = (int64_t)1 << w, half = (int64_t)1 << (w - 1);
    while (k[0] | k[1] | k[2] | k[3] | k[4]) {
        int64_t d = 0;
        if (k[0] & 1) {
            d = (int64_t)(k[0] & (uint64_t)(full - 1));
            if (d >= half)
                d -= full;
            /* k -= d */
            if (d > 0) {
                u128 t = (u128)k[0] - (uint64_t)d;
                k[0] = (uint64_t)t;
                for (int i = 1; i < 5 && (t >> 64); i++) {
                    t = (u128)k[i] - 1;
                    k[i] = (uint64_t)t;
                }
            } else {
                u128 t = (u128)k[0] + (uint64_t)(-d);
                k[0] = (uint64_t)t;
                for (int i = 1; i < 5 && (t >> 64); i++) {
                    t = (u128)k[i] + 1;
                    k[i] = (uint64_t)t;
                }
            }
        }
        out[len++] = (int8_t)d;
        for (int i = 0; i < 4; i++)
            k[i] = (k[i] >> 1) | (k[i + 1] << 63);
        k[4] >>= 1;
    }
    return len;
}

/* The limbs from 4 up of k * g (k 4 limbs, g 4 limbs), rounded: (k*g + 2^255) >> 256. */
static inline void mul_shift256_round(uint64_t out[4], const uint64_t k[4], const uint64_t g[4])
{
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 c = (u128)k[j] * g[i] + t[i + j] + carry;
            t[i + j] = (uint64_t)c;
            carry = (uint64_t)(c >> 64);
        }
        t[i + 4] = carry;
    }
    /* + 2^255: add the rounding bit into limb 3 and carry up */
    u128 c = (u128)t[3] + ((uint64_t)1 << 63);
    for (int i = 4; i < 8; i++) {
        c = (u128)t[i] + (uint64_t)(c >> 64);
        out[i - 4] = (uint64_t)c;
    }
}

/* A signed 128-bit value as sign and magnitude limbs. */
static inline void split_sign(uint64_t mag[2], int *neg, u128 v)
{
    *neg = (int)(v >> 127);
    if (*neg)
        v = (u128)0 - v;
    mag[0] = (uint64_t)v;
    mag[1] = (uint64_t)(v >> 64);
}

/* GLV: k = k1 + k2*lambda (mod r) with |k1|, |k2| < 2^127. The products are
 * computed modulo 2^128, which is exact because the results are that small. */
static BN_UNUSED void glv_split(uint64_t k1[2], int *neg1, uint64_t k2[2], int *neg2,
                                const uint64_t k[4])
{
    uint64_t c1[4], c2[4];
    mul_shift256_round(c1, k, GLV_G1);
    mul_shift256_round(c2, k, GLV_G2);
    u128 c1w = (u128)c1[1] << 64 | c1[0], c2w = (u128)c2[1] << 64 | c2[0];
    u128 a2 = (u128)GLV_A2[1] << 64 | GLV_A2[0], mb1 = (u128)GLV_MB1[1] << 64 | GLV_MB1[0];
    u128 kw = (u128)k[1] << 64 | k[0];
    u128 v1 = kw - c1w * GLV_A1 - c2w * a2; /* k - c1 a1 - c2 a2 */
    u128 v2 = c1w * mb1 - c2w * GLV_A1;     /* -c1 b1 - c2 b2 */
    split_sign(k1, neg1, v1);
    split_sign(k2, neg2, v2);
}

/* Sign and magnitude without a branch (for secret scalars). */
static inline void split_sign_ct(uint64_t mag[2], uint64_t *neg, u128 v)
{
    uint64_t n = (uint64_t)(v >> 127);
    u128 mask = (u128)0 - n;
    v = (v ^ mask) + n;
    *neg = n;
    mag[0] = (uint64_t)v;
    mag[1] = (uint64_t)(v >> 64);
}

/* glv_split for a secret k: the same fixed sequence of products, and the
 * signs come out as 0/1 words instead of through a branch. */
static BN_UNUSED void glv_split_ct(uint64_t k1[2], uint64_t *neg1, uint64_t k2[2], uint64_t *neg2,
                                   const uint64_t k[4])
{
    uint64_t c1[4], c2[4];
    mul_shift256_round(c1, k, GLV_G1);
    mul_shift256_round(c2, k, GLV_G2);
    u128 c1w = (u128)c1[1] << 64 | c1[0], c2w = (u128)c2[1] << 64 | c2[0];
    u128 a2 = (u128)GLV_A2[1] << 64 | GLV_A2[0], mb1 = (u128)GLV_MB1[1] << 64 | GLV_MB1[0];
    u128 kw = (u128)k[1] << 64 | k[0];
    split_sign_ct(k1, neg1, kw - c1w * GLV_A1 - c2w * a2);
    split_sign_ct(k2, neg2, c1w * mb1 - c2w * GLV_A1);
    mp_memzero(c1, sizeof c1);
    mp_memzero(c2, sizeof c2);
}

/* GLS: k = sum_i k_i (6x^2)^i (mod r), |k_i| < 2^66; same modular trick. */
static BN_UNUSED void gls_split(uint64_t ki[4][2], int neg[4], const uint64_t k[4])
{
    u128 alpha[4];
    for (int j = 0; j < 4; j++) {
        uint64_t a[4];
        mul_shift256_round(a, k, GLS_G[j]);
        alpha[j] = (u128)a[1] << 64 | a[0];
        if (GLS_SIGN[j] < 0)
            alpha[j] = (u128)0 - alpha[j];
    }
    for (int i = 0; i < 4; i++) {
        u128 v = i == 0 ? ((u128)k[1] << 64 | k[0]) : 0;
        for (int j = 0; j < 4; j++) {
            u128 b = (u128)GLS_BABS[j][i][1] << 64 | GLS_BABS[j][i][0];
            u128 term = alpha[j] * b;
            v = GLS_BSIGN[j][i] > 0 ? v - term : v + term;
        }
        split_sign(ki[i], &neg[i], v);
    }
}

#endif /* MPAVS_BN254_SCALAR_DECOMP_IMPL_H */
