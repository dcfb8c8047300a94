/*
** test_bn254_pairing.c: the pairing and the EVM precompiles on every
** backend: go-ethereum's ecAdd/ecMul/ecPairing vectors and erigon's failure
** vector, the precompiles' length rules, bilinearity (e(aP, bQ) =
** e(P, Q)^(ab) with random a, b), non-degeneracy, the fast final
** exponentiation against a plain exponentiation by (p^4 - p^2 + 1)/r, and
** multi-pairing against a product of single pairings.
*/
#include "bn254_util.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"

#include <jansson.h>

typedef int (*precompile_fn)(const mp_bn254_backend *be, uint8_t *out, const uint8_t *in,
                             size_t len, mp_err *err);

static int run_add(const mp_bn254_backend *be, uint8_t *out, const uint8_t *in, size_t len,
                   mp_err *err)
{
    return mp_bn254_ecadd_with(be, out, in, len, err);
}

static int run_mul(const mp_bn254_backend *be, uint8_t *out, const uint8_t *in, size_t len,
                   mp_err *err)
{
    return mp_bn254_ecmul_with(be, out, in, len, err);
}

static int run_pairing(const mp_bn254_backend *be, uint8_t *out, const uint8_t *in, size_t len,
                       mp_err *err)
{
    return mp_bn254_ecpairing_with(be, out, in, len, err);
}

/* Runs every case of a geth precompile file; returns the number of cases. */
static int run_vectors(mp_test_ctx *mp_t, const char *file, precompile_fn fn, size_t out_len)
{
    json_error_t je;
    json_t *arr = json_load_file(mp_test_path(file), 0, &je);
    CHECK(arr != NULL && json_is_array(arr));
    if (arr == NULL)
        return 0;
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes), cases = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *in = json_string_value(json_object_get(v, "Input"));
        const char *want = json_string_value(json_object_get(v, "Expected"));
        const char *name = json_string_value(json_object_get(v, "Name"));
        CHECK(in != NULL && want != NULL && name != NULL);
        if (!in || !want || !name)
            continue;
        mp_buf b = MP_BUF_INIT;
        mp_err err;
        CHECK_OK(mp_hex_decode_buf(&b, in, &err), &err);
        for (int k = 0; k < nb; k++) {
            uint8_t out[64];
            char hex[129];
            int rc = fn(bes[k], out, b.data, b.len, &err);
            CHECK_OK(rc, &err);
            mp_hex_encode(hex, out, out_len);
            if (strcmp(hex, want) != 0) {
                printf("# %s (%s): got %s\n", name, bes[k]->name, hex);
                CHECK(strcmp(hex, want) == 0);
            }
        }
        mp_buf_free(&b);
        cases++;
    }
    json_decref(arr);
    return cases;
}

TEST(geth_ecadd_vectors)
{
    CHECK(run_vectors(mp_t, "tests/vectors/bn254/geth_bn256Add.json", run_add, 64) == 16);
}

TEST(geth_ecmul_vectors)
{
    CHECK(run_vectors(mp_t, "tests/vectors/bn254/geth_bn256ScalarMul.json", run_mul, 64) == 19);
}

TEST(geth_ecpairing_vectors)
{
    CHECK(run_vectors(mp_t, "tests/vectors/bn254/geth_bn256Pairing.json", run_pairing, 32) == 14);
}

TEST(erigon_failure_vector)
{
    json_error_t je;
    json_t *arr =
        json_load_file(mp_test_path("tests/vectors/bn254/erigon_fail-bn256Add.json"), 0, &je);
    CHECK(arr != NULL && json_array_size(arr) == 1);
    if (arr == NULL)
        return;
    const char *in = json_string_value(json_object_get(json_array_get(arr, 0), "Input"));
    mp_buf b = MP_BUF_INIT;
    mp_err err;
    CHECK(in != NULL && strlen(in) == 255);
    /* 255 hex digits: Go's hex.DecodeString keeps the 127 whole bytes before
     * the odd digit, and that is the input the clients run. */
    char even[255] = "";
    if (in != NULL && strlen(in) == 255) {
        memcpy(even, in, 254);
        even[254] = 0;
    }
    CHECK_OK(mp_hex_decode_buf(&b, even, &err), &err);
    CHECK(b.len == 127);
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        uint8_t out[64];
        CHECK_RC(mp_bn254_ecadd_with(bes[k], out, b.data, b.len, &err), MP_ERR_INVALID);
        CHECK(strstr(err.msg, "second point") != NULL);
    }
    mp_buf_free(&b);
    json_decref(arr);
}

