/*
** bls.c: EigenLayer BLS on BN254 (bls.h): keys, hashToG1, signing,
** verification, aggregation, the checkSignatures gamma check, the pubkey
** registration digest and proof of possession, and gnark's "E([x,y])" key
** strings. Built only on the public BN254 API.
*/
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/bn254_pairing.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/rand.h"
#include "mpavs/u256.h"

#include <stdio.h>
#include <string.h>

/* p, big-endian */
static const uint8_t P_BE[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45,
                                 0xb6, 0x81, 0x81, 0x58, 0x5d, 0x97, 0x81, 0x6a, 0x91, 0x68, 0x71,
                                 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};

/* ---- secrets -------------------------------------------------------------- */

int mp_bls_secret_from_bytes(mp_bls_secret *sk, const uint8_t in[32], mp_err *err)
{
    mp_bn254_scalar k;
    int rc = mp_bn254_scalar_from_bytes(&k, in, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "BLS secret key");
        return rc;
    }
    if (mp_bn254_scalar_is_zero(&k))
        return MP_FAIL(err, MP_ERR_INVALID, "BLS secret key is zero");
    sk->k = k;
    mp_bn254_scalar_clear(&k);
    return MP_OK;
}

int mp_bls_secret_generate(mp_bls_secret *sk, mp_err *err)
{
    uint8_t buf[32];
    for (;;) {
        MP_TRY(mp_rand_bytes(buf, sizeof buf, err));
        buf[0] &= 0x3f; /* r < 2^254: keep 254 bits, accept about 3 draws in 4 */
        if (mp_bls_secret_from_bytes(sk, buf, NULL) == MP_OK)
            break;
    }
    mp_memzero(buf, sizeof buf);
    return MP_OK;
}

int mp_bls_secret_from_text(mp_bls_secret *sk, const char *text, mp_err *err)
{
    uint8_t buf[32];
    size_t len = strlen(text);
    int rc;
    /* The decoders' messages quote the text, which is the secret: no err to them. */
    if (len > 2 && mp_hex_has_0x(text)) {
        rc = mp_hex_decode_quantity(buf, sizeof buf, text, NULL);
        if (rc != MP_OK)
            rc = MP_FAIL(err, MP_ERR_INVALID, "BLS secret key: not 0x-hex of at most 32 bytes");
    } else {
        rc = mp_u256_from_dec_n(buf, text, len, NULL);
        if (rc != MP_OK)
            rc = MP_FAIL(err, MP_ERR_INVALID, "BLS secret key: not a decimal number below 2^256");
    }
    if (rc == MP_OK)
        rc = mp_bls_secret_from_bytes(sk, buf, err);
    mp_memzero(buf, sizeof buf);
    return rc;
}

void mp_bls_secret_to_bytes(uint8_t out[32], const mp_bls_secret *sk)
{
    mp_bn254_scalar_to_bytes(out, &sk->k);
}

void mp_bls_secret_clear(mp_bls_secret *sk)
{
    mp_memzero(sk, sizeof *sk);
}

void mp_bls_pubkey_from_secret(mp_bls_pubkey *pk, const mp_bls_secret *sk)
{
    mp_bn254_g1 g1;
    mp_bn254_g2 g2;
    mp_bn254_g1_generator(&g1);
    mp_bn254_g2_generator(&g2);
    mp_bn254_g1_mul_ct(&pk->g1, &g1, &sk->k);
    mp_bn254_g2_mul_ct(&pk->g2, &g2, &sk->k);
}

void mp_bls_operator_id(uint8_t out[32], const mp_bn254_g1 *pk_g1)
{
    uint8_t enc[64];
    mp_bn254_g1_encode(enc, pk_g1);
    mp_keccak256(out, enc, sizeof enc);
}

void mp_bls_g2_hash(uint8_t out[32], const mp_bn254_g2 *q)
{
    uint8_t enc[128];
    mp_bn254_g2_encode(enc, q);
    mp_keccak256(out, enc, sizeof enc);
}

