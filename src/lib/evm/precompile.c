/*
** precompile.c: the EVM's precompiled contracts 0x01-0x09 with their Cancun
** gas prices: ecrecover (libsecp256k1), SHA-256 and RIPEMD-160 (OpenSSL),
** identity, modexp (EIP-2565 pricing, OpenSSL BIGNUM), BN254 add/mul/pairing
** (our bn254 module) and BLAKE2b F (EIP-152, implemented here).
** 0x0a (KZG point evaluation) is reported as unsupported, never guessed.
*/
#include "evm_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "mpavs/bn254.h"
#include "mpavs/keccak.h"
#include <secp256k1.h>
#include <secp256k1_recovery.h>

bool evm_is_precompile(const uint8_t addr[20])
{
    for (int i = 0; i < 19; i++)
        if (addr[i])
            return false;
    return addr[19] >= 1 && addr[19] <= 0x0a;
}

static uint64_t words(uint64_t n)
{
    return (n + 31) / 32;
}

/* Sets the output to a copy of data (status success). */
static void give(evm_tx_ctx *tx, evm_out *out, const uint8_t *data, size_t len)
{
    out->data = NULL;
    out->len = 0;
    if (!len)
        return;
    out->data = malloc(len);
    if (!out->data) {
        tx->st->oom = true;
        out->status = MP_EVM_FAILURE;
        return;
    }
    memcpy(out->data, data, len);
    out->len = len;
}

static void pad_in(uint8_t *dst, size_t dlen, const uint8_t *in, size_t len)
{
    size_t n = len < dlen ? len : dlen;
    if (n)
        memcpy(dst, in, n);
    memset(dst + n, 0, dlen - n);
}

static void ecrecover(evm_tx_ctx *tx, const uint8_t *in, size_t len, evm_out *out)
{
    uint8_t b[128], addr[20], res[32] = {0};
    pad_in(b, sizeof b, in, len);
    for (int i = 32; i < 63; i++)
        if (b[i])
            return;
    if (b[63] != 27 && b[63] != 28)
        return;
    /* Unlike transaction signatures, ecrecover accepts an s in the upper half. */
    const secp256k1_context *c = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pk;
    uint8_t ser[65];
    size_t n = sizeof ser;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &rs, b + 64, b[63] - 27) ||
        !secp256k1_ecdsa_recover(c, &pk, &rs, b) ||
        !secp256k1_ec_pubkey_serialize(c, ser, &n, &pk, SECP256K1_EC_UNCOMPRESSED))
        return;
    mp_keccak256(res, ser + 1, 64);
    memcpy(addr, res + 12, 20);
    memset(res, 0, 12);
    memcpy(res + 12, addr, 20);
    give(tx, out, res, 32);
}

static void digest(evm_tx_ctx *tx, const EVP_MD *md, const uint8_t *in, size_t len, evm_out *out)
{
    uint8_t h[EVP_MAX_MD_SIZE], res[32] = {0};
    unsigned hl = 0;
    if (!md || !EVP_Digest(in ? in : (const uint8_t *)"", len, h, &hl, md, NULL)) {
        tx->st->oom = true; /* the library failed us: refuse rather than guess */
        out->status = MP_EVM_FAILURE;
        return;
    }
    memcpy(res + 32 - hl, h, hl);
    give(tx, out, res, 32);
}

/* Reads a length field of the modexp header as u64, saturating. */
static uint64_t len_field(const uint8_t *b)
{
    for (int i = 0; i < 24; i++)
        if (b[i])
            return UINT64_MAX;
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = (v << 8) | b[i];
    return v;
}

/* Copies input bytes [off, off+n) with zeros past the end. */
static void slice(uint8_t *dst, const uint8_t *in, size_t len, uint64_t off, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        dst[i] = off + i < len ? in[off + i] : 0;
}

