/*
** ethrpc.h: the Ethereum JSON-RPC methods mpavs uses, on top of mp_rpc.
**
** Responses are parsed strictly: every field read must be present and well
** formed (quantities "0x" + hex, hashes 32 bytes, addresses 20 bytes), or the
** call fails with MP_ERR_PARSE naming the method and field. A null result for
** a block or receipt is MP_ERR_NOTFOUND. A call or gas estimate that reverts
** is MP_ERR_REVERTED with the decoded reason in the message; the raw revert
** data stays available through mp_eth_revert_data.
*/
#ifndef MPAVS_ETHRPC_H
#define MPAVS_ETHRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/rpc.h"

/* Block tags, given where a block number is expected. */
#define MP_BLOCK_LATEST    UINT64_MAX
#define MP_BLOCK_PENDING   (UINT64_MAX - 1)
#define MP_BLOCK_SAFE      (UINT64_MAX - 2)
#define MP_BLOCK_FINALIZED (UINT64_MAX - 3)
#define MP_BLOCK_EARLIEST  (UINT64_MAX - 4)

typedef struct mp_eth_block {
    uint64_t number, timestamp, gas_limit, gas_used;
    uint8_t hash[32], parent_hash[32], state_root[32];
    bool has_base_fee; /* London and later */
    uint64_t base_fee;
    size_t ntx; /* transactions in the block */
} mp_eth_block;

typedef struct mp_eth_log {
    uint8_t address[20];
    uint8_t topics[4][32];
    size_t ntopics;
    uint8_t *data; /* malloc'd */
    size_t data_len;
    uint64_t block_number, tx_index, log_index;
    uint8_t block_hash[32], tx_hash[32];
    bool removed;
} mp_eth_log;

typedef struct mp_eth_logs {
    mp_eth_log *v;
    size_t n, cap;
} mp_eth_logs;

typedef struct mp_eth_receipt {
    uint8_t tx_hash[32], block_hash[32];
    uint64_t block_number, tx_index, gas_used, cumulative_gas_used;
    uint64_t effective_gas_price; /* 0 if the node did not say */
    bool status;                  /* true: success */
    uint8_t from[20];
    bool has_to;
    uint8_t to[20];
    bool has_contract; /* a contract was created at contract_address */
    uint8_t contract_address[20];
    mp_eth_logs logs;
} mp_eth_receipt;

typedef struct mp_eth_callmsg {
    const uint8_t *from; /* 20 bytes, or NULL */
    const uint8_t *to;   /* 20 bytes, or NULL for contract creation */
    const uint8_t *data; /* calldata */
    size_t data_len;
    const uint8_t *value; /* 32-byte big-endian wei, or NULL */
    uint64_t gas;         /* 0: let the node choose */
} mp_eth_callmsg;

/** A set of alternatives for one topic position; n == 0 matches anything. */
typedef struct mp_eth_topic_set {
    const uint8_t (*any)[32];
    size_t n;
} mp_eth_topic_set;

typedef struct mp_eth_filter {
    uint64_t from_block, to_block; /* numbers (tags allowed, then no splitting) */
    const uint8_t (*addresses)[20];
    size_t naddresses;
    mp_eth_topic_set topics[4];
    uint64_t max_range; /* query at most this many blocks at once; 0 = no limit */
} mp_eth_filter;

typedef struct mp_eth_fee_hist {
    uint64_t oldest_block;
    size_t nblocks;         /* blocks reported */
    uint64_t *base_fees;    /* nblocks + 1 entries: the last is the next block's */
    double *gas_used_ratio; /* nblocks entries */
    uint64_t *rewards;      /* nblocks * npercentiles, row by row; NULL if none asked */
    size_t npercentiles;
} mp_eth_fee_hist;

/** Frees the logs' data and the array; logs is zeroed. */
void mp_eth_logs_free(mp_eth_logs *logs);
/** Frees what a receipt owns (its logs). */
void mp_eth_receipt_free(mp_eth_receipt *r);
/** Frees the arrays of a fee history; h is zeroed. */
void mp_eth_fee_history_free(mp_eth_fee_hist *h);

