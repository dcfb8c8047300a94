/*
** test_keystore.c: Web3 Secret Storage v3 and the EigenLayer BLS keystore.
**
** Vectors: the Web3 Secret Storage definition's scrypt and PBKDF2 examples and
** geth's short-key cases (tests/vectors/eth/geth_v3_test_vector.json), and one
** ECDSA and one BLS key file from eigensdk-go's test data
** (tests/vectors/eth/eigensdk_keystores.json). Then round trips, file modes,
** wrong passwords and a corruption of every field.
*/
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/scrypt.h"
#include "mpavs/secp.h"
#include "mpavs/u256.h"
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static json_t *load(const char *rel)
{
    json_error_t je;
    json_t *j = json_load_file(mp_test_path(rel), 0, &je);
    if (j == NULL)
        printf("# cannot load %s: %s\n", rel, je.text);
    return j;
}

static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT);
}

TEST(geth_vectors)
{
    json_t *doc = load("tests/vectors/eth/geth_v3_test_vector.json");
    CHECK(json_object_size(doc) == 4);
    const char *name;
    json_t *c;
    json_object_foreach(doc, name, c)
    {
        char *text = dump(json_object_get(c, "json"));
        const char *pw = json_string_value(json_object_get(c, "password"));
        uint8_t sk[32], want[32];
        mp_err e;
        CHECK_OK(
            mp_hex_decode_quantity(want, 32, json_string_value(json_object_get(c, "priv")), &e),
            &e);
        CHECK_OK(mp_keystore_eth_load(sk, text, strlen(text), pw, &e), &e);
        CHECK_MEM(sk, want, 32);
        CHECK_RC(mp_keystore_eth_load(sk, text, strlen(text), "wrong", &e), MP_ERR_PASSWORD);
        CHECK(strstr(e.msg, "wrong password") != NULL);
        free(text);
    }
    json_decref(doc);
}

TEST(eigensdk_files)
{
    json_t *doc = load("tests/vectors/eth/eigensdk_keystores.json");
    json_t *bls = json_object_get(doc, "bls"), *ecdsa = json_object_get(doc, "ecdsa");
    uint8_t sk[32], want[32];
    char *pub = NULL;
    mp_err e;
    char *text = dump(json_object_get(bls, "keystore"));
    CHECK_OK(mp_keystore_bls_load(sk, &pub, text, strlen(text),
                                  json_string_value(json_object_get(bls, "password")), &e),
             &e);
    CHECK_OK(mp_u256_from_dec(want, json_string_value(json_object_get(bls, "sk_decimal")), &e), &e);
    CHECK_MEM(sk, want, 32);
    CHECK(pub != NULL &&
          !strncmp(pub, "E([20770760626397288647989719952430268435412940027317", 50));
    free(pub);
    free(text);
    text = dump(json_object_get(ecdsa, "keystore"));
    CHECK_OK(mp_keystore_eth_load(sk, text, strlen(text),
                                  json_string_value(json_object_get(ecdsa, "password")), &e),
             &e);
    CHECK_OK(mp_hex_decode_exact(want, 32, json_string_value(json_object_get(ecdsa, "sk_hex")), &e),
             &e);
    CHECK_MEM(sk, want, 32);
    free(text);
    json_decref(doc);
}

static char *tmp_path(const char *name)
{
    static char buf[256];
    const char *dir = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/mpavs-ks-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
    return buf;
}

TEST(eth_round_trip)
{
    mp_keystore_params params[] = {MP_KEYSTORE_LIGHT,
                                   {.kdf = MP_KDF_PBKDF2, .c = 1000},
                                   {.kdf = MP_KDF_SCRYPT, .n = 1024, .r = 8, .p = 1}};
    for (size_t i = 0; i < 3; i++) {
        uint8_t sk[32], back[32], addr[20], faddr[20];
        mp_err e;
        char *path = tmp_path("eth.json");
        CHECK_OK(mp_secp_key_generate(sk, &e), &e);
        CHECK_OK(mp_keystore_eth_write(path, sk, "pässword", &params[i], &e), &e);
        struct stat st;
        CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
        CHECK_OK(mp_keystore_eth_read(back, path, "pässword", &e), &e);
        CHECK_MEM(sk, back, 32);
        CHECK_OK(mp_secp_address(NULL, addr, sk, &e), &e);
        CHECK_OK(mp_keystore_eth_address(faddr, path, &e), &e);
        CHECK_MEM(addr, faddr, 20);
        CHECK_RC(mp_keystore_eth_read(back, path, "password", &e), MP_ERR_PASSWORD);
        CHECK(strstr(e.msg, path) != NULL); /* names the file, not the password */
        CHECK(strstr(e.msg, "pässword") == NULL);
        unlink(path);
    }
}

