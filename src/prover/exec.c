/*
** exec.c: executors, the way a prover obtains a task's state.
**
** headers: fetch the blocks from the L2 node, check that every header's RLP
** hashes to its block hash and that parent hashes link block to block and to
** the last block this prover proved (the anchor), then read the state roots
** from the headers. This proves the node's chain is consistent, not that its
** blocks were executed correctly; prover_metadata says so ("proves":
** "consistency"). reexec (stateless re-execution, reexec.c) proves execution
** behind the same prv_executor interface.
**
** One L2 client per HTTP worker thread, checked out from a small pool, since
** an mp_rpc must not be shared between threads.
*/
#include "prover.h"

#include "mpavs/ethheader.h"
#include "mpavs/ethrpc.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/stateheader.h"

#include <stdlib.h>
#include <string.h>

typedef struct hdr_exec {
    prv_executor base;
    const mp_log *lg;
    uint64_t confirmations, max_span;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    mp_rpc *clients;
    bool *busy;
    size_t n;
    bool anchored; /* anchor_*: the highest block proved so far (guarded by mu) */
    uint64_t anchor_num;
    uint8_t anchor_hash[32];
} hdr_exec;

static mp_rpc *checkout(hdr_exec *x)
{
    pthread_mutex_lock(&x->mu);
    for (;;) {
        for (size_t i = 0; i < x->n; i++)
            if (!x->busy[i]) {
                x->busy[i] = true;
                pthread_mutex_unlock(&x->mu);
                return &x->clients[i];
            }
        pthread_cond_wait(&x->cv, &x->mu);
    }
}

static void checkin(hdr_exec *x, mp_rpc *c)
{
    pthread_mutex_lock(&x->mu);
    x->busy[c - x->clients] = false;
    pthread_cond_signal(&x->cv);
    pthread_mutex_unlock(&x->mu);
}

/* Any failure to get a usable answer is the L2 node's (MP_ERR_RPC class). */
static int as_node_failure(int rc, mp_err *err, uint64_t num)
{
    if (rc == MP_OK || mp_rc_class(rc) == MP_ERR_RPC || mp_rc_class(rc) == MP_ERR_TIMEOUT ||
        mp_rc_class(rc) == MP_ERR_VERIFY)
        return rc;
    mp_err_wrap(err, "L2 node answered garbage for block %llu", (unsigned long long)num);
    return MP_RC(MP_ERR_RPC, 1);
}

static int fetch_header(mp_rpc *c, uint64_t num, mp_eth_header *out, mp_err *err)
{
    json_t *res = NULL;
    int rc = mp_rpc_call(c, "eth_getBlockByNumber",
                         json_pack("[o, b]", mp_json_quantity_new(num), 0), &res, err);
    if (rc == MP_OK && json_is_null(res))
        rc = MP_FAIL(err, MP_RC(MP_ERR_RPC, 2), "L2 node has no block %llu",
                     (unsigned long long)num);
    if (rc == MP_OK)
        rc = mp_eth_header_check(out, res, err);
    if (rc == MP_OK && out->number != num)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "asked the L2 node for block %llu, got block %llu",
                     (unsigned long long)num, (unsigned long long)out->number);
    json_decref(res);
    return as_node_failure(rc, err, num);
}

/* Fetches lo..hi, every header checked and each linked to the one before. */
static int fetch_chain(mp_rpc *c, uint64_t lo, uint64_t hi, mp_eth_header *h, mp_err *err)
{
    for (uint64_t n = lo; n <= hi; n++) {
        mp_eth_header *cur = &h[n - lo];
        MP_TRY(fetch_header(c, n, cur, err));
        if (n > lo && memcmp(cur->parent_hash, h[n - lo - 1].hash, 32) != 0)
            return MP_FAIL(err, MP_ERR_VERIFY,
                           "block %llu's parent hash is not the hash of block %llu",
                           (unsigned long long)n, (unsigned long long)(n - 1));
    }
    return MP_OK;
}

/* Widens [lo, hi] to reach the anchor when it is near; *check says whether
 ** the anchor is inside the range to be compared. */
static void span_with_anchor(hdr_exec *x, uint64_t *lo, uint64_t *hi, bool *check, uint64_t *anum,
                             uint8_t ahash[32])
{
    pthread_mutex_lock(&x->mu);
    *check = x->anchored;
    *anum = x->anchor_num;
    memcpy(ahash, x->anchor_hash, 32);
    pthread_mutex_unlock(&x->mu);
    if (!*check)
        return;
    if (*anum < *lo && *lo - *anum <= x->max_span)
        *lo = *anum;
    else if (*anum > *hi && *anum - *hi <= x->max_span)
        *hi = *anum;
    else if (*anum < *lo || *anum > *hi) {
        MP_WARN(x->lg, "task too far from the last proven block to link to it",
                MP_LU64("anchor", *anum), MP_LU64("from", *lo), MP_LU64("to", *hi));
        *check = false;
    }
}

static void advance_anchor(hdr_exec *x, const mp_eth_header *h)
{
    pthread_mutex_lock(&x->mu);
    if (!x->anchored || h->number > x->anchor_num) {
        x->anchored = true;
        x->anchor_num = h->number;
        memcpy(x->anchor_hash, h->hash, 32);
    }
    pthread_mutex_unlock(&x->mu);
}

