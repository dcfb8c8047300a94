/*
** keystore.c: Web3 Secret Storage v3 and the EigenLayer BLS container
** (see include/mpavs/keystore.h).
**
** Layers: crypto_parse() turns the JSON crypto object into a checked struct;
** derive() runs the KDF; decrypt_checked() verifies the MAC in constant time
** and decrypts. The two file formats only add their own outer fields.
*/
#include "mpavs/keystore.h"
#include "mpavs/address.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/rand.h"
#include "mpavs/scrypt.h"
#include "mpavs/secp.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SALT       256
#define MAX_CIPHERTEXT 1024

typedef struct ks_crypto {
    mp_keystore_params params;
    uint8_t salt[MAX_SALT];
    size_t salt_len;
    uint8_t iv[16];
    uint8_t ciphertext[MAX_CIPHERTEXT];
    size_t ct_len;
    uint8_t mac[32];
} ks_crypto;

/* ---- parsing the crypto object ---- */

/* The readers of mpavs/json.h, naming the member by its dotted path
** ("crypto.kdfparams.salt") and the file kind. */
static int ks_read(int rc, mp_err *err)
{
    if (rc != MP_OK)
        mp_err_wrap(err, "keystore");
    return rc;
}

static const char *member_name(char buf[64], const char *path, const char *key)
{
    snprintf(buf, 64, "%s%s", path, key);
    return buf;
}

static int get_field(json_t **out, const json_t *obj, const char *path, const char *key,
                     mp_err *err)
{
    *out = json_object_get(obj, key);
    if (*out == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: %s%s is missing", path, key);
    return MP_OK;
}

static int get_string(const char **out, const json_t *obj, const char *path, const char *key,
                      mp_err *err)
{
    char name[64];
    return ks_read(
        mp_json_as_str(json_object_get(obj, key), member_name(name, path, key), out, err), err);
}

static int get_uint(uint64_t *out, const json_t *obj, const char *path, const char *key,
                    uint64_t min, uint64_t max, mp_err *err)
{
    char name[64];
    return ks_read(
        mp_json_as_u64(json_object_get(obj, key), member_name(name, path, key), min, max, out, err),
        err);
}

/* Hex of 1..max bytes ("0x" allowed) into out. */
static int get_hex(uint8_t *out, size_t max, size_t *n, const json_t *obj, const char *path,
                   const char *key, mp_err *err)
{
    char name[64];
    return ks_read(mp_json_as_hex_max(json_object_get(obj, key), member_name(name, path, key),
                                      MP_JSON_0X_OPT, out, 1, max, n, err),
                   err);
}

static int get_hex_exact(uint8_t *out, size_t len, const json_t *obj, const char *path,
                         const char *key, mp_err *err)
{
    char name[64];
    return ks_read(mp_json_as_hex(json_object_get(obj, key), member_name(name, path, key),
                                  MP_JSON_0X_OPT, out, len, err),
                   err);
}

/* The work cap of keystore.h, which also caps memory: 128*n*r <= 128*n*r*p <= 256 MiB.
 * code is PARSE for a file, INVALID for a caller's parameters. n <= 2^32 and
 * r, p <= 1024 (checked before) keep the product below 2^64. */
static int scrypt_caps(const mp_keystore_params *p, int code, mp_err *err)
{
    uint64_t work = p->n * p->r * p->p;
    if (work > MP_KEYSTORE_MAX_SCRYPT_WORK)
        return MP_FAIL(err, code,
                       "keystore: scrypt work n*r*p = %llu is over the cap 2^21 (geth's standard "
                       "n=2^18, r=8, p=1)",
                       (unsigned long long)work);
    return MP_OK;
}

static int parse_scrypt(ks_crypto *c, const json_t *kp, mp_err *err)
{
    const char *P = "crypto.kdfparams.";
    uint64_t n, r, p;
    MP_TRY(get_uint(&n, kp, P, "n", 2, 1ull << 32, err));
    if (n & (n - 1))
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto.kdfparams.n must be a power of two");
    MP_TRY(get_uint(&r, kp, P, "r", 1, 1024, err));
    MP_TRY(get_uint(&p, kp, P, "p", 1, 1024, err));
    c->params.kdf = MP_KDF_SCRYPT;
    c->params.n = n;
    c->params.r = (uint32_t)r;
    c->params.p = (uint32_t)p;
    return scrypt_caps(&c->params, MP_ERR_PARSE, err);
}

static int parse_pbkdf2(ks_crypto *c, const json_t *kp, mp_err *err)
{
    const char *prf;
    uint64_t iters;
    MP_TRY(get_string(&prf, kp, "crypto.kdfparams.", "prf", err));
    if (strcmp(prf, "hmac-sha256") != 0)
        return MP_FAIL(err, MP_ERR_PARSE,
                       "keystore: crypto.kdfparams.prf \"%.20s\" is not "
                       "hmac-sha256",
                       prf);
    MP_TRY(get_uint(&iters, kp, "crypto.kdfparams.", "c", 1, UINT32_MAX, err));
    if (iters > MP_KEYSTORE_MAX_PBKDF2_ITERS)
        return MP_FAIL(err, MP_ERR_PARSE,
                       "keystore: crypto.kdfparams.c = %llu PBKDF2 iterations is over the cap "
                       "2^18 (what geth and eigenlayer-cli write)",
                       (unsigned long long)iters);
    c->params.kdf = MP_KDF_PBKDF2;
    c->params.c = (uint32_t)iters;
    return MP_OK;
}

static int parse_kdf(ks_crypto *c, const json_t *crypto, mp_err *err)
{
    const char *kdf;
    json_t *kp;
    uint64_t dklen;
    MP_TRY(get_string(&kdf, crypto, "crypto.", "kdf", err));
    MP_TRY(get_field(&kp, crypto, "crypto.", "kdfparams", err));
    if (!json_is_object(kp))
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto.kdfparams must be an object");
    MP_TRY(get_uint(&dklen, kp, "crypto.kdfparams.", "dklen", 32, 32, err));
    MP_TRY(get_hex(c->salt, MAX_SALT, &c->salt_len, kp, "crypto.kdfparams.", "salt", err));
    if (!strcmp(kdf, "scrypt"))
        return parse_scrypt(c, kp, err);
    if (!strcmp(kdf, "pbkdf2"))
        return parse_pbkdf2(c, kp, err);
    return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto.kdf \"%.20s\" is not scrypt or pbkdf2",
                   kdf);
}

