/*
** trie.h: Ethereum's Merkle-Patricia trie (yellow paper, appendix D): the
** root of a full key/value set (state, storage, transactions, receipts) and
** verification of eth_getProof-style proofs against a root.
**
** Keys are byte strings (the "secure" tries of state and storage hash them
** first; the caller does that). A value is stored as given (usually RLP).
** A partial trie holds only the nodes it was given (proof nodes) and updates
** them in place; where it needs a node it does not have, it says which.
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

/** Receives one node's RLP (a node referenced by hash, or the root). */
typedef void (*mp_trie_node_fn)(void *ctx, const uint8_t *rlp, size_t len);
/** mp_trie_root that also hands every hashed node and the root node to fn,
 ** e.g. to serve proofs or to seed a partial trie. */
MP_WUR int mp_trie_root_nodes(uint8_t root[32], mp_trie_kv *kv, size_t n, mp_trie_node_fn fn,
                              void *ctx, mp_err *err);

/** Root of the list trie of transactions or receipts: key rlp(i) for item i. */
MP_WUR int mp_trie_list_root(uint8_t root[32], const uint8_t *const *items, const size_t *lens,
                             size_t n, mp_err *err);

/** Walks a proof (the nodes from the root down, as eth_getProof returns them;
 ** any order, extra nodes ignored) for key. On MP_OK, *found says whether the key is present and
 *val gets its
 ** value (appended). MP_ERR_VERIFY when a node does not hash to its reference
 ** or the proof ends before the key is decided; MP_ERR_PARSE on a malformed node. */
MP_WUR int mp_trie_proof_get(const uint8_t root[32], const uint8_t *key, size_t key_len,
                             const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                             bool *found, mp_buf *val, mp_err *err);

/** An account as the state trie stores it. */
typedef struct mp_trie_account {
    uint64_t nonce;
    uint8_t balance[32]; /* big-endian wei */
    uint8_t storage_root[32];
    uint8_t code_hash[32];
} mp_trie_account;

/** Verifies an eth_getProof accountProof for addr against a state root. On
 ** MP_OK, *found says whether the account exists and acct holds it (an absent
 ** account reads as empty). Errors as mp_trie_proof_get, MP_ERR_PARSE for a
 ** malformed account. */
MP_WUR int mp_trie_proof_account(const uint8_t state_root[32], const uint8_t addr[20],
                                 const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                                 bool *found, mp_trie_account *acct, mp_err *err);
/** Verifies a storageProof for slot against an account's storage root; value
 ** gets the slot's value (zero when absent). */
MP_WUR int mp_trie_proof_storage(const uint8_t storage_root[32], const uint8_t slot[32],
                                 const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                                 uint8_t value[32], mp_err *err);

/* ---- partial trie: a trie known only through some of its nodes ---- */

/** Where a needed node is missing: its hash and the nibble path from the root
 ** to it (path[i] in 0..15). Fetch it (e.g. with eth_getProof for a key under
 ** that path), add it, and retry. */
typedef struct mp_trie_missing {
    uint8_t hash[32];
    uint8_t path[64];
    size_t path_len;
} mp_trie_missing;

/** MP_RC detail of MP_ERR_NOTFOUND: a node the operation needs is not known. */
#define MP_TRIE_ERR_MISSING MP_RC(MP_ERR_NOTFOUND, 1)

typedef struct mp_trie_partial mp_trie_partial;

/** A partial trie with the given root and no nodes yet. */
MP_WUR int mp_trie_partial_new(mp_trie_partial **out, const uint8_t root[32], mp_err *err);
/** Frees it (NULL is fine). */
void mp_trie_partial_free(mp_trie_partial *t);
/** Adds a node (its RLP, e.g. from a proof); it is used when its hash is referenced. */
MP_WUR int mp_trie_partial_add_node(mp_trie_partial *t, const uint8_t *rlp, size_t len,
                                    mp_err *err);
/** Looks up key: *found and val as for mp_trie_proof_get. MP_TRIE_ERR_MISSING
 ** (with *missing filled) when a node on the way is not known. */
MP_WUR int mp_trie_partial_get(mp_trie_partial *t, const uint8_t *key, size_t key_len, bool *found,
                               mp_buf *val, mp_trie_missing *missing, mp_err *err);
/** Inserts or updates key (val_len > 0) or deletes it (val_len == 0). On
 ** MP_TRIE_ERR_MISSING the trie is unchanged and *missing names the node. */
MP_WUR int mp_trie_partial_put(mp_trie_partial *t, const uint8_t *key, size_t key_len,
                               const uint8_t *val, size_t val_len, mp_trie_missing *missing,
                               mp_err *err);
/** The root of the trie as it is now. */
MP_WUR int mp_trie_partial_root(mp_trie_partial *t, uint8_t root[32], mp_err *err);

#endif /* MPAVS_TRIE_H */
