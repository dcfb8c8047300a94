/*
** test_bn254_group.c: G1 and G2 on every backend: the group laws, the fast
** scalar multiplications (GLV/GLS variable-time, fixed-window constant-time)
** against plain double-and-add, the endomorphisms' eigenvalues, Pippenger
** against a sum of products, the G2 subgroup test on points of the twist
** outside G2, and the EVM encodings with every rejection.
*/
#include "bn254_util.h"

/* lambda (G1: (beta x, y) = [lambda](x, y)) and beta, 6x^2 (psi on G2) */
static const char LAMBDA_HEX[] =
    "0x0000000000000000b3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd";
static const char BETA_HEX[] = "0x000000000000000059e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe";
static const char SIX_X2_HEX[] =
    "0x000000000000000000000000000000006f4d8248eeb859fbf83e9682e87cfd46";
/* the twist's cofactor 2p - r */
static const char H2_HEX[] = "0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8d";

static void scalar_hex(mp_bn254_scalar *k, const char *hex)
{
    uint8_t b[32];
    mp_test_unhex(b, 32, hex);
    mp_bn254_scalar_from_bytes_raw(k, b);
}

/* Edge scalars: 0, 1, 2, r-1, r, r+1, 2^256-1, and a few near 2^128. */
static void edge_scalar(int i, mp_bn254_scalar *k)
{
    uint8_t b[32] = {0};
    switch (i) {
    case 0:
        break;
    case 1:
        b[31] = 1;
        break;
    case 2:
        b[31] = 2;
        break;
    case 3:
        memcpy(b, BN_R_BE, 32);
        b[31] -= 1;
        break;
    case 4:
        memcpy(b, BN_R_BE, 32);
        break;
    case 5:
        memcpy(b, BN_R_BE, 32);
        b[31] += 1;
        break;
    case 6:
        memset(b, 0xff, 32);
        break;
    default:
        memset(b + 16, 0xff, 16);
        break;
    }
    mp_bn254_scalar_from_bytes_raw(k, b);
}

TEST(g1_laws)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        mp_bn254_g1 inf;
        mp_bn254_g1_infinity(&inf);
        for (int i = 0; i < 50; i++) {
            mp_bn254_g1 a, b, c, x, y, na;
            bn_rand_g1(mp_t, be, &a);
            bn_rand_g1(mp_t, be, &b);
            bn_rand_g1(mp_t, be, &c);
            be->g1_add(&x, &a, &b);
            be->g1_add(&y, &b, &a);
            CHECK(mp_bn254_g1_eq(&x, &y));
            be->g1_add(&x, &x, &c);
            be->g1_add(&y, &b, &c);
            be->g1_add(&y, &a, &y);
            CHECK(mp_bn254_g1_eq(&x, &y));
            be->g1_add(&x, &a, &inf);
            CHECK(mp_bn254_g1_eq(&x, &a));
            be->g1_add(&x, &inf, &a);
            CHECK(mp_bn254_g1_eq(&x, &a));
            mp_bn254_g1_neg(&na, &a);
            be->g1_add(&x, &a, &na);
            CHECK(x.infinity);
            be->g1_add(&x, &a, &a);
            be->g1_dbl(&y, &a);
            CHECK(mp_bn254_g1_eq(&x, &y));
            mp_bn254_g1 pts[3] = {a, b, c};
            be->g1_sum(&y, pts, 3);
            be->g1_add(&x, &a, &b);
            be->g1_add(&x, &x, &c);
            CHECK(mp_bn254_g1_eq(&x, &y));
        }
        be->g1_add(&inf, &inf, &inf);
        CHECK(inf.infinity);
    }
}