static int crypto_parse(ks_crypto *c, const json_t *crypto, mp_err *err)
{
    const char *cipher;
    json_t *cp;
    memset(c, 0, sizeof *c);
    if (!json_is_object(crypto))
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto must be an object");
    MP_TRY(get_string(&cipher, crypto, "crypto.", "cipher", err));
    if (strcmp(cipher, "aes-128-ctr") != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto.cipher \"%.20s\" is not aes-128-ctr",
                       cipher);
    MP_TRY(get_field(&cp, crypto, "crypto.", "cipherparams", err));
    if (!json_is_object(cp))
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto.cipherparams must be an object");
    MP_TRY(get_hex_exact(c->iv, 16, cp, "crypto.cipherparams.", "iv", err));
    MP_TRY(
        get_hex(c->ciphertext, MAX_CIPHERTEXT, &c->ct_len, crypto, "crypto.", "ciphertext", err));
    MP_TRY(get_hex_exact(c->mac, 32, crypto, "crypto.", "mac", err));
    return parse_kdf(c, crypto, err);
}

/* ---- KDF, MAC, cipher ---- */

static int derive(uint8_t dk[32], const char *password, const ks_crypto *c, mp_err *err)
{
    size_t plen = strlen(password);
    const mp_keystore_params *p = &c->params;
    if (p->kdf == MP_KDF_SCRYPT)
        return mp_scrypt(dk, 32, password, plen, c->salt, c->salt_len, p->n, p->r, p->p, err);
    if (!PKCS5_PBKDF2_HMAC(password, (int)plen, c->salt, (int)c->salt_len, (int)p->c, EVP_sha256(),
                           32, dk))
        return MP_FAIL(err, MP_ERR_NOMEM, "keystore: PBKDF2 failed");
    return MP_OK;
}

static void compute_mac(uint8_t mac[32], const uint8_t dk[32], const uint8_t *ct, size_t n)
{
    mp_keccak k;
    mp_keccak_init(&k);
    mp_keccak_update(&k, dk + 16, 16);
    mp_keccak_update(&k, ct, n);
    mp_keccak_final(&k, mac);
    mp_memzero(&k, sizeof k);
}

/* AES-128-CTR is its own inverse. */
static int aes_ctr(uint8_t *out, const uint8_t *in, size_t n, const uint8_t key[16],
                   const uint8_t iv[16], mp_err *err)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    int ok = ctx != NULL && EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
             EVP_EncryptUpdate(ctx, out, &len, in, (int)n) == 1 &&
             EVP_EncryptFinal_ex(ctx, out + len, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return MP_FAIL(err, MP_ERR_NOMEM, "keystore: AES-128-CTR failed");
    return MP_OK;
}

