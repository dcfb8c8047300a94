/*
** test_bls.c: EigenLayer BLS against published and independently computed
** data: the 200 operator keys of eigenlayer-middleware (G1 and G2 public
** keys), eigensdk-go's keys and their gnark "E([x,y])" strings, the
** middleware's test constants (sk 69, 69*G2, 6900*G2, the checkSignatures
** check on keccak256("hello world")), hashToG1 known answers (computed with
** a separate big-integer implementation), the EIP-712 registration digest
** and proof of possession, aggregation identities, and batch verification
** against single verification, including one bad signature among 1,000.
*/
#include "bn254_util.h"
#include "mpavs/bls.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/u256.h"

#include <ctype.h>
#include <jansson.h>

/* ---- a reader for JSON arrays of big numbers ----------------------------------- */

/* operatorBLSKeys.json stores 77-digit integers as bare JSON numbers, which
 * jansson (and any double-based parser) cannot hold. This reads the array of
 * one key as tokens: digits (bare or quoted) are copied verbatim. Returns the
 * number of tokens, or -1 when the key or a well-formed array is missing. */
static int read_number_array(const char *doc, const char *key, char out[][80], int cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(doc, pat);
    if (p == NULL)
        return -1;
    p += strlen(pat);
    while (isspace((unsigned char)*p))
        p++;
    if (*p++ != ':')
        return -1;
    while (isspace((unsigned char)*p))
        p++;
    if (*p++ != '[')
        return -1;
    int n = 0;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ']')
            return n;
        int quoted = *p == '"';
        if (quoted)
            p++;
        size_t len = 0;
        while (isdigit((unsigned char)p[len]))
            len++;
        if (len == 0 || len >= 80 || n >= cap)
            return -1;
        memcpy(out[n], p, len);
        out[n][len] = 0;
        n++;
        p += len;
        if (quoted && *p++ != '"')
            return -1;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',')
            p++;
        else if (*p != ']')
            return -1;
    }
}

static char *slurp(const char *rel)
{
    uint8_t *data = NULL;
    size_t len = 0;
    if (mp_file_read(mp_test_path(rel), 1 << 20, &data, &len, NULL) != MP_OK)
        return NULL;
    return (char *)data;
}

static void dec32(mp_test_ctx *mp_t, uint8_t out[32], const char *dec)
{
    mp_err err;
    CHECK_OK(mp_u256_from_dec(out, dec, &err), &err);
}

/* ---- published keys ---------------------------------------------------------------- */

TEST(eigenlayer_operator_keys)
{
    char *doc = slurp("tests/vectors/bn254/eigenlayer-middleware_operatorBLSKeys.json");
    CHECK(doc != NULL);
    if (doc == NULL)
        return;
    static char sk[200][80], g1x[200][80], g1y[200][80], x0[200][80], x1[200][80], y0[200][80],
        y1[200][80];
    CHECK(read_number_array(doc, "privateKeys", sk, 200) == 200);
    CHECK(read_number_array(doc, "G1x", g1x, 200) == 200);
    CHECK(read_number_array(doc, "G1y", g1y, 200) == 200);
    CHECK(read_number_array(doc, "G2x0", x0, 200) == 200);
    CHECK(read_number_array(doc, "G2x1", x1, 200) == 200);
    CHECK(read_number_array(doc, "G2y0", y0, 200) == 200);
    CHECK(read_number_array(doc, "G2y1", y1, 200) == 200);
    free(doc);
    int matched = 0;
    for (int i = 0; i < 200; i++) {
        mp_bls_secret s;
        mp_bls_pubkey pk;
        mp_err err;
        CHECK_OK(mp_bls_secret_from_text(&s, sk[i], &err), &err);
        mp_bls_pubkey_from_secret(&pk, &s);
        uint8_t want1[64], want2[128], got1[64], got2[128];
        dec32(mp_t, want1, g1x[i]);
        dec32(mp_t, want1 + 32, g1y[i]);
        /* G2x0 / G2y0 are the imaginary parts: the EVM order directly */
        dec32(mp_t, want2, x0[i]);
        dec32(mp_t, want2 + 32, x1[i]);
        dec32(mp_t, want2 + 64, y0[i]);
        dec32(mp_t, want2 + 96, y1[i]);
        mp_bn254_g1_encode(got1, &pk.g1);
        mp_bn254_g2_encode(got2, &pk.g2);
        if (memcmp(got1, want1, 64) == 0 && memcmp(got2, want2, 128) == 0)
            matched++;
        /* the published values decode, G2 passing the subgroup check */
        mp_bn254_g2 q;
        CHECK_OK(mp_bn254_g2_decode(&q, want2, &err), &err);
        mp_bls_secret_clear(&s);
    }
    CHECK(matched == 200);
}

