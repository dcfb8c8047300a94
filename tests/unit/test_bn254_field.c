/*
** test_bn254_field.c: the BN254 field tower on every backend. Fp against
** OpenSSL's BIGNUM (an independent implementation) for products, sums,
** inverses and square roots; Fp2 against the schoolbook formula; the tower
** by field identities (inverse, Frobenius = p-th power, Frobenius order 12,
** cyclotomic squaring = squaring on GT); and the backends against each other.
*/
#include "bn254_util.h"

#include <openssl/bn.h>

#define ROUNDS 300

static BIGNUM *bn_of(const mp_bn254_backend *be, const mp_bn254_fp *a)
{
    uint8_t b[32];
    be->fp_to_bytes(b, a);
    return BN_bin2bn(b, 32, NULL);
}

static int bn_matches(const mp_bn254_backend *be, const mp_bn254_fp *a, const BIGNUM *want)
{
    uint8_t got[32], exp[32];
    be->fp_to_bytes(got, a);
    if (BN_bn2binpad(want, exp, 32) != 32)
        return 0;
    return memcmp(got, exp, 32) == 0;
}

TEST(fp_against_bignum)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = BN_bin2bn(BN_P_BE, 32, NULL), *t = BN_new();
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < ROUNDS; i++) {
            mp_bn254_fp a, b, r;
            bn_rand_fp(mp_t, be, &a);
            bn_rand_fp(mp_t, be, &b);
            if (i == 0)
                memset(&a, 0, sizeof a); /* zero is a valid Montgomery value */
            BIGNUM *x = bn_of(be, &a), *y = bn_of(be, &b);
            be->fp_mul(&r, &a, &b);
            BN_mod_mul(t, x, y, p, ctx);
            CHECK(bn_matches(be, &r, t));
            be->fp_sqr(&r, &a);
            BN_mod_sqr(t, x, p, ctx);
            CHECK(bn_matches(be, &r, t));
            be->fp_add(&r, &a, &b);
            BN_mod_add(t, x, y, p, ctx);
            CHECK(bn_matches(be, &r, t));
            be->fp_sub(&r, &a, &b);
            BN_mod_sub(t, x, y, p, ctx);
            CHECK(bn_matches(be, &r, t));
            be->fp_inv(&r, &b);
            BN_mod_inverse(t, y, p, ctx);
            CHECK(bn_matches(be, &r, t));
            be->fp_inv_var(&r, &b);
            CHECK(bn_matches(be, &r, t));
            /* square roots: a^2 has one, and the root squares back */
            mp_bn254_fp sq, root;
            be->fp_mul(&sq, &a, &a);
            CHECK(be->fp_sqrt(&root, &sq));
            be->fp_mul(&r, &root, &root);
            CHECK(memcmp(&r, &sq, sizeof r) == 0);
            /* -a^2 is not a square (p = 3 mod 4) unless a = 0 */
            mp_bn254_fp zero = {{0}}, neg;
            be->fp_sub(&neg, &zero, &sq);
            CHECK(be->fp_sqrt(&root, &neg) == (i == 0));
            BN_free(x);
            BN_free(y);
        }
    }
    BN_free(p);
    BN_free(t);
    BN_CTX_free(ctx);
}

/* Squares of values whose limbs are all ones or all zeros (carry chains at
 * their longest), against the product and against BIGNUM. */
TEST(fp_square_carry_edges)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = BN_bin2bn(BN_P_BE, 32, NULL), *t = BN_new();
    for (int k = 0; k < nb; k++) {
        for (unsigned pat = 0; pat < 256; pat++) {
            uint8_t b[32];
            for (int i = 0; i < 32; i++)
                b[i] = (pat >> (i / 4)) & 1 ? 0xff : 0x00;
            b[0] &= 0x2f; /* below p */
            mp_bn254_fp a, r1, r2;
            if (!bes[k]->fp_from_bytes(&a, b))
                continue;
            /* the Montgomery form of a has arbitrary limbs: use the limbs too */
            for (int form = 0; form < 2; form++) {
                if (form == 1)
                    for (int i = 0; i < 4; i++)
                        a.v[i] = (pat >> (2 * i)) & 1 ? ~0ULL : (pat >> (2 * i + 1)) & 1;
                a.v[3] &= 0x2fffffffffffffffULL;
                bes[k]->fp_sqr(&r1, &a);
                bes[k]->fp_mul(&r2, &a, &a);
                CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
                BIGNUM *x = bn_of(bes[k], &a);
                BN_mod_sqr(t, x, p, ctx);
                CHECK(bn_matches(bes[k], &r1, t));
                BN_free(x);
            }
        }
    }
    BN_free(p);
    BN_free(t);
    BN_CTX_free(ctx);
}

