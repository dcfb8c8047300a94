/*
** fp_impl.h: the base field Fp of alt_bn128, p = 0x30644e72...fd47 (254 bits,
** p = 3 mod 4), in Montgomery form (a stored as a*2^256 mod p) on four 64-bit
** limbs, always fully reduced to [0, p) so that equal elements have equal
** limbs in both backends.
**
** The products come from the backend (fp_generic_impl.h or fp_adx_impl.h):
** fp_mul, fp_sqr, and for lazy reduction fp_mul_wide (512-bit product) and
** fp_red (Montgomery reduction). Additions are here. Everything not suffixed
** _var is constant-time; exponents of fp_pow are public constants.
*/
#ifndef MPAVS_BN254_FP_IMPL_H
#define MPAVS_BN254_FP_IMPL_H

#include <stdint.h>
#include <string.h>

#include "mpavs/bn254.h"

__extension__ typedef unsigned __int128 u128;
typedef mp_bn254_fp fp;

/* A double-width value (a product before reduction), < p * 2^256. */
typedef struct fpw {
    uint64_t v[8];
} fpw;

#define BN_UNUSED __attribute__((unused))

#define FP_P0   0x3c208c16d87cfd47ULL
#define FP_P1   0x97816a916871ca8dULL
#define FP_P2   0xb85045b68181585dULL
#define FP_P3   0x30644e72e131a029ULL
#define FP_PINV 0x87d20782e4866389ULL /* -p^-1 mod 2^64 */