TEST(g1_scalar_mul)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 100; i++) {
            mp_bn254_g1 p, ref, fast, ct;
            mp_bn254_scalar s;
            bn_rand_g1(mp_t, be, &p);
            if (i < 8)
                edge_scalar(i, &s);
            else
                mp_test_rand_bytes(mp_t, s.v, sizeof s.v); /* any 256-bit value */
            be->g1_mul_ref(&ref, &p, &s);
            be->g1_mul_var(&fast, &p, &s);
            CHECK(mp_bn254_g1_eq(&ref, &fast));
            if (i < 8 || (s.v[3] >> 62) == 0) {
                /* constant-time: scalars below 2^254 (keys are < r) */
                be->g1_mul_ct(&ct, &p, &s);
                CHECK(mp_bn254_g1_eq(&ref, &ct));
            }
        }
        /* r * P = O, the order of G1 */
        mp_bn254_g1 g, o;
        mp_bn254_scalar r;
        mp_bn254_scalar_from_bytes_raw(&r, BN_R_BE);
        mp_bn254_g1_generator(&g);
        be->g1_mul_ref(&o, &g, &r);
        CHECK(o.infinity);
        /* the infinity point times anything */
        mp_bn254_g1 inf;
        mp_bn254_g1_infinity(&inf);
        be->g1_mul_var(&o, &inf, &r);
        CHECK(o.infinity);
        be->g1_mul_ct(&o, &inf, &r);
        CHECK(o.infinity);
    }
}

TEST(g1_endomorphism)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        mp_bn254_scalar lambda;
        scalar_hex(&lambda, LAMBDA_HEX);
        uint8_t bb[32];
        mp_test_unhex(bb, 32, BETA_HEX);
        mp_bn254_fp beta;
        CHECK(be->fp_from_bytes(&beta, bb));
        for (int i = 0; i < 5; i++) {
            mp_bn254_g1 p, lp, phi;
            bn_rand_g1(mp_t, be, &p);
            be->g1_mul_ref(&lp, &p, &lambda);
            phi = p;
            be->fp_mul(&phi.x, &p.x, &beta);
            CHECK(mp_bn254_g1_eq(&lp, &phi));
        }
    }
}

TEST(g2_laws_and_mul)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 20; i++) {
            mp_bn254_g2 a, b, c, x, y, na;
            bn_rand_g2(mp_t, be, &a);
            bn_rand_g2(mp_t, be, &b);
            bn_rand_g2(mp_t, be, &c);
            be->g2_add(&x, &a, &b);
            be->g2_add(&x, &x, &c);
            be->g2_add(&y, &b, &c);
            be->g2_add(&y, &a, &y);
            CHECK(mp_bn254_g2_eq(&x, &y));
            mp_bn254_g2_neg(&na, &a);
            be->g2_add(&x, &a, &na);
            CHECK(x.infinity);
            be->g2_add(&x, &a, &a);
            be->g2_dbl(&y, &a);
            CHECK(mp_bn254_g2_eq(&x, &y));
            mp_bn254_g2 pts[3] = {a, b, c};
            be->g2_sum(&y, pts, 3);
            be->g2_add(&x, &a, &b);
            be->g2_add(&x, &x, &c);
            CHECK(mp_bn254_g2_eq(&x, &y));
        }
        for (int i = 0; i < 60; i++) {
            mp_bn254_g2 p, ref, fast, ct;
            mp_bn254_scalar s;
            bn_rand_g2(mp_t, be, &p);
            if (i < 8)
                edge_scalar(i, &s);
            else
                mp_test_rand_bytes(mp_t, s.v, sizeof s.v);
            be->g2_mul_ref(&ref, &p, &s);
            be->g2_mul_var(&fast, &p, &s);
            CHECK(mp_bn254_g2_eq(&ref, &fast));
            if (i < 8 || (s.v[3] >> 62) == 0) {
                be->g2_mul_ct(&ct, &p, &s);
                CHECK(mp_bn254_g2_eq(&ref, &ct));
            }
        }
        mp_bn254_g2 g, o;
        mp_bn254_scalar r;
        mp_bn254_scalar_from_bytes_raw(&r, BN_R_BE);
        mp_bn254_g2_generator(&g);
        be->g2_mul_ref(&o, &g, &r);
        CHECK(o.infinity);
    }
}

TEST(g2_psi_eigenvalue)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    mp_bn254_scalar six_x2;
    scalar_hex(&six_x2, SIX_X2_HEX);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 4; i++) {
            mp_bn254_g2 q, a, b;
            bn_rand_g2(mp_t, be, &q);
            be->g2_psi(&a, &q);
            be->g2_mul_ref(&b, &q, &six_x2);
            CHECK(mp_bn254_g2_eq(&a, &b));
        }
    }
}