TEST(fp_encoding_edges)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        uint8_t b[32], back[32];
        mp_bn254_fp a;
        memcpy(b, BN_P_BE, 32);
        CHECK(!be->fp_from_bytes(&a, b)); /* p itself */
        memset(b, 0xff, 32);
        CHECK(!be->fp_from_bytes(&a, b));
        memcpy(b, BN_P_BE, 32);
        b[31]--; /* p - 1 */
        CHECK(be->fp_from_bytes(&a, b));
        be->fp_to_bytes(back, &a);
        CHECK_MEM(back, b, 32);
        memset(b, 0, 32);
        CHECK(be->fp_from_bytes(&a, b));
        be->fp_to_bytes(back, &a);
        CHECK_MEM(back, b, 32);
        /* inverses of 0 (defined as 0), 1 and p - 1 (= -1) */
        mp_bn254_fp inv, one, m1;
        be->fp_inv_var(&inv, &a);
        CHECK(memcmp(&inv, &a, sizeof inv) == 0);
        be->fp_inv(&inv, &a);
        CHECK(memcmp(&inv, &a, sizeof inv) == 0);
        b[31] = 1;
        CHECK(be->fp_from_bytes(&one, b));
        be->fp_inv_var(&inv, &one);
        CHECK(memcmp(&inv, &one, sizeof inv) == 0);
        memcpy(b, BN_P_BE, 32);
        b[31] -= 1;
        CHECK(be->fp_from_bytes(&m1, b));
        be->fp_inv_var(&inv, &m1);
        CHECK(memcmp(&inv, &m1, sizeof inv) == 0);
    }
}

TEST(fp2_products_and_roots)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < ROUNDS; i++) {
            mp_bn254_fp2 a, b, r, s;
            bn_rand_fp2(mp_t, be, &a);
            bn_rand_fp2(mp_t, be, &b);
            /* (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + (a0 b1 + a1 b0) u */
            mp_bn254_fp t0, t1;
            be->fp2_mul(&r, &a, &b);
            be->fp_mul(&t0, &a.c0, &b.c0);
            be->fp_mul(&t1, &a.c1, &b.c1);
            be->fp_sub(&s.c0, &t0, &t1);
            be->fp_mul(&t0, &a.c0, &b.c1);
            be->fp_mul(&t1, &a.c1, &b.c0);
            be->fp_add(&s.c1, &t0, &t1);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            be->fp2_sqr(&r, &a);
            be->fp2_mul(&s, &a, &a);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            mp_bn254_fp2 root;
            CHECK(be->fp2_sqrt(&root, &r));
            be->fp2_sqr(&s, &root);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
        }
        /* Non-squares exist and are refused: about half of random elements. */
        int refused = 0;
        for (int i = 0; i < 64; i++) {
            mp_bn254_fp2 a, root;
            bn_rand_fp2(mp_t, be, &a);
            if (!be->fp2_sqrt(&root, &a))
                refused++;
        }
        CHECK(refused > 10 && refused < 54);
    }
}

/* Fp2 products and squares at the extremes (0, 1, p - 1 in each
 * coordinate), where the unreduced sums of the Karatsuba products peak:
 * against the schoolbook formula on every backend. */