static const fp FP_MODULUS = {{FP_P0, FP_P1, FP_P2, FP_P3}};
/* 2^256 mod p: the Montgomery form of 1. */
static const fp FP_ONE = {
    {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
/* 2^512 mod p, to enter Montgomery form. */
static const fp FP_R2 = {
    {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};

#if defined(__x86_64__)
#include "fp_x86_impl.h" /* fp_reduce_once with add/sbb/cmov */
#else
/* Subtracts p when t >= p (t < 2p), in constant time. */
static inline void fp_reduce_once(fp *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3)
{
    u128 d;
    uint64_t s0, s1, s2, s3, borrow;
    d = (u128)t0 - FP_P0;
    s0 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t1 - FP_P1 - borrow;
    s1 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t2 - FP_P2 - borrow;
    s2 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t3 - FP_P3 - borrow;
    s3 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    uint64_t keep = 0 - borrow; /* all ones when t < p */
    r->v[0] = (t0 & keep) | (s0 & ~keep);
    r->v[1] = (t1 & keep) | (s1 & ~keep);
    r->v[2] = (t2 & keep) | (s2 & ~keep);
    r->v[3] = (t3 & keep) | (s3 & ~keep);
}
#endif
#if defined(MP_BN254_ADX)
#include "fp_adx_impl.h"
#else
#include "fp_generic_impl.h"
#endif

static inline void fp_set_zero(fp *r)
{
    memset(r, 0, sizeof *r);
}

static inline void fp_set_one(fp *r)
{
    *r = FP_ONE;
}

static inline int fp_is_zero(const fp *a)
{
    return (a->v[0] | a->v[1] | a->v[2] | a->v[3]) == 0;
}

static inline int fp_eq(const fp *a, const fp *b)
{
    return ((a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) |
            (a->v[3] ^ b->v[3])) == 0;
}

/* r = flag ? a : r, without a branch (flag is 0 or 1). */
static inline void fp_cmov(fp *r, const fp *a, uint64_t flag)
{
    uint64_t mask = 0 - flag;
    for (int i = 0; i < 4; i++)
        r->v[i] ^= mask & (r->v[i] ^ a->v[i]);
}

/* All ones when a is zero, else zero (constant time). */
static inline uint64_t fp_zero_mask(const fp *a)
{
    uint64_t z = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return ((z | (0 - z)) >> 63) - 1;
}

#if !defined(FP_HAVE_X86_ADD)
static inline void fp_add(fp *r, const fp *a, const fp *b)
{
    u128 c = (u128)a->v[0] + b->v[0];
    uint64_t t0 = (uint64_t)c;
    c = (u128)a->v[1] + b->v[1] + (uint64_t)(c >> 64);
    uint64_t t1 = (uint64_t)c;
    c = (u128)a->v[2] + b->v[2] + (uint64_t)(c >> 64);
    uint64_t t2 = (uint64_t)c;
    uint64_t t3 = a->v[3] + b->v[3] + (uint64_t)(c >> 64); /* < 2p < 2^255: no carry out */
    fp_reduce_once(r, t0, t1, t2, t3);
}

#endif

static inline void fp_dbl(fp *r, const fp *a)
{
    fp_add(r, a, a);
}

#if !defined(FP_HAVE_X86_ADD)
/* r = a - b mod p. */
static inline void fp_sub(fp *r, const fp *a, const fp *b)
{
    u128 d = (u128)a->v[0] - b->v[0];
    uint64_t t0 = (uint64_t)d;
    d = (u128)a->v[1] - b->v[1] - ((uint64_t)(d >> 64) & 1);
    uint64_t t1 = (uint64_t)d;
    d = (u128)a->v[2] - b->v[2] - ((uint64_t)(d >> 64) & 1);
    uint64_t t2 = (uint64_t)d;
    d = (u128)a->v[3] - b->v[3] - ((uint64_t)(d >> 64) & 1);
    uint64_t t3 = (uint64_t)d;
    uint64_t mask = 0 - ((uint64_t)(d >> 64) & 1); /* add p back on borrow */
    u128 c = (u128)t0 + (FP_P0 & mask);
    r->v[0] = (uint64_t)c;
    c = (u128)t1 + (FP_P1 & mask) + (uint64_t)(c >> 64);
    r->v[1] = (uint64_t)c;
    c = (u128)t2 + (FP_P2 & mask) + (uint64_t)(c >> 64);
    r->v[2] = (uint64_t)c;
    r->v[3] = t3 + (FP_P3 & mask) + (uint64_t)(c >> 64);
}

#endif

static inline void fp_neg(fp *r, const fp *a)
{
    fp zero = {{0, 0, 0, 0}};
    fp_sub(r, &zero, a);
}

/* r = a / 2 mod p: add p when a is odd, then shift right. */
static inline void fp_half(fp *r, const fp *a)
{
    uint64_t mask = 0 - (a->v[0] & 1);
    u128 c = (u128)a->v[0] + (FP_P0 & mask);
    uint64_t t0 = (uint64_t)c;
    c = (u128)a->v[1] + (FP_P1 & mask) + (uint64_t)(c >> 64);
    uint64_t t1 = (uint64_t)c;
    c = (u128)a->v[2] + (FP_P2 & mask) + (uint64_t)(c >> 64);
    uint64_t t2 = (uint64_t)c;
    uint64_t t3 = a->v[3] + (FP_P3 & mask) + (uint64_t)(c >> 64);
    r->v[0] = (t0 >> 1) | (t1 << 63);
    r->v[1] = (t1 >> 1) | (t2 << 63);
    r->v[2] = (t2 >> 1) | (t3 << 63);
    r->v[3] = t3 >> 1;
}

/* ---- double-width values for lazy reduction (all < p * 2^256) ---------- */

#if !defined(FP_HAVE_X86_ADD)
static inline void fpw_add(fpw *r, const fpw *a, const fpw *b)
{
    /* a + b may exceed p * 2^256: subtract it back (upper half minus p). */
    uint64_t t[8];
    u128 c = 0;
    for (int i = 0; i < 8; i++) {
        c = (u128)a->v[i] + b->v[i] + (uint64_t)(c >> 64);
        t[i] = (uint64_t)c;
    }
    fp hi;
    fp_reduce_once(&hi, t[4], t[5], t[6], t[7]);
    memcpy(r->v, t, 4 * sizeof t[0]);
    memcpy(r->v + 4, hi.v, sizeof hi.v);
}

/* r = a - b, adding p * 2^256 when the difference is negative. */
static inline void fpw_sub(fpw *r, const fpw *a, const fpw *b)
{
    uint64_t t[8];
    u128 d = 0;
    for (int i = 0; i < 8; i++) {
        d = (u128)a->v[i] - b->v[i] - ((uint64_t)(d >> 64) & 1);
        t[i] = (uint64_t)d;
    }
    uint64_t mask = 0 - ((uint64_t)(d >> 64) & 1);
    const uint64_t pm[4] = {FP_P0 & mask, FP_P1 & mask, FP_P2 & mask, FP_P3 & mask};
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c = (u128)t[i + 4] + pm[i] + (uint64_t)(c >> 64);
        t[i + 4] = (uint64_t)c;
    }
    memcpy(r->v, t, sizeof t);
}

#endif

/* ---- conversions ------------------------------------------------------- */

static inline void fp_limbs_from_be(uint64_t v[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = w << 8 | in[(3 - i) * 8 + j];
        v[i] = w;
    }
}

static inline void fp_limbs_to_be(uint8_t out[32], const uint64_t v[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[(3 - i) * 8 + j] = (uint8_t)(v[i] >> (56 - 8 * j));
}

/* 1 when the 4-limb integer v is < p. */
static inline int fp_limbs_lt_p(const uint64_t v[4])
{
    u128 d = (u128)v[0] - FP_P0;
    d = (u128)v[1] - FP_P1 - ((uint64_t)(d >> 64) & 1);
    d = (u128)v[2] - FP_P2 - ((uint64_t)(d >> 64) & 1);
    d = (u128)v[3] - FP_P3 - ((uint64_t)(d >> 64) & 1);
    return (int)((uint64_t)(d >> 64) & 1);
}

/* Montgomery form of a canonical integer (< p). */
static inline void fp_from_canon(fp *r, const uint64_t v[4])
{
    fp a;
    memcpy(a.v, v, sizeof a.v);
    fp_mul(r, &a, &FP_R2);
}

static inline void fp_to_canon(uint64_t v[4], const fp *a)
{
    fpw t = {{a->v[0], a->v[1], a->v[2], a->v[3], 0, 0, 0, 0}};
    fp r;
    fp_red(&r, &t);
    memcpy(v, r.v, sizeof r.v);
}

/* Reads 32 big-endian bytes; 0 when the value is >= p (r untouched then). */
static inline int fp_from_bytes(fp *r, const uint8_t in[32])
{
    uint64_t v[4];
    fp_limbs_from_be(v, in);
    if (!fp_limbs_lt_p(v))
        return 0;
    fp_from_canon(r, v);
    return 1;
}

/* Reads 32 big-endian bytes reduced modulo p (any value). Variable time:
 * at most five subtractions (2^256 < 6p), for public inputs such as digests. */
static inline void fp_from_bytes_mod_var(fp *r, const uint8_t in[32])
{
    uint64_t v[4];
    fp_limbs_from_be(v, in);
    fp t;
    memcpy(t.v, v, sizeof t.v);
    while (!fp_limbs_lt_p(t.v)) {
        u128 d = (u128)t.v[0] - FP_P0;
        t.v[0] = (uint64_t)d;
        d = (u128)t.v[1] - FP_P1 - ((uint64_t)(d >> 64) & 1);
        t.v[1] = (uint64_t)d;
        d = (u128)t.v[2] - FP_P2 - ((uint64_t)(d >> 64) & 1);
        t.v[2] = (uint64_t)d;
        d = (u128)t.v[3] - FP_P3 - ((uint64_t)(d >> 64) & 1);
        t.v[3] = (uint64_t)d;
    }
    fp_from_canon(r, t.v);
}

static inline void fp_to_bytes(uint8_t out[32], const fp *a)
{
    uint64_t v[4];
    fp_to_canon(v, a);
    fp_limbs_to_be(out, v);
}

static inline void fp_set_u64(fp *r, uint64_t x)
{
    uint64_t v[4] = {x, 0, 0, 0};
    fp_from_canon(r, v);
}

/* ---- exponentiation, inversion, square roots ----------------------------- */

/* r = a^e for a public exponent e (4 limbs), 4-bit fixed window. The
 * sequence of operations depends only on e, so it is constant-time in a. */
static BN_UNUSED void fp_pow(fp *r, const fp *a, const uint64_t e[4])
{
    fp table[16];
    table[0] = FP_ONE;
    table[1] = *a;
    for (int i = 2; i < 16; i++)
        fp_mul(&table[i], &table[i - 1], a);
    fp acc = FP_ONE;
    int started = 0;
    for (int i = 63; i >= 0; i--) {
        unsigned nib = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
        if (started)
            for (int k = 0; k < 4; k++)
                fp_sqr(&acc, &acc);
        if (nib) {
            fp_mul(&acc, &acc, &table[nib]);
            started = 1;
        }
    }
    *r = acc;
}

/* p - 2, (p + 1) / 4, (p - 1) / 2 */
static const uint64_t FP_EXP_INV[4] = {0x3c208c16d87cfd45ULL, 0x97816a916871ca8dULL,
                                       0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FP_EXP_SQRT[4] = {0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL,
                                        0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};
static const uint64_t FP_EXP_LEGENDRE[4] = {0x9e10460b6c3e7ea3ULL, 0xcbc0b548b438e546ULL,
                                            0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};

/* r = a^-1 (0 for a = 0), constant time (Fermat). */
static BN_UNUSED void fp_inv(fp *r, const fp *a)
{
    fp_pow(r, a, FP_EXP_INV);
}

/* r = a^((p+1)/4); returns 1 when that is a square root of a. This exact
 * root (no sign choice) is the one EigenLayer's hashToG1 uses. */
static BN_UNUSED int fp_sqrt(fp *r, const fp *a)
{
    fp s, chk;
    fp_pow(&s, a, FP_EXP_SQRT);
    fp_sqr(&chk, &s);
    *r = s;
    return fp_eq(&chk, a);
}

/* 1 when a is a nonzero square, 0 for zero or a non-square. */
static BN_UNUSED int fp_is_square(const fp *a)
{
    fp t;
    fp_pow(&t, a, FP_EXP_LEGENDRE);
    return fp_eq(&t, &FP_ONE);
}

#endif /* MPAVS_BN254_FP_IMPL_H */