TEST(precompile_length_rules)
{
    mp_err err;
    uint8_t out[64], in[400] = {0}, zeros[64] = {0};
    /* empty or short input is zero-padded: O + O = O, O * 0 = O */
    CHECK_OK(mp_bn254_ecadd(out, in, 0, &err), &err);
    CHECK_MEM(out, zeros, 64);
    CHECK_OK(mp_bn254_ecmul(out, NULL, 0, &err), &err);
    CHECK_MEM(out, zeros, 64);
    /* generator with a truncated scalar: 1, 2, then one byte 0x03 of the
     * scalar -> zero-padded on the right to 0x03 << 248 */
    in[31] = 1;
    in[63] = 2;
    in[64] = 3;
    uint8_t a[64], b[64];
    CHECK_OK(mp_bn254_ecmul(a, in, 65, &err), &err);
    memset(in + 65, 0, 31);
    CHECK_OK(mp_bn254_ecmul(b, in, 96, &err), &err);
    CHECK_MEM(a, b, 64);
    /* longer input is truncated: trailing bytes are ignored */
    memset(in + 96, 0xab, 200);
    CHECK_OK(mp_bn254_ecmul(b, in, 296, &err), &err);
    CHECK_MEM(a, b, 64);
    memset(in + 64, 0, 64);
    in[95] = 1;
    in[127] = 2; /* G + G */
    CHECK_OK(mp_bn254_ecadd(a, in, 128, &err), &err);
    CHECK_OK(mp_bn254_ecadd(b, in, 300, &err), &err);
    CHECK_MEM(a, b, 64);
    /* a 63-byte ecAdd input: (1, 2 >> 8)... is off the curve */
    CHECK_RC(mp_bn254_ecadd(b, in, 63, &err), MP_ERR_INVALID);
    /* pairing: empty is true, a length not a multiple of 192 is an error */
    uint8_t res[32];
    CHECK_OK(mp_bn254_ecpairing(res, in, 0, &err), &err);
    CHECK(res[31] == 1);
    CHECK_RC(mp_bn254_ecpairing(res, in, 191, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "multiple of 192") != NULL);
    CHECK_RC(mp_bn254_ecpairing(res, in, 193, &err), MP_ERR_INVALID);
    /* a pair of infinities contributes 1 */
    memset(in, 0, sizeof in);
    CHECK_OK(mp_bn254_ecpairing(res, in, 192, &err), &err);
    CHECK(res[31] == 1);
    /* a G2 point off the twist is rejected even when G1 is infinity */
    in[64 + 127] = 1;
    CHECK_RC(mp_bn254_ecpairing(res, in, 192, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "pair 0") != NULL);
}

TEST(pairing_rejects_twist_points_outside_g2)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        uint8_t in[192], out[32];
        mp_bn254_g1 g;
        mp_bn254_g2 t;
        mp_err err;
        mp_bn254_g1_generator(&g);
        bn_rand_twist_point(mp_t, bes[k], &t);
        bes[k]->g1_encode(in, &g);
        bes[k]->g2_encode(in + 64, &t);
        CHECK_RC(mp_bn254_ecpairing_with(bes[k], out, in, 192, &err), MP_ERR_INVALID);
        CHECK(strstr(err.msg, "subgroup") != NULL);
    }
}