TEST(fp2_extremes)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        mp_bn254_fp vals[4];
        uint8_t b[32] = {0};
        CHECK(be->fp_from_bytes(&vals[0], b));
        b[31] = 1;
        CHECK(be->fp_from_bytes(&vals[1], b));
        memcpy(b, BN_P_BE, 32);
        b[31] -= 1;
        CHECK(be->fp_from_bytes(&vals[2], b));
        b[31] -= 1;
        CHECK(be->fp_from_bytes(&vals[3], b));
        for (int i = 0; i < 256; i++) {
            mp_bn254_fp2 x = {vals[i & 3], vals[(i >> 2) & 3]};
            mp_bn254_fp2 y = {vals[(i >> 4) & 3], vals[(i >> 6) & 3]};
            mp_bn254_fp2 r, s;
            mp_bn254_fp t0, t1;
            be->fp2_mul(&r, &x, &y);
            be->fp_mul(&t0, &x.c0, &y.c0);
            be->fp_mul(&t1, &x.c1, &y.c1);
            be->fp_sub(&s.c0, &t0, &t1);
            be->fp_mul(&t0, &x.c0, &y.c1);
            be->fp_mul(&t1, &x.c1, &y.c0);
            be->fp_add(&s.c1, &t0, &t1);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            be->fp2_sqr(&r, &x);
            be->fp2_mul(&s, &x, &x);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            /* times xi = 9 + u, against the product with (9, 1) */
            mp_bn254_fp2 xi;
            uint8_t nine[32] = {[31] = 9};
            CHECK(be->fp_from_bytes(&xi.c0, nine));
            xi.c1 = vals[1];
            be->fp2_mul_xi(&r, &x);
            be->fp2_mul(&s, &x, &xi);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            s = x;
            be->fp2_mul_xi(&s, &s);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            /* in place (r aliasing an input) */
            s = x;
            be->fp2_mul(&s, &s, &y);
            be->fp2_mul(&r, &x, &y);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
            s = x;
            be->fp2_sqr(&s, &s);
            be->fp2_sqr(&r, &x);
            CHECK(memcmp(&r, &s, sizeof r) == 0);
        }
    }
}

/* A random element of Fp12 (any, not necessarily in GT). */
static void rand_fp12(mp_test_ctx *mp_t, const mp_bn254_backend *be, mp_bn254_gt *a)
{
    for (int i = 0; i < 6; i++)
        bn_rand_fp2(mp_t, be, &a->c[i]);
}

TEST(tower_identities)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    mp_bn254_scalar pk;
    mp_bn254_scalar_from_bytes_raw(&pk, BN_P_BE);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 6; i++) {
            mp_bn254_gt a, b, c, x, y, one;
            rand_fp12(mp_t, be, &a);
            rand_fp12(mp_t, be, &b);
            rand_fp12(mp_t, be, &c);
            be->gt_one(&one);
            /* commutative, associative */
            be->gt_mul(&x, &a, &b);
            be->gt_mul(&y, &b, &a);
            CHECK(mp_bn254_gt_eq(&x, &y));
            be->gt_mul(&x, &x, &c);
            be->gt_mul(&y, &b, &c);
            be->gt_mul(&y, &a, &y);
            CHECK(mp_bn254_gt_eq(&x, &y));
            /* squaring, inverse */
            be->gt_sqr(&x, &a);
            be->gt_mul(&y, &a, &a);
            CHECK(mp_bn254_gt_eq(&x, &y));
            be->gt_inv(&x, &a);
            be->gt_mul(&y, &x, &a);
            CHECK(mp_bn254_gt_eq(&y, &one));
            /* Frobenius is the p-th power, its powers compose, order 12 */
            be->gt_frobenius(&x, &a, 1);
            mp_bn254_gt_pow_var(&y, &a, &pk);
            CHECK(mp_bn254_gt_eq(&x, &y));
            be->gt_frobenius(&y, &x, 1);
            be->gt_frobenius(&x, &a, 2);
            CHECK(mp_bn254_gt_eq(&x, &y));
            be->gt_frobenius(&y, &y, 1);
            be->gt_frobenius(&x, &a, 3);
            CHECK(mp_bn254_gt_eq(&x, &y));
            x = a;
            for (int j = 0; j < 4; j++)
                be->gt_frobenius(&x, &x, 3);
            CHECK(mp_bn254_gt_eq(&x, &a));
        }
    }
}

