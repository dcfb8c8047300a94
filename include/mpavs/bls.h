/*
** bls.h: EigenLayer's BLS signature scheme on BN254, bit for bit as the
** middleware contracts (BN254.sol, BLSSignatureChecker, BLSApkRegistry) and
** eigensdk-go compute it.
**
** Signatures are in G1: sigma = sk * hashToG1(digest), where digest is a
** 32-byte message hash (no domain tag) and hashToG1 is try-and-increment
** with y = (x^3 + 3)^((p+1)/4) (no sign choice). Public keys are sk*G1 and
** sk*G2; the operatorId is keccak256(G1.X || G1.Y). Verification is
** e(H(m), pk_G2) * e(-sigma, G2) == 1.
**
** Secret-key operations (public keys, signing) are constant-time; secrets
** are wiped with mp_bls_secret_clear. Verification takes public data and is
** variable-time. Point arguments are decoded values (bn254_g1.h,
** bn254_g2.h), so they are valid group elements.
*/
#ifndef MPAVS_BLS_H
#define MPAVS_BLS_H

#include "mpavs/bn254.h"

/** A BLS secret key, 1 <= k < r. */
typedef struct mp_bls_secret {
    mp_bn254_scalar k;
} mp_bls_secret;

/** Both public keys of a secret. */
typedef struct mp_bls_pubkey {
    mp_bn254_g1 g1;
    mp_bn254_g2 g2;
} mp_bls_pubkey;

/* EIP-712 domain of EigenLayer's RegistryCoordinator (pubkey registration). */
#define MP_BLS_EIP712_NAME    "AVSRegistryCoordinator"
#define MP_BLS_EIP712_VERSION "v0.0.1"

/* Longest gnark "E([x,y])" string: two 77-digit numbers and punctuation. */
#define MP_BLS_GNARK_MAX 168

/** A new secret from the OS random generator (uniform in [1, r)). */
MP_WUR int mp_bls_secret_generate(mp_bls_secret *sk, mp_err *err);
/** Reads 32 big-endian bytes; MP_ERR_INVALID for 0 or a value >= r. */
MP_WUR int mp_bls_secret_from_bytes(mp_bls_secret *sk, const uint8_t in[32], mp_err *err);
/** Reads decimal digits or 0x-prefixed hex (as eigensdk-go's
 ** NewKeyPairFromString accepts); MP_ERR_INVALID for 0, >= r or bad text. */
MP_WUR int mp_bls_secret_from_text(mp_bls_secret *sk, const char *text, mp_err *err);
/** Writes the secret as 32 big-endian bytes (the caller wipes them). */
void mp_bls_secret_to_bytes(uint8_t out[32], const mp_bls_secret *sk);
/** Wipes the secret. */
void mp_bls_secret_clear(mp_bls_secret *sk);

/** pk = (sk*G1, sk*G2), constant time. */
void mp_bls_pubkey_from_secret(mp_bls_pubkey *pk, const mp_bls_secret *sk);
/** operatorId = keccak256(X || Y) of the G1 key (BN254.hashG1Point). */
void mp_bls_operator_id(uint8_t out[32], const mp_bn254_g1 *pk_g1);
/** BN254.hashG2Point: keccak256(X[0] || X[1] || Y[0] || Y[1]), imaginary parts first. */
void mp_bls_g2_hash(uint8_t out[32], const mp_bn254_g2 *q);

/** BN254.hashToG1(digest). */
void mp_bls_hash_to_g1(mp_bn254_g1 *out, const uint8_t digest[32]);
/** sigma = sk * hashToG1(digest) (constant time in sk). */
void mp_bls_sign(mp_bn254_g1 *sig, const mp_bls_secret *sk, const uint8_t digest[32]);
/** sigma = sk * h for a point already hashed (eigensdk SignHashedToCurveMessage). */
void mp_bls_sign_point(mp_bn254_g1 *sig, const mp_bls_secret *sk, const mp_bn254_g1 *h);
/** MP_OK when e(hashToG1(digest), pk) * e(-sig, G2) == 1, else MP_ERR_VERIFY. */
MP_WUR int mp_bls_verify(const mp_bn254_g2 *pk, const uint8_t digest[32], const mp_bn254_g1 *sig,
                         mp_err *err);
/** MP_OK when pk1 and pk2 come from one secret: e(pk1, G2) * e(-G1, pk2) == 1. */
MP_WUR int mp_bls_verify_keys(const mp_bn254_g1 *pk1, const mp_bn254_g2 *pk2, mp_err *err);

/** Sum of n signatures (or G1 keys). */
void mp_bls_aggregate_g1(mp_bn254_g1 *out, const mp_bn254_g1 *pts, size_t n);
/** Sum of n G2 keys. */
void mp_bls_aggregate_g2(mp_bn254_g2 *out, const mp_bn254_g2 *pts, size_t n);

/** BLSSignatureChecker's gamma = keccak256(msgHash || apk || apkG2 || sigma) mod r
 ** (288 bytes, G2 imaginary parts first). */
