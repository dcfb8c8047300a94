/*
** evm.h: an Ethereum Virtual Machine with Cancun rules: an in-memory world
** state with a journal, the interpreter with the full gas schedule,
** precompiles 0x01-0x09, and transaction execution (legacy, EIP-2930,
** EIP-1559, EIP-4844 accounting).
**
** The KZG point-evaluation precompile (0x0a) is not implemented: a call that
** reaches it makes the transaction fail with MP_EVM_ERR_UNSUPPORTED, so a
** re-execution refuses rather than guesses.
*/
#ifndef MPAVS_EVM_H
#define MPAVS_EVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/trie.h"
#include "mpavs/w256.h"

/** The transaction is invalid (nonce, balance, fees, gas, sizes): not included. */
#define MP_EVM_ERR_TX_INVALID MP_RC(MP_ERR_INVALID, 1)
/** Execution reached something this EVM does not implement (KZG precompile). */
#define MP_EVM_ERR_UNSUPPORTED MP_RC(MP_ERR_INVALID, 2)

typedef struct mp_evm_state mp_evm_state;

/** Creates an empty world state. */
MP_WUR int mp_evm_state_new(mp_evm_state **out, mp_err *err);
/** Frees a state (NULL is fine). */
void mp_evm_state_free(mp_evm_state *st);
/** Creates or replaces an account (its storage is kept). Code is copied. */
MP_WUR int mp_evm_state_set_account(mp_evm_state *st, const uint8_t addr[20], uint64_t nonce,
                                    const mp_w256 *balance, const uint8_t *code, size_t code_len,
                                    mp_err *err);
/** Sets a storage slot of an existing account (set_account first). */
MP_WUR int mp_evm_state_set_storage(mp_evm_state *st, const uint8_t addr[20], const mp_w256 *key,
                                    const mp_w256 *val, mp_err *err);
/** True when the account exists; fills the out-parameters that are not NULL. */
bool mp_evm_state_get_account(const mp_evm_state *st, const uint8_t addr[20], uint64_t *nonce,
                              mp_w256 *balance, const uint8_t **code, size_t *code_len);
/** The value of a storage slot (zero when absent). */
void mp_evm_state_get_storage(const mp_evm_state *st, const uint8_t addr[20], const mp_w256 *key,
                              mp_w256 *val);
/** The state root of the whole state (secure trie of RLP accounts). */
MP_WUR int mp_evm_state_root(const mp_evm_state *st, uint8_t root[32], mp_err *err);

/** Receives one account entry of a state (exists false: looked at, absent). */
typedef void (*mp_evm_acct_fn)(void *ctx, const uint8_t addr[20], bool exists);
/** Receives one storage slot entry of an existing account, with its current value. */
typedef void (*mp_evm_slot_fn)(void *ctx, const uint8_t addr[20], const mp_w256 *key,
                               const mp_w256 *val);
/** Visits every account entry: those set with mp_evm_state_set_account and
 ** every address execution looked at, and of each existing account every slot
 ** set or looked at (the slots of a deleted account are gone). A stateless
 ** re-execution uses it to check that execution stayed inside its witness and
 ** to collect the changes. sf may be NULL. */
void mp_evm_state_visit(const mp_evm_state *st, mp_evm_acct_fn af, mp_evm_slot_fn sf, void *ctx);
/** The state root, handing every hashed node of the state and storage tries
 ** (and their roots) to fn: material for proofs and partial tries. */
MP_WUR int mp_evm_state_root_nodes(const mp_evm_state *st, uint8_t root[32], mp_trie_node_fn fn,
                                   void *ctx, mp_err *err);

/** Returns the hash of block number n (asked only for the 256 blocks below the current one). */
typedef void (*mp_evm_blockhash_fn)(void *ctx, uint64_t n, uint8_t out[32]);

typedef struct mp_evm_block {
    uint8_t coinbase[20];
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit;
    mp_w256 base_fee;
    uint8_t prev_randao[32];
    uint64_t excess_blob_gas;
    uint64_t chain_id;
    mp_evm_blockhash_fn blockhash; /* NULL: zero hashes */
    void *blockhash_ctx;
} mp_evm_block;

typedef struct mp_evm_access {
    uint8_t addr[20];
    const mp_w256 *keys; /* storage keys */
    size_t n_keys;
} mp_evm_access;

typedef struct mp_evm_tx {
    int type; /* 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844 */
    uint8_t sender[20];
    uint64_t nonce;
    uint64_t gas_limit;
    mp_w256 gas_price;    /* types 0 and 1 */
    mp_w256 max_fee;      /* types 2 and 3 (max fee per gas) */
    mp_w256 max_priority; /* types 2 and 3 */
    mp_w256 max_fee_blob; /* type 3: max fee per blob gas */
    bool has_to;          /* false: contract creation */
    uint8_t to[20];
    mp_w256 value;
    const uint8_t *data;
    size_t data_len;
    const mp_evm_access *access; /* access list (types 1-3) */
    size_t n_access;
    const uint8_t (*blob_hashes)[32]; /* type 3: versioned hashes */
    size_t n_blobs;
} mp_evm_tx;