TEST(bls_round_trip)
{
    uint8_t sk[32], back[32];
    char *pub = NULL;
    mp_err e;
    mp_keystore_params lp = MP_KEYSTORE_LIGHT;
    const char *pk = "E([1,2])";
    char *path = tmp_path("bls.json");
    memset(sk, 0x21, 32);
    CHECK_OK(mp_keystore_bls_write(path, sk, pk, "pw", &lp, &e), &e);
    CHECK_OK(mp_keystore_bls_read(back, &pub, path, "pw", &e), &e);
    CHECK_MEM(sk, back, 32);
    CHECK(pub && !strcmp(pub, pk));
    free(pub);
    CHECK_RC(mp_keystore_bls_read(back, NULL, path, "nope", &e), MP_ERR_PASSWORD);
    CHECK_RC(mp_keystore_bls_write(path, sk, "([1,2])", "pw", &lp, &e), MP_ERR_PARSE);
    unlink(path);
    /* The generic crypto object API, as the BLS module uses it. */
    json_t *crypto;
    mp_buf out = MP_BUF_INIT;
    CHECK_OK(mp_keystore_encrypt(&crypto, (const uint8_t *)"secret", 6, "pw", &lp, &e), &e);
    CHECK_OK(mp_keystore_decrypt(&out, crypto, "pw", &e), &e);
    CHECK(out.len == 6 && !memcmp(out.data, "secret", 6));
    mp_buf_clear(&out);
    json_decref(crypto);
}

/* Applies one edit to a valid light keystore and expects code + message. */
typedef struct corruption {
    const char *path;  /* "crypto.kdfparams.n" */
    const char *value; /* JSON text, or NULL to delete the member */
    int code;
    const char *msg;
} corruption;

static json_t *walk(json_t *root, const char *path, char *last, size_t cap)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    char *dot, *seg = buf;
    json_t *obj = root;
    while ((dot = strchr(seg, '.')) != NULL) {
        *dot = 0;
        obj = json_object_get(obj, seg);
        seg = dot + 1;
    }
    snprintf(last, cap, "%.63s", seg);
    return obj;
}

