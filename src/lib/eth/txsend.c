/*
** txsend.c: nonce tracking, fees, sending, waiting, bumping (see
** include/mpavs/txsend.h).
**
** A send is a small state machine: prepare (gas, fees, nonce), submit (sign +
** eth_sendRawTransaction, handling the node's nonce and pricing complaints),
** then wait (poll receipts of every hash submitted for this nonce, bumping
** fees when it takes too long).
*/
#include "mpavs/txsend.h"
#include "mpavs/clock.h"
#include "mpavs/hex.h"
#include "mpavs/mem.h"
#include "mpavs/tx.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HASHES 16

typedef struct pending {
    mp_tx tx;
    uint8_t hashes[MAX_HASHES][32]; /* every version sent for this nonce */
    size_t nhashes;
} pending;

int mp_txsend_init(mp_txsend *s, mp_rpc *rpc, const uint8_t sk[32], const mp_txsend_opts *opts,
                   const mp_log *log, mp_err *err)
{
    memset(s, 0, sizeof *s);
    s->rpc = rpc;
    s->opts = opts ? *opts : MP_TXSEND_OPTS_DEFAULT;
    s->log = log;
    memcpy(s->sk, sk, 32);
    int rc = mp_secp_create(&s->secp, err);
    if (rc == MP_OK)
        rc = mp_secp_address(s->secp, s->from, s->sk, err);
    if (rc == MP_OK)
        rc = mp_eth_chain_id(rpc, &s->chain_id, err);
    if (rc != MP_OK)
        mp_txsend_close(s);
    return rc;
}

void mp_txsend_close(mp_txsend *s)
{
    mp_secp_destroy(s->secp);
    mp_memzero(s->sk, sizeof s->sk);
    memset(s, 0, sizeof *s);
}

/* ---- preparing ---- */

static void callmsg_of(const mp_txsend *s, const mp_txreq *req, mp_eth_callmsg *m)
{
    memset(m, 0, sizeof *m);
    m->from = s->from;
    m->to = req->to;
    m->data = req->data;
    m->data_len = req->data_len;
    m->value = req->value;
}

static int gas_limit(mp_txsend *s, const mp_txreq *req, uint64_t *gas, mp_err *err)
{
    if (req->gas_limit) {
        *gas = req->gas_limit;
        return MP_OK;
    }
    mp_eth_callmsg m;
    callmsg_of(s, req, &m);
    uint64_t est;
    MP_TRY(mp_eth_estimate_gas(s->rpc, &m, &est, err));
    *gas = est + est * s->opts.gas_margin_pct / 100;
    return MP_OK;
}

static int fees(mp_txsend *s, uint64_t *tip, uint64_t *max_fee, mp_err *err)
{
    mp_eth_block b;
    MP_TRY(mp_eth_get_block_by_number(s->rpc, MP_BLOCK_LATEST, &b, err));
    if (!b.has_base_fee)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "the node's latest block has no base fee "
                       "(no EIP-1559)");
    int rc = mp_eth_max_priority_fee(s->rpc, tip, err);
    if (mp_rc_detail(rc) == MP_RPC_ERROR_OBJECT)
        *tip = s->opts.priority_fee_default; /* method not supported */
    else if (rc != MP_OK)
        return rc;
    *max_fee = b.base_fee * s->opts.base_fee_mult + *tip;
    if (s->opts.max_fee_cap && *max_fee > s->opts.max_fee_cap)
        *max_fee = s->opts.max_fee_cap;
    if (*tip > *max_fee)
        *tip = *max_fee;
    return MP_OK;
}

static int sync_nonce(mp_txsend *s, mp_err *err)
{
    MP_TRY(mp_eth_get_transaction_count(s->rpc, s->from, MP_BLOCK_PENDING, &s->next_nonce, err));
    s->nonce_known = true;
    return MP_OK;
}