typedef struct mp_evm_log {
    uint8_t addr[20];
    uint8_t topics[4][32];
    unsigned n_topics;
    uint8_t *data;
    size_t data_len;
} mp_evm_log;

enum mp_evm_status { MP_EVM_SUCCESS = 0, MP_EVM_REVERT = 1, MP_EVM_FAILURE = 2 };

typedef struct mp_evm_result {
    enum mp_evm_status status;
    uint64_t gas_used; /* after refunds: what the sender pays for */
    mp_buf output;     /* return or revert data of the top call */
    mp_evm_log *logs;  /* logs of a successful transaction */
    size_t n_logs;
    bool created; /* a creation that succeeded */
    uint8_t created_addr[20];
} mp_evm_result;

/** What a decoded transaction's pointers lead to (access list, blob hashes). */
typedef struct mp_evm_tx_buf {
    mp_evm_access *access;
    mp_w256 *keys;
    uint8_t (*blobs)[32];
} mp_evm_tx_buf;

/** Decodes a raw signed transaction as a block body holds it (a legacy RLP
 ** list, or a 0x01/0x02/0x03 typed envelope) and recovers its sender (low s
 ** required; legacy with v 27/28 or EIP-155 for chain_id). tx->data points
 ** into raw; buf owns the rest (free with mp_evm_tx_buf_free, also after an
 ** error). MP_ERR_PARSE on malformed input, MP_ERR_VERIFY on a bad signature
 ** or another chain. */
MP_WUR int mp_evm_tx_decode(mp_evm_tx *tx, mp_evm_tx_buf *buf, const uint8_t *raw, size_t len,
                            uint64_t chain_id, mp_err *err);
/** Frees what mp_evm_tx_decode allocated (safe on a zeroed buf). */
void mp_evm_tx_buf_free(mp_evm_tx_buf *buf);

/** Frees what a result owns (output, logs). */
void mp_evm_result_free(mp_evm_result *r);

/** Blob base fee for an excess blob gas (EIP-4844 fake exponential). */
void mp_evm_blob_base_fee(mp_w256 *out, uint64_t excess_blob_gas);

/** Validates and executes tx on st in block env. MP_OK: the transaction is
 ** included (r says how it went; the caller frees r). MP_EVM_ERR_TX_INVALID:
 ** invalid, st unchanged, err says why. MP_EVM_ERR_UNSUPPORTED: execution hit
 ** the KZG precompile; st is left in an unspecified state. */
MP_WUR int mp_evm_tx_apply(mp_evm_state *st, const mp_evm_block *env, const mp_evm_tx *tx,
                           mp_evm_result *r, mp_err *err);

/** Runs code as a message call from a fixed caller to a fixed address with
 ** input and gas, committing nothing but the state changes (for `evm run`). */
MP_WUR int mp_evm_run_code(mp_evm_state *st, const mp_evm_block *env, const uint8_t *code,
                           size_t code_len, const uint8_t *input, size_t input_len, uint64_t gas,
                           mp_evm_result *r, mp_err *err);

/** A system call (EIP-4788 beacon root): a message from `from` to `to` with
 ** data and gas, no fees and no nonce change, committed like a transaction.
 ** Nothing happens when `to` has no code. */
MP_WUR int mp_evm_system_call(mp_evm_state *st, const mp_evm_block *env, const uint8_t from[20],
                              const uint8_t to[20], const uint8_t *data, size_t len, uint64_t gas,
                              mp_err *err);
/** Credits a withdrawal (EIP-4895) of amount_gwei to addr. */
MP_WUR int mp_evm_withdraw(mp_evm_state *st, const uint8_t addr[20], uint64_t amount_gwei,
                           mp_err *err);
/** Appends a receipt's consensus encoding: type byte (types 1-3) then
 ** rlp([status, cumulative gas, bloom, logs]). */
void mp_evm_receipt_encode(mp_buf *out, int type, bool success, uint64_t cumulative_gas,
                           const mp_evm_log *logs, size_t n_logs);

/** keccak256 of the RLP list of logs [[address, [topics], data], ...]. */
void mp_evm_logs_hash(uint8_t out[32], const mp_evm_log *logs, size_t n);
/** ORs the logs' 2048-bit bloom into bloom. */
void mp_evm_logs_bloom(uint8_t bloom[256], const mp_evm_log *logs, size_t n);

#endif /* MPAVS_EVM_H */