TEST(eigensdk_keys_and_gnark_strings)
{
    json_error_t je;
    json_t *doc =
        json_load_file(mp_test_path("tests/vectors/bn254/eigensdk-go_test_bls_keys.json"), 0, &je);
    CHECK(doc != NULL);
    if (doc == NULL)
        return;
    json_t *keys = json_object_get(doc, "keys");
    CHECK(json_array_size(keys) == 3);
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *skd = json_string_value(json_object_get(k, "sk_decimal"));
        const char *x = json_string_value(json_object_get(k, "pubkey_G1_x"));
        const char *y = json_string_value(json_object_get(k, "pubkey_G1_y"));
        CHECK(skd && x && y);
        if (!skd || !x || !y)
            continue;
        mp_bls_secret s;
        mp_bls_pubkey pk;
        mp_err err;
        CHECK_OK(mp_bls_secret_from_text(&s, skd, &err), &err);
        mp_bls_pubkey_from_secret(&pk, &s);
        char want[MP_BLS_GNARK_MAX], got[MP_BLS_GNARK_MAX];
        snprintf(want, sizeof want, "E([%s,%s])", x, y);
        mp_bls_g1_to_gnark(got, &pk.g1);
        CHECK_STR(got, want);
        mp_bn254_g1 parsed;
        CHECK_OK(mp_bls_g1_from_gnark(&parsed, want, &err), &err);
        CHECK(mp_bn254_g1_eq(&parsed, &pk.g1));
        CHECK_OK(mp_bls_check_gnark_pubkey(want, &s, &err), &err);
        /* the G2 key matches the G1 key */
        CHECK_OK(mp_bls_verify_keys(&pk.g1, &pk.g2, &err), &err);
        /* hex form of the same secret */
        uint8_t b[32];
        char hex[67];
        mp_bls_secret_to_bytes(b, &s);
        mp_hex_encode0x(hex, b, 32);
        mp_bls_secret t;
        CHECK_OK(mp_bls_secret_from_text(&t, hex, &err), &err);
        CHECK(memcmp(&t, &s, sizeof s) == 0);
        /* another secret's key does not pass */
        mp_bls_secret other;
        CHECK_OK(mp_bls_secret_from_text(&other, "12345", &err), &err);
        CHECK_RC(mp_bls_check_gnark_pubkey(want, &other, &err), MP_ERR_VERIFY);
    }
    json_decref(doc);
}

