/*
** reexec.c: the reexec executor: a task's states come from re-executing its
** blocks statelessly (mpavs/reexec.h) against the L2 node, trusting nothing
** but the state root of the previous block this prover proved.
**
** The parent state root of a task's first block is the root this prover
** computed for the block before it (the anchor), re-executing the gap from the
** anchor when it is at most max_link_span blocks; otherwise (a fresh start, or
** a task far from the anchor) it is the parent header's state root, taken on
** the node's word, and prover_metadata says so (execution.freshStarts and
** execution.lastFreshStart). Each block then starts from the root computed for
** the one before, and its parent hash must be that block's hash. A block whose
** computed state root, receipts root, bloom or gas differ from its header, or
** that this EVM cannot run, is refused (-32013) rather than signed; except
** under fault_wrong_execution (devnet/test), where each block runs with 1 wei
** more at its coinbase and the resulting (really different) root is signed.
**
** One proof at a time: re-execution chains block to block through the anchor.
*/
#include "prover.h"

#include "mpavs/ethrpc.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/reexec.h"
#include "mpavs/stateheader.h"

#include <stdlib.h>
#include <string.h>

typedef struct rx_exec {
    prv_executor base;
    const mp_log *lg;
    uint64_t confirmations, max_span;
    bool anvil_trie;
    bool fault_wrong_execution; /* devnet/test: a deliberately wrong prover */
    pthread_mutex_t mu;         /* one proof at a time; guards everything below */
    mp_rpc c;
    bool anchored; /* the highest block proved so far */
    uint64_t anchor_num;
    uint8_t anchor_hash[32], anchor_root[32];
    uint64_t fresh_starts, last_fresh_start, blocks_executed;
} rx_exec;

/* Re-executes one block from parent_root (NULL: the parent header's). */
static int one_block(rx_exec *x, uint64_t n, const uint8_t *parent_root, mp_reexec_result *r,
                     mp_err *err)
{
    /* a faulty prover's roots are not the chain's: it cannot chain from them */
    mp_reexec_opts o = {.chain_id = x->base.chain_id,
                        .parent_root = x->fault_wrong_execution ? NULL : parent_root,
                        .anvil_trie = x->anvil_trie,
                        .fault_coinbase_wei = x->fault_wrong_execution ? 1 : 0};
    MP_TRY(mp_reexec_block(&x->c, n, &o, r, err));
    x->blocks_executed++;
    if (x->fault_wrong_execution && r->status == MP_REEXEC_MISMATCH &&
        strcmp(r->mismatch, "stateRoot") == 0) {
        MP_WARN(x->lg,
                "fault_wrong_execution: signing a state root computed from a wrong pre-state",
                MP_LU64("block", n));
        return MP_OK;
    }
    if (r->status == MP_REEXEC_MISMATCH)
        return MP_FAIL(err, MP_RC(MP_ERR_VERIFY, 1),
                       "block %llu does not re-execute to its header: %s differ%s%s",
                       (unsigned long long)n, r->mismatch, r->reason[0] ? "; " : "", r->reason);
    if (r->status == MP_REEXEC_UNSUPPORTED)
        return MP_FAIL(err, MP_RC(MP_ERR_VERIFY, 2), "block %llu cannot be re-executed: %s",
                       (unsigned long long)n, r->reason);
    MP_DEBUG(x->lg, "block re-executed", MP_LU64("block", n), MP_LU64("txs", r->n_txs),
             MP_LU64("accounts", r->n_accounts), MP_LU64("slots", r->n_slots));
    return MP_OK;
}

/* Where re-execution of [lo, ...] starts: the anchor's root when the anchor is
 ** lo-1 or a short gap below (the gap is re-executed into *start), else fresh. */
static int start_root(rx_exec *x, uint64_t lo, uint8_t root[32], uint8_t hash[32], bool *fresh,
                      mp_err *err)
{
    *fresh = !x->anchored || x->anchor_num >= lo || lo - 1 - x->anchor_num > x->max_span;
    if (*fresh) {
        x->fresh_starts++;
        x->last_fresh_start = lo;
        MP_WARN(x->lg, "fresh start: the parent state root is the parent header's",
                MP_LU64("block", lo));
        return MP_OK;
    }
    memcpy(root, x->anchor_root, 32);
    memcpy(hash, x->anchor_hash, 32);
    for (uint64_t n = x->anchor_num + 1; n < lo; n++) {
        mp_reexec_result r;
        MP_TRY(one_block(x, n, root, &r, err));
        if (memcmp(r.parent_hash, hash, 32) != 0)
            return MP_FAIL(err, MP_ERR_VERIFY,
                           "block %llu's parent is no longer the block this prover proved",
                           (unsigned long long)n);
        memcpy(root, r.state_root, 32);
        memcpy(hash, r.block_hash, 32);
    }
    return MP_OK;
}