static int64_t modexp_gas(const uint8_t *in, size_t len, uint64_t bl, uint64_t el, uint64_t ml)
{
    uint64_t mx = bl > ml ? bl : ml;
    if (mx == 0)
        return 200;
    if (mx > (1u << 24) || el > (1u << 24))
        return INT64_MAX;
    uint64_t w = (mx + 7) / 8, mc = w * w;
    uint8_t head[32];
    uint64_t hl = el < 32 ? el : 32;
    memset(head, 0, sizeof head);
    slice(head + 32 - hl, in, len, 96 + bl, hl);
    mp_w256 e;
    mp_w256_from_be(&e, head);
    unsigned bits = mp_w256_bits(&e);
    uint64_t it = el <= 32 ? (bits ? bits - 1 : 0) : 8 * (el - 32) + (bits ? bits - 1 : 0);
    if (it == 0)
        it = 1;
    uint64_t g = mc * it / 3; /* mc <= 2^42, it <= 2^27: no overflow */
    return g < 200 ? 200 : (int64_t)g;
}

static void modexp(evm_tx_ctx *tx, const uint8_t *in, size_t len, int64_t gas, evm_out *out)
{
    uint8_t h[96];
    pad_in(h, sizeof h, in, len);
    uint64_t bl = len_field(h), el = len_field(h + 32), ml = len_field(h + 64);
    int64_t g = modexp_gas(in, len, bl, el, ml);
    if (g > gas) {
        out->status = MP_EVM_FAILURE;
        return;
    }
    out->gas_left = gas - g;
    if (ml == 0) {
        give(tx, out, NULL, 0);
        return;
    }
    uint8_t *b = malloc(bl + 1), *e = malloc(el + 1), *m = malloc(ml + 1), *r = calloc(ml, 1);
    BIGNUM *B = NULL, *E = NULL, *M = NULL, *R = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    if (!b || !e || !m || !r || !R || !ctx)
        goto oom;
    slice(b, in, len, 96, bl);
    slice(e, in, len, 96 + bl, el);
    slice(m, in, len, 96 + bl + el, ml);
    B = BN_bin2bn(b, (int)bl, NULL);
    E = BN_bin2bn(e, (int)el, NULL);
    M = BN_bin2bn(m, (int)ml, NULL);
    if (!B || !E || !M)
        goto oom;
    if (!BN_is_zero(M)) {
        if (!BN_mod_exp(R, B, E, M, ctx) || BN_bn2binpad(R, r, (int)ml) < 0)
            goto oom;
    }
    give(tx, out, r, ml);
    goto done;
oom:
    tx->st->oom = true;
    out->status = MP_EVM_FAILURE;
done:
    free(b);
    free(e);
    free(m);
    free(r);
    BN_free(B);
    BN_free(E);
    BN_free(M);
    BN_free(R);
    BN_CTX_free(ctx);
}

static void bn(evm_tx_ctx *tx, uint8_t which, const uint8_t *in, size_t len, evm_out *out)
{
    uint8_t res[64];
    int rc;
    size_t n = 64;
    if (which == 6) {
        rc = mp_bn254_ecadd(res, in, len, NULL);
    } else if (which == 7) {
        rc = mp_bn254_ecmul(res, in, len, NULL);
    } else {
        rc = len % 192 ? MP_ERR_INVALID : mp_bn254_ecpairing(res, in, len, NULL);
        n = 32;
    }
    if (rc != MP_OK) {
        out->status = MP_EVM_FAILURE;
        return;
    }
    give(tx, out, res, n);
}

/* ---- BLAKE2b compression function F (RFC 7693, EIP-152) ---- */