TEST(cyclotomic_squaring)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 4; i++) {
            mp_bn254_gt a, x, y;
            rand_fp12(mp_t, be, &a);
            /* f^((p^6-1)(p^2+1)) is in the cyclotomic subgroup */
            mp_bn254_gt inv, conj = a;
            for (int j = 3; j < 6; j++) {
                mp_bn254_fp zero = {{0}};
                be->fp_sub(&conj.c[j].c0, &zero, &a.c[j].c0);
                be->fp_sub(&conj.c[j].c1, &zero, &a.c[j].c1);
            }
            be->gt_inv(&inv, &a);
            be->gt_mul(&x, &conj, &inv);
            be->gt_frobenius(&y, &x, 2);
            be->gt_mul(&a, &x, &y);
            be->gt_cyclotomic_sqr(&x, &a);
            be->gt_sqr(&y, &a);
            CHECK(mp_bn254_gt_eq(&x, &y));
            /* and the conjugate is the inverse there */
            be->gt_inv(&x, &a);
            conj = a;
            for (int j = 3; j < 6; j++) {
                mp_bn254_fp zero = {{0}};
                be->fp_sub(&conj.c[j].c0, &zero, &a.c[j].c0);
                be->fp_sub(&conj.c[j].c1, &zero, &a.c[j].c1);
            }
            CHECK(mp_bn254_gt_eq(&x, &conj));
        }
    }
}

TEST(backends_agree)
{
    if (!mp_bn254_backend_adx_usable()) {
        printf("# no ADX on this CPU: only the generic backend runs\n");
        return;
    }
    const mp_bn254_backend *g = &mp_bn254_backend_generic, *a = &mp_bn254_backend_adx;
    for (int i = 0; i < 2000; i++) {
        mp_bn254_fp x, y, r1, r2;
        bn_rand_fp(mp_t, g, &x);
        bn_rand_fp(mp_t, g, &y);
        if (i < 4) /* extremes: 0 and p - 1 */
            for (int j = 0; j < 4; j++) {
                uint8_t b[32];
                memcpy(b, BN_P_BE, 32);
                b[31] -= 1;
                if (i & 1)
                    CHECK(g->fp_from_bytes(&x, b));
                else
                    memset(&x, 0, sizeof x);
                if (i & 2)
                    CHECK(g->fp_from_bytes(&y, b));
            }
        g->fp_mul(&r1, &x, &y);
        a->fp_mul(&r2, &x, &y);
        CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
        g->fp_sqr(&r1, &x);
        a->fp_sqr(&r2, &x);
        CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
        mp_bn254_fp2 u, v, s1, s2;
        bn_rand_fp2(mp_t, g, &u);
        bn_rand_fp2(mp_t, g, &v);
        g->fp2_mul(&s1, &u, &v);
        a->fp2_mul(&s2, &u, &v);
        CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
        g->fp2_sqr(&s1, &u);
        a->fp2_sqr(&s2, &u);
        CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
        g->fp2_mul_xi(&s1, &u);
        a->fp2_mul_xi(&s2, &u);
        CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
    }
    for (int i = 0; i < 8; i++) {
        mp_bn254_gt x, y, r1, r2;
        rand_fp12(mp_t, g, &x);
        rand_fp12(mp_t, g, &y);
        g->gt_mul(&r1, &x, &y);
        a->gt_mul(&r2, &x, &y);
        CHECK(mp_bn254_gt_eq(&r1, &r2));
        g->final_exp(&r1, &x);
        a->final_exp(&r2, &x);
        CHECK(mp_bn254_gt_eq(&r1, &r2));
    }
}

static const mp_test_case tests[] = {
    MP_TEST(fp_against_bignum),      MP_TEST(fp_square_carry_edges), MP_TEST(fp_encoding_edges),
    MP_TEST(fp2_products_and_roots), MP_TEST(fp2_extremes),          MP_TEST(tower_identities),
    MP_TEST(cyclotomic_squaring),    MP_TEST(backends_agree),
};
MP_TEST_MAIN("bn254_field", tests)