TEST(corruptions)
{
    uint8_t sk[32];
    char *text;
    mp_err e;
    mp_keystore_params lp = {.kdf = MP_KDF_SCRYPT, .n = 16, .r = 8, .p = 1};
    memset(sk, 0x11, 32);
    CHECK_OK(mp_keystore_eth_dump(&text, sk, "pw", &lp, &e), &e);
    static const corruption cases[] = {
        {"version", "2", MP_ERR_PARSE, "version"},
        {"version", NULL, MP_ERR_PARSE, "version"},
        {"crypto", NULL, MP_ERR_PARSE, "crypto is missing"},
        {"crypto", "[]", MP_ERR_PARSE, "crypto must be an object"},
        {"crypto.cipher", "\"aes-128-cbc\"", MP_ERR_PARSE, "crypto.cipher"},
        {"crypto.cipher", NULL, MP_ERR_PARSE, "crypto.cipher is missing"},
        {"crypto.cipherparams.iv", "\"00\"", MP_ERR_PARSE, "crypto.cipherparams.iv"},
        {"crypto.cipherparams.iv", "\"zz\"", MP_ERR_PARSE, "not hex"},
        {"crypto.ciphertext", "\"\"", MP_ERR_PARSE, "crypto.ciphertext"},
        {"crypto.ciphertext", "12", MP_ERR_PARSE, "must be a string"},
        {"crypto.mac", "\"0011\"", MP_ERR_PARSE, "crypto.mac"},
        {"crypto.kdf", "\"argon2\"", MP_ERR_PARSE, "crypto.kdf"},
        {"crypto.kdfparams.dklen", "16", MP_ERR_PARSE, "dklen"},
        {"crypto.kdfparams.n", "1000", MP_ERR_PARSE, "power of two"},
        {"crypto.kdfparams.n", "-16", MP_ERR_PARSE, "crypto.kdfparams.n"},
        {"crypto.kdfparams.n", "4294967296", MP_ERR_PARSE, "over the cap 2^21"},
        {"crypto.kdfparams.n", "8589934592", MP_ERR_PARSE, "crypto.kdfparams.n"},
        /* n=2^20, r=8: 8 MiB of work units, 4x geth's standard. */
        {"crypto.kdfparams.n", "1048576", MP_ERR_PARSE, "n*r*p = 8388608 is over the cap"},
        {"crypto.kdfparams.p", "16385", MP_ERR_PARSE, "crypto.kdfparams.p"},
        {"crypto.kdfparams.r", "\"8\"", MP_ERR_PARSE, "crypto.kdfparams.r"},
        {"crypto.kdfparams.salt", NULL, MP_ERR_PARSE, "salt is missing"},
        {"address", "\"0x0000000000000000000000000000000000000001\"", MP_ERR_VERIFY,
         "is not the key's address"},
        {"address", "\"xyz\"", MP_ERR_PARSE, "address"},
        {"crypto.ciphertext",
         "\"1111111111111111111111111111111111111111111111111111111111111111\"", MP_ERR_PASSWORD,
         "MAC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *root = json_loads(text, 0, NULL);
        char last[64];
        json_t *obj = walk(root, cases[i].path, last, sizeof last);
        if (cases[i].value)
            json_object_set_new(obj, last, json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
        else
            json_object_del(obj, last);
        char *bad = dump(root);
        uint8_t out[32];
        int rc = mp_keystore_eth_load(out, bad, strlen(bad), "pw", &e);
        if (mp_rc_class(rc) != cases[i].code || !strstr(e.msg, cases[i].msg))
            printf("# %s=%s: %s \"%s\"\n", cases[i].path,
                   cases[i].value ? cases[i].value : "(none)", mp_rc_name(rc), e.msg);
        CHECK_RC(rc, cases[i].code);
        CHECK(strstr(e.msg, cases[i].msg) != NULL);
        free(bad);
        json_decref(root);
    }
    /* Not JSON, not an object, a BLS file without pubKey. */
    uint8_t out[32];
    CHECK_RC(mp_keystore_eth_load(out, "{", 1, "pw", &e), MP_ERR_PARSE);
    CHECK_RC(mp_keystore_eth_load(out, "[1]", 3, "pw", &e), MP_ERR_PARSE);
    CHECK_RC(mp_keystore_bls_load(out, NULL, text, strlen(text), "pw", &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "pubKey") != NULL);
    CHECK_RC(mp_keystore_eth_read(out, tmp_path("missing.json"), "pw", &e), MP_ERR_IO);
    free(text);
}

/* A key file with the given kdfparams (JSON object text) spliced in. */
static char *with_kdf(const mp_keystore_params *base, const char *kdfparams)
{
    uint8_t sk[32];
    char *text;
    memset(sk, 0x11, 32);
    if (mp_keystore_eth_dump(&text, sk, "pw", base, NULL) != MP_OK)
        return NULL;
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    json_t *kp = json_object_get(json_object_get(root, "crypto"), "kdfparams");
    json_t *patch = json_loads(kdfparams, 0, NULL);
    json_object_update(kp, patch);
    json_decref(patch);
    char *out = dump(root);
    json_decref(root);
    return out;
}

TEST(kdf_work_caps)
{
    /* Over geth's standard work (n=2^18, r=8, p=1): refused before any KDF runs. */
    static const struct {
        int kdf;
        const char *params;
        const char *msg;
    } over[] = {
        {MP_KDF_SCRYPT, "{\"n\":1048576,\"r\":8,\"p\":64}", "n*r*p = 536870912 is over the cap"},
        {MP_KDF_SCRYPT, "{\"n\":262144,\"r\":8,\"p\":2}", "n*r*p = 4194304 is over the cap"},
        {MP_KDF_SCRYPT, "{\"n\":2097152,\"r\":1,\"p\":2}", "over the cap 2^21"},
        {MP_KDF_PBKDF2, "{\"c\":262145}", "262145 PBKDF2 iterations is over the cap"},
        {MP_KDF_PBKDF2, "{\"c\":10000000}", "over the cap"},
    };
    mp_err e;
    uint8_t out[32];
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
        mp_keystore_params base = {.kdf = over[i].kdf, .n = 16, .r = 8, .p = 1, .c = 1};
        char *text = with_kdf(&base, over[i].params);
        CHECK(text != NULL);
        CHECK_RC(mp_keystore_eth_load(out, text, strlen(text), "pw", &e), MP_ERR_PARSE);
        if (!strstr(e.msg, over[i].msg))
            printf("# %s: %s\n", over[i].params, e.msg);
        CHECK(strstr(e.msg, over[i].msg) != NULL);
        free(text);
    }
    /* Writing above the caps is refused too. */
    char *text;
    uint8_t sk[32];
    memset(sk, 0x11, 32);
    mp_keystore_params big[] = {{.kdf = MP_KDF_SCRYPT, .n = 1u << 18, .r = 8, .p = 2},
                                {.kdf = MP_KDF_PBKDF2, .c = (1u << 18) + 1}};
    for (size_t i = 0; i < 2; i++)
        CHECK_RC(mp_keystore_eth_dump(&text, sk, "pw", &big[i], &e), MP_ERR_INVALID);
    /* At the cap: the Web3 spec's scrypt n=2^18, r=1, p=8 and PBKDF2 c=2^18 are
     * loaded (the geth vectors decrypt them); here a wrong password shows the
     * parameters passed the caps and the KDF ran. */
    mp_keystore_params pb = {.kdf = MP_KDF_PBKDF2, .c = 1};
    text = with_kdf(&pb, "{\"c\":262144}");
    CHECK(text != NULL);
    CHECK_RC(mp_keystore_eth_load(out, text, strlen(text), "pw", &e), MP_ERR_PASSWORD);
    free(text);
}

TEST(param_checks)
{
    uint8_t sk[32];
    char *text;
    mp_err e;
    memset(sk, 0x11, 32);
    mp_keystore_params bad[] = {{.kdf = MP_KDF_SCRYPT, .n = 1000, .r = 8, .p = 1},
                                {.kdf = MP_KDF_PBKDF2, .c = 0},
                                {.kdf = 7}};
    for (size_t i = 0; i < 3; i++)
        CHECK_RC(mp_keystore_eth_dump(&text, sk, "pw", &bad[i], &e), MP_ERR_INVALID);
    memset(sk, 0, 32); /* not a valid secp256k1 key */
    mp_keystore_params lp = MP_KEYSTORE_LIGHT;
    CHECK_RC(mp_keystore_eth_dump(&text, sk, "pw", &lp, &e), MP_ERR_INVALID);
}

TEST(scrypt_rfc7914)
{
    /* RFC 7914 section 12, first three vectors; both code paths. */
    static const struct {
        const char *pass, *salt;
        uint64_t n;
        uint32_t r, p;
        const char *dk;
    } v[] = {
        {"", "", 16, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0"
         "fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
        {"password", "NaCl", 1024, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff10927"
         "9d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
        {"pleaseletmein", "SodiumChloride", 16384, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705"
         "242a9af9e61e85dc0d651e40dfcf017b45575887"},
    };
    for (size_t i = 0; i < 3; i++) {
        uint8_t want[64], a[64], b[64];
        mp_err e;
        mp_test_unhex(want, 64, v[i].dk);
        CHECK_OK(mp_scrypt(a, 64, v[i].pass, strlen(v[i].pass), (const uint8_t *)v[i].salt,
                           strlen(v[i].salt), v[i].n, v[i].r, v[i].p, &e),
                 &e);
        CHECK_MEM(a, want, 64);
        CHECK_OK(mp_scrypt_portable(b, 64, v[i].pass, strlen(v[i].pass), (const uint8_t *)v[i].salt,
                                    strlen(v[i].salt), v[i].n, v[i].r, v[i].p, &e),
                 &e);
        CHECK_MEM(b, want, 64);
    }
    uint8_t dk[32];
    mp_err e;
    CHECK_RC(mp_scrypt(dk, 32, "x", 1, NULL, 0, 1000, 8, 1, &e), MP_ERR_INVALID);
    CHECK_RC(mp_scrypt(dk, 32, "x", 1, NULL, 0, 16, 0, 1, &e), MP_ERR_INVALID);
}

static const mp_test_case tests[] = {
    MP_TEST(scrypt_rfc7914), MP_TEST(geth_vectors),   MP_TEST(eigensdk_files),
    MP_TEST(eth_round_trip), MP_TEST(bls_round_trip), MP_TEST(corruptions),
    MP_TEST(param_checks),   MP_TEST(kdf_work_caps),
};

MP_TEST_MAIN("keystore", tests)