TEST(g2_subgroup_check)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    mp_bn254_scalar h2, r;
    scalar_hex(&h2, H2_HEX);
    mp_bn254_scalar_from_bytes_raw(&r, BN_R_BE);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        mp_bn254_g2 g;
        mp_bn254_g2_generator(&g);
        CHECK(be->g2_in_subgroup_var(&g));
        for (int i = 0; i < 12; i++) {
            mp_bn254_g2 t, cleared, rt;
            bn_rand_twist_point(mp_t, be, &t);
            /* on the twist, but its order is not r: r*t != O */
            be->g2_mul_ref(&rt, &t, &r);
            CHECK(!rt.infinity);
            CHECK(!be->g2_in_subgroup_var(&t));
            uint8_t enc[128];
            be->g2_encode(enc, &t);
            mp_bn254_g2 d;
            mp_err err;
            CHECK(be->g2_decode(&d, enc, 1) == BN254_DECODE_SUBGROUP);
            CHECK(be->g2_decode(&d, enc, 0) == BN254_DECODE_OK);
            CHECK_RC(mp_bn254_g2_decode(&d, enc, &err), MP_ERR_INVALID);
            CHECK(strstr(err.msg, "subgroup") != NULL);
            /* [2p - r] t is in G2, and the test agrees with r*Q = O */
            be->g2_mul_ref(&cleared, &t, &h2);
            be->g2_mul_ref(&rt, &cleared, &r);
            CHECK(rt.infinity);
            CHECK(be->g2_in_subgroup_var(&cleared));
            /* and a subgroup point plus a non-subgroup one is outside */
            be->g2_add(&t, &t, &cleared);
            CHECK(!be->g2_in_subgroup_var(&t));
        }
    }
}

/* sum k_i p_i the slow way */
static void naive_g1_msm(const mp_bn254_backend *be, mp_bn254_g1 *r, const mp_bn254_g1 *pts,
                         const mp_bn254_scalar *ks, size_t n)
{
    mp_bn254_g1_infinity(r);
    for (size_t i = 0; i < n; i++) {
        mp_bn254_g1 t;
        be->g1_mul_var(&t, &pts[i], &ks[i]);
        be->g1_add(r, r, &t);
    }
}

static void naive_g2_msm(const mp_bn254_backend *be, mp_bn254_g2 *r, const mp_bn254_g2 *pts,
                         const mp_bn254_scalar *ks, size_t n)
{
    mp_bn254_g2_infinity(r);
    for (size_t i = 0; i < n; i++) {
        mp_bn254_g2 t;
        be->g2_mul_var(&t, &pts[i], &ks[i]);
        be->g2_add(r, r, &t);
    }
}

TEST(msm_against_naive)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    /* below and above MSM_STRAUS_MAX (48): Straus, then Pippenger */
    static const size_t sizes[] = {0, 1, 2, 3, 7, 33, 47, 60, 150};
    static const unsigned bits[] = {256, 64, 8, 256, 130, 64, 70, 64, 254};
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            mp_bn254_g1 *p1 = calloc(n + 1, sizeof *p1), r1, w1;
            mp_bn254_g2 *p2 = calloc(n + 1, sizeof *p2), r2, w2;
            mp_bn254_scalar *ks = calloc(n + 1, sizeof *ks);
            for (size_t i = 0; i < n; i++) {
                bn_rand_g1(mp_t, be, &p1[i]);
                bn_rand_g2(mp_t, be, &p2[i]);
                mp_test_rand_bytes(mp_t, ks[i].v, sizeof ks[i].v);
                for (unsigned b = bits[s]; b < 256; b++)
                    ks[i].v[b / 64] &= ~((uint64_t)1 << (b % 64));
            }
            if (n >= 3) { /* repeated and opposite points, zero scalar, infinity */
                p1[1] = p1[0];
                mp_bn254_g1_neg(&p1[2], &p1[0]);
                ks[2] = ks[0];
                mp_bn254_g1_infinity(&p1[n - 1]);
                memset(&ks[n - 2], 0, sizeof ks[0]);
                p2[1] = p2[0];
            }
            CHECK(be->g1_msm_var(&r1, p1, ks, n, bits[s]));
            naive_g1_msm(be, &w1, p1, ks, n);
            CHECK(mp_bn254_g1_eq(&r1, &w1));
            if (n <= 60) {
                CHECK(be->g2_msm_var(&r2, p2, ks, n, bits[s]));
                naive_g2_msm(be, &w2, p2, ks, n);
                CHECK(mp_bn254_g2_eq(&r2, &w2));
            }
            free(p1);
            free(p2);
            free(ks);
        }
    }
}