/** eth_chainId. */
MP_WUR int mp_eth_chain_id(mp_rpc *c, uint64_t *out, mp_err *err);
/** eth_blockNumber: the latest block's number. */
MP_WUR int mp_eth_block_number(mp_rpc *c, uint64_t *out, mp_err *err);
/** A block header summary by number or tag. MP_ERR_NOTFOUND if there is none. */
MP_WUR int mp_eth_get_block_by_number(mp_rpc *c, uint64_t number, mp_eth_block *out, mp_err *err);
/** The same by block hash. */
MP_WUR int mp_eth_get_block_by_hash(mp_rpc *c, const uint8_t hash[32], mp_eth_block *out,
                                    mp_err *err);
/** eth_call at a block: appends the return data to out. */
MP_WUR int mp_eth_call(mp_rpc *c, const mp_eth_callmsg *msg, uint64_t block, mp_buf *out,
                       mp_err *err);
/** n eth_calls at one block in one JSON-RPC batch (1 <= n <= MP_RPC_MAX_BATCH):
 ** appends the return data of call i to outs[i]. A revert of any call fails the
 ** whole batch with MP_ERR_REVERTED and its reason. */
MP_WUR int mp_eth_call_batch(mp_rpc *c, const mp_eth_callmsg *msgs, size_t n, uint64_t block,
                             mp_buf *outs, mp_err *err);
/** eth_estimateGas at the latest block; a revert is MP_ERR_REVERTED with the reason. */
MP_WUR int mp_eth_estimate_gas(mp_rpc *c, const mp_eth_callmsg *msg, uint64_t *gas, mp_err *err);
/** eth_gasPrice in wei. */
MP_WUR int mp_eth_gas_price(mp_rpc *c, uint64_t *out, mp_err *err);
/** eth_maxPriorityFeePerGas in wei (an error object if the node lacks the method). */
MP_WUR int mp_eth_max_priority_fee(mp_rpc *c, uint64_t *out, mp_err *err);
/** eth_feeHistory over nblocks ending at newest, with reward percentiles. */
MP_WUR int mp_eth_fee_history(mp_rpc *c, uint64_t nblocks, uint64_t newest,
                              const double *percentiles, size_t npercentiles, mp_eth_fee_hist *out,
                              mp_err *err);
/** eth_getTransactionCount of addr at a block or tag (MP_BLOCK_PENDING: next nonce). */
MP_WUR int mp_eth_get_transaction_count(mp_rpc *c, const uint8_t addr[20], uint64_t block,
                                        uint64_t *out, mp_err *err);
/** Sends a signed raw transaction; writes the hash the node returns. */
MP_WUR int mp_eth_send_raw_transaction(mp_rpc *c, const uint8_t *raw, size_t len, uint8_t hash[32],
                                       mp_err *err);
/** MP_ERR_NOTFOUND while the transaction is not mined. */
MP_WUR int mp_eth_get_transaction_receipt(mp_rpc *c, const uint8_t hash[32], mp_eth_receipt *out,
                                          mp_err *err);
/** Appends the logs matching f to out. Each answer may be as large as
 ** c->opts.max_large_response (mp_rpc_call_large). Ranges are split in halves
 ** and retried when the node says the range or the result is too large, or the
 ** answer is over that cap, down to a single block; f->max_range caps each
 ** query up front. */
MP_WUR int mp_eth_get_logs(mp_rpc *c, const mp_eth_filter *f, mp_eth_logs *out, mp_err *err);
/** eth_getCode: appends the code at addr (nothing for an account without code). */
MP_WUR int mp_eth_get_code(mp_rpc *c, const uint8_t addr[20], uint64_t block, mp_buf *out,
                           mp_err *err);

/** Describes revert data: Error("reason"), Panic(0x11: arithmetic overflow),
 ** or "custom error 0x12345678 (data 0x...)". Always NUL-terminates out. */
void mp_eth_revert_describe(char *out, size_t cap, const uint8_t *data, size_t len);
/** Appends the revert data of the last reverted call or estimate on c (empty
 ** if the node gave none). */
MP_WUR int mp_eth_revert_data(const mp_rpc *c, mp_buf *out, mp_err *err);
/** True if the last error object on c says "execution reverted". */
bool mp_eth_is_revert(const mp_rpc *c);

#endif /* MPAVS_ETHRPC_H */
