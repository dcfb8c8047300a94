/*
** trie.h: Ethereum's Merkle-Patricia trie (yellow paper, appendix D): the
** root of a full key/value set (state, storage, transactions, receipts) and
** verification of eth_getProof-style proofs against a root.
**
** Keys are byte strings (the "secure" tries of state and storage hash them
** first; the caller does that). A value is stored as given (usually RLP).
*/
#ifndef MPAVS_TRIE_H
#define MPAVS_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

/** keccak256(rlp("")): the root of an empty trie. */
extern const uint8_t MP_TRIE_EMPTY_ROOT[32];

typedef struct mp_trie_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *val; /* a non-empty value; empty values mean "absent" and must be left out */
    size_t val_len;
} mp_trie_kv;

/** Root of the trie holding the n pairs (any order; kv is sorted in place).
 ** MP_ERR_INVALID on two equal keys or an empty value, MP_ERR_NOMEM. */
MP_WUR int mp_trie_root(uint8_t root[32], mp_trie_kv *kv, size_t n, mp_err *err);

/** Root of the list trie of transactions or receipts: key rlp(i) for item i. */
MP_WUR int mp_trie_list_root(uint8_t root[32], const uint8_t *const *items, const size_t *lens,
                             size_t n, mp_err *err);

/** Walks a proof (the nodes from the root down, as eth_getProof returns them)
 ** for key. On MP_OK, *found says whether the key is present and val gets its
 ** value (appended). MP_ERR_VERIFY when a node does not hash to its reference
 ** or the proof ends before the key is decided; MP_ERR_PARSE on a malformed node. */
MP_WUR int mp_trie_proof_get(const uint8_t root[32], const uint8_t *key, size_t key_len,
                             const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                             bool *found, mp_buf *val, mp_err *err);

#endif /* MPAVS_TRIE_H */