/* ---- hash, sign, verify --------------------------------------------------- */

/* 1 when the 32-byte big-endian a is >= b. */
static int be_ge(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32) >= 0;
}

static void be_sub(uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = a[i] - b[i] - borrow;
        borrow = d < 0;
        a[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* a = a + 1 mod p (a < p). */
static void be_inc_mod_p(uint8_t a[32])
{
    for (int i = 31; i >= 0; i--)
        if (++a[i] != 0)
            break;
    if (be_ge(a, P_BE))
        memset(a, 0, 32);
}

void mp_bls_hash_to_g1(mp_bn254_g1 *out, const uint8_t digest[32])
{
    uint8_t x[32];
    memcpy(x, digest, 32);
    while (be_ge(x, P_BE))
        be_sub(x, P_BE);
    /* About two tries on average; x = 0 never works (3 is not a square mod p). */
    while (!mp_bn254_g1_from_x_var(out, x))
        be_inc_mod_p(x);
}

void mp_bls_sign_point(mp_bn254_g1 *sig, const mp_bls_secret *sk, const mp_bn254_g1 *h)
{
    mp_bn254_g1_mul_ct(sig, h, &sk->k);
}

void mp_bls_sign(mp_bn254_g1 *sig, const mp_bls_secret *sk, const uint8_t digest[32])
{
    mp_bn254_g1 h;
    mp_bls_hash_to_g1(&h, digest);
    mp_bls_sign_point(sig, sk, &h);
}

int mp_bls_verify(const mp_bn254_g2 *pk, const uint8_t digest[32], const mp_bn254_g1 *sig,
                  mp_err *err)
{
    mp_bn254_g1 ps[2];
    mp_bn254_g2 qs[2];
    mp_bls_hash_to_g1(&ps[0], digest);
    qs[0] = *pk;
    mp_bn254_g1_neg(&ps[1], sig);
    mp_bn254_g2_generator(&qs[1]);
    if (!mp_bn254_pairing_check(ps, qs, 2))
        return MP_FAIL(err, MP_ERR_VERIFY, "BLS signature does not verify");
    return MP_OK;
}

int mp_bls_verify_keys(const mp_bn254_g1 *pk1, const mp_bn254_g2 *pk2, mp_err *err)
{
    mp_bn254_g1 ps[2];
    mp_bn254_g2 qs[2];
    ps[0] = *pk1;
    mp_bn254_g2_generator(&qs[0]);
    mp_bn254_g1_generator(&ps[1]);
    mp_bn254_g1_neg(&ps[1], &ps[1]);
    qs[1] = *pk2;
    if (!mp_bn254_pairing_check(ps, qs, 2))
        return MP_FAIL(err, MP_ERR_VERIFY, "BLS G1 and G2 public keys do not match");
    return MP_OK;
}

void mp_bls_aggregate_g1(mp_bn254_g1 *out, const mp_bn254_g1 *pts, size_t n)
{
    mp_bn254_g1_sum(out, pts, n);
}

void mp_bls_aggregate_g2(mp_bn254_g2 *out, const mp_bn254_g2 *pts, size_t n)
{
    mp_bn254_g2_sum(out, pts, n);
}

/* ---- checkSignatures -------------------------------------------------------- */

void mp_bls_checksig_gamma(mp_bn254_scalar *gamma, const uint8_t msg_hash[32],
                           const mp_bn254_g1 *apk, const mp_bn254_g2 *apk_g2,
                           const mp_bn254_g1 *sigma)
{
    uint8_t buf[288], h[32];
    memcpy(buf, msg_hash, 32);
    mp_bn254_g1_encode(buf + 32, apk);
    mp_bn254_g2_encode(buf + 96, apk_g2);
    mp_bn254_g1_encode(buf + 224, sigma);
    mp_keccak256(h, buf, sizeof buf);
    mp_bn254_scalar_from_bytes_mod(gamma, h);
}

/* The two pairs of e(a + g A, -G2) * e(h + g G1, B) == 1, the shape both the
 * checkSignatures and the registration checks have. */
static void gamma_pairs(mp_bn254_g1 ps[2], mp_bn254_g2 qs[2], const mp_bn254_g1 *a,
                        const mp_bn254_g1 *big_a, const mp_bn254_g1 *h, const mp_bn254_g2 *b,
                        const mp_bn254_scalar *g)
{
    mp_bn254_g1 t, g1;
    mp_bn254_g1_mul_var(&t, big_a, g);
    mp_bn254_g1_add(&ps[0], a, &t);
    mp_bn254_g2_generator(&qs[0]);
    mp_bn254_g2_neg(&qs[0], &qs[0]);
    mp_bn254_g1_generator(&g1);
    mp_bn254_g1_mul_var(&t, &g1, g);
    mp_bn254_g1_add(&ps[1], h, &t);
    qs[1] = *b;
}

void mp_bls_checksig_pairing_input(uint8_t out[384], const uint8_t msg_hash[32],
                                   const mp_bn254_g1 *apk, const mp_bn254_g2 *apk_g2,
                                   const mp_bn254_g1 *sigma)
{
    mp_bn254_scalar g;
    mp_bn254_g1 ps[2], h;
    mp_bn254_g2 qs[2];
    mp_bls_checksig_gamma(&g, msg_hash, apk, apk_g2, sigma);
    mp_bls_hash_to_g1(&h, msg_hash);
    gamma_pairs(ps, qs, sigma, apk, &h, apk_g2, &g);
    for (int i = 0; i < 2; i++) {
        mp_bn254_g1_encode(out + 192 * i, &ps[i]);
        mp_bn254_g2_encode(out + 192 * i + 64, &qs[i]);
    }
}

int mp_bls_checksig_verify(const uint8_t msg_hash[32], const mp_bn254_g1 *apk,
                           const mp_bn254_g2 *apk_g2, const mp_bn254_g1 *sigma, mp_err *err)
{
    mp_bn254_scalar g;
    mp_bn254_g1 ps[2], h;
    mp_bn254_g2 qs[2];
    mp_bls_checksig_gamma(&g, msg_hash, apk, apk_g2, sigma);
    mp_bls_hash_to_g1(&h, msg_hash);
    gamma_pairs(ps, qs, sigma, apk, &h, apk_g2, &g);
    if (!mp_bn254_pairing_check(ps, qs, 2))
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "aggregate BLS signature does not verify (checkSignatures)");
    return MP_OK;
}

/* ---- pubkey registration ---------------------------------------------------------- */

void mp_bls_registration_digest(uint8_t out[32], const char *name, const char *version,
                                uint64_t chain_id, const uint8_t coordinator[20],
                                const uint8_t operator_addr[20])
{
    static const char domain_type[] =
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    static const char reg_type[] = "BN254PubkeyRegistration(address operator)";
    if (name == NULL)
        name = MP_BLS_EIP712_NAME;
    if (version == NULL)
        version = MP_BLS_EIP712_VERSION;
    /* domainSeparator = keccak256(abi.encode(typehash, keccak(name), keccak(version),
     * chainId, verifyingContract)) */
    uint8_t dom[5 * 32] = {0};
    mp_keccak256(dom, domain_type, sizeof domain_type - 1);
    mp_keccak256(dom + 32, name, strlen(name));
    mp_keccak256(dom + 64, version, strlen(version));
    for (int i = 0; i < 8; i++)
        dom[96 + 31 - i] = (uint8_t)(chain_id >> (8 * i));
    memcpy(dom + 128 + 12, coordinator, 20);
    /* structHash = keccak256(abi.encode(PUBKEY_REGISTRATION_TYPEHASH, operator)) */
    uint8_t st[2 * 32] = {0};
    mp_keccak256(st, reg_type, sizeof reg_type - 1);
    memcpy(st + 32 + 12, operator_addr, 20);
    uint8_t msg[2 + 32 + 32];
    msg[0] = 0x19;
    msg[1] = 0x01;
    mp_keccak256(msg + 2, dom, sizeof dom);
    mp_keccak256(msg + 34, st, sizeof st);
    mp_keccak256(out, msg, sizeof msg);
}

void mp_bls_registration_sign(mp_bn254_g1 *sig, const mp_bls_secret *sk, const uint8_t digest[32])
{
    mp_bls_sign(sig, sk, digest);
}

int mp_bls_registration_verify(const uint8_t digest[32], const mp_bn254_g1 *sig,
                               const mp_bls_pubkey *pk, mp_err *err)
{
    if (pk->g1.infinity)
        return MP_FAIL(err, MP_ERR_INVALID, "BLS G1 public key is the point at infinity");
    mp_bn254_g1 h, ps[2];
    mp_bn254_g2 qs[2];
    mp_bls_hash_to_g1(&h, digest);
    uint8_t buf[320], hash[32];
    mp_bn254_g1_encode(buf, sig);
    mp_bn254_g1_encode(buf + 64, &pk->g1);
    mp_bn254_g2_encode(buf + 128, &pk->g2);
    mp_bn254_g1_encode(buf + 256, &h);
    mp_keccak256(hash, buf, sizeof buf);
    mp_bn254_scalar g;
    mp_bn254_scalar_from_bytes_mod(&g, hash);
    gamma_pairs(ps, qs, sig, &pk->g1, &h, &pk->g2, &g);
    if (!mp_bn254_pairing_check(ps, qs, 2))
        return MP_FAIL(err, MP_ERR_VERIFY, "BLS proof of possession does not verify");
    return MP_OK;
}

/* ---- gnark "E([x,y])" strings --------------------------------------------------------- */

void mp_bls_g1_to_gnark(char out[MP_BLS_GNARK_MAX], const mp_bn254_g1 *p)
{
    uint8_t enc[64];
    char x[MP_U256_DEC_MAX], y[MP_U256_DEC_MAX];
    mp_bn254_g1_encode(enc, p);
    mp_u256_to_dec(x, enc);
    mp_u256_to_dec(y, enc + 32);
    snprintf(out, MP_BLS_GNARK_MAX, "E([%s,%s])", x, y);
}

int mp_bls_g1_from_gnark(mp_bn254_g1 *p, const char *text, mp_err *err)
{
    size_t len = strlen(text);
    if (len < 8 || memcmp(text, "E([", 3) != 0 || memcmp(text + len - 2, "])", 2) != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "BLS public key string is not of the form E([x,y])");
    const char *body = text + 3, *end = text + len - 2;
    const char *comma = memchr(body, ',', (size_t)(end - body));
    if (comma == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "BLS public key string E([x,y]) has no comma");
    uint8_t enc[64];
    int rc = mp_u256_from_dec_n(enc, body, (size_t)(comma - body), err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "BLS public key x");
        return rc;
    }
    rc = mp_u256_from_dec_n(enc + 32, comma + 1, (size_t)(end - comma - 1), err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "BLS public key y");
        return rc;
    }
    return mp_bn254_g1_decode(p, enc, err);
}

int mp_bls_check_gnark_pubkey(const char *text, const mp_bls_secret *sk, mp_err *err)
{
    mp_bn254_g1 claimed, g1;
    MP_TRY(mp_bls_g1_from_gnark(&claimed, text, err));
    mp_bn254_g1_generator(&g1);
    mp_bn254_g1_mul_ct(&g1, &g1, &sk->k);
    if (!mp_bn254_g1_eq(&claimed, &g1))
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "BLS public key in the keystore does not match its secret");
    return MP_OK;
}