static void state_of(const prv_task *t, const mp_eth_header *h, uint64_t lo, prv_proof *out)
{
    if (t->identifier == MP_STATE_L2_BLOCK) {
        const mp_eth_header *b = &h[t->block - lo];
        mp_state_l2block_state(out->state, b->hash, b->state_root);
        out->state_len = 64;
        return;
    }
    mp_keccak k;
    mp_keccak_init(&k);
    for (uint64_t n = t->first; n <= t->last; n++)
        mp_keccak_update(&k, h[n - lo].hash, 32);
    uint8_t batch_hash[32];
    mp_keccak_final(&k, batch_hash);
    mp_state_l2batch_state(out->state, h[t->first - 1 - lo].state_root, h[t->last - lo].state_root,
                           batch_hash);
    out->state_len = 96;
}

static int prove_with(hdr_exec *x, mp_rpc *c, const prv_task *t, prv_proof *out, mp_err *err)
{
    uint64_t head, need = t->identifier == MP_STATE_L2_BLOCK ? t->block : t->last;
    int rc = mp_eth_block_number(c, &head, err);
    if (rc != MP_OK)
        return as_node_failure(rc, err, need);
    if (head < need || head - need < x->confirmations) {
        out->not_ready = true;
        return MP_OK;
    }
    uint64_t lo = t->identifier == MP_STATE_L2_BLOCK ? t->block : t->first - 1, hi = need;
    uint64_t anum;
    uint8_t ahash[32];
    bool check;
    span_with_anchor(x, &lo, &hi, &check, &anum, ahash);
    mp_eth_header *h = calloc(hi - lo + 1, sizeof *h);
    if (h == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    rc = fetch_chain(c, lo, hi, h, err);
    if (rc == MP_OK && check && memcmp(h[anum - lo].hash, ahash, 32) != 0)
        rc = MP_FAIL(err, MP_ERR_VERIFY,
                     "the L2 chain no longer contains block %llu this prover proved before "
                     "(a reorganisation or a lying node)",
                     (unsigned long long)anum);
    if (rc == MP_OK) {
        state_of(t, h, lo, out);
        advance_anchor(x, &h[need - lo]);
    }
    free(h);
    return rc;
}

static int hdr_prove(prv_executor *base, const prv_task *t, prv_proof *out, mp_err *err)
{
    hdr_exec *x = (hdr_exec *)base;
    memset(out, 0, sizeof *out);
    mp_rpc *c = checkout(x);
    int rc = prove_with(x, c, t, out, err);
    checkin(x, c);
    return rc;
}

static void hdr_free(prv_executor *base)
{
    hdr_exec *x = (hdr_exec *)base;
    for (size_t i = 0; x->clients && i < x->n; i++)
        if (x->clients[i].url)
            mp_rpc_close(&x->clients[i]);
    free(x->clients);
    free(x->busy);
    pthread_cond_destroy(&x->cv);
    pthread_mutex_destroy(&x->mu);
}

int prv_l2_chain_id(mp_rpc *c, const prv_cfg *cfg, uint64_t *out, mp_err *err)
{
    uint64_t id;
    int rc = mp_eth_chain_id(c, &id, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "asking the L2 node for its chain id");
        return rc;
    }
    if (cfg->l2_chain_id != 0 && (uint64_t)cfg->l2_chain_id != id)
        return MP_FAIL(err, MP_ERR_INVALID, "the L2 node's chain id is %llu, configured %lld",
                       (unsigned long long)id, cfg->l2_chain_id);
    *out = id;
    return MP_OK;
}

static int hdr_connect(hdr_exec *x, const prv_cfg *cfg, mp_err *err)
{
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.timeout_ms = cfg->l2_timeout_ms;
    o.retries = 2;
    o.max_response = 4u << 20;
    for (size_t i = 0; i < x->n; i++)
        MP_TRY(mp_rpc_init(&x->clients[i], cfg->l2_rpc_url, &o, x->lg, err));
    return prv_l2_chain_id(&x->clients[0], cfg, &x->base.chain_id, err);
}

static int headers_new(prv_executor **out, const prv_cfg *cfg, const mp_log *lg, mp_err *err)
{
    hdr_exec *x = calloc(1, sizeof *x);
    if (x == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    x->base.name = "headers";
    x->base.proves = "consistency";
    x->base.prove = hdr_prove;
    x->base.free = hdr_free;
    x->lg = lg;
    x->confirmations = (uint64_t)cfg->confirmations;
    x->max_span = (uint64_t)cfg->max_link_span;
    x->n = (size_t)cfg->http_threads;
    pthread_mutex_init(&x->mu, NULL);
    pthread_cond_init(&x->cv, NULL);
    x->clients = calloc(x->n, sizeof *x->clients);
    x->busy = calloc(x->n, sizeof *x->busy);
    *out = &x->base;
    if (x->clients == NULL || x->busy == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    return hdr_connect(x, cfg, err);
}

int prv_executor_new(prv_executor **out, const prv_cfg *cfg, const mp_log *lg, mp_err *err)
{
    *out = NULL;
    prv_executor *x = NULL;
    int rc;
    if (strcmp(cfg->executor, "headers") == 0)
        rc = headers_new(&x, cfg, lg, err);
    else if (strcmp(cfg->executor, "reexec") == 0)
        rc = prv_reexec_new(&x, cfg, lg, err);
    else
        return MP_FAIL(err, MP_ERR_INVALID,
                       "executor must be \"headers\" or \"reexec\", not \"%s\"", cfg->executor);
    if (rc != MP_OK) {
        prv_executor_free(x);
        return rc;
    }
    *out = x;
    return MP_OK;
}

void prv_executor_free(prv_executor *x)
{
    if (x == NULL)
        return;
    x->free(x);
    free(x);
}
