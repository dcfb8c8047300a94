/*
** reexec.h: stateless re-execution of an L2 block against a standard
** JSON-RPC node.
**
** The witness comes from standard methods only: the block with its
** transactions, the parent header (the pre-state root), the accounts and
** slots the block touches (debug_traceBlockByNumber with the prestateTracer,
** used only as a list of keys), their values with Merkle proofs at the parent
** block (eth_getProof), contract code (eth_getCode, checked against the proven
** code hash) and the ancestors' headers BLOCKHASH reads (checked by hash links).
** Every value is verified against the parent state root before use; whatever
** execution touches beyond the tracer's list is fetched and proven too, and
** the block is executed again, so an incomplete trace cannot change a result.
**
** The block's transactions run in our EVM with the header's environment; the
** post-state root (partial tries; a node a deletion needs is fetched through a
** proof of a key under it, never guessed), receipts root, logs bloom, gas used
** and blob gas used are computed and compared with the header.
*/
#ifndef MPAVS_REEXEC_H
#define MPAVS_REEXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/rpc.h"

typedef enum mp_reexec_status {
    MP_REEXEC_MATCH = 0,       /* every computed field equals the header's */
    MP_REEXEC_MISMATCH = 1,    /* see mismatch: the fields that differ */
    MP_REEXEC_UNSUPPORTED = 2, /* see reason: something this EVM or witness cannot do */
} mp_reexec_status;

/** Where time went, in milliseconds. */
typedef struct mp_reexec_times {
    double fetch;  /* JSON-RPC calls to the node */
    double verify; /* header hashes, Merkle proofs, code hashes, signatures */
    double exec;   /* running the transactions (every round) */
    double root;   /* post-state, receipts and bloom computation */
} mp_reexec_times;

typedef struct mp_reexec_result {
    mp_reexec_status status;
    uint64_t number;
    char mismatch[96]; /* comma-separated header fields that differ, e.g. "stateRoot,gasUsed" */
    char reason[MP_ERR_MSG_MAX + 40]; /* why unsupported, or the first invalid transaction */
    uint8_t block_hash[32];
    uint8_t parent_hash[32];           /* the block's parent hash (its header is checked) */
    uint8_t parent_root[32];           /* the pre-state root used */
    uint8_t state_root[32];            /* computed post-state root */
    uint8_t header_root[32];           /* the header's state root */
    uint64_t gas_used;                 /* computed */
    size_t n_txs, n_accounts, n_slots; /* accounts and slots proven */
    unsigned rounds;                   /* executions (1 + rounds that found untraced keys) */
    unsigned node_fetches;             /* trie nodes fetched for deletions */
    mp_reexec_times t;
} mp_reexec_result;

typedef struct mp_reexec_opts {
    uint64_t chain_id;          /* CHAINID, and what transactions must be signed for */
    const uint8_t *parent_root; /* trusted pre-state root (32 bytes); NULL: the parent header's */
    unsigned max_rounds;        /* 0: 8 */
    uint64_t max_search;        /* hashes tried to find a key under a missing node; 0: 1 << 22 */
    /* anvil's trie, not Ethereum's (tests and devnets on anvil only): anvil keeps every
     * storage slot a transaction loaded or wrote as a leaf, zero as rlp(0), and keeps an
     * account created and self-destructed in one transaction as an empty account.
     * Emulated: every slot execution touched is written (never deleted), and every
     * absent account execution touched outside 0x00..00ff and the system addresses is
     * written as an empty account. Never set this for a real chain. */
    bool anvil_trie;
    /* Fault injection for devnet and test provers only: wei credited to the coinbase before
     * the block runs, so the computed state root is really wrong (a faulty prover). */
    uint64_t fault_coinbase_wei;
} mp_reexec_opts;

/** Re-executes block `number` (>= 1) with a witness from c and fills out.
 ** MP_OK with out->status for match, mismatch or unsupported.
 ** MP_ERR_VERIFY when the node's answers do not check (a header not hashing to
 ** its hash, a broken parent link, a proof or code hash that fails, a
 ** transaction list not matching the transactions root, a parent state root
 ** different from opts->parent_root): the node lies or changed its chain.
 ** MP_ERR_RPC / MP_ERR_TIMEOUT: the node is unreachable or answered garbage. */
MP_WUR int mp_reexec_block(mp_rpc *c, uint64_t number, const mp_reexec_opts *opts,
                           mp_reexec_result *out, mp_err *err);

/** "match", "mismatch" or "unsupported". */
const char *mp_reexec_status_name(mp_reexec_status s);

#endif /* MPAVS_REEXEC_H */
