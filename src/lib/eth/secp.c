/*
** secp.c: Ethereum keys and ECDSA through libsecp256k1 (see include/mpavs/secp.h).
**
** Public results (public keys, addresses, signatures) may be branched on;
** secret keys are only passed to libsecp256k1 and wiped from our buffers.
*/
#include "mpavs/secp.h"
#include "mpavs/address.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/rand.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mp_secp {
    secp256k1_context *ctx;
};

/* Half the group order: signatures with s above it are malleated copies. */
static const uint8_t half_order[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

int mp_secp_create(mp_secp **out, mp_err *err)
{
    mp_secp *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory creating a secp256k1 context");
    s->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t seed[32];
    int rc = s->ctx ? mp_rand_bytes(seed, sizeof seed, err)
                    : MP_FAIL(err, MP_ERR_NOMEM, "secp256k1_context_create failed");
    if (rc == MP_OK && !secp256k1_context_randomize(s->ctx, seed))
        rc = MP_FAIL(err, MP_ERR_INVALID, "secp256k1_context_randomize failed");
    mp_memzero(seed, sizeof seed);
    if (rc != MP_OK) {
        mp_secp_destroy(s);
        return rc;
    }
    *out = s;
    return MP_OK;
}

void mp_secp_destroy(mp_secp *s)
{
    if (s == NULL)
        return;
    if (s->ctx)
        secp256k1_context_destroy(s->ctx);
    free(s);
}

/* Uses ctx, or makes a temporary one into *tmp (freed by the caller). */
static int ctx_or_temp(mp_secp *ctx, mp_secp **tmp, const secp256k1_context **out, mp_err *err)
{
    *tmp = NULL;
    if (ctx == NULL) {
        MP_TRY(mp_secp_create(tmp, err));
        ctx = *tmp;
    }
    *out = ctx->ctx;
    return MP_OK;
}

int mp_secp_key_check(const uint8_t sk[32], mp_err *err)
{
    if (!secp256k1_ec_seckey_verify(secp256k1_context_static, sk))
        return MP_FAIL(err, MP_ERR_INVALID, "not a valid secp256k1 secret key (zero or >= n)");
    return MP_OK;
}

int mp_secp_key_generate(uint8_t sk[32], mp_err *err)
{
    /* A uniform 32-byte string is >= n with probability about 2^-128. */
    for (int tries = 0; tries < 16; tries++) {
        MP_TRY(mp_rand_bytes(sk, 32, err));
        if (secp256k1_ec_seckey_verify(secp256k1_context_static, sk))
            return MP_OK;
    }
    mp_memzero(sk, 32);
    return MP_FAIL(err, MP_ERR_IO, "the random source keeps giving invalid keys");
}

int mp_secp_pubkey(mp_secp *ctx, uint8_t pub[64], const uint8_t sk[32], mp_err *err)
{
    mp_secp *tmp;
    const secp256k1_context *c;
    MP_TRY(ctx_or_temp(ctx, &tmp, &c, err));
    secp256k1_pubkey pk;
    int ok = secp256k1_ec_pubkey_create(c, &pk, sk);
    mp_secp_destroy(tmp);
    if (!ok)
        return MP_FAIL(err, MP_ERR_INVALID, "not a valid secp256k1 secret key (zero or >= n)");
    uint8_t ser[65];
    size_t n = sizeof ser;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, ser, &n, &pk,
                                  SECP256K1_EC_UNCOMPRESSED);
    memcpy(pub, ser + 1, 64);
    return MP_OK;
}

int mp_secp_address(mp_secp *ctx, uint8_t addr[20], const uint8_t sk[32], mp_err *err)
{
    uint8_t pub[64];
    MP_TRY(mp_secp_pubkey(ctx, pub, sk, err));
    mp_address_from_pubkey(addr, pub);
    return MP_OK;
}

int mp_secp_sign(mp_secp *ctx, uint8_t sig[64], int *recid, const uint8_t hash[32],
                 const uint8_t sk[32], mp_err *err)
{
    mp_secp *tmp;
    const secp256k1_context *c;
    MP_TRY(ctx_or_temp(ctx, &tmp, &c, err));
    secp256k1_ecdsa_recoverable_signature rs;
    int ok = secp256k1_ecdsa_sign_recoverable(c, &rs, hash, sk, NULL, NULL);
    mp_secp_destroy(tmp);
    if (!ok)
        return MP_FAIL(err, MP_ERR_INVALID, "signing failed: invalid secret key");
    secp256k1_ecdsa_recoverable_signature_serialize_compact(secp256k1_context_static, sig, recid,
                                                            &rs);
    return MP_OK;
}

int mp_secp_sign65(mp_secp *ctx, uint8_t sig[65], const uint8_t hash[32], const uint8_t sk[32],
                   mp_err *err)
{
    int recid;
    MP_TRY(mp_secp_sign(ctx, sig, &recid, hash, sk, err));
    sig[64] = (uint8_t)(27 + recid);
    return MP_OK;
}

int mp_secp_recover(uint8_t pub[64], const uint8_t hash[32], const uint8_t sig[64], int recid,
                    mp_err *err)
{
    const secp256k1_context *c = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pk;
    if (recid < 0 || recid > 3)
        return MP_FAIL(err, MP_ERR_VERIFY, "bad recovery id %d", recid);
    if (memcmp(sig + 32, half_order, 32) > 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "signature s is in the upper half (malleable)");
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &rs, sig, recid))
        return MP_FAIL(err, MP_ERR_VERIFY, "signature r or s is out of range");
    if (!secp256k1_ecdsa_recover(c, &pk, &rs, hash))
        return MP_FAIL(err, MP_ERR_VERIFY, "no public key recovers from this signature");
    uint8_t ser[65];
    size_t n = sizeof ser;
    secp256k1_ec_pubkey_serialize(c, ser, &n, &pk, SECP256K1_EC_UNCOMPRESSED);
    memcpy(pub, ser + 1, 64);
    return MP_OK;
}

int mp_secp_recover_address(uint8_t addr[20], const uint8_t hash[32], const uint8_t sig[64],
                            int recid, mp_err *err)
{
    uint8_t pub[64];
    MP_TRY(mp_secp_recover(pub, hash, sig, recid, err));
    mp_address_from_pubkey(addr, pub);
    return MP_OK;
}

int mp_secp_recover_address65(uint8_t addr[20], const uint8_t hash[32], const uint8_t sig[65],
                              mp_err *err)
{
    int v = sig[64];
    if (v >= 27)
        v -= 27;
    if (v != 0 && v != 1)
        return MP_FAIL(err, MP_ERR_VERIFY, "signature v must be 27, 28, 0 or 1, got %d", sig[64]);
    return mp_secp_recover_address(addr, hash, sig, v, err);
}

void mp_secp_personal_hash(uint8_t out[32], const void *msg, size_t len)
{
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix,
                     "\x19"
                     "Ethereum Signed Message:\n%zu",
                     len);
    mp_keccak k;
    mp_keccak_init(&k);
    mp_keccak_update(&k, prefix, (size_t)n);
    mp_keccak_update(&k, msg, len);
    mp_keccak_final(&k, out);
}
