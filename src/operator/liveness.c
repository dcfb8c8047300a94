/*
** liveness.c: the operator's liveness loop. Each round reads the chain's
** liveness record and the prover's enclave address, decides (oplive.h), and
** when needed attests: ReportData at the head, a quote from the prover,
** checked locally against the deployment's pinned root and policy, then
** submitLivenessProof from the operator's key and the receipt. Failures back
** off exponentially (capped); the task loop can wake it at once.
*/
#include "clients.h"
#include "op.h"
#include "mpavs/abi.h"
#include "mpavs/avserr.h"
#include "mpavs/backoff.h"
#include "mpavs/clock.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/liveness.h"
#include "mpavs/oplive.h"
#include "mpavs/txsend.h"

#include <string.h>
#include <time.h>

typedef struct lloop {
    op_ctx *c;
    mp_rpc l1, prover;
    mp_txsend tx;
    bool l1_ready, prover_ready, tx_ready;
    uint64_t last_stake_check; /* chain time */
    bool have_version;         /* client_version asked */
} lloop;

static int live_open(lloop *l, mp_err *err)
{
    const op_cfg *cfg = l->c->cfg;
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.retries = 1;
    MP_TRY(mp_rpc_init(&l->l1, cfg->eth_rpc_url, &o, NULL, err));
    l->l1_ready = true;
    MP_TRY(mp_rpc_init(&l->prover, cfg->prover_url, &o, NULL, err));
    l->prover_ready = true;
    return MP_OK;
}

static void live_close(lloop *l)
{
    if (l->tx_ready)
        mp_txsend_close(&l->tx);
    if (l->prover_ready)
        mp_rpc_close(&l->prover);
    if (l->l1_ready)
        mp_rpc_close(&l->l1);
}

/* The transaction sender needs the chain id: made on first use, so a node that is down
 * at start-up only delays it. */
static int sender(lloop *l, mp_err *err)
{
    if (l->tx_ready)
        return MP_OK;
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    o.poll_ms = 200;
    o.receipt_timeout_ms = 120000;
    MP_TRY(mp_txsend_init(&l->tx, &l->l1, l->c->ecdsa, &o, &l->c->d->log, err));
    l->tx_ready = true;
    return MP_OK;
}

/* web3_clientVersion once, for the client_version label of eigen_rpc_* (the node
 * spec's); "unknown" until a node answers it. */
static void client_version(lloop *l)
{
    op_ctx *c = l->c;
    json_t *res;
    if (l->have_version ||
        mp_rpc_call(&l->l1, "web3_clientVersion", json_array(), &res, NULL) != MP_OK)
        return;
    if (json_is_string(res)) {
        pthread_mutex_lock(&c->mu);
        snprintf(c->client_version, sizeof c->client_version, "%s", json_string_value(res));
        pthread_mutex_unlock(&c->mu);
    }
    json_decref(res);
    l->have_version = true;
}

/* RegistryCoordinator.getOperatorStatus(operator) == REGISTERED. */
static int is_registered(lloop *l, bool *reg, mp_err *err)
{
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    uint64_t status = 0;
    MP_TRY(mp_abi_put_selector(&cd, "getOperatorStatus(address)", err));
    mp_abi_put_address(&cd, l->c->addr);
    mp_eth_callmsg m = {.to = l->c->dep.registry_coordinator, .data = cd.data, .data_len = cd.len};
    int rc = mp_eth_call(&l->l1, &m, MP_BLOCK_LATEST, &ret, err);
    if (rc == MP_OK)
        rc = mp_abi_read_u64(&status, ret.data, ret.len, 0, err);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    *reg = status == 1;
    return rc;
}