TEST(g1_encoding)
{
    mp_err err;
    mp_bn254_g1 p, g;
    uint8_t enc[64] = {0}, back[64];
    /* (0, 0) is infinity and encodes back to zeros */
    CHECK_OK(mp_bn254_g1_decode(&p, enc, &err), &err);
    CHECK(p.infinity);
    mp_bn254_g1_encode(back, &p);
    CHECK_MEM(back, enc, 64);
    /* the generator (1, 2) */
    enc[31] = 1;
    enc[63] = 2;
    CHECK_OK(mp_bn254_g1_decode(&p, enc, &err), &err);
    mp_bn254_g1_generator(&g);
    CHECK(mp_bn254_g1_eq(&p, &g));
    mp_bn254_g1_encode(back, &p);
    CHECK_MEM(back, enc, 64);
    /* off the curve */
    enc[63] = 3;
    CHECK_RC(mp_bn254_g1_decode(&p, enc, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "not on the curve") != NULL);
    /* (0, y) and (x, 0) are not infinity and not on the curve */
    memset(enc, 0, 64);
    enc[63] = 2;
    CHECK_RC(mp_bn254_g1_decode(&p, enc, &err), MP_ERR_INVALID);
    /* coordinates >= p, even when congruent to a valid point: (1 + p, 2) */
    memset(enc, 0, 64);
    memcpy(enc, BN_P_BE, 32);
    enc[31] += 1;
    enc[63] = 2;
    CHECK_RC(mp_bn254_g1_decode(&p, enc, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "not below the field modulus") != NULL);
    memset(enc, 0, 64);
    enc[31] = 1;
    memcpy(enc + 32, BN_P_BE, 32);
    enc[63] += 2; /* y = p + 2 */
    CHECK_RC(mp_bn254_g1_decode(&p, enc, &err), MP_ERR_INVALID);
    /* y = p - 2 is -2, the negated generator */
    memcpy(enc + 32, BN_P_BE, 32);
    enc[63] -= 2;
    CHECK_OK(mp_bn254_g1_decode(&p, enc, &err), &err);
    mp_bn254_g1_neg(&g, &g);
    CHECK(mp_bn254_g1_eq(&p, &g));
}

TEST(g2_encoding)
{
    /* The generator as the reference note gives it, imaginary parts first. */
    static const char gen_hex[] =
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
        "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
        "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
        "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
    uint8_t enc[128], back[128];
    mp_test_unhex(enc, 128, gen_hex);
    mp_err err;
    mp_bn254_g2 p, g;
    CHECK_OK(mp_bn254_g2_decode(&p, enc, &err), &err);
    mp_bn254_g2_generator(&g);
    CHECK(mp_bn254_g2_eq(&p, &g));
    mp_bn254_g2_encode(back, &p);
    CHECK_MEM(back, enc, 128);
    /* real and imaginary swapped: not on the twist */
    uint8_t sw[128];
    memcpy(sw, enc + 32, 32);
    memcpy(sw + 32, enc, 32);
    memcpy(sw + 64, enc + 96, 32);
    memcpy(sw + 96, enc + 64, 32);
    CHECK_RC(mp_bn254_g2_decode(&p, sw, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "not on the twist") != NULL);
    /* each coordinate >= p */
    for (int c = 0; c < 4; c++) {
        uint8_t bad[128];
        memcpy(bad, enc, 128);
        memcpy(bad + 32 * c, BN_P_BE, 32);
        CHECK_RC(mp_bn254_g2_decode(&p, bad, &err), MP_ERR_INVALID);
        CHECK(strstr(err.msg, "not below the field modulus") != NULL);
    }
    /* zeros: infinity */
    memset(sw, 0, sizeof sw);
    CHECK_OK(mp_bn254_g2_decode(&p, sw, &err), &err);
    CHECK(p.infinity);
    mp_bn254_g2_encode(back, &p);
    CHECK_MEM(back, sw, 128);
}

static const mp_test_case tests[] = {
    MP_TEST(g1_laws),           MP_TEST(g1_scalar_mul),     MP_TEST(g1_endomorphism),
    MP_TEST(g2_laws_and_mul),   MP_TEST(g2_psi_eigenvalue), MP_TEST(g2_subgroup_check),
    MP_TEST(msm_against_naive), MP_TEST(g1_encoding),       MP_TEST(g2_encoding),
};
MP_TEST_MAIN("bn254_group", tests)
