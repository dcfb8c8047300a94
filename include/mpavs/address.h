/*
** address.h: Ethereum addresses: derivation from a public key and the EIP-55
** mixed-case checksum text form.
*/
#ifndef MPAVS_ADDRESS_H
#define MPAVS_ADDRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/err.h"

#define MP_ADDRESS_TEXT_LEN 43 /* "0x" + 40 digits + NUL */

/** The address of an uncompressed public key given as X || Y (64 bytes):
 ** the last 20 bytes of keccak256(X || Y). */
void mp_address_from_pubkey(uint8_t out[20], const uint8_t pub[64]);
/** Writes the EIP-55 checksummed form "0x5aAe...". */
void mp_address_to_checksum(char out[MP_ADDRESS_TEXT_LEN], const uint8_t addr[20]);
/** Parses 40 hex digits with an optional 0x prefix. All-lowercase and
 ** all-uppercase digits are accepted as they are; mixed case must be a valid
 ** EIP-55 checksum (MP_ERR_INVALID "bad EIP-55 checksum" otherwise). */
MP_WUR int mp_address_parse(uint8_t out[20], const char *text, mp_err *err);
/** True if text is an address whose letters follow EIP-55 exactly. */
bool mp_address_is_checksummed(const char *text);
/** True if all 20 bytes are zero. */
bool mp_address_is_zero(const uint8_t addr[20]);

#endif /* MPAVS_ADDRESS_H */
