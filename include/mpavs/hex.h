/*
** hex.h: hexadecimal text <-> bytes, as Ethereum tools write it.
**
** Decoding accepts an optional "0x"/"0X" prefix and either case; it rejects
** odd lengths and non-hex characters with a message that says where.
*/
#ifndef MPAVS_HEX_H
#define MPAVS_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

/** True when text starts with "0x" or "0X". */
bool mp_hex_has_0x(const char *text);
/** text after an optional "0x"/"0X" prefix. */
const char *mp_hex_skip_0x(const char *text);

/** Writes 2*n lowercase hex digits and a NUL to out (size >= 2*n+1). */
void mp_hex_encode(char *out, const uint8_t *in, size_t n);
/** Same with a "0x" prefix (out size >= 2*n+3). */
void mp_hex_encode0x(char *out, const uint8_t *in, size_t n);
/** Returns a malloc'd "0x..." string, or NULL when out of memory. */
char *mp_hex_dup0x(const uint8_t *in, size_t n);

/** Decodes exactly outlen bytes from hex text (prefix optional). MP_ERR_INVALID
 ** if the text is not hex or has another length. */
MP_WUR int mp_hex_decode_exact(uint8_t *out, size_t outlen, const char *hex, mp_err *err);
/** Decodes any even-length hex text, appending to out. */
MP_WUR int mp_hex_decode_buf(mp_buf *out, const char *hex, mp_err *err);
/** Decodes hex of at most outlen bytes, right-aligned (left-padded with zeros),
 ** as JSON-RPC quantities are written ("0x1" -> ...01). Odd digit counts allowed. */
MP_WUR int mp_hex_decode_quantity(uint8_t *out, size_t outlen, const char *hex, mp_err *err);
/** Parses a JSON-RPC quantity ("0x" + up to 16 hex digits) into a uint64. */
MP_WUR int mp_hex_to_u64(uint64_t *out, const char *hex, mp_err *err);

#endif /* MPAVS_HEX_H */