static int decrypt_checked(mp_buf *secret, const ks_crypto *c, const char *password, mp_err *err)
{
    uint8_t dk[32], mac[32];
    MP_TRY(derive(dk, password, c, err));
    compute_mac(mac, dk, c->ciphertext, c->ct_len);
    int rc = MP_OK;
    if (!mp_ct_memeq(mac, c->mac, 32))
        rc = MP_FAIL(err, MP_ERR_PASSWORD, "wrong password (the keystore MAC does not match)");
    else if (mp_buf_reserve(secret, c->ct_len) != MP_OK)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    else if ((rc = aes_ctr(secret->data + secret->len, c->ciphertext, c->ct_len, dk, c->iv, err)) ==
             MP_OK)
        secret->len += c->ct_len;
    mp_memzero(dk, sizeof dk);
    return rc;
}

int mp_keystore_decrypt(mp_buf *secret, const json_t *crypto, const char *password, mp_err *err)
{
    ks_crypto *c = malloc(sizeof *c);
    if (c == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = crypto_parse(c, crypto, err);
    if (rc == MP_OK)
        rc = decrypt_checked(secret, c, password, err);
    free(c);
    return rc;
}

/* ---- encryption ---- */

static int check_params(const mp_keystore_params *p, mp_err *err)
{
    bool ok = p->kdf == MP_KDF_PBKDF2 ? p->c >= 1 && p->c <= MP_KEYSTORE_MAX_PBKDF2_ITERS
                                      : p->kdf == MP_KDF_SCRYPT && p->n >= 2 &&
                                            p->n <= (1ull << 32) && !(p->n & (p->n - 1)) &&
                                            p->r >= 1 && p->r <= 1024 && p->p >= 1 && p->p <= 1024;
    if (!ok)
        return MP_FAIL(err, MP_ERR_INVALID, "keystore: KDF parameters out of range");
    return p->kdf == MP_KDF_SCRYPT ? scrypt_caps(p, MP_ERR_INVALID, err) : MP_OK;
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    return mp_json_hex_new(p, n, MP_JSON_BARE);
}

static json_t *kdfparams_json(const ks_crypto *c)
{
    const mp_keystore_params *p = &c->params;
    if (p->kdf == MP_KDF_PBKDF2)
        return json_pack("{s:i, s:i, s:s, s:o}", "c", (json_int_t)p->c, "dklen", 32, "prf",
                         "hmac-sha256", "salt", hex_json(c->salt, c->salt_len));
    return json_pack("{s:i, s:I, s:i, s:i, s:o}", "dklen", 32, "n", (json_int_t)p->n, "p",
                     (int)p->p, "r", (int)p->r, "salt", hex_json(c->salt, c->salt_len));
}

static json_t *crypto_json(const ks_crypto *c)
{
    return json_pack("{s:s, s:o, s:{s:o}, s:s, s:o, s:o}", "cipher", "aes-128-ctr", "ciphertext",
                     hex_json(c->ciphertext, c->ct_len), "cipherparams", "iv", hex_json(c->iv, 16),
                     "kdf", c->params.kdf == MP_KDF_SCRYPT ? "scrypt" : "pbkdf2", "kdfparams",
                     kdfparams_json(c), "mac", hex_json(c->mac, 32));
}

static int encrypt_into(ks_crypto *c, const uint8_t *secret, size_t len, const char *password,
                        mp_err *err)
{
    uint8_t dk[32];
    c->salt_len = 32;
    MP_TRY(mp_rand_bytes(c->salt, 32, err));
    MP_TRY(mp_rand_bytes(c->iv, 16, err));
    MP_TRY(derive(dk, password, c, err));
    int rc = aes_ctr(c->ciphertext, secret, len, dk, c->iv, err);
    c->ct_len = len;
    if (rc == MP_OK)
        compute_mac(c->mac, dk, c->ciphertext, len);
    mp_memzero(dk, sizeof dk);
    return rc;
}

int mp_keystore_encrypt(json_t **crypto, const uint8_t *secret, size_t len, const char *password,
                        const mp_keystore_params *params, mp_err *err)
{
    MP_ARG_CHECK(err, len > 0 && len <= MAX_CIPHERTEXT && password != NULL);
    MP_TRY(check_params(params, err));
    ks_crypto *c = calloc(1, sizeof *c);
    if (c == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    c->params = *params;
    int rc = encrypt_into(c, secret, len, password, err);
    if (rc == MP_OK && (*crypto = crypto_json(c)) == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory building the keystore JSON");
    free(c); /* holds only ciphertext, salt and IV: nothing secret */
    return rc;
}

/* ---- files ---- */

static int parse_doc(json_t **root, const char *text, size_t len, mp_err *err)
{
    MP_TRY(ks_read(mp_json_parse(root, text, len, err), err));
    if (!json_is_object(*root)) {
        json_decref(*root);
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: the file must hold a JSON object");
    }
    return MP_OK;
}

static int dump_doc(char **text, json_t *root, mp_err *err)
{
    *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (*text == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory writing the keystore");
    return MP_OK;
}

/* A UUID version 4, as geth puts in "id". */
static int uuid4(char out[37], mp_err *err)
{
    uint8_t u[16];
    MP_TRY(mp_rand_bytes(u, 16, err));
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    char h[33];
    mp_hex_encode(h, u, 16);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
    return MP_OK;
}

/* Decrypts root's "crypto" (geth also reads "Crypto") into a secret of at most
 ** 32 bytes, left-padded to 32 as geth does for old short keys. */
static int decrypt_secret32(uint8_t sk[32], const json_t *root, const char *password, mp_err *err)
{
    const json_t *crypto = json_object_get(root, "crypto");
    if (crypto == NULL)
        crypto = json_object_get(root, "Crypto");
    if (crypto == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: crypto is missing");
    mp_buf secret = MP_BUF_INIT;
    int rc = mp_keystore_decrypt(&secret, crypto, password, err);
    if (rc == MP_OK && secret.len > 32)
        rc = MP_FAIL(err, MP_ERR_PARSE, "keystore: the secret is %zu bytes, expected 32",
                     secret.len);
    if (rc == MP_OK) {
        memset(sk, 0, 32 - secret.len);
        memcpy(sk + 32 - secret.len, secret.data, secret.len);
    }
    mp_buf_clear(&secret);
    return rc;
}

int mp_keystore_eth_dump(char **text, const uint8_t sk[32], const char *password,
                         const mp_keystore_params *params, mp_err *err)
{
    uint8_t addr[20];
    char addr_hex[41], id[37];
    json_t *crypto;
    MP_TRY(mp_secp_address(NULL, addr, sk, err));
    MP_TRY(uuid4(id, err));
    MP_TRY(mp_keystore_encrypt(&crypto, sk, 32, password, params, err));
    mp_hex_encode(addr_hex, addr, 20);
    json_t *root = json_pack("{s:s, s:o, s:s, s:i}", "address", addr_hex, "crypto", crypto, "id",
                             id, "version", 3);
    return dump_doc(text, root, err);
}

static int check_address_field(const json_t *root, const uint8_t sk[32], mp_err *err)
{
    json_t *a = json_object_get(root, "address");
    if (a == NULL)
        return MP_OK;
    uint8_t want[20], got[20];
    MP_TRY(ks_read(mp_json_as_hex(a, "address", MP_JSON_0X_OPT, want, 20, err), err));
    MP_TRY(mp_secp_address(NULL, got, sk, err));
    if (memcmp(want, got, 20) != 0) {
        char w[MP_ADDRESS_TEXT_LEN], g[MP_ADDRESS_TEXT_LEN];
        mp_address_to_checksum(w, want);
        mp_address_to_checksum(g, got);
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "keystore: the address field %s is not the key's "
                       "address %s",
                       w, g);
    }
    return MP_OK;
}

static int eth_from_root(uint8_t sk[32], const json_t *root, const char *password, mp_err *err)
{
    uint64_t version;
    MP_TRY(ks_read(mp_json_get_u64(root, "version", 3, 3, &version, err), err));
    MP_TRY(decrypt_secret32(sk, root, password, err));
    int rc = mp_secp_key_check(sk, err);
    if (rc == MP_OK)
        rc = check_address_field(root, sk, err);
    if (rc != MP_OK)
        mp_memzero(sk, 32);
    return rc;
}

int mp_keystore_eth_load(uint8_t sk[32], const char *text, size_t len, const char *password,
                         mp_err *err)
{
    json_t *root;
    MP_TRY(parse_doc(&root, text, len, err));
    int rc = eth_from_root(sk, root, password, err);
    json_decref(root);
    return rc;
}

static int write_text(const char *path, char *text, mp_err *err)
{
    int rc = mp_file_write_atomic(path, text, strlen(text), 0600, err);
    free(text);
    return rc;
}

int mp_keystore_eth_write(const char *path, const uint8_t sk[32], const char *password,
                          const mp_keystore_params *params, mp_err *err)
{
    char *text;
    MP_TRY(mp_keystore_eth_dump(&text, sk, password, params, err));
    return write_text(path, text, err);
}

/* What a key file's bytes are decrypted into, for mp_file_parse. */
typedef struct key_read {
    uint8_t *sk;
    char **pubkey; /* BLS files: the pubKey field (may be NULL) */
    const char *password;
} key_read;

static int parse_eth_file(void *ctx, const uint8_t *data, size_t len, mp_err *err)
{
    key_read *k = ctx;
    return mp_keystore_eth_load(k->sk, (const char *)data, len, k->password, err);
}

static int parse_bls_file(void *ctx, const uint8_t *data, size_t len, mp_err *err)
{
    key_read *k = ctx;
    return mp_keystore_bls_load(k->sk, k->pubkey, (const char *)data, len, k->password, err);
}

/* A key file's JSON object, for the fields readable without the password. */
static int parse_doc_file(void *root, const uint8_t *data, size_t len, mp_err *err)
{
    return parse_doc(root, (const char *)data, len, err);
}

int mp_keystore_eth_read(uint8_t sk[32], const char *path, const char *password, mp_err *err)
{
    key_read k = {sk, NULL, password};
    return mp_file_parse(path, MP_KEYSTORE_MAX_FILE, parse_eth_file, &k, err);
}

int mp_keystore_eth_address(uint8_t addr[20], const char *path, mp_err *err)
{
    json_t *root;
    MP_TRY(mp_file_parse(path, MP_KEYSTORE_MAX_FILE, parse_doc_file, &root, err));
    int rc = MP_OK;
    json_t *a = json_object_get(root, "address");
    if (a == NULL)
        rc = MP_FAIL(err, MP_ERR_NOTFOUND, "%s has no address field", path);
    else if ((rc = mp_json_as_hex(a, "address", MP_JSON_0X_OPT, addr, 20, err)) != MP_OK)
        mp_err_wrap(err, "%s", path);
    json_decref(root);
    return rc;
}

/* ---- BLS container ---- */

static int check_pubkey_text(const char *s, mp_err *err)
{
    size_t n = strlen(s);
    if (n < 7 || strncmp(s, "E([", 3) != 0 || strcmp(s + n - 2, "])") != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "keystore: pubKey must look like \"E([x,y])\"");
    return MP_OK;
}

int mp_keystore_bls_dump(char **text, const uint8_t sk[32], const char *pubkey,
                         const char *password, const mp_keystore_params *params, mp_err *err)
{
    MP_ARG_CHECK(err, pubkey != NULL);
    MP_TRY(check_pubkey_text(pubkey, err));
    json_t *crypto;
    MP_TRY(mp_keystore_encrypt(&crypto, sk, 32, password, params, err));
    return dump_doc(text, json_pack("{s:s, s:o}", "pubKey", pubkey, "crypto", crypto), err);
}

int mp_keystore_bls_load(uint8_t sk[32], char **pubkey, const char *text, size_t len,
                         const char *password, mp_err *err)
{
    json_t *root;
    MP_TRY(parse_doc(&root, text, len, err));
    const char *pk;
    int rc = ks_read(mp_json_get_str(root, "pubKey", &pk, err), err);
    if (rc == MP_OK)
        rc = check_pubkey_text(pk, err);
    if (rc == MP_OK)
        rc = decrypt_secret32(sk, root, password, err);
    if (rc == MP_OK && pubkey && (*pubkey = strdup(pk)) == NULL) {
        mp_memzero(sk, 32);
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    json_decref(root);
    return rc;
}

int mp_keystore_bls_write(const char *path, const uint8_t sk[32], const char *pubkey,
                          const char *password, const mp_keystore_params *params, mp_err *err)
{
    char *text;
    MP_TRY(mp_keystore_bls_dump(&text, sk, pubkey, password, params, err));
    return write_text(path, text, err);
}

int mp_keystore_bls_read(uint8_t sk[32], char **pubkey, const char *path, const char *password,
                         mp_err *err)
{
    key_read k = {sk, pubkey, password};
    return mp_file_parse(path, MP_KEYSTORE_MAX_FILE, parse_bls_file, &k, err);
}

int mp_keystore_bls_pubkey(char **pubkey, const char *path, mp_err *err)
{
    json_t *root;
    MP_TRY(mp_file_parse(path, MP_KEYSTORE_MAX_FILE, parse_doc_file, &root, err));
    const char *text = NULL;
    int rc = get_string(&text, root, "", "pubKey", err);
    if (rc == MP_OK)
        rc = check_pubkey_text(text, err);
    if (rc == MP_OK && (*pubkey = strdup(text)) == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", path);
    json_decref(root);
    return rc;
}