static int prove_locked(rx_exec *x, const prv_task *t, prv_proof *out, mp_err *err)
{
    bool block = t->identifier == MP_STATE_L2_BLOCK;
    uint64_t lo = block ? t->block : t->first, hi = block ? t->block : t->last, head;
    MP_TRY(mp_eth_block_number(&x->c, &head, err));
    if (head < hi || head - hi < x->confirmations) {
        out->not_ready = true;
        return MP_OK;
    }
    uint8_t root[32], hash[32], prev_root[32];
    bool fresh;
    MP_TRY(start_root(x, lo, root, hash, &fresh, err));
    mp_keccak k;
    mp_keccak_init(&k);
    mp_reexec_result r;
    for (uint64_t n = lo; n <= hi; n++) {
        MP_TRY(one_block(x, n, fresh && n == lo ? NULL : root, &r, err));
        if (!(fresh && n == lo) && memcmp(r.parent_hash, hash, 32) != 0)
            return MP_FAIL(err, MP_ERR_VERIFY,
                           "block %llu's parent is not the block re-executed before it",
                           (unsigned long long)n);
        if (n == lo)
            memcpy(prev_root, r.parent_root, 32);
        mp_keccak_update(&k, r.block_hash, 32);
        memcpy(root, r.state_root, 32);
        memcpy(hash, r.block_hash, 32);
    }
    if (block) {
        mp_state_l2block_state(out->state, hash, root);
        out->state_len = 64;
    } else {
        uint8_t batch_hash[32];
        mp_keccak_final(&k, batch_hash);
        mp_state_l2batch_state(out->state, prev_root, root, batch_hash);
        out->state_len = 96;
    }
    if (!x->anchored || hi > x->anchor_num) {
        x->anchored = true;
        x->anchor_num = hi;
        memcpy(x->anchor_hash, hash, 32);
        memcpy(x->anchor_root, root, 32);
    }
    return MP_OK;
}

static int rx_prove(prv_executor *base, const prv_task *t, prv_proof *out, mp_err *err)
{
    rx_exec *x = (rx_exec *)base;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&x->mu);
    int rc = prove_locked(x, t, out, err);
    pthread_mutex_unlock(&x->mu);
    /* anything but a node failure or a verification failure is the node's garbage */
    if (rc != MP_OK && mp_rc_class(rc) != MP_ERR_RPC && mp_rc_class(rc) != MP_ERR_TIMEOUT &&
        mp_rc_class(rc) != MP_ERR_VERIFY && mp_rc_class(rc) != MP_ERR_NOMEM)
        rc = MP_RC(MP_ERR_RPC, 3);
    return rc;
}

static json_t *rx_describe(prv_executor *base)
{
    rx_exec *x = (rx_exec *)base;
    pthread_mutex_lock(&x->mu);
    json_t *j = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:b}", "parentStateRoot",
        "the root this prover computed for the previous proven block; on a fresh start "
        "(none proven, or a task more than max_link_span blocks away) the parent header's",
        "freshStarts", mp_json_u64_new(x->fresh_starts), "lastFreshStart",
        x->fresh_starts ? mp_json_u64_new(x->last_fresh_start) : json_null(), "lastProven",
        x->anchored ? mp_json_u64_new(x->anchor_num) : json_null(), "blocksExecuted",
        mp_json_u64_new(x->blocks_executed), "anvilTrie", x->anvil_trie);
    pthread_mutex_unlock(&x->mu);
    return j;
}

static void rx_free(prv_executor *base)
{
    rx_exec *x = (rx_exec *)base;
    if (x->c.url)
        mp_rpc_close(&x->c);
    pthread_mutex_destroy(&x->mu);
}

int prv_reexec_new(prv_executor **out, const prv_cfg *cfg, const mp_log *lg, mp_err *err)
{
    rx_exec *x = calloc(1, sizeof *x);
    if (x == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    x->base.name = "reexec";
    x->base.proves = "execution";
    x->base.prove = rx_prove;
    x->base.free = rx_free;
    x->base.describe = rx_describe;
    x->lg = lg;
    x->confirmations = (uint64_t)cfg->confirmations;
    x->max_span = (uint64_t)cfg->max_link_span;
    x->anvil_trie = cfg->reexec_anvil_trie;
    x->fault_wrong_execution = cfg->fault_wrong_execution;
    pthread_mutex_init(&x->mu, NULL);
    *out = &x->base;
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.timeout_ms = cfg->l2_timeout_ms;
    o.retries = 2;
    MP_TRY(mp_rpc_init(&x->c, cfg->l2_rpc_url, &o, lg, err));
    return prv_l2_chain_id(&x->c, cfg, &x->base.chain_id, err);
}
