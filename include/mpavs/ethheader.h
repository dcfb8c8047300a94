/*
** ethheader.h: Ethereum block headers as JSON-RPC nodes return them, checked
** against their hash.
**
** A node's eth_getBlockByNumber answer is not evidence by itself: a prover
** re-encodes the header fields in RLP, in the consensus order (London base
** fee, Shanghai withdrawals root, Cancun blob gas and beacon root, Prague
** requests hash, each present only from its fork on), and accepts the block
** only when keccak256 of that encoding equals the block hash the node claims.
** Linking parent hashes from a trusted block then makes a chain of such
** headers consistent (it proves consistency, not execution).
*/
#ifndef MPAVS_ETHHEADER_H
#define MPAVS_ETHHEADER_H

#include <jansson.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

/** The fields of a checked header a prover uses. */
typedef struct mp_eth_header {
    uint64_t number;
    uint64_t timestamp;
    uint8_t hash[32]; /* keccak256(rlp(header)), equal to the node's "hash" */
    uint8_t parent_hash[32];
    uint8_t state_root[32];
} mp_eth_header;

/** Appends the RLP encoding of the header fields of block (a JSON block
 ** object). MP_ERR_PARSE names a missing or malformed field, or a fork field
 ** present while an earlier one is absent. */
MP_WUR int mp_eth_header_rlp(mp_buf *out, const json_t *block, mp_err *err);
/** keccak256 of mp_eth_header_rlp (what the block hash must be). */
MP_WUR int mp_eth_header_hash(uint8_t hash[32], const json_t *block, mp_err *err);
/** Decodes block and checks that its header hashes to its "hash" member:
 ** MP_ERR_VERIFY (naming the block number) when it does not. */
MP_WUR int mp_eth_header_check(mp_eth_header *out, const json_t *block, mp_err *err);

#endif /* MPAVS_ETHHEADER_H */
