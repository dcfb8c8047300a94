/*
** rx_int.h: internals of the stateless re-execution (reexec.h): the witness
** and the transaction decoder shared by witness.c, ethtx.c and reexec.c.
*/
#ifndef MPAVS_RX_INT_H
#define MPAVS_RX_INT_H

#include <jansson.h>

#include "mpavs/buf.h"
#include "mpavs/evm.h"
#include "mpavs/reexec.h"
#include "mpavs/trie.h"

typedef struct rx_slot {
    mp_w256 key, val; /* val: proven value at the parent block */
} rx_slot;

typedef struct rx_acct {
    uint8_t addr[20];
    bool exists; /* at the parent block (proven) */
    uint64_t nonce;
    mp_w256 balance;
    uint8_t storage_root[32], code_hash[32];
    mp_buf code;
    rx_slot *slots;
    size_t n_slots, cap_slots;
    mp_trie_partial *storage; /* storage trie at the parent, seeded with proof nodes */
    bool dirty;               /* storage changed by the block (root to recompute) */
} rx_acct;

typedef struct rx_witness {
    mp_rpc *c;
    uint64_t number;
    json_t *block; /* block `number` with full transactions, header checked */
    uint8_t parent_root[32];
    mp_trie_partial *state; /* state trie at the parent, seeded with proof nodes */
    rx_acct *accts;
    size_t n, cap;
    uint8_t (*hashes)[32]; /* hashes[i]: proven hash of block number - 1 - i */
    size_t n_hashes;
    uint64_t max_search;
    bool anvil_trie;             /* mp_reexec_opts.anvil_trie */
    uint64_t fault_coinbase_wei; /* mp_reexec_opts.fault_coinbase_wei */
    unsigned node_fetches;
    mp_reexec_times *t;
} rx_witness;

/* Timing: seconds of a monotonic clock, for mp_reexec_times. */
double rx_now_ms(void);

/* ---- witness.c ---- */

/** Fetches block number and its parent header, checks both hashes and the
 ** link, proves the hash of number-1, and creates the state trie at the
 ** parent state root (which must equal trusted when not NULL). */
MP_WUR int rx_witness_open(rx_witness *w, mp_rpc *c, uint64_t number, const uint8_t *trusted,
                           mp_err *err);
void rx_witness_free(rx_witness *w);
/** Adds the keys of the block's prestate trace. */
MP_WUR int rx_witness_trace(rx_witness *w, mp_err *err);
/** The account entry of addr or NULL. */
rx_acct *rx_witness_find(rx_witness *w, const uint8_t addr[20]);
/** Makes sure addr and its slots keys[0..n) are proven (fetching what is not). */
MP_WUR int rx_witness_need(rx_witness *w, const uint8_t addr[20], const mp_w256 *keys, size_t n,
                           mp_err *err);
/** The proven slot or NULL. */
const rx_slot *rx_acct_slot(const rx_acct *a, const mp_w256 *key);
/** Proves ancestor hashes down to block `lowest`. */
MP_WUR int rx_witness_hashes_to(rx_witness *w, uint64_t lowest, mp_err *err);
/** Fetches (through a proof of a key under the missing node's path) the node
 ** a partial-trie update needs; a == NULL: the state trie, else a's storage. */
MP_WUR int rx_witness_fetch_node(rx_witness *w, rx_acct *a, const mp_trie_missing *m, mp_err *err);

/* ---- ethtx.c ---- */

/** A JSON quantity ("0x..." up to 256 bits, leading zeros accepted) as 32 big-endian bytes. */
MP_WUR int rx_json_qty(const json_t *v, const char *name, uint8_t be[32], mp_err *err);

/** One transaction of a block, decoded from its JSON form. */
typedef struct rx_tx {
    mp_evm_tx tx; /* from mp_evm_tx_decode of raw: points into raw and buf */
    mp_evm_tx_buf buf;
    uint64_t chain_id; /* signed for (0: a pre-EIP-155 legacy transaction) */
    mp_buf raw;        /* consensus encoding (what the transactions root commits to) */
    mp_buf data;       /* input */
    mp_evm_access *access;
    mp_w256 *keys; /* all access-list keys, access[i].keys point in here */
    uint8_t (*blobs)[32];
} rx_tx;

/** Decodes tx (a JSON transaction object), encodes it and recovers its
 ** sender from the signature. MP_EVM_ERR_UNSUPPORTED for a type this EVM
 ** does not run (EIP-7702 and later); MP_ERR_PARSE on malformed fields;
 ** MP_ERR_VERIFY when the signature does not recover. */
MP_WUR int rx_tx_decode(rx_tx *out, const json_t *tx, mp_err *err);
void rx_tx_free(rx_tx *t);

#endif /* MPAVS_RX_INT_H */
