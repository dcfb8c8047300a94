/*
** secp.h: secp256k1 keys and ECDSA signatures for Ethereum, through
** libsecp256k1 (with its recovery module).
**
** Signatures are 64 bytes r || s (s always in the lower half, as Ethereum
** requires since Homestead) plus a recovery id 0 or 1. Secret keys are 32-byte
** big-endian scalars; every routine that touches one is constant-time (that is
** libsecp256k1's guarantee) and wipes its own copies.
**
** A context (mp_secp) is libsecp256k1's context randomised against side
** channels. Creating one costs tens of microseconds, so long-lived signers keep
** one; every function also accepts NULL and then makes a temporary one.
*/
#ifndef MPAVS_SECP_H
#define MPAVS_SECP_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

typedef struct mp_secp mp_secp;

/** Creates a randomised context. */
MP_WUR int mp_secp_create(mp_secp **out, mp_err *err);
/** Frees a context (NULL is fine). */
void mp_secp_destroy(mp_secp *ctx);

/** Draws a new secret key from the OS random source. */
MP_WUR int mp_secp_key_generate(uint8_t sk[32], mp_err *err);
/** MP_OK if sk is a valid secret key (0 < sk < n), else MP_ERR_INVALID. */
MP_WUR int mp_secp_key_check(const uint8_t sk[32], mp_err *err);
/** The public key X || Y (64 bytes, no 0x04 prefix) of sk. */
MP_WUR int mp_secp_pubkey(mp_secp *ctx, uint8_t pub[64], const uint8_t sk[32], mp_err *err);
/** The Ethereum address of sk. */
MP_WUR int mp_secp_address(mp_secp *ctx, uint8_t addr[20], const uint8_t sk[32], mp_err *err);

/** Signs a 32-byte hash (RFC 6979 nonce): sig = r || s with low s, *recid in {0, 1}. */
MP_WUR int mp_secp_sign(mp_secp *ctx, uint8_t sig[64], int *recid, const uint8_t hash[32],
                        const uint8_t sk[32], mp_err *err);
/** Signs and writes the 65-byte form r || s || v with v = 27 + recid, as
 ** personal_sign, EIP-712 and Solidity's ecrecover expect. */
MP_WUR int mp_secp_sign65(mp_secp *ctx, uint8_t sig[65], const uint8_t hash[32],
                          const uint8_t sk[32], mp_err *err);
/** Recovers the public key that made sig over hash. MP_ERR_VERIFY if none. */
MP_WUR int mp_secp_recover(uint8_t pub[64], const uint8_t hash[32], const uint8_t sig[64],
                           int recid, mp_err *err);
/** Recovers the signer's address. MP_ERR_VERIFY if sig is not a valid signature. */
MP_WUR int mp_secp_recover_address(uint8_t addr[20], const uint8_t hash[32], const uint8_t sig[64],
                                   int recid, mp_err *err);
/** Same for a 65-byte r || s || v signature (v 27/28 or 0/1); rejects high s. */
MP_WUR int mp_secp_recover_address65(uint8_t addr[20], const uint8_t hash[32],
                                     const uint8_t sig[65], mp_err *err);

/** The EIP-191 personal_sign hash: keccak256("\x19Ethereum Signed Message:\n"
 ** || decimal(len) || msg). */
void mp_secp_personal_hash(uint8_t out[32], const void *msg, size_t len);

#endif /* MPAVS_SECP_H */
