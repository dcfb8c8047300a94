/*
** txsend.h: sends EIP-1559 transactions from one key and sees them mined.
**
** For each request: the gas limit is estimated (revert -> MP_ERR_REVERTED
** with the decoded reason) and raised by a margin; the fees come from the node
** (max fee = base fee of the latest block * base_fee_mult + priority fee,
** capped by max_fee_cap); the nonce is tracked locally and resynced from the
** node ("pending" count) on "nonce too low" and after a timeout. The
** transaction is then sent and its receipt polled; if none arrives within
** resubmit_ms, the same nonce is re-signed with both fees raised by bump_pct
** (nodes refuse replacements below +10% on both, geth's default price bump;
** we use 25%) or to the node's current fees if higher, and sent again, up to
** max_resubmits times, until receipt_timeout_ms. A mined transaction
** with status 0 is MP_ERR_REVERTED; its reason comes from replaying the call
** at the parent block.
**
** One mp_txsend per key; not thread-safe (one sender thread per key is also
** what keeps nonces in order).
*/
#ifndef MPAVS_TXSEND_H
#define MPAVS_TXSEND_H

#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/ethrpc.h"
#include "mpavs/log.h"
#include "mpavs/rpc.h"
#include "mpavs/secp.h"

typedef struct mp_txsend_opts {
    unsigned gas_margin_pct;       /* gas limit = estimate * (100 + this) / 100 */
    unsigned base_fee_mult;        /* max fee = base fee * this + priority fee */
    uint64_t max_fee_cap;          /* ceiling of max fee per gas in wei; 0 = none */
    uint64_t priority_fee_default; /* when the node has no eth_maxPriorityFeePerGas */
    long receipt_timeout_ms;       /* give up waiting after this long */
    long poll_ms;                  /* receipt polling interval */
    long resubmit_ms;              /* bump fees after this long without a receipt */
    unsigned bump_pct;             /* fee increase per resubmission */
    unsigned max_resubmits;
} mp_txsend_opts;

#define MP_TXSEND_OPTS_DEFAULT                                                                     \
    ((mp_txsend_opts){20, 2, 0, 1000000000ull, 120000, 500, 30000, 25, 5})

typedef struct mp_txsend {
    mp_rpc *rpc; /* borrowed */
    mp_secp *secp;
    uint8_t sk[32]; /* wiped by mp_txsend_close */
    uint8_t from[20];
    uint64_t chain_id;
    bool nonce_known;
    uint64_t next_nonce;
    mp_txsend_opts opts;
    const mp_log *log;
} mp_txsend;

typedef struct mp_txreq {
    const uint8_t *to;   /* 20 bytes; NULL deploys data as init code */
    const uint8_t *data; /* calldata */
    size_t data_len;
    uint8_t value[32];  /* wei, big-endian */
    uint64_t gas_limit; /* 0: estimate */
} mp_txreq;

/** Prepares a sender for key sk on the node behind rpc (asks its chain id).
 ** opts NULL = defaults. */
MP_WUR int mp_txsend_init(mp_txsend *s, mp_rpc *rpc, const uint8_t sk[32],
                          const mp_txsend_opts *opts, const mp_log *log, mp_err *err);
/** Wipes the key and frees the sender. */
void mp_txsend_close(mp_txsend *s);
/** Sends req and waits for its receipt (filled in *out, free with
 ** mp_eth_receipt_free; also filled when the transaction reverted on chain).
 ** tx_hash (may be NULL) receives the hash of the transaction that was mined. */
MP_WUR int mp_txsend_send(mp_txsend *s, const mp_txreq *req, mp_eth_receipt *out,
                          uint8_t tx_hash[32], mp_err *err);

#endif /* MPAVS_TXSEND_H */
