/*
** test_w256.c: the EVM's 256-bit arithmetic against OpenSSL BIGNUM as a slow
** reference, on random operands of mixed sizes plus edge values.
*/
#include "mpavs/w256.h"
#include "test.h"

#include <openssl/bn.h>

/* Random word whose limbs are often zero or all ones, so short and full
 * operands and carries all occur. */
static mp_w256 rnd(mp_test_ctx *mp_t)
{
    mp_w256 r;
    uint64_t shape = mp_test_rand(mp_t);
    for (int i = 0; i < 4; i++) {
        unsigned k = (shape >> (i * 3)) & 7;
        r.w[i] = k == 0 ? 0 : k == 1 ? ~(uint64_t)0 : k == 2 ? 1 : mp_test_rand(mp_t);
    }
    if (((shape >> 20) & 7) == 0)
        r.w[3] |= (uint64_t)1 << 63;
    return r;
}

static BIGNUM *to_bn(const mp_w256 *a)
{
    uint8_t b[32];
    mp_w256_to_be(b, a);
    return BN_bin2bn(b, 32, NULL);
}

/* BIGNUM (any sign, reduced mod 2^256 into two's complement) to a word. */
static mp_w256 from_bn(const BIGNUM *x)
{
    BIGNUM *m = BN_new(), *two256 = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    BN_one(two256);
    BN_lshift(two256, two256, 256);
    BN_nnmod(m, x, two256, ctx);
    uint8_t b[32];
    BN_bn2binpad(m, b, 32);
    mp_w256 r;
    mp_w256_from_be(&r, b);
    BN_free(m);
    BN_free(two256);
    BN_CTX_free(ctx);
    return r;
}

/* Signed value of a word as a BIGNUM. */
static BIGNUM *to_bn_signed(const mp_w256 *a)
{
    BIGNUM *x = to_bn(a);
    if (a->w[3] >> 63) {
        BIGNUM *two256 = BN_new();
        BN_one(two256);
        BN_lshift(two256, two256, 256);
        BN_sub(x, x, two256);
        BN_free(two256);
    }
    return x;
}

TEST(w256_arith_vs_bignum)
{
    BN_CTX *ctx = BN_CTX_new();
    for (int it = 0; it < 3000; it++) {
        mp_w256 a = rnd(mp_t), b = rnd(mp_t), n = rnd(mp_t), r, q, m;
        BIGNUM *A = to_bn(&a), *B = to_bn(&b), *N = to_bn(&n), *R = BN_new(), *T = BN_new();
        mp_w256_add(&r, &a, &b);
        BN_add(R, A, B);
        mp_w256 e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        mp_w256_sub(&r, &a, &b);
        BN_sub(R, A, B);
        e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        mp_w256_mul(&r, &a, &b);
        BN_mul(R, A, B, ctx);
        e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        if (!mp_w256_is_zero(&b)) {
            mp_w256_divmod(&q, &m, &a, &b);
            BN_div(R, T, A, B, ctx);
            e = from_bn(R);
            CHECK(mp_w256_eq(&q, &e));
            e = from_bn(T);
            CHECK(mp_w256_eq(&m, &e));
            BIGNUM *SA = to_bn_signed(&a), *SB = to_bn_signed(&b);
            BN_div(R, T, SA, SB, ctx); /* truncates toward zero, remainder has a's sign */
            mp_w256_sdiv(&r, &a, &b);
            e = from_bn(R);
            CHECK(mp_w256_eq(&r, &e));
            mp_w256_smod(&r, &a, &b);
            e = from_bn(T);
            CHECK(mp_w256_eq(&r, &e));
            BN_free(SA);
            BN_free(SB);
        }
        if (!mp_w256_is_zero(&n)) {
            mp_w256_addmod(&r, &a, &b, &n);
            BN_mod_add(R, A, B, N, ctx);
            e = from_bn(R);
            CHECK(mp_w256_eq(&r, &e));
            mp_w256_mulmod(&r, &a, &b, &n);
            BN_mod_mul(R, A, B, N, ctx);
            e = from_bn(R);
            CHECK(mp_w256_eq(&r, &e));
        }
        BIGNUM *M = BN_new();
        BN_one(M);
        BN_lshift(M, M, 256);
        mp_w256_exp(&r, &a, &b);
        BN_mod_exp(R, A, B, M, ctx);
        e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        BN_free(M);
        BN_free(A);
        BN_free(B);
        BN_free(N);
        BN_free(R);
        BN_free(T);
    }
    BN_CTX_free(ctx);
}

