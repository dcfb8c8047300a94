/*
** scrypt.h: the scrypt key derivation function (RFC 7914), for keystores.
**
** OpenSSL's EVP_PBE_scrypt does the work when it accepts the parameters. It
** enforces RFC 7914's N < 2^(16 r), which the Web3 Secret Storage
** definition's own example (N = 2^18, r = 1) breaks while geth accepts it;
** for such parameters an in-house ROMix over OpenSSL's PBKDF2 is used.
** Like every scrypt, ROMix indexes memory with password-derived values: that
** is the memory-hardness, not a leak of anything beyond what the KDF output
** already commits to.
*/
#ifndef MPAVS_SCRYPT_H
#define MPAVS_SCRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/** Derives dklen bytes. n must be a power of two > 1; 128 * r * n bytes of
 ** memory are allocated (the caller bounds it). MP_ERR_INVALID on bad
 ** parameters, MP_ERR_NOMEM when the memory is not available. */
MP_WUR int mp_scrypt(uint8_t *dk, size_t dklen, const void *pass, size_t plen, const uint8_t *salt,
                     size_t slen, uint64_t n, uint32_t r, uint32_t p, mp_err *err);

/** The in-house path alone, whatever the parameters (exposed for tests). */
MP_WUR int mp_scrypt_portable(uint8_t *dk, size_t dklen, const void *pass, size_t plen,
                              const uint8_t *salt, size_t slen, uint64_t n, uint32_t r, uint32_t p,
                              mp_err *err);

#endif /* MPAVS_SCRYPT_H */
