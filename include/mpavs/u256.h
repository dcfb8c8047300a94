/*
** u256.h: 256-bit unsigned integers held as 32-byte big-endian arrays, the
** form of an ABI word, a wei amount or a uint256 storage slot.
**
** Only what text conversion and range checks need: no general arithmetic.
** Signed values (intN) are the same 32 bytes read as two's complement.
*/
#ifndef MPAVS_U256_H
#define MPAVS_U256_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/err.h"

#define MP_U256_DEC_MAX 80 /* 78 digits of 2^256-1, a sign and a NUL */

/** Sets out to v. */
void mp_u256_from_u64(uint8_t out[32], uint64_t v);
/** True, with *out set, when v fits in 64 bits; false otherwise. */
bool mp_u256_to_u64(uint64_t *out, const uint8_t v[32]);
/** Parses unsigned decimal digits ("0".."115...935"). MP_ERR_INVALID on an
 ** empty string, a non-digit, or a value of 2^256 or more; the message quotes
 ** the text, so do not pass err for secrets. */
MP_WUR int mp_u256_from_dec(uint8_t out[32], const char *text, mp_err *err);
/** Same for the len characters at text (not NUL-terminated). */
MP_WUR int mp_u256_from_dec_n(uint8_t out[32], const char *text, size_t len, mp_err *err);
/** Parses decimal, or hex with a 0x prefix (at most 64 digits). */
MP_WUR int mp_u256_from_text(uint8_t out[32], const char *text, mp_err *err);
/** Writes v in decimal (no leading zeros, "0" for zero) to out. */
void mp_u256_to_dec(char out[MP_U256_DEC_MAX], const uint8_t v[32]);
/** Writes v read as two's complement in decimal, with '-' when negative. */
void mp_u256_to_dec_signed(char out[MP_U256_DEC_MAX], const uint8_t v[32]);
/** v = -v modulo 2^256 (two's complement negation). */
void mp_u256_negate(uint8_t v[32]);
/** -1, 0 or 1 as a is below, equal to or above b (unsigned). */
int mp_u256_cmp(const uint8_t a[32], const uint8_t b[32]);

#endif /* MPAVS_U256_H */