TEST(bilinearity)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        mp_bn254_g1 g1;
        mp_bn254_g2 g2;
        mp_bn254_g1_generator(&g1);
        mp_bn254_g2_generator(&g2);
        for (int i = 0; i < 8; i++) {
            mp_bn254_scalar a, b, ab;
            bn_rand_scalar(mp_t, &a);
            bn_rand_scalar(mp_t, &b);
            mp_bn254_scalar_mul(&ab, &a, &b);
            mp_bn254_g1 p, ap;
            mp_bn254_g2 q, bq;
            bn_rand_g1(mp_t, be, &p);
            bn_rand_g2(mp_t, be, &q);
            be->g1_mul_var(&ap, &p, &a);
            be->g2_mul_var(&bq, &q, &b);
            mp_bn254_gt e1, e2, f;
            be->miller_loop(&f, &ap, &bq, 1);
            be->final_exp(&e1, &f);
            be->miller_loop(&f, &p, &q, 1);
            be->final_exp(&e2, &f);
            mp_bn254_gt_pow_var(&e2, &e2, &ab);
            CHECK(mp_bn254_gt_eq(&e1, &e2));
            /* e(P + P', Q) = e(P, Q) e(P', Q) */
            mp_bn254_g1 p2, sum;
            bn_rand_g1(mp_t, be, &p2);
            be->g1_add(&sum, &p, &p2);
            mp_bn254_gt x, y;
            be->miller_loop(&f, &sum, &q, 1);
            be->final_exp(&x, &f);
            be->miller_loop(&f, &p, &q, 1);
            be->final_exp(&y, &f);
            be->miller_loop(&f, &p2, &q, 1);
            be->final_exp(&e1, &f);
            be->gt_mul(&y, &y, &e1);
            CHECK(mp_bn254_gt_eq(&x, &y));
        }
        /* non-degenerate, and of order r */
        mp_bn254_gt e, f, one;
        be->miller_loop(&f, &g1, &g2, 1);
        be->final_exp(&e, &f);
        be->gt_one(&one);
        CHECK(!mp_bn254_gt_eq(&e, &one));
        mp_bn254_scalar r;
        mp_bn254_scalar_from_bytes_raw(&r, BN_R_BE);
        mp_bn254_gt_pow_var(&f, &e, &r);
        CHECK(mp_bn254_gt_eq(&f, &one));
    }
}

TEST(final_exp_against_plain_power)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        for (int i = 0; i < 4; i++) {
            mp_bn254_g1 p;
            mp_bn254_g2 q;
            bn_rand_g1(mp_t, be, &p);
            bn_rand_g2(mp_t, be, &q);
            mp_bn254_gt f, fast, slow;
            be->miller_loop(&f, &p, &q, 1);
            be->final_exp(&fast, &f);
            be->final_exp_ref(&slow, &f);
            CHECK(mp_bn254_gt_eq(&fast, &slow));
        }
    }
}

TEST(multi_pairing)
{
    const mp_bn254_backend *bes[2];
    int nb = bn_backends(bes);
    for (int k = 0; k < nb; k++) {
        const mp_bn254_backend *be = bes[k];
        enum { N = 11 }; /* more than one internal batch of 8 */
        mp_bn254_g1 ps[N];
        mp_bn254_g2 qs[N];
        mp_bn254_gt prod, e, f;
        be->gt_one(&prod);
        for (int i = 0; i < N; i++) {
            bn_rand_g1(mp_t, be, &ps[i]);
            bn_rand_g2(mp_t, be, &qs[i]);
            if (i == 3)
                mp_bn254_g1_infinity(&ps[i]);
            if (i == 5)
                mp_bn254_g2_infinity(&qs[i]);
            be->miller_loop(&f, &ps[i], &qs[i], 1);
            be->final_exp(&e, &f);
            be->gt_mul(&prod, &prod, &e);
        }
        be->miller_loop(&f, ps, qs, N);
        be->final_exp(&e, &f);
        CHECK(mp_bn254_gt_eq(&e, &prod));
    }
    /* the public check: e(aP, Q) e(-P, aQ) = 1, and not with a different a */
    mp_bn254_g1 ps[2], p;
    mp_bn254_g2 qs[2], q;
    mp_bn254_scalar a, b;
    bn_rand_g1(mp_t, mp_bn254_backend_get(), &p);
    bn_rand_g2(mp_t, mp_bn254_backend_get(), &q);
    bn_rand_scalar(mp_t, &a);
    bn_rand_scalar(mp_t, &b);
    mp_bn254_g1_mul_var(&ps[0], &p, &a);
    qs[0] = q;
    mp_bn254_g1_neg(&ps[1], &p);
    mp_bn254_g2_mul_var(&qs[1], &q, &a);
    CHECK(mp_bn254_pairing_check(ps, qs, 2));
    mp_bn254_g2_mul_var(&qs[1], &q, &b);
    CHECK(!mp_bn254_pairing_check(ps, qs, 2));
}

static const mp_test_case tests[] = {
    MP_TEST(geth_ecadd_vectors),
    MP_TEST(geth_ecmul_vectors),
    MP_TEST(geth_ecpairing_vectors),
    MP_TEST(erigon_failure_vector),
    MP_TEST(precompile_length_rules),
    MP_TEST(pairing_rejects_twist_points_outside_g2),
    MP_TEST(bilinearity),
    MP_TEST(final_exp_against_plain_power),
    MP_TEST(multi_pairing),
};
MP_TEST_MAIN("bn254_pairing", tests)
