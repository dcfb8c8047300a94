/*
** p256.c: raw P-256 keys (x||y) and raw ECDSA signatures (r||s), the encodings
** of SGX quotes and Intel's JSON collateral, mapped onto OpenSSL 3's EVP API.
**
** High-s signatures are accepted on purpose: Intel's own are high-s. Points
** are validated on import (OpenSSL rejects coordinates not on the curve).
*/
#include "sgx/sgx_util.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <string.h>

void mp_sha256(uint8_t out[32], const void *data, size_t len)
{
    unsigned int n = 32;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
        memset(out, 0, 32); /* only on allocation failure; the caller's compare then fails */
}

int mp_p256_key_from_raw(EVP_PKEY **out, const uint8_t xy[64], mp_err *err)
{
    uint8_t point[65];
    point[0] = 0x04;
    memcpy(point + 1, xy, 64);
    char group[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    int ok = ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        EVP_PKEY_free(key);
        return MP_FAIL(err, MP_ERR_INVALID, "public key is not a point on P-256");
    }
    *out = key;
    return MP_OK;
}

int mp_p256_key_to_raw(uint8_t xy[64], const EVP_PKEY *key, mp_err *err)
{
    char group[32] = "";
    size_t glen = 0;
    if (!EVP_PKEY_is_a(key, "EC") ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &glen) != 1 ||
        strcmp(group, "prime256v1") != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "key is not an ECDSA P-256 key");
    /* Coordinates rather than the encoded point: a certificate may carry a compressed one. */
    BIGNUM *x = NULL, *y = NULL;
    int ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
             EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
             BN_bn2binpad(x, xy, 32) == 32 && BN_bn2binpad(y, xy + 32, 32) == 32;
    BN_free(x);
    BN_free(y);
    if (!ok)
        return MP_FAIL(err, MP_ERR_INVALID, "cannot export the P-256 public key");
    return MP_OK;
}

/* Appends a DER INTEGER holding the unsigned big-endian 32-byte value v. */
static size_t put_der_int(uint8_t *out, const uint8_t v[32])
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0)
        skip++;
    size_t n = 32 - skip, pad = (v[skip] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    memcpy(out + 2 + pad, v + skip, n);
    return 2 + pad + n;
}

/* r||s -> ECDSA-Sig-Value DER (at most 72 bytes). */
static size_t sig_raw_to_der(uint8_t der[72], const uint8_t sig[64])
{
    uint8_t body[70];
    size_t n = put_der_int(body, sig);
    n += put_der_int(body + n, sig + 32);
    der[0] = 0x30;
    der[1] = (uint8_t)n;
    memcpy(der + 2, body, n);
    return n + 2;
}

int mp_p256_verify_raw(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t sig[64],
                       mp_err *err)
{
    uint8_t der[72];
    size_t dlen = sig_raw_to_der(der, sig);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(md, der, dlen, msg, len) == 1;
    EVP_MD_CTX_free(md);
    return ok ? MP_OK : MP_FAIL(err, MP_ERR_VERIFY, "ECDSA P-256 signature does not verify");
}

/* Reads one DER INTEGER (<= 32 magnitude bytes) into a 32-byte big-endian field. */
static bool get_der_int(const uint8_t **p, const uint8_t *end, uint8_t out[32])
{
    if (end - *p < 2 || (*p)[0] != 0x02)
        return false;
    size_t n = (*p)[1];
    const uint8_t *v = *p + 2;
    if ((size_t)(end - v) < n || n == 0)
        return false;
    while (n > 0 && *v == 0) {
        v++;
        n--;
    }
    if (n > 32)
        return false;
    memset(out, 0, 32);
    memcpy(out + 32 - n, v, n);
    *p = v + n;
    return true;
}

int mp_p256_sign_raw(uint8_t sig[64], EVP_PKEY *key, const uint8_t *msg, size_t len, mp_err *err)
{
    uint8_t der[80];
    size_t dlen = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(md, der, &dlen, msg, len) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return MP_FAIL(err, MP_ERR_VERIFY, "ECDSA P-256 signing failed");
    const uint8_t *p = der + 2, *end = der + dlen;
    if (dlen < 8 || der[0] != 0x30 || der[1] != dlen - 2 || !get_der_int(&p, end, sig) ||
        !get_der_int(&p, end, sig + 32) || p != end)
        return MP_FAIL(err, MP_ERR_PARSE, "unexpected ECDSA signature encoding from OpenSSL");
    return MP_OK;
}

int mp_p256_generate(EVP_PKEY **out, mp_err *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "P-256 key generation failed");
    *out = key;
    return MP_OK;
}