static int prepare(mp_txsend *s, const mp_txreq *req, pending *p, mp_err *err)
{
    memset(p, 0, sizeof *p);
    mp_tx *tx = &p->tx;
    tx->type = MP_TX_EIP1559;
    tx->chain_id = s->chain_id;
    tx->has_to = req->to != NULL;
    if (req->to)
        memcpy(tx->to, req->to, 20);
    memcpy(tx->value, req->value, 32);
    tx->data = req->data;
    tx->data_len = req->data_len;
    MP_TRY(gas_limit(s, req, &tx->gas_limit, err));
    MP_TRY(fees(s, &tx->max_priority_fee, &tx->max_fee, err));
    if (!s->nonce_known)
        MP_TRY(sync_nonce(s, err));
    tx->nonce = s->next_nonce;
    return MP_OK;
}

/* ---- submitting ---- */

static void log_tx(const mp_txsend *s, const char *msg, const pending *p, const uint8_t hash[32])
{
    if (!mp_log_on(s->log, MP_LOG_INFO))
        return;
    char h[67];
    mp_hex_encode0x(h, hash, 32);
    MP_INFO(s->log, msg, "tx", h, MP_LU64("nonce", p->tx.nonce), MP_LU64("max_fee", p->tx.max_fee),
            MP_LU64("tip", p->tx.max_priority_fee));
}

/* Signs p->tx and sends it; the hash is recorded even when the node already
 ** knows the transaction. */
static int sign_and_send(mp_txsend *s, pending *p, mp_err *err)
{
    mp_buf raw = MP_BUF_INIT;
    uint8_t hash[32], got[32];
    int rc = mp_tx_sign(&p->tx, s->secp, s->sk, &raw, hash, err);
    if (rc == MP_OK)
        rc = mp_eth_send_raw_transaction(s->rpc, raw.data, raw.len, got, err);
    if (rc != MP_OK && mp_rpc_error_mentions(s->rpc, rc, "already known"))
        rc = MP_OK;
    mp_buf_free(&raw);
    if (rc == MP_OK && p->nhashes < MAX_HASHES) {
        memcpy(p->hashes[p->nhashes++], hash, 32);
        log_tx(s, p->nhashes == 1 ? "transaction sent" : "transaction resubmitted", p, hash);
    }
    return rc;
}

/* Raises both fees by bump_pct (at least by 1 wei), and to at least what the
 ** node's fees are now, within the cap. */
static void bump(mp_txsend *s, mp_tx *tx)
{
    uint64_t pct = s->opts.bump_pct, now_tip, now_fee;
    uint64_t tip = tx->max_priority_fee + (tx->max_priority_fee * pct + 99) / 100 + 1;
    uint64_t fee = tx->max_fee + (tx->max_fee * pct + 99) / 100 + 1;
    if (fees(s, &now_tip, &now_fee, NULL) == MP_OK) {
        tip = now_tip > tip ? now_tip : tip;
        fee = now_fee > fee ? now_fee : fee;
    }
    if (s->opts.max_fee_cap && fee > s->opts.max_fee_cap)
        fee = s->opts.max_fee_cap;
    tx->max_fee = fee;
    tx->max_priority_fee = tip > fee ? fee : tip;
}

/* First submission: resync the nonce when the node says it is used, and price
 ** over a stale transaction of ours that still sits in the pool. */
static int submit_first(mp_txsend *s, pending *p, mp_err *err)
{
    for (int tries = 0;; tries++) {
        int rc = sign_and_send(s, p, err);
        if (rc == MP_OK || tries >= 3)
            return rc;
        if (mp_rpc_error_mentions(s->rpc, rc, "nonce too low")) {
            MP_TRY(sync_nonce(s, err));
            p->tx.nonce = s->next_nonce;
        } else if (mp_rpc_error_mentions(s->rpc, rc, "underpriced")) {
            bump(s, &p->tx);
        } else {
            return rc;
        }
    }
}

/* ---- waiting ---- */