/* eigen_registered_stakes from StakeRegistry.getCurrentStake, every few minutes. */
static void update_stakes(lloop *l, uint64_t now)
{
    op_ctx *c = l->c;
    if (now < l->last_stake_check + 300)
        return;
    l->last_stake_check = now;
    mp_avs_committee com;
    for (size_t i = 0; i < c->n_identifiers; i++) {
        if (mp_avs_get_committee(&l->l1, &c->dep, c->identifiers[i], MP_BLOCK_LATEST, &com, NULL) !=
            MP_OK)
            continue;
        for (size_t q = 0; q < com.n_quorums; q++) {
            mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
            uint64_t stake = 0;
            char qn[8];
            if (mp_abi_put_selector(&cd, "getCurrentStake(bytes32,uint8)", NULL) != MP_OK)
                break;
            mp_abi_put_word(&cd, c->operator_id);
            mp_abi_put_u64(&cd, com.quorums[q]);
            mp_eth_callmsg m = {.to = c->dep.stake_registry, .data = cd.data, .data_len = cd.len};
            if (mp_eth_call(&l->l1, &m, MP_BLOCK_LATEST, &ret, NULL) == MP_OK &&
                mp_abi_read_u64(&stake, ret.data, ret.len, 0, NULL) == MP_OK) {
                snprintf(qn, sizeof qn, "%u", com.quorums[q]);
                /* in whole tokens: a double holds them exactly enough for a gauge */
                mp_series_set(mp_metric_series(c->m.eigen_stakes, MP_LABELS(qn)),
                              (double)stake / 1e18);
            }
            mp_buf_free(&cd);
            mp_buf_free(&ret);
        }
    }
}

static void publish(lloop *l, bool registered, const mp_avs_liveness *lv, const uint8_t *prover,
                    uint64_t now)
{
    op_ctx *c = l->c;
    bool live = registered && lv->attested && lv->live_until > now &&
                (prover == NULL || memcmp(prover, lv->enclave, 20) == 0);
    pthread_mutex_lock(&c->mu);
    c->st.registered = registered;
    c->st.live = live;
    c->st.live_until = lv->live_until;
    c->st.have_attested = lv->attested;
    memcpy(c->st.attested, lv->enclave, 20);
    c->st.svc[OP_SVC_LIVENESS] = live ? OP_SVC_UP : OP_SVC_DOWN;
    pthread_mutex_unlock(&c->mu);
    mp_series_set(mp_metric_series(c->m.liveness_left, NULL),
                  live ? (double)(lv->live_until - now) : 0);
    mp_series_set(mp_metric_series(c->m.eigen_score, NULL), live ? 100 : 0);
}

/* Sends the proof; a revert is logged with the contract's custom error. */
static int send_proof(lloop *l, const mp_liveness_report *r, const mp_buf *quote, mp_err *err)
{
    op_ctx *c = l->c;
    mp_buf cd = MP_BUF_INIT;
    mp_eth_receipt rec;
    uint8_t hash[32];
    memset(&rec, 0, sizeof rec);
    MP_TRY(sender(l, err));
    MP_TRY(mp_liveness_submit_calldata(&cd, r, quote->data, quote->len, err));
    mp_txreq req = {.to = c->dep.tee_liveness_verifier, .data = cd.data, .data_len = cd.len};
    uint64_t calls = l->l1.calls;
    long long t0 = mp_clock_now_ms();
    int rc = mp_txsend_send(&l->tx, &req, &rec, hash, err);
    op_rpc_observe(c, "eth_sendRawTransaction", l->l1.calls - calls, mp_clock_now_ms() - t0);
    mp_buf_free(&cd);
    if (rc == MP_OK) {
        char h[67];
        mp_hex_encode0x(h, hash, 32);
        MP_INFO(&c->d->log, "liveness proof mined", "tx", h, MP_LU64("block", rec.block_number),
                MP_LU64("gas", rec.gas_used), NULL);
    } else if (mp_rc_class(rc) == MP_ERR_REVERTED) {
        mp_buf data = MP_BUF_INIT;
        char text[400];
        if (mp_eth_revert_data(&l->l1, &data, NULL) == MP_OK && data.len >= 4) {
            mp_avs_revert_describe(text, sizeof text, data.data, data.len);
            rc = MP_FAIL(err, MP_ERR_REVERTED, "submitLivenessProof reverted: %s", text);
        }
        mp_buf_free(&data);
        op_count(c->m.liveness, "reverted");
    }
    mp_eth_receipt_free(&rec);
    return rc;
}

