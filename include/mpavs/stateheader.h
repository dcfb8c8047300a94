/*
** stateheader.h: the StateHeader operators BLS-sign and MultiProverServiceManager
** confirms (docs/protocol.md section 1), its signed digest and its ABI encoding.
**
**   digest = keccak256(abi.encode(STATEHEADER_TYPEHASH, chainId, serviceManager,
**                                 identifier, keccak256(metadata), keccak256(state),
**                                 referenceBlockNumber))
**
** The chain id and the service manager (proxy) address bind a signature to one
** deployment. Metadata and state are opaque to the contract; the devnet's
** encodings for identifiers 1 (L2 block) and 2 (L2 batch) have helpers here.
*/
#ifndef MPAVS_STATEHEADER_H
#define MPAVS_STATEHEADER_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

/* Committee identifiers of the devnet deployment. */
#define MP_STATE_L2_BLOCK 1
#define MP_STATE_L2_BATCH 2

/** A StateHeader; metadata and state are borrowed. */
typedef struct mp_state_header {
    uint8_t identifier[32];  /* uint256, big-endian */
    const uint8_t *metadata; /* abi-encoded task description */
    size_t metadata_len;
    const uint8_t *state; /* abi-encoded proven state */
    size_t state_len;
    uint32_t reference_block; /* L1 block whose operator sets and stakes count */
} mp_state_header;

/** The digest operators sign for a deployment on chain chain_id whose
 ** service manager (the proxy) is service_manager. */
void mp_state_header_digest(uint8_t out[32], const mp_state_header *h, uint64_t chain_id,
                            const uint8_t service_manager[20]);

/** What a prover's enclave key signs for a proven state (docs/protocol.md 8.1):
 ** keccak256(abi.encode(PROVER_STATE_TYPEHASH, identifier, keccak256(metadata),
 ** keccak256(state))), PROVER_STATE_TYPEHASH = keccak256("MpavsProverState(uint256
 ** identifier,bytes metadata,bytes state)"). Unlike the header digest it names no
 ** deployment or reference block: the enclave attests the L2 state only. */
void mp_prover_state_digest(uint8_t out[32], const uint8_t identifier[32], const uint8_t *metadata,
                            size_t metadata_len, const uint8_t *state, size_t state_len);

/** Appends abi.encode(header) as a standalone tuple (uint256,bytes,bytes,uint32):
 ** its head and tail, offsets relative to its start. */
MP_WUR int mp_state_header_encode(mp_buf *out, const mp_state_header *h, mp_err *err);

/** Calldata of MultiProverServiceManager.stateHeaderDigest(header), the view
 ** that returns the digest a deployment expects (to check a configuration). */
MP_WUR int mp_state_header_digest_calldata(mp_buf *out, const mp_state_header *h, mp_err *err);

/** Identifier 1 metadata: abi.encode(uint256 l2ChainId, uint256 blockNumber). */
void mp_state_l2block_metadata(uint8_t out[64], uint64_t l2_chain_id, uint64_t block_number);
/** Identifier 1 state: abi.encode(bytes32 blockHash, bytes32 stateRoot). */
void mp_state_l2block_state(uint8_t out[64], const uint8_t block_hash[32],
                            const uint8_t state_root[32]);
/** Identifier 2 metadata: abi.encode(uint256 l2ChainId, uint256 batchIndex,
 ** uint256 firstBlock, uint256 lastBlock). */
void mp_state_l2batch_metadata(uint8_t out[128], uint64_t l2_chain_id, uint64_t batch_index,
                               uint64_t first_block, uint64_t last_block);
/** Identifier 2 state: abi.encode(bytes32 prevStateRoot, bytes32 postStateRoot,
 ** bytes32 batchHash). */
void mp_state_l2batch_state(uint8_t out[96], const uint8_t prev_root[32],
                            const uint8_t post_root[32], const uint8_t batch_hash[32]);

#endif /* MPAVS_STATEHEADER_H */