TEST(w256_zero_divisor)
{
    mp_w256 a = mp_w256_u64(7), z = mp_w256_u64(0), r = mp_w256_u64(5);
    mp_w256_divmod(&r, NULL, &a, &z);
    CHECK(mp_w256_is_zero(&r));
    r = a;
    mp_w256_sdiv(&r, &a, &z);
    CHECK(mp_w256_is_zero(&r));
    r = a;
    mp_w256_smod(&r, &a, &z);
    CHECK(mp_w256_is_zero(&r));
    r = a;
    mp_w256_addmod(&r, &a, &a, &z);
    CHECK(mp_w256_is_zero(&r));
    r = a;
    mp_w256_mulmod(&r, &a, &a, &z);
    CHECK(mp_w256_is_zero(&r));
}

TEST(w256_sdiv_overflow)
{
    /* -2^255 / -1 = -2^255 (the one signed overflow). */
    mp_w256 min = {{0, 0, 0, (uint64_t)1 << 63}}, m1 = {{~0ull, ~0ull, ~0ull, ~0ull}}, r;
    mp_w256_sdiv(&r, &min, &m1);
    CHECK(mp_w256_eq(&r, &min));
    mp_w256_smod(&r, &min, &m1);
    CHECK(mp_w256_is_zero(&r));
}

/* Shifts and bytes against a byte-level model: x as 32 big-endian bytes. */
TEST(w256_bits_vs_model)
{
    for (int it = 0; it < 2000; it++) {
        mp_w256 x = rnd(mp_t), r;
        unsigned s = (unsigned)(mp_test_rand(mp_t) % 300);
        mp_w256 sw = mp_w256_u64(s);
        BIGNUM *X = to_bn(&x), *R = BN_new();
        mp_w256_shl(&r, &sw, &x);
        BN_lshift(R, X, (int)s);
        mp_w256 e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        mp_w256_shr(&r, &sw, &x);
        BN_rshift(R, X, (int)s);
        e = from_bn(R);
        CHECK(mp_w256_eq(&r, &e));
        /* SAR = floor(signed / 2^s). */
        BIGNUM *SX = to_bn_signed(&x), *D = BN_new(), *Q = BN_new(), *Rem = BN_new();
        BN_CTX *ctx = BN_CTX_new();
        BN_one(D);
        BN_lshift(D, D, (int)s);
        BN_div(Q, Rem, SX, D, ctx);
        if (BN_is_negative(Rem) && !BN_is_zero(Rem))
            BN_sub_word(Q, 1);
        mp_w256_sar(&r, &sw, &x);
        e = from_bn(Q);
        CHECK(mp_w256_eq(&r, &e));
        uint8_t be[32];
        mp_w256_to_be(be, &x);
        mp_w256 iw = mp_w256_u64(s % 40);
        mp_w256_byte(&r, &iw, &x);
        CHECK(r.w[0] == (s % 40 < 32 ? be[s % 40] : 0) && mp_w256_fits_u64(&r));
        /* SIGNEXTEND from byte k: keep the low k+1 bytes, copy the top bit. */
        unsigned k = s % 34;
        mp_w256 kw = mp_w256_u64(k);
        mp_w256_signextend(&r, &kw, &x);
        uint8_t want[32];
        memcpy(want, be, 32);
        if (k < 31) {
            uint8_t fill = (be[31 - k] & 0x80) ? 0xff : 0;
            memset(want, fill, 31 - k);
        }
        uint8_t got[32];
        mp_w256_to_be(got, &r);
        CHECK(memcmp(got, want, 32) == 0);
        BN_free(X);
        BN_free(R);
        BN_free(SX);
        BN_free(D);
        BN_free(Q);
        BN_free(Rem);
        BN_CTX_free(ctx);
    }
}

static const mp_test_case tests[] = {
    MP_TEST(w256_arith_vs_bignum),
    MP_TEST(w256_zero_divisor),
    MP_TEST(w256_sdiv_overflow),
    MP_TEST(w256_bits_vs_model),
};

#ifndef W256_SUITE
#define W256_SUITE "w256"
#endif
MP_TEST_MAIN(W256_SUITE, tests)