/* Report, quote, local check, transaction. */
static int attest(lloop *l, int reason, mp_err *err)
{
    op_ctx *c = l->c;
    mp_liveness_report r;
    uint8_t data[32], enclave[20];
    mp_buf quote = MP_BUF_INIT;
    MP_INFO(&c->d->log, "attesting", "reason", mp_oplive_reason_name(reason), NULL);
    MP_TRY(mp_oplive_report_make(&l->l1, &c->pub.g1, c->cfg->prover_url, &r, NULL, err));
    mp_oplive_request_data(data, &r);
    int rc = op_prover_quote(&l->prover, data, &quote, err);
    if (rc != MP_OK) {
        op_set_svc(c, OP_SVC_PROVER, OP_SVC_DOWN);
        op_count(c->m.errors, "prover");
    } else {
        rc = mp_oplive_check_quote(quote.data, quote.len, &r, &c->col, &c->pol, (int64_t)time(NULL),
                                   enclave, err);
        if (rc != MP_OK)
            op_count(c->m.liveness, "quote_rejected");
    }
    if (rc == MP_OK && (rc = send_proof(l, &r, &quote, err)) == MP_OK)
        op_count(c->m.liveness, "sent");
    mp_buf_free(&quote);
    return rc;
}

/* One look; *wait_ms says when to look again. */
static int round_once(lloop *l, long long *wait_ms, mp_err *err)
{
    op_ctx *c = l->c;
    mp_eth_block head;
    mp_avs_liveness lv;
    uint8_t prover[20];
    bool registered;
    client_version(l);
    uint64_t calls = l->l1.calls;
    long long t0 = mp_clock_now_ms();
    int rc = mp_eth_get_block_by_number(&l->l1, MP_BLOCK_LATEST, &head, err);
    if (rc == MP_OK)
        rc = is_registered(l, &registered, err);
    if (rc == MP_OK)
        rc = mp_avs_get_liveness(&l->l1, &c->dep, c->operator_id, MP_BLOCK_LATEST, &lv, err);
    op_rpc_observe(c, "eth_call", l->l1.calls - calls, mp_clock_now_ms() - t0);
    if (rc != MP_OK) {
        op_set_svc(c, OP_SVC_L1, OP_SVC_DOWN);
        op_count(c->m.errors, "l1");
        return rc;
    }
    op_set_svc(c, OP_SVC_L1, OP_SVC_UP);
    update_stakes(l, head.timestamp);
    mp_err perr;
    bool have_prover = op_prover_enclave(&l->prover, prover, &perr) == MP_OK;
    op_set_svc(c, OP_SVC_PROVER, have_prover ? OP_SVC_UP : OP_SVC_DOWN);
    if (!have_prover)
        mp_log_err(&c->d->log, MP_LOG_WARN, "prover unreachable", &perr);
    publish(l, registered, &lv, have_prover ? prover : NULL, head.timestamp);
    if (!registered)
        return MP_FAIL(err, MP_ERR_NOTFOUND,
                       "the operator is not registered (mpavs operator register)");
    uint64_t next_s;
    int reason = mp_oplive_decide(&lv, have_prover ? prover : NULL, head.timestamp,
                                  (uint64_t)c->cfg->liveness_margin_ms / 1000,
                                  (uint64_t)c->cfg->liveness_check_ms / 1000 + 1, &next_s);
    if (reason == MP_OPLIVE_OK) {
        long long cap = c->cfg->liveness_check_ms;
        *wait_ms = (long long)next_s * 1000 < cap ? (long long)next_s * 1000 : cap;
        return MP_OK;
    }
    if (!have_prover)
        return MP_FAIL(err, MP_ERR_RPC, "cannot attest (%s): %s", mp_oplive_reason_name(reason),
                       perr.msg);
    MP_TRY(attest(l, reason, err));
    *wait_ms = 0; /* read the new record back at once */
    return MP_OK;
}

void op_liveness_work(void *arg)
{
    lloop l = {.c = arg};
    op_ctx *c = l.c;
    mp_backoff bo;
    mp_err err;
    mp_backoff_init(&bo, c->cfg->backoff_initial_ms, c->cfg->backoff_max_ms);
    if (live_open(&l, &err) != MP_OK) {
        mp_log_err(&c->d->log, MP_LOG_ERROR, "liveness loop cannot start", &err);
        live_close(&l);
        return;
    }
    while (!op_stopping(c)) {
        long long wait_ms = 0;
        bool ok = round_once(&l, &wait_ms, &err) == MP_OK;
        if (ok) {
            mp_backoff_reset(&bo);
        } else {
            wait_ms = mp_backoff_next(&bo, op_random());
            mp_log_err(&c->d->log, MP_LOG_WARN, "liveness round failed", &err);
        }
        /* the task loop may cut a normal wait short, never a backoff */
        op_wait(c, wait_ms, ok);
    }
    live_close(&l);
}
