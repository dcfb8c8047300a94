/*
** stateheader.c: the StateHeader digest and encodings (include/mpavs/stateheader.h).
** The digest is keccak-256 over exactly 7 words; the forge test
** test_stateHeaderDigest_MatchesDocumentedVector and tests/unit/test_avs.c hold the
** same worked example (docs/protocol.md section 1).
*/
#include "mpavs/stateheader.h"
#include "mpavs/abi.h"
#include "mpavs/keccak.h"
#include "mpavs/u256.h"

#include <string.h>

/* keccak256("StateHeader(uint256 chainId,address serviceManager,uint256 identifier,bytes
** metadata,bytes state,uint32 referenceBlockNumber)"); test_avs derives it from the string. */
static const uint8_t state_header_typehash[32] = {
    0xa7, 0x3a, 0x59, 0x75, 0x37, 0x24, 0xb4, 0xca, 0x60, 0x2a, 0x08, 0xea, 0xa4, 0x46, 0x6d, 0x11,
    0x57, 0xb8, 0xaf, 0xe4, 0x58, 0xed, 0xb2, 0x14, 0x7a, 0xa9, 0x6f, 0xbe, 0x5a, 0xc9, 0x55, 0xcb,
};

void mp_state_header_digest(uint8_t out[32], const mp_state_header *h, uint64_t chain_id,
                            const uint8_t service_manager[20])
{
    uint8_t words[7][32];
    memcpy(words[0], state_header_typehash, 32);
    mp_u256_from_u64(words[1], chain_id);
    mp_abi_address_word(words[2], service_manager);
    memcpy(words[3], h->identifier, 32);
    mp_keccak256(words[4], h->metadata, h->metadata_len);
    mp_keccak256(words[5], h->state, h->state_len);
    mp_u256_from_u64(words[6], h->reference_block);
    mp_keccak256(out, words, sizeof words);
}

/* keccak256("MpavsProverState(uint256 identifier,bytes metadata,bytes state)") */
static const uint8_t prover_state_typehash[32] = {
    0x79, 0x0e, 0xe4, 0x19, 0xef, 0xb1, 0x3c, 0x18, 0xcb, 0xf6, 0xf5, 0x44, 0xcd, 0x99, 0xe0, 0xb4,
    0x07, 0x8b, 0xa3, 0xa7, 0xb8, 0x15, 0x0a, 0xe0, 0x9c, 0x58, 0x6d, 0xca, 0x82, 0x9b, 0x0d, 0x1a,
};

void mp_prover_state_digest(uint8_t out[32], const uint8_t identifier[32], const uint8_t *metadata,
                            size_t metadata_len, const uint8_t *state, size_t state_len)
{
    uint8_t words[4][32];
    memcpy(words[0], prover_state_typehash, 32);
    memcpy(words[1], identifier, 32);
    mp_keccak256(words[2], metadata, metadata_len);
    mp_keccak256(words[3], state, state_len);
    mp_keccak256(out, words, sizeof words);
}

int mp_state_header_encode(mp_buf *out, const mp_state_header *h, mp_err *err)
{
    MP_ARG_CHECK(err, h != NULL && (h->metadata != NULL || h->metadata_len == 0));
    MP_ARG_CHECK(err, h->state != NULL || h->state_len == 0);
    /* head: identifier, offset(metadata), offset(state), referenceBlockNumber */
    size_t meta_off = 4 * 32;
    size_t state_off = meta_off + mp_abi_tail_bytes_len(h->metadata_len);
    mp_abi_put_word(out, h->identifier);
    mp_abi_put_u64(out, meta_off);
    mp_abi_put_u64(out, state_off);
    mp_abi_put_u64(out, h->reference_block);
    mp_abi_put_tail_bytes(out, h->metadata, h->metadata_len);
    mp_abi_put_tail_bytes(out, h->state, h->state_len);
    return mp_buf_check(out, err);
}

int mp_state_header_digest_calldata(mp_buf *out, const mp_state_header *h, mp_err *err)
{
    MP_TRY(mp_abi_put_selector(out, "stateHeaderDigest((uint256,bytes,bytes,uint32))", err));
    mp_abi_put_u64(out, 32); /* the one dynamic argument starts after its offset word */
    return mp_state_header_encode(out, h, err);
}

void mp_state_l2block_metadata(uint8_t out[64], uint64_t l2_chain_id, uint64_t block_number)
{
    mp_u256_from_u64(out, l2_chain_id);
    mp_u256_from_u64(out + 32, block_number);
}

void mp_state_l2block_state(uint8_t out[64], const uint8_t block_hash[32],
                            const uint8_t state_root[32])
{
    memcpy(out, block_hash, 32);
    memcpy(out + 32, state_root, 32);
}

void mp_state_l2batch_metadata(uint8_t out[128], uint64_t l2_chain_id, uint64_t batch_index,
                               uint64_t first_block, uint64_t last_block)
{
    mp_u256_from_u64(out, l2_chain_id);
    mp_u256_from_u64(out + 32, batch_index);
    mp_u256_from_u64(out + 64, first_block);
    mp_u256_from_u64(out + 96, last_block);
}

void mp_state_l2batch_state(uint8_t out[96], const uint8_t prev_root[32],
                            const uint8_t post_root[32], const uint8_t batch_hash[32])
{
    memcpy(out, prev_root, 32);
    memcpy(out + 32, post_root, 32);
    memcpy(out + 64, batch_hash, 32);
}
