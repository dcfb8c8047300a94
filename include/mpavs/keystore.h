/*
** keystore.h: password-encrypted key files.
**
**   - Ethereum Web3 Secret Storage v3 ({"address", "crypto", "id", "version": 3}),
**     as written by geth and eigenlayer-cli for ECDSA keys.
**   - The EigenLayer BLS keystore of eigensdk-go ({"pubKey": "E([x,y])",
**     "crypto"}): the same crypto object around a 32-byte big-endian secret.
**     This module only handles the container; the caller supplies the pubKey
**     text and checks the decrypted secret against it.
**
** The crypto object: KDF scrypt (n, r, p, dklen 32, salt) or PBKDF2-HMAC-SHA256
** (c, dklen 32, salt); cipher AES-128-CTR keyed by DK[0..16); MAC =
** keccak256(DK[16..32) || ciphertext), compared in constant time. A wrong
** password is MP_ERR_PASSWORD; a malformed file is MP_ERR_PARSE naming the
** field. KDF work is capped on reading and writing at what geth and
** eigenlayer-cli write (MP_KEYSTORE_MAX_*: scrypt n*r*p <= 2^21 as in geth's
** standard n=2^18, r=8, p=1, hence scrypt memory 128*n*r <= 256 MiB; PBKDF2
** c <= 2^18), so a hostile file cannot stall a daemon for minutes or take a
** GiB; a file above the caps is refused with an error naming the cap.
** Files are written with mode 0600, atomically.
*/
#ifndef MPAVS_KEYSTORE_H
#define MPAVS_KEYSTORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

enum mp_kdf { MP_KDF_SCRYPT = 0, MP_KDF_PBKDF2 = 1 };

typedef struct mp_keystore_params {
    int kdf;    /* enum mp_kdf */
    uint64_t n; /* scrypt cost, a power of two */
    uint32_t r; /* scrypt block size */
    uint32_t p; /* scrypt parallelism */
    uint32_t c; /* PBKDF2 iterations */
} mp_keystore_params;

/* geth's "standard" parameters: what key files get by default. */
#define MP_KEYSTORE_STANDARD ((mp_keystore_params){MP_KDF_SCRYPT, 1u << 18, 8, 1, 0})
/* geth's "light" parameters: for tests and throwaway devnet keys only. */
#define MP_KEYSTORE_LIGHT ((mp_keystore_params){MP_KDF_SCRYPT, 1u << 12, 8, 6, 0})

#define MP_KEYSTORE_MAX_FILE (1u << 20)

/* KDF work caps (see the top of this file). */
#define MP_KEYSTORE_MAX_SCRYPT_WORK  (1ull << 21) /* n * r * p; so 128 * n * r <= 256 MiB */
#define MP_KEYSTORE_MAX_PBKDF2_ITERS (1u << 18)

/* ---- the crypto object (shared by the ECDSA and BLS formats) ---- */

/** Encrypts secret[0..len) under password into a new crypto object (*crypto,
 ** a new reference) with a fresh random salt and IV. */
MP_WUR int mp_keystore_encrypt(json_t **crypto, const uint8_t *secret, size_t len,
                               const char *password, const mp_keystore_params *params, mp_err *err);
/** Decrypts a crypto object: appends the plaintext to secret (wipe it with
 ** mp_buf_clear). MP_ERR_PASSWORD when the MAC does not match. */
MP_WUR int mp_keystore_decrypt(mp_buf *secret, const json_t *crypto, const char *password,
                               mp_err *err);

/* ---- Ethereum (ECDSA) v3 key files ---- */

/** The v3 JSON text (malloc'd, caller frees) for secp256k1 key sk. */
MP_WUR int mp_keystore_eth_dump(char **text, const uint8_t sk[32], const char *password,
                                const mp_keystore_params *params, mp_err *err);
/** Decrypts a v3 JSON text into sk. Checks version 3, that the key is valid, and
 ** that the address field (if any) is the key's address (MP_ERR_VERIFY if not). */
MP_WUR int mp_keystore_eth_load(uint8_t sk[32], const char *text, size_t len, const char *password,
                                mp_err *err);
/** Writes a v3 key file (mode 0600, atomic replace). */
MP_WUR int mp_keystore_eth_write(const char *path, const uint8_t sk[32], const char *password,
                                 const mp_keystore_params *params, mp_err *err);
/** Reads and decrypts a v3 key file. */
MP_WUR int mp_keystore_eth_read(uint8_t sk[32], const char *path, const char *password,
                                mp_err *err);
/** The address field of a v3 key file, without the password. MP_ERR_NOTFOUND
 ** if the file has none. */
MP_WUR int mp_keystore_eth_address(uint8_t addr[20], const char *path, mp_err *err);

/* ---- EigenLayer BLS key files ---- */

/** The BLS keystore JSON text for the 32-byte big-endian secret sk and the
 ** caller's pubKey text ("E([x,y])"). */
MP_WUR int mp_keystore_bls_dump(char **text, const uint8_t sk[32], const char *pubkey,
                                const char *password, const mp_keystore_params *params,
                                mp_err *err);
/** Decrypts a BLS keystore text: sk (shorter plaintexts are left-padded) and
 ** *pubkey (malloc'd copy of the pubKey field; NULL allowed to skip). */
MP_WUR int mp_keystore_bls_load(uint8_t sk[32], char **pubkey, const char *text, size_t len,
                                const char *password, mp_err *err);
/** Writes a BLS keystore file (mode 0600, atomic replace). */
MP_WUR int mp_keystore_bls_write(const char *path, const uint8_t sk[32], const char *pubkey,
                                 const char *password, const mp_keystore_params *params,
                                 mp_err *err);
/** Reads and decrypts a BLS keystore file. */
MP_WUR int mp_keystore_bls_read(uint8_t sk[32], char **pubkey, const char *path,
                                const char *password, mp_err *err);
/** Reads the pubKey field of a BLS keystore file without decrypting it
 ** (*pubkey is malloc'd). */
MP_WUR int mp_keystore_bls_pubkey(char **pubkey, const char *path, mp_err *err);

#endif /* MPAVS_KEYSTORE_H */