/* Polls every hash sent for this nonce; MP_OK with *out when one is mined. */
static int poll_receipts(mp_txsend *s, const pending *p, mp_eth_receipt *out, size_t *which,
                         mp_err *err)
{
    for (size_t i = 0; i < p->nhashes; i++) {
        int rc = mp_eth_get_transaction_receipt(s->rpc, p->hashes[i], out, err);
        if (rc == MP_OK) {
            *which = i;
            return MP_OK;
        }
        if (mp_rc_class(rc) != MP_ERR_NOTFOUND)
            return rc;
    }
    return MP_FAIL(err, MP_ERR_NOTFOUND, "not mined yet");
}

static void resubmit(mp_txsend *s, pending *p)
{
    mp_err e;
    bump(s, &p->tx);
    int rc = sign_and_send(s, p, &e);
    /* "nonce too low" means an earlier version was mined: the next poll finds it. */
    if (rc != MP_OK)
        mp_log_err(s->log, MP_LOG_WARN, "resubmission not accepted", &e);
}

static int wait_mined(mp_txsend *s, pending *p, mp_eth_receipt *out, size_t *which, mp_err *err)
{
    long long start = mp_clock_now_ms(), last_send = start;
    unsigned resubmits = 0;
    for (;;) {
        int rc = poll_receipts(s, p, out, which, err);
        if (rc == MP_OK || mp_rc_class(rc) != MP_ERR_NOTFOUND)
            return rc;
        long long t = mp_clock_now_ms();
        if (t - start >= s->opts.receipt_timeout_ms)
            return MP_FAIL(err, MP_ERR_TIMEOUT, "no receipt for nonce %llu after %ld ms",
                           (unsigned long long)p->tx.nonce, s->opts.receipt_timeout_ms);
        if (t - last_send >= s->opts.resubmit_ms && resubmits < s->opts.max_resubmits) {
            resubmit(s, p);
            resubmits++;
            last_send = t;
        }
        mp_clock_sleep_ms(s->opts.poll_ms);
    }
}

/* A mined transaction failed: replay it at the parent block to learn why. */
static int reverted_on_chain(mp_txsend *s, const mp_txreq *req, const mp_eth_receipt *r,
                             mp_err *err)
{
    mp_eth_callmsg m;
    callmsg_of(s, req, &m);
    m.gas = r->gas_used > 0 ? r->gas_used * 2 : 0;
    mp_buf out = MP_BUF_INIT;
    mp_err e;
    int rc = mp_eth_call(s->rpc, &m, r->block_number ? r->block_number - 1 : 0, &out, &e);
    mp_buf_free(&out);
    char h[67];
    mp_hex_encode0x(h, r->tx_hash, 32);
    if (mp_rc_class(rc) == MP_ERR_REVERTED)
        return MP_FAIL(err, MP_ERR_REVERTED, "transaction %s reverted in block %llu: %s", h,
                       (unsigned long long)r->block_number, e.msg);
    return MP_FAIL(err, MP_ERR_REVERTED, "transaction %s reverted in block %llu (no reason)", h,
                   (unsigned long long)r->block_number);
}

int mp_txsend_send(mp_txsend *s, const mp_txreq *req, mp_eth_receipt *out, uint8_t tx_hash[32],
                   mp_err *err)
{
    pending *p = calloc(1, sizeof *p);
    if (p == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    memset(out, 0, sizeof *out);
    size_t which = 0;
    int rc = prepare(s, req, p, err);
    if (rc == MP_OK && (rc = submit_first(s, p, err)) != MP_OK)
        s->nonce_known = false; /* the node may have taken it anyway: recount next time */
    if (rc == MP_OK) {
        s->next_nonce = p->tx.nonce + 1; /* the pool holds this nonce now */
        rc = wait_mined(s, p, out, &which, err);
        if (rc != MP_OK)
            s->nonce_known = false; /* unknown fate: ask the node next time */
    }
    if (rc == MP_OK && tx_hash)
        memcpy(tx_hash, p->hashes[which], 32);
    if (rc == MP_OK && !out->status)
        rc = reverted_on_chain(s, req, out, err);
    free(p);
    return rc;
}