TEST(gnark_string_rejections)
{
    mp_bn254_g1 p;
    mp_err err;
    CHECK_RC(mp_bls_g1_from_gnark(&p, "", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_g1_from_gnark(&p, "E([1,2]", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_g1_from_gnark(&p, "E([12])", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_g1_from_gnark(&p, "E([1,x])", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_g1_from_gnark(&p, "E([1,3])", &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "not on the curve") != NULL);
    CHECK_RC(mp_bls_g1_from_gnark(&p, "E([,2])", &err), MP_ERR_INVALID);
    CHECK_OK(mp_bls_g1_from_gnark(&p, "E([1,2])", &err), &err);
    CHECK_OK(mp_bls_g1_from_gnark(&p, "E([0,0])", &err), &err);
    CHECK(p.infinity);
    /* x = p + 1 is out of range even though congruent to 1 */
    CHECK_RC(mp_bls_g1_from_gnark(&p,
                                  "E([218882428718392752222464057452572750886963111572978236626890"
                                  "37894645226208584,2])",
                                  &err),
             MP_ERR_INVALID);
}

/* ---- middleware constants and known answers ---------------------------------------- */

static const char HELLO_HASH[] = "47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad";

static void g2_from_constants(mp_test_ctx *mp_t, mp_bn254_g2 *q, json_t *obj)
{
    json_t *x = json_object_get(obj, "X"), *y = json_object_get(obj, "Y");
    uint8_t enc[128];
    const char *parts[4] = {
        json_string_value(json_array_get(x, 0)), json_string_value(json_array_get(x, 1)),
        json_string_value(json_array_get(y, 0)), json_string_value(json_array_get(y, 1))};
    for (int i = 0; i < 4; i++) {
        CHECK(parts[i] != NULL);
        dec32(mp_t, enc + 32 * i, parts[i] ? parts[i] : "0");
    }
    mp_err err;
    CHECK_OK(mp_bn254_g2_decode(q, enc, &err), &err);
}

TEST(eigenlayer_test_constants)
{
    json_error_t je;
    json_t *doc = json_load_file(
        mp_test_path("tests/vectors/bn254/eigenlayer-middleware_test_constants.json"), 0, &je);
    CHECK(doc != NULL);
    if (doc == NULL)
        return;
    mp_err err;
    mp_bls_secret s;
    CHECK_OK(mp_bls_secret_from_text(
                 &s, json_string_value(json_object_get(doc, "aggSignerPrivKey")), &err),
             &err);
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &s);
    mp_bn254_g2 q69, q6900;
    g2_from_constants(mp_t, &q69, json_object_get(doc, "aggSignerApkG2_69xG2"));
    g2_from_constants(mp_t, &q6900, json_object_get(doc, "oneHundredQuorumApkG2_6900xG2"));
    CHECK(mp_bn254_g2_eq(&pk.g2, &q69));
    /* 100 signers with key 69 aggregate to 6900*G2 */
    mp_bn254_g2 hundred[100], agg;
    for (int i = 0; i < 100; i++)
        hundred[i] = pk.g2;
    mp_bls_aggregate_g2(&agg, hundred, 100);
    CHECK(mp_bn254_g2_eq(&agg, &q6900));
    /* msgHash = keccak256("hello world"); sigma = 69 * hashToG1(msgHash) */
    uint8_t msg[32], want[32];
    mp_keccak256(msg, "hello world", 11);
    mp_test_unhex(want, 32, HELLO_HASH);
    CHECK_MEM(msg, want, 32);
    mp_bn254_g1 sigma;
    mp_bls_sign(&sigma, &s, msg);
    CHECK_OK(mp_bls_verify(&pk.g2, msg, &sigma, &err), &err);
    CHECK_OK(mp_bls_checksig_verify(msg, &pk.g1, &pk.g2, &sigma, &err), &err);
    /* the defaultPubKey of MockAVSDeployer is a valid G1 point */
    json_t *dpk = json_object_get(doc, "MockAVSDeployer_defaultPubKey_G1");
    uint8_t enc[64];
    dec32(mp_t, enc, json_string_value(json_array_get(dpk, 0)));
    dec32(mp_t, enc + 32, json_string_value(json_array_get(dpk, 1)));
    mp_bn254_g1 p;
    CHECK_OK(mp_bn254_g1_decode(&p, enc, &err), &err);
    json_decref(doc);
}

/* hashToG1 answers from an independent big-integer implementation of
 * BN254.hashToG1 (try-and-increment, y = beta^((p+1)/4)). */
TEST(hash_to_g1_known_answers)
{
    static const char *cases[][2] = {
        {HELLO_HASH, "16b2e412c7a593f4a646ea0ff5a70b2760818e5dda3421d1c79b6e0e74332267"
                     "2cd0f3a5df08a9ff2f628184f0632664e0cf218aa9a6233abcde0023d72f8dfa"},
        /* 0 and p: x = 0 fails (3 is not a square), x = 1 gives (1, 2) */
        {"0000000000000000000000000000000000000000000000000000000000000000",
         "00000000000000000000000000000000000000000000000000000000000000010000000000000000000000000"
         "000000000000000000000000000000000000002"},
        {"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
         "00000000000000000000000000000000000000000000000000000000000000010000000000000000000000000"
         "000000000000000000000000000000000000002"},
        /* 2^256 - 1 is reduced modulo p first */
        {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
         "0e0a77c19a07df2f666ea36f7879462c0a78eb28f5c70b3dd35d438dc58f0d9c"
         "14be43b98e05db3bee1459f626263fc7bccd58e77b8182329f8ac7453c92c0ca"},
        {"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46",
         "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46"
         "279d7bc4e184e3a57f5fa684690c6df6b484a7f1daa1de608d266a2a4be6593f"},
        /* 0x1234 needs two increments */
        {"0000000000000000000000000000000000000000000000000000000000001234",
         "0000000000000000000000000000000000000000000000000000000000001236"
         "05534fdba798df28559aba70b601ac4ee813260e64c8de0f6d83d9ad9e525ae2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t d[32], want[64], got[64];
        mp_test_unhex(d, 32, cases[i][0]);
        mp_test_unhex(want, 64, cases[i][1]);
        mp_bn254_g1 h;
        mp_bls_hash_to_g1(&h, d);
        mp_bn254_g1_encode(got, &h);
        CHECK_MEM(got, want, 64);
    }
    /* sigma = 69 * H(keccak("hello world")) and the checkSignatures gamma */
    mp_bls_secret s;
    mp_err err;
    CHECK_OK(mp_bls_secret_from_text(&s, "69", &err), &err);
    uint8_t msg[32], got[64], want[64];
    mp_test_unhex(msg, 32, HELLO_HASH);
    mp_bn254_g1 sigma;
    mp_bls_sign(&sigma, &s, msg);
    mp_bn254_g1_encode(got, &sigma);
    mp_test_unhex(want, 64,
                  "06d7fe4c6135c73e7257104f96087496aac2be82a6de6afd663367e3df1ecb66"
                  "071e248a0cdee28d92b7a05263d6b5d6d410d99ccd93da993221cd3b59a4716f");
    CHECK_MEM(got, want, 64);
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &s);
    mp_bn254_scalar gamma;
    uint8_t gb[32], gw[32];
    mp_bls_checksig_gamma(&gamma, msg, &pk.g1, &pk.g2, &sigma);
    mp_bn254_scalar_to_bytes(gb, &gamma);
    mp_test_unhex(gw, 32, "06e481f11a80ae06356de385c6a1e29cd71aa82fe758286899d0f50e259b864c");
    CHECK_MEM(gb, gw, 32);
}

TEST(checksig_pairing_input_is_a_true_precompile_call)
{
    mp_bls_secret s;
    mp_err err;
    CHECK_OK(mp_bls_secret_from_text(&s, "69", &err), &err);
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &s);
    uint8_t msg[32], in[384], out[32];
    mp_test_unhex(msg, 32, HELLO_HASH);
    mp_bn254_g1 sigma;
    mp_bls_sign(&sigma, &s, msg);
    mp_bls_checksig_pairing_input(in, msg, &pk.g1, &pk.g2, &sigma);
    CHECK_OK(mp_bn254_ecpairing(out, in, sizeof in, &err), &err);
    CHECK(out[31] == 1);
    /* the second pair's G2 is apkG2 as given, the first one's is -G2 */
    uint8_t g2enc[128];
    mp_bn254_g2_encode(g2enc, &pk.g2);
    CHECK_MEM(in + 192 + 64, g2enc, 128);
    /* a wrong sigma fails both the check and the precompile */
    mp_bn254_g1 bad;
    mp_bn254_g1_add(&bad, &sigma, &pk.g1);
    CHECK_RC(mp_bls_checksig_verify(msg, &pk.g1, &pk.g2, &bad, &err), MP_ERR_VERIFY);
    mp_bls_checksig_pairing_input(in, msg, &pk.g1, &pk.g2, &bad);
    CHECK_OK(mp_bn254_ecpairing(out, in, sizeof in, &err), &err);
    CHECK(out[31] == 0);
    /* apk not matching apkG2 fails even with a consistent sigma */
    mp_bls_pubkey other;
    mp_bls_secret s2;
    CHECK_OK(mp_bls_secret_from_text(&s2, "70", &err), &err);
    mp_bls_pubkey_from_secret(&other, &s2);
    CHECK_RC(mp_bls_checksig_verify(msg, &other.g1, &pk.g2, &sigma, &err), MP_ERR_VERIFY);
}

TEST(registration_digest_and_pop)
{
    uint8_t coord[20], oper[20], digest[32], want[32];
    memset(coord, 0x11, 20);
    memset(oper, 0x22, 20);
    /* keccak256("BN254PubkeyRegistration(address operator)") from the reference */
    uint8_t th[32], thw[32];
    mp_keccak256(th, "BN254PubkeyRegistration(address operator)", 41);
    mp_test_unhex(thw, 32, "2bd82124057f0913bc3b772ce7b83e8057c1ad1f3510fc83778be20f10ec5de6");
    CHECK_MEM(th, thw, 32);
    /* digest computed with cast abi-encode and cast keccak (Foundry) */
    mp_bls_registration_digest(digest, NULL, NULL, 31337, coord, oper);
    mp_test_unhex(want, 32, "ff7ff81922123801e5c13253168096f881585431fcb5946c01f72acf9d3d01dc");
    CHECK_MEM(digest, want, 32);
    mp_bls_secret s;
    mp_err err;
    CHECK_OK(mp_bls_secret_from_text(&s, "69", &err), &err);
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &s);
    mp_bn254_g1 pop;
    uint8_t enc[64], encw[64];
    mp_bls_registration_sign(&pop, &s, digest);
    mp_bn254_g1_encode(enc, &pop);
    mp_test_unhex(encw, 64,
                  "20dadfca03690a1a0d153e6a53f2f5a230c04f275cd4f427a8982df5f1bff4cc"
                  "219b76f6b1d7150616910d781d0f316cb6a9d5d8e880379e55d8c1fe08f00f6e");
    CHECK_MEM(enc, encw, 64);
    CHECK_OK(mp_bls_registration_verify(digest, &pop, &pk, &err), &err);
    /* other chain, other operator, other key: the proof fails */
    uint8_t d2[32];
    mp_bls_registration_digest(d2, NULL, NULL, 1, coord, oper);
    CHECK(memcmp(d2, digest, 32) != 0);
    CHECK_RC(mp_bls_registration_verify(d2, &pop, &pk, &err), MP_ERR_VERIFY);
    mp_bls_pubkey mixed = pk;
    mp_bls_secret s2;
    mp_bls_pubkey pk2;
    CHECK_OK(mp_bls_secret_from_text(&s2, "0x45", &err), &err); /* 69 again, via hex */
    CHECK(memcmp(&s2, &s, sizeof s) == 0);
    CHECK_OK(mp_bls_secret_from_text(&s2, "1000", &err), &err);
    mp_bls_pubkey_from_secret(&pk2, &s2);
    mixed.g2 = pk2.g2; /* G1 of one key, G2 of another */
    CHECK_RC(mp_bls_registration_verify(digest, &pop, &mixed, &err), MP_ERR_VERIFY);
    mp_bn254_g1_infinity(&mixed.g1);
    CHECK_RC(mp_bls_registration_verify(digest, &pop, &mixed, &err), MP_ERR_INVALID);
}

TEST(secret_key_rules)
{
    mp_bls_secret s;
    mp_err err;
    uint8_t b[32] = {0};
    CHECK_RC(mp_bls_secret_from_bytes(&s, b, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "zero") != NULL);
    CHECK_RC(mp_bls_secret_from_bytes(&s, BN_R_BE, &err), MP_ERR_INVALID);
    memcpy(b, BN_R_BE, 32);
    b[31] -= 1;
    CHECK_OK(mp_bls_secret_from_bytes(&s, b, &err), &err);
    CHECK_RC(mp_bls_secret_from_text(&s, "12a", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_secret_from_text(&s, "0xzz", &err), MP_ERR_INVALID);
    CHECK_RC(mp_bls_secret_from_text(&s, "0", &err), MP_ERR_INVALID);
    /* generated keys are valid and distinct; clear wipes */
    mp_bls_secret a, c;
    CHECK_OK(mp_bls_secret_generate(&a, &err), &err);
    CHECK_OK(mp_bls_secret_generate(&c, &err), &err);
    CHECK(memcmp(&a, &c, sizeof a) != 0);
    uint8_t ab[32];
    mp_bls_secret_to_bytes(ab, &a);
    CHECK_OK(mp_bls_secret_from_bytes(&s, ab, &err), &err);
    mp_bls_secret_clear(&a);
    static const mp_bls_secret zero;
    CHECK(memcmp(&a, &zero, sizeof a) == 0);
}

/* ---- signatures, aggregation, batches ------------------------------------------------ */

typedef struct signer_set {
    size_t n;
    mp_bls_secret *sk;
    mp_bn254_g1 *pk1;
    mp_bn254_g2 *pk2;
} signer_set;

/* n keys; the G2 keys through the variable-time product to keep the test
 * short (pubkey_from_secret is checked against published keys above). */
static void make_signers(mp_test_ctx *mp_t, signer_set *s, size_t n)
{
    s->n = n;
    s->sk = calloc(n, sizeof *s->sk);
    s->pk1 = calloc(n, sizeof *s->pk1);
    s->pk2 = calloc(n, sizeof *s->pk2);
    mp_bn254_g1 g1;
    mp_bn254_g2 g2;
    mp_bn254_g1_generator(&g1);
    mp_bn254_g2_generator(&g2);
    for (size_t i = 0; i < n; i++) {
        bn_rand_scalar(mp_t, &s->sk[i].k);
        if (mp_bn254_scalar_is_zero(&s->sk[i].k))
            s->sk[i].k.v[0] = 1;
        mp_bn254_g1_mul_var(&s->pk1[i], &g1, &s->sk[i].k);
        mp_bn254_g2_mul_var(&s->pk2[i], &g2, &s->sk[i].k);
    }
}

static void free_signers(signer_set *s)
{
    free(s->sk);
    free(s->pk1);
    free(s->pk2);
}

TEST(sign_verify_aggregate)
{
    signer_set s;
    make_signers(mp_t, &s, 8);
    uint8_t msg[32], other[32];
    mp_test_rand_bytes(mp_t, msg, 32);
    memcpy(other, msg, 32);
    other[0] ^= 1;
    mp_bn254_g1 sigs[8];
    mp_err err;
    for (int i = 0; i < 8; i++) {
        mp_bls_sign(&sigs[i], &s.sk[i], msg);
        CHECK_OK(mp_bls_verify(&s.pk2[i], msg, &sigs[i], &err), &err);
        CHECK_RC(mp_bls_verify(&s.pk2[i], other, &sigs[i], &err), MP_ERR_VERIFY);
        CHECK_RC(mp_bls_verify(&s.pk2[(i + 1) % 8], msg, &sigs[i], &err), MP_ERR_VERIFY);
    }
    /* aggregate signature verifies against the aggregate key, and the G1/G2
     * aggregates stay consistent (sum of keys = key of the summed secrets) */
    mp_bn254_g1 agg, apk1;
    mp_bn254_g2 apk2;
    mp_bls_aggregate_g1(&agg, sigs, 8);
    mp_bls_aggregate_g1(&apk1, s.pk1, 8);
    mp_bls_aggregate_g2(&apk2, s.pk2, 8);
    CHECK_OK(mp_bls_verify(&apk2, msg, &agg, &err), &err);
    CHECK_OK(mp_bls_verify_keys(&apk1, &apk2, &err), &err);
    CHECK_OK(mp_bls_checksig_verify(msg, &apk1, &apk2, &agg, &err), &err);
    mp_bls_secret total = s.sk[0];
    for (int i = 1; i < 8; i++)
        mp_bn254_scalar_add(&total.k, &total.k, &s.sk[i].k);
    mp_bn254_g1 direct;
    mp_bls_sign(&direct, &total, msg);
    CHECK(mp_bn254_g1_eq(&direct, &agg));
    /* one signer missing: fails */
    mp_bls_aggregate_g1(&agg, sigs, 7);
    CHECK_RC(mp_bls_verify(&apk2, msg, &agg, &err), MP_ERR_VERIFY);
    /* operatorId = keccak(X || Y) */
    uint8_t id[32], enc[64], want[32];
    mp_bls_operator_id(id, &s.pk1[0]);
    mp_bn254_g1_encode(enc, &s.pk1[0]);
    mp_keccak256(want, enc, 64);
    CHECK_MEM(id, want, 32);
    /* hashG2Point over X[0] (imaginary) first */
    uint8_t g2enc[128];
    mp_bls_g2_hash(id, &s.pk2[0]);
    mp_bn254_g2_encode(g2enc, &s.pk2[0]);
    mp_keccak256(want, g2enc, 128);
    CHECK_MEM(id, want, 32);
    free_signers(&s);
}

TEST(batch_agrees_with_single)
{
    signer_set s;
    make_signers(mp_t, &s, 40);
    uint8_t(*digests)[32] = calloc(40, 32);
    mp_bn254_g1 *sigs = calloc(40, sizeof *sigs);
    bool *bad = calloc(40, sizeof *bad);
    for (int round = 0; round < 6; round++) {
        /* a few repeated digests, a random number of corrupted signatures */
        for (size_t i = 0; i < 40; i++) {
            mp_test_rand_bytes(mp_t, digests[i], 32);
            if (i % 3 == 0 && i > 0)
                memcpy(digests[i], digests[i - 1], 32);
            mp_bls_sign(&sigs[i], &s.sk[i], digests[i]);
        }
        int corrupt = round == 0 ? 0 : (int)(mp_test_rand(mp_t) % 4) + (round == 5);
        for (int c = 0; c < corrupt; c++) {
            size_t at = mp_test_rand(mp_t) % 40;
            mp_bn254_g1 g;
            mp_bn254_g1_generator(&g);
            mp_bn254_g1_add(&sigs[at], &sigs[at], &g);
        }
        size_t single_bad = 0;
        mp_err err;
        for (size_t i = 0; i < 40; i++)
            single_bad += mp_bls_verify(&s.pk2[i], digests[i], &sigs[i], NULL) != MP_OK;
        int rc = mp_bls_batch_verify((const uint8_t(*)[32])digests, s.pk2, sigs, 40, &err);
        CHECK((rc == MP_OK) == (single_bad == 0));
        size_t found = 0;
        CHECK_OK(mp_bls_batch_find_invalid((const uint8_t(*)[32])digests, s.pk2, sigs, 40, bad,
                                           &found, &err),
                 &err);
        CHECK(found == single_bad);
        for (size_t i = 0; i < 40; i++)
            CHECK(bad[i] == (mp_bls_verify(&s.pk2[i], digests[i], &sigs[i], NULL) != MP_OK));
    }
    /* empty batches verify */
    mp_err err;
    CHECK_OK(mp_bls_batch_verify((const uint8_t(*)[32])digests, s.pk2, sigs, 0, &err), &err);
    CHECK_OK(mp_bls_batch_verify_same(digests[0], s.pk2, sigs, 0, &err), &err);
    free(digests);
    free(sigs);
    free(bad);
    free_signers(&s);
}

TEST(one_bad_signature_among_1000)
{
    enum { N = 1000 };
    signer_set s;
    make_signers(mp_t, &s, N);
    uint8_t msg[32];
    mp_test_rand_bytes(mp_t, msg, 32);
    mp_bn254_g1 *sigs = calloc(N, sizeof *sigs);
    uint8_t(*digests)[32] = calloc(N, 32);
    bool *bad = calloc(N, sizeof *bad);
    for (size_t i = 0; i < N; i++) {
        mp_bls_sign(&sigs[i], &s.sk[i], msg);
        memcpy(digests[i], msg, 32);
    }
    mp_err err;
    CHECK_OK(mp_bls_batch_verify_same(msg, s.pk2, sigs, N, &err), &err);
    CHECK_OK(mp_bls_batch_verify((const uint8_t(*)[32])digests, s.pk2, sigs, N, &err), &err);
    /* signer 613 signs another message */
    size_t culprit = 613;
    uint8_t other[32];
    memcpy(other, msg, 32);
    other[31] ^= 0x80;
    mp_bls_sign(&sigs[culprit], &s.sk[culprit], other);
    CHECK_RC(mp_bls_batch_verify_same(msg, s.pk2, sigs, N, &err), MP_ERR_VERIFY);
    CHECK_RC(mp_bls_batch_verify((const uint8_t(*)[32])digests, s.pk2, sigs, N, &err),
             MP_ERR_VERIFY);
    size_t found = 0;
    CHECK_OK(
        mp_bls_batch_find_invalid((const uint8_t(*)[32])digests, s.pk2, sigs, N, bad, &found, &err),
        &err);
    CHECK(found == 1 && bad[culprit]);
    found = 0;
    memset(bad, 0, N * sizeof *bad);
    CHECK_OK(mp_bls_batch_find_invalid_same(msg, s.pk2, sigs, N, bad, &found, &err), &err);
    CHECK(found == 1 && bad[culprit]);
    /* swapping two valid signatures breaks both, and the batch sees it */
    mp_bls_sign(&sigs[culprit], &s.sk[culprit], msg);
    mp_bn254_g1 t = sigs[10];
    sigs[10] = sigs[11];
    sigs[11] = t;
    CHECK_RC(mp_bls_batch_verify_same(msg, s.pk2, sigs, N, &err), MP_ERR_VERIFY);
    CHECK_OK(
        mp_bls_batch_find_invalid((const uint8_t(*)[32])digests, s.pk2, sigs, N, bad, &found, &err),
        &err);
    CHECK(found == 2 && bad[10] && bad[11]);
    CHECK_OK(mp_bls_batch_find_invalid_same(msg, s.pk2, sigs, N, bad, &found, &err), &err);
    CHECK(found == 2 && bad[10] && bad[11]);
    /* a valid batch: nothing found */
    t = sigs[10];
    sigs[10] = sigs[11];
    sigs[11] = t;
    CHECK_OK(mp_bls_batch_find_invalid_same(msg, s.pk2, sigs, N, bad, &found, &err), &err);
    CHECK(found == 0);
    free(sigs);
    free(digests);
    free(bad);
    free_signers(&s);
}

static const mp_test_case tests[] = {
    MP_TEST(eigenlayer_operator_keys),
    MP_TEST(eigensdk_keys_and_gnark_strings),
    MP_TEST(gnark_string_rejections),
    MP_TEST(eigenlayer_test_constants),
    MP_TEST(hash_to_g1_known_answers),
    MP_TEST(checksig_pairing_input_is_a_true_precompile_call),
    MP_TEST(registration_digest_and_pop),
    MP_TEST(secret_key_rules),
    MP_TEST(sign_verify_aggregate),
    MP_TEST(batch_agrees_with_single),
    MP_TEST(one_bad_signature_among_1000),
};
MP_TEST_MAIN("bls", tests)
