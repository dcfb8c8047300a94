/*
** tx.h: Ethereum transactions: EIP-155 legacy and EIP-1559 (type 2)
** signing to raw bytes and hash, and decoding raw transactions back.
**
** Fee fields are 64-bit wei amounts (enough for 18 billion gwei per gas);
** value is a full 256-bit big-endian amount. Decoding rejects fees that do
** not fit in 64 bits, with a message saying so.
*/
#ifndef MPAVS_TX_H
#define MPAVS_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/secp.h"

enum mp_tx_type {
    MP_TX_LEGACY = 0,  /* EIP-155 when chain_id > 0; pre-EIP-155 (v = 27/28) when 0 */
    MP_TX_EIP1559 = 2, /* 0x02 || rlp([chainId, nonce, tip, maxFee, gas, to, value, data,
                          accessList, yParity, r, s]) */
};

typedef struct mp_tx {
    int type;          /* enum mp_tx_type */
    uint64_t chain_id; /* required for type 2; 0 = unprotected legacy */
    uint64_t nonce;
    uint64_t gas_price;        /* legacy only */
    uint64_t max_priority_fee; /* type 2: maxPriorityFeePerGas */
    uint64_t max_fee;          /* type 2: maxFeePerGas */
    uint64_t gas_limit;
    bool has_to; /* false: contract creation */
    uint8_t to[20];
    uint8_t value[32];   /* wei, big-endian */
    const uint8_t *data; /* calldata or init code (borrowed) */
    size_t data_len;
    const uint8_t *access_list; /* type 2: the RLP list as encoded, NULL = empty (borrowed) */
    size_t access_list_len;
    /* the signature, filled by mp_tx_sign and mp_tx_decode */
    int y_parity; /* recovery id 0 or 1 */
    uint8_t r[32], s[32];
} mp_tx;

/** The hash a signer signs: keccak256 of the unsigned encoding (with chain id,
 ** per EIP-155 for legacy). */
MP_WUR int mp_tx_signing_hash(const mp_tx *tx, uint8_t hash[32], mp_err *err);
/** Signs tx with sk (filling y_parity, r, s), appends the raw signed bytes to
 ** raw and writes the transaction hash (keccak256 of them). ctx may be NULL. */
MP_WUR int mp_tx_sign(mp_tx *tx, mp_secp *ctx, const uint8_t sk[32], mp_buf *raw,
                      uint8_t tx_hash[32], mp_err *err);
/** Appends the signed encoding of a tx that already has its signature. */
MP_WUR int mp_tx_encode_signed(const mp_tx *tx, mp_buf *raw, mp_err *err);
/** Decodes a raw signed legacy or type-2 transaction. data and access_list
 ** point into raw, which must outlive tx. Strict RLP; unknown types refused. */
MP_WUR int mp_tx_decode(mp_tx *tx, const uint8_t *raw, size_t len, mp_err *err);
/** Recovers the sender of a signed tx. MP_ERR_VERIFY if the signature is bad. */
MP_WUR int mp_tx_sender(const mp_tx *tx, uint8_t from[20], mp_err *err);

#endif /* MPAVS_TX_H */
