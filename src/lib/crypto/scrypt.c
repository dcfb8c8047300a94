/*
** scrypt.c: RFC 7914 scrypt (see include/mpavs/scrypt.h).
**
** The fallback follows the RFC's structure literally: PBKDF2 -> ROMix per
** block -> PBKDF2, with BlockMix over Salsa20/8. It is only used for
** parameters OpenSSL refuses, so clarity wins over speed.
*/
#include "mpavs/scrypt.h"
#include "mpavs/mem.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

static void salsa20_8(uint32_t b[16])
{
    uint32_t x[16];
    memcpy(x, b, sizeof x);
    for (int i = 0; i < 8; i += 2) {
        x[4] ^= ROTL(x[0] + x[12], 7), x[8] ^= ROTL(x[4] + x[0], 9);
        x[12] ^= ROTL(x[8] + x[4], 13), x[0] ^= ROTL(x[12] + x[8], 18);
        x[9] ^= ROTL(x[5] + x[1], 7), x[13] ^= ROTL(x[9] + x[5], 9);
        x[1] ^= ROTL(x[13] + x[9], 13), x[5] ^= ROTL(x[1] + x[13], 18);
        x[14] ^= ROTL(x[10] + x[6], 7), x[2] ^= ROTL(x[14] + x[10], 9);
        x[6] ^= ROTL(x[2] + x[14], 13), x[10] ^= ROTL(x[6] + x[2], 18);
        x[3] ^= ROTL(x[15] + x[11], 7), x[7] ^= ROTL(x[3] + x[15], 9);
        x[11] ^= ROTL(x[7] + x[3], 13), x[15] ^= ROTL(x[11] + x[7], 18);
        x[1] ^= ROTL(x[0] + x[3], 7), x[2] ^= ROTL(x[1] + x[0], 9);
        x[3] ^= ROTL(x[2] + x[1], 13), x[0] ^= ROTL(x[3] + x[2], 18);
        x[6] ^= ROTL(x[5] + x[4], 7), x[7] ^= ROTL(x[6] + x[5], 9);
        x[4] ^= ROTL(x[7] + x[6], 13), x[5] ^= ROTL(x[4] + x[7], 18);
        x[11] ^= ROTL(x[10] + x[9], 7), x[8] ^= ROTL(x[11] + x[10], 9);
        x[9] ^= ROTL(x[8] + x[11], 13), x[10] ^= ROTL(x[9] + x[8], 18);
        x[12] ^= ROTL(x[15] + x[14], 7), x[13] ^= ROTL(x[12] + x[15], 9);
        x[14] ^= ROTL(x[13] + x[12], 13), x[15] ^= ROTL(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; i++)
        b[i] += x[i];
}

/* BlockMix: in and out are 2r 64-byte blocks (as 32-bit words); y is scratch. */
static void block_mix(uint32_t *out, const uint32_t *in, uint32_t r)
{
    uint32_t x[16];
    memcpy(x, in + (2 * r - 1) * 16, 64);
    for (uint32_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 16; k++)
            x[k] ^= in[i * 16 + k];
        salsa20_8(x);
        /* Even blocks go to the first half, odd ones to the second. */
        memcpy(out + ((i % 2) * r + i / 2) * 16, x, 64);
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

/* ROMix on one 128r-byte block; v holds n * 32r words, x and t 32r words each. */
static void romix(uint8_t *b, uint64_t n, uint32_t r, uint32_t *v, uint32_t *x, uint32_t *t)
{
    size_t words = 32 * (size_t)r;
    for (size_t k = 0; k < words; k++)
        x[k] = le32(b + 4 * k);
    for (uint64_t i = 0; i < n; i++) {
        memcpy(v + i * words, x, words * 4);
        block_mix(t, x, r);
        memcpy(x, t, words * 4);
    }
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t *last = x + (2 * r - 1) * 16;
        uint64_t j = ((uint64_t)last[1] << 32 | last[0]) & (n - 1);
        for (size_t k = 0; k < words; k++)
            t[k] = x[k] ^ v[j * words + k];
        block_mix(x, t, r);
    }
    for (size_t k = 0; k < words; k++)
        put_le32(b + 4 * k, x[k]);
}

static int scrypt_fallback(uint8_t *dk, size_t dklen, const void *pass, size_t plen,
                           const uint8_t *salt, size_t slen, uint64_t n, uint32_t r, uint32_t p,
                           mp_err *err)
{
    size_t blen = (size_t)128 * r * p, words = 32 * (size_t)r;
    uint8_t *b = malloc(blen);
    uint32_t *v = malloc((size_t)n * words * 4), *x = malloc(words * 4), *t = malloc(words * 4);
    int rc = MP_OK;
    if (b == NULL || v == NULL || x == NULL || t == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "scrypt: cannot allocate %llu bytes",
                     (unsigned long long)(n * words * 4));
    else if (!PKCS5_PBKDF2_HMAC(pass, (int)plen, salt, (int)slen, 1, EVP_sha256(), (int)blen, b))
        rc = MP_FAIL(err, MP_ERR_NOMEM, "scrypt: PBKDF2 failed");
    for (uint32_t i = 0; rc == MP_OK && i < p; i++)
        romix(b + (size_t)128 * r * i, n, r, v, x, t);
    if (rc == MP_OK &&
        !PKCS5_PBKDF2_HMAC(pass, (int)plen, b, (int)blen, 1, EVP_sha256(), (int)dklen, dk))
        rc = MP_FAIL(err, MP_ERR_NOMEM, "scrypt: PBKDF2 failed");
    if (b)
        mp_memzero(b, blen);
    if (v)
        mp_memzero(v, (size_t)n * words * 4);
    if (x)
        mp_memzero(x, words * 4);
    if (t)
        mp_memzero(t, words * 4);
    free(b);
    free(v);
    free(x);
    free(t);
    return rc;
}

/* OpenSSL's own limit (RFC 7914): n < 2^(16 r). */
static bool openssl_accepts(uint64_t n, uint32_t r)
{
    return 16 * (uint64_t)r >= 64 || n < (1ull << (16 * r));
}

static int check_params(uint64_t n, uint32_t r, uint32_t p, mp_err *err)
{
    if (n < 2 || (n & (n - 1)) || r == 0 || p == 0 || (uint64_t)r * p >= (1u << 30) ||
        n > (1ull << 40) / r)
        return MP_FAIL(err, MP_ERR_INVALID, "scrypt: parameters out of range");
    return MP_OK;
}

int mp_scrypt_portable(uint8_t *dk, size_t dklen, const void *pass, size_t plen,
                       const uint8_t *salt, size_t slen, uint64_t n, uint32_t r, uint32_t p,
                       mp_err *err)
{
    MP_TRY(check_params(n, r, p, err));
    return scrypt_fallback(dk, dklen, pass, plen, salt, slen, n, r, p, err);
}

int mp_scrypt(uint8_t *dk, size_t dklen, const void *pass, size_t plen, const uint8_t *salt,
              size_t slen, uint64_t n, uint32_t r, uint32_t p, mp_err *err)
{
    MP_TRY(check_params(n, r, p, err));
    if (!openssl_accepts(n, r))
        return scrypt_fallback(dk, dklen, pass, plen, salt, slen, n, r, p, err);
    /* OpenSSL counts B (128 r p) and V (128 r (n + 2)) against maxmem. */
    uint64_t maxmem = 128ull * r * (n + 2) + 128ull * r * p + (1u << 20);
    if (!EVP_PBE_scrypt(pass, plen, salt, slen, n, r, p, maxmem, dk, dklen))
        return MP_FAIL(err, MP_ERR_NOMEM, "scrypt failed (out of memory?)");
    return MP_OK;
}