static const uint64_t B2_IV[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
static const uint8_t B2_SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static uint64_t rotr(uint64_t x, unsigned n)
{
    return (x >> n) | (x << (64 - n));
}

/* The mixing function G on named locals, so the 16 words stay in registers
 * through the (up to 2^32 - 1) rounds. */
#define B2_G(a, b, c, d, x, y)                                                                     \
    do {                                                                                           \
        a = a + b + (x);                                                                           \
        d = rotr(d ^ a, 32);                                                                       \
        c = c + d;                                                                                 \
        b = rotr(b ^ c, 24);                                                                       \
        a = a + b + (y);                                                                           \
        d = rotr(d ^ a, 16);                                                                       \
        c = c + d;                                                                                 \
        b = rotr(b ^ c, 63);                                                                       \
    } while (0)

/* rounds rounds of BLAKE2b F on v with message words m. */
static void b2_rounds(uint64_t v[16], const uint64_t m[16], uint32_t rounds)
{
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4], v5 = v[5], v6 = v[6], v7 = v[7],
             v8 = v[8], v9 = v[9], v10 = v[10], v11 = v[11], v12 = v[12], v13 = v[13], v14 = v[14],
             v15 = v[15];
    for (uint32_t r = 0; r < rounds; r++) {
        const uint8_t *s = B2_SIGMA[r % 10];
        B2_G(v0, v4, v8, v12, m[s[0]], m[s[1]]);
        B2_G(v1, v5, v9, v13, m[s[2]], m[s[3]]);
        B2_G(v2, v6, v10, v14, m[s[4]], m[s[5]]);
        B2_G(v3, v7, v11, v15, m[s[6]], m[s[7]]);
        B2_G(v0, v5, v10, v15, m[s[8]], m[s[9]]);
        B2_G(v1, v6, v11, v12, m[s[10]], m[s[11]]);
        B2_G(v2, v7, v8, v13, m[s[12]], m[s[13]]);
        B2_G(v3, v4, v9, v14, m[s[14]], m[s[15]]);
    }
    v[0] = v0, v[1] = v1, v[2] = v2, v[3] = v3, v[4] = v4, v[5] = v5, v[6] = v6, v[7] = v7;
    v[8] = v8, v[9] = v9, v[10] = v10, v[11] = v11, v[12] = v12, v[13] = v13, v[14] = v14;
    v[15] = v15;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void blake2f(evm_tx_ctx *tx, const uint8_t *in, size_t len, int64_t gas, evm_out *out)
{
    if (len != 213 || in[212] > 1) {
        out->status = MP_EVM_FAILURE;
        return;
    }
    uint32_t rounds = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
    if ((int64_t)rounds > gas) {
        out->status = MP_EVM_FAILURE;
        return;
    }
    out->gas_left = gas - rounds;
    uint64_t h[8], mm[16], v[16];
    for (int i = 0; i < 8; i++)
        h[i] = le64(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++)
        mm[i] = le64(in + 68 + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = B2_IV[i];
    }
    v[12] ^= le64(in + 196);
    v[13] ^= le64(in + 204);
    if (in[212])
        v[14] = ~v[14];
    b2_rounds(v, mm, rounds);
    uint8_t res[64];
    for (int i = 0; i < 8; i++) {
        uint64_t x = h[i] ^ v[i] ^ v[i + 8];
        for (int k = 0; k < 8; k++)
            res[8 * i + k] = (uint8_t)(x >> (8 * k));
    }
    give(tx, out, res, 64);
}

void evm_precompile(evm_tx_ctx *tx, const uint8_t addr[20], const uint8_t *in, size_t len,
                    int64_t gas, evm_out *out)
{
    static const int64_t base[10] = {3000, 60, 600, 15, 0, 150, 6000, 45000, 0, 50000};
    static const int64_t per_word[10] = {0, 12, 120, 3, 0, 0, 0, 0, 0, 0};
    uint8_t id = addr[19];
    out->status = MP_EVM_SUCCESS;
    out->data = NULL;
    out->len = 0;
    out->refund = 0;
    int64_t cost = base[id - 1] + per_word[id - 1] * (int64_t)words(len);
    if (id == 8)
        cost += 34000 * (int64_t)(len / 192);
    if (cost > gas) {
        out->status = MP_EVM_FAILURE;
        out->gas_left = 0;
        return;
    }
    out->gas_left = gas - cost;
    switch (id) {
    case 1:
        ecrecover(tx, in, len, out);
        break;
    case 2:
        digest(tx, EVP_sha256(), in, len, out);
        break;
    case 3:
        digest(tx, EVP_ripemd160(), in, len, out);
        break;
    case 4:
        give(tx, out, in, len);
        break;
    case 5:
        modexp(tx, in, len, gas, out);
        break;
    case 6:
    case 7:
    case 8:
        bn(tx, id, in, len, out);
        break;
    case 9:
        blake2f(tx, in, len, gas, out);
        break;
    default:
        tx->st->unsupported = true;
        out->status = MP_EVM_FAILURE;
        break;
    }
    if (out->status == MP_EVM_FAILURE) {
        out->gas_left = 0;
        free(out->data);
        out->data = NULL;
        out->len = 0;
    }
}