void mp_bls_checksig_gamma(mp_bn254_scalar *gamma, const uint8_t msg_hash[32],
                           const mp_bn254_g1 *apk, const mp_bn254_g2 *apk_g2,
                           const mp_bn254_g1 *sigma);
/** The 384-byte ecPairing input trySignatureAndApkVerification builds:
 ** [sigma + gamma apk][-G2][H(msgHash) + gamma G1][apkG2]. */
void mp_bls_checksig_pairing_input(uint8_t out[384], const uint8_t msg_hash[32],
                                   const mp_bn254_g1 *apk, const mp_bn254_g2 *apk_g2,
                                   const mp_bn254_g1 *sigma);
/** trySignatureAndApkVerification: MP_OK when
 ** e(sigma + gamma apk, -G2) * e(H(msgHash) + gamma G1, apkG2) == 1,
 ** MP_ERR_VERIFY otherwise. */
MP_WUR int mp_bls_checksig_verify(const uint8_t msg_hash[32], const mp_bn254_g1 *apk,
                                  const mp_bn254_g2 *apk_g2, const mp_bn254_g1 *sigma, mp_err *err);

/** The EIP-712 digest the RegistryCoordinator signs over for pubkey
 ** registration: keccak256(0x1901 || domainSeparator ||
 ** keccak256(abi.encode(PUBKEY_REGISTRATION_TYPEHASH, operator))), domain
 ** (name, version, chainId, verifyingContract = coordinator). name/version
 ** NULL mean MP_BLS_EIP712_NAME / MP_BLS_EIP712_VERSION. */
void mp_bls_registration_digest(uint8_t out[32], const char *name, const char *version,
                                uint64_t chain_id, const uint8_t coordinator[20],
                                const uint8_t operator_addr[20]);
/** Proof of possession: sk * hashToG1(digest). */
void mp_bls_registration_sign(mp_bn254_g1 *sig, const mp_bls_secret *sk, const uint8_t digest[32]);
/** BLSApkRegistry.registerBLSPublicKey's check with
 ** gamma' = keccak256(sig || pkG1 || pkG2 || H) mod r (320 bytes):
 ** e(sig + gamma' pkG1, -G2) * e(H + gamma' G1, pkG2) == 1, H = hashToG1(digest).
 ** MP_ERR_INVALID for an infinite G1 key (the contract's ZERO_PK_HASH rule). */
MP_WUR int mp_bls_registration_verify(const uint8_t digest[32], const mp_bn254_g1 *sig,
                                      const mp_bls_pubkey *pk, mp_err *err);

/** Verifies n signatures on one digest at once with random 64-bit weights
 ** r_i from the OS: e(H, sum r_i pk_i) == e(sum r_i sig_i, G2). MP_OK when all
 ** are valid (a false accept has probability about 2^-64), MP_ERR_VERIFY when
 ** some are not. n = 0 is MP_OK. */
MP_WUR int mp_bls_batch_verify_same(const uint8_t digest[32], const mp_bn254_g2 *pks,
                                    const mp_bn254_g1 *sigs, size_t n, mp_err *err);
/** The same for n (digest, key, signature) triples with any digests:
 ** signatures on equal digests share one pairing. */
MP_WUR int mp_bls_batch_verify(const uint8_t (*digests)[32], const mp_bn254_g2 *pks,
                               const mp_bn254_g1 *sigs, size_t n, mp_err *err);
/** Finds the invalid signatures of a batch by bisection: invalid[i] is set
 ** for each bad one, *n_invalid counts them. MP_OK when it ran (whatever it
 ** found); errors only for memory or randomness failures. */
MP_WUR int mp_bls_batch_find_invalid(const uint8_t (*digests)[32], const mp_bn254_g2 *pks,
                                     const mp_bn254_g1 *sigs, size_t n, bool *invalid,
                                     size_t *n_invalid, mp_err *err);

/** mp_bls_batch_find_invalid for a batch on one digest (bisects with
 ** mp_bls_batch_verify_same). */
MP_WUR int mp_bls_batch_find_invalid_same(const uint8_t digest[32], const mp_bn254_g2 *pks,
                                          const mp_bn254_g1 *sigs, size_t n, bool *invalid,
                                          size_t *n_invalid, mp_err *err);

/** Writes a G1 key as gnark's G1Affine.String(): "E([x,y])" in decimal. */
void mp_bls_g1_to_gnark(char out[MP_BLS_GNARK_MAX], const mp_bn254_g1 *p);
/** Parses "E([x,y])"; MP_ERR_INVALID names the problem (format, range, curve). */
MP_WUR int mp_bls_g1_from_gnark(mp_bn254_g1 *p, const char *text, mp_err *err);
/** Checks a keystore's "pubKey" string against the key derived from sk:
 ** MP_OK when they match, MP_ERR_VERIFY when they do not. */
MP_WUR int mp_bls_check_gnark_pubkey(const char *text, const mp_bls_secret *sk, mp_err *err);

#endif /* MPAVS_BLS_H */
