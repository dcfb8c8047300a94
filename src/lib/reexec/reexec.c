/*
** reexec.c: stateless re-execution of one block (reexec.h): check the
** block's transaction and withdrawal lists against its header, execute in
** rounds until execution touched nothing the witness has not proven, then
** compute the post-state root through partial tries, the receipts root, the
** logs bloom and the gas used, and compare them with the header.
*/
#include "rx_int.h"

#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_GAS_PER_BLOB 131072
#define SYSTEM_GAS        30000000

static const uint8_t SYSTEM_ADDRESS[20] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
static const uint8_t BEACON_ROOTS[20] = {0x00, 0x0F, 0x3d, 0xf6, 0xD7, 0x32, 0x80,
                                         0x7E, 0xf1, 0x31, 0x9f, 0xB7, 0xB8, 0xbB,
                                         0x85, 0x22, 0xd0, 0xBe, 0xac, 0x02};

const char *mp_reexec_status_name(mp_reexec_status s)
{
    return s == MP_REEXEC_MATCH ? "match" : s == MP_REEXEC_MISMATCH ? "mismatch" : "unsupported";
}

/* The header fields re-execution uses or compares (the header hash is checked). */
typedef struct hdr {
    uint8_t miner[20], mix[32], state_root[32], receipts_root[32], tx_root[32], wd_root[32];
    uint8_t beacon[32], bloom[256];
    uint64_t gas_limit, timestamp, gas_used, blob_gas_used, excess_blob_gas;
    bool has_base_fee, has_blob, has_beacon, has_wd;
    mp_w256 base_fee;
} hdr;

static int opt_word(const json_t *b, const char *key, uint8_t out[32], bool *has, mp_err *err)
{
    *has = mp_json_present(b, key);
    return *has ? mp_json_get_word(b, key, out, err) : MP_OK;
}

static int read_hdr(hdr *h, const json_t *b, mp_err *err)
{
    MP_TRY(mp_json_get_address(b, "miner", h->miner, err));
    MP_TRY(mp_json_get_word(b, "mixHash", h->mix, err));
    MP_TRY(mp_json_get_word(b, "stateRoot", h->state_root, err));
    MP_TRY(mp_json_get_word(b, "receiptsRoot", h->receipts_root, err));
    MP_TRY(mp_json_get_word(b, "transactionsRoot", h->tx_root, err));
    MP_TRY(mp_json_get_hex(b, "logsBloom", MP_JSON_0X, h->bloom, 256, err));
    MP_TRY(mp_json_get_quantity(b, "gasLimit", &h->gas_limit, err));
    MP_TRY(mp_json_get_quantity(b, "timestamp", &h->timestamp, err));
    MP_TRY(mp_json_get_quantity(b, "gasUsed", &h->gas_used, err));
    MP_TRY(mp_json_opt_quantity(b, "blobGasUsed", &h->blob_gas_used, &h->has_blob, err));
    bool has;
    MP_TRY(mp_json_opt_quantity(b, "excessBlobGas", &h->excess_blob_gas, &has, err));
    MP_TRY(opt_word(b, "parentBeaconBlockRoot", h->beacon, &h->has_beacon, err));
    MP_TRY(opt_word(b, "withdrawalsRoot", h->wd_root, &h->has_wd, err));
    h->has_base_fee = mp_json_present(b, "baseFeePerGas");
    if (h->has_base_fee) {
        uint8_t be[32];
        MP_TRY(rx_json_qty(json_object_get(b, "baseFeePerGas"), "baseFeePerGas", be, err));
        mp_w256_from_be(&h->base_fee, be);
    }
    return MP_OK;
}

/* ---- the block's lists, checked against the header ---- */

typedef struct block_txs {
    rx_tx *txs;
    size_t n;
} block_txs;

static void txs_free(block_txs *b)
{
    for (size_t i = 0; b->txs && i < b->n; i++)
        rx_tx_free(&b->txs[i]);
    free(b->txs);
}

static int check_list_root(const mp_buf *items, size_t n, const uint8_t want[32], const char *what,
                           mp_err *err)
{
    const uint8_t **p = calloc(n ? n : 1, sizeof *p);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    int rc = p && lens ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        p[i] = items[i].data;
        lens[i] = items[i].len;
    }
    uint8_t root[32];
    if (rc == MP_OK)
        rc = mp_trie_list_root(root, p, lens, n, err);
    if (rc == MP_OK && memcmp(root, want, 32) != 0)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "the node's %s do not match the header's root", what);
    free(p);
    free(lens);
    return rc;
}

/* Decodes the transactions; unsupported types end in *unsupported. */
static int read_txs(block_txs *b, const json_t *block, const hdr *h, uint64_t chain_id,
                    mp_reexec_result *out, mp_err *err)
{
    json_t *arr;
    MP_TRY(mp_json_get_array(block, "transactions", 1u << 20, &arr, &b->n, err));
    b->txs = calloc(b->n ? b->n : 1, sizeof *b->txs);
    mp_buf *raw = calloc(b->n ? b->n : 1, sizeof *raw);
    int rc = b->txs && raw ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < b->n; i++) {
        rc = rx_tx_decode(&b->txs[i], json_array_get(arr, i), err);
        if (rc == MP_EVM_ERR_UNSUPPORTED) {
            out->status = MP_REEXEC_UNSUPPORTED;
            snprintf(out->reason, sizeof out->reason, "transaction %zu: %s", i, err->msg);
            break;
        }
        if (rc != MP_OK)
            mp_err_wrap(err, "transaction %zu", i);
        else
            raw[i] = b->txs[i].raw; /* borrowed */
        if (rc == MP_OK && b->txs[i].chain_id != chain_id &&
            (b->txs[i].chain_id != 0 || b->txs[i].tx.type != 0) && out->mismatch[0] == 0) {
            snprintf(out->mismatch, sizeof out->mismatch, "transactions");
            out->status = MP_REEXEC_MISMATCH;
            snprintf(out->reason, sizeof out->reason,
                     "transaction %zu is signed for chain %llu, not %llu", i,
                     (unsigned long long)b->txs[i].chain_id, (unsigned long long)chain_id);
        }
    }
    if (rc == MP_OK)
        rc = check_list_root(raw, b->n, h->tx_root, "transactions", err);
    free(raw);
    return rc == MP_EVM_ERR_UNSUPPORTED ? MP_OK : rc;
}

typedef struct wd {
    uint8_t addr[20];
    uint64_t gwei;
} wd;

static int read_withdrawals(wd **out, size_t *n, const json_t *block, const hdr *h, mp_err *err)
{
    *out = NULL;
    *n = 0;
    if (!h->has_wd)
        return MP_OK;
    json_t *arr;
    MP_TRY(mp_json_get_array(block, "withdrawals", 1u << 16, &arr, n, err));
    mp_buf *enc = calloc(*n ? *n : 1, sizeof *enc);
    *out = calloc(*n ? *n : 1, sizeof **out);
    int rc = enc && *out ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < *n; i++) {
        json_t *w = json_array_get(arr, i);
        uint64_t index, validator;
        if ((rc = mp_json_get_quantity(w, "index", &index, err)) == MP_OK &&
            (rc = mp_json_get_quantity(w, "validatorIndex", &validator, err)) == MP_OK &&
            (rc = mp_json_get_address(w, "address", (*out)[i].addr, err)) == MP_OK &&
            (rc = mp_json_get_quantity(w, "amount", &(*out)[i].gwei, err)) == MP_OK) {
            size_t m = mp_rlp_list_begin(&enc[i]);
            mp_rlp_put_u64(&enc[i], index);
            mp_rlp_put_u64(&enc[i], validator);
            mp_rlp_put_bytes(&enc[i], (*out)[i].addr, 20);
            mp_rlp_put_u64(&enc[i], (*out)[i].gwei);
            mp_rlp_list_end(&enc[i], m);
            rc = mp_buf_check(&enc[i], err);
        }
    }
    if (rc == MP_OK)
        rc = check_list_root(enc, *n, h->wd_root, "withdrawals", err);
    for (size_t i = 0; enc && i < *n; i++)
        mp_buf_free(&enc[i]);
    free(enc);
    return rc;
}

/* ---- one execution round ---- */

typedef struct run {
    rx_witness *w;
    mp_evm_state *st;
    mp_buf *receipts;
    uint8_t bloom[256];
    uint64_t gas, blob_gas;
    bool invalid, unsupported;
    char reason[MP_ERR_MSG_MAX + 40];
    bool hash_miss;
    uint64_t lowest_miss;
} run;

static void blockhash(void *ctx, uint64_t n, uint8_t out[32])
{
    run *r = ctx;
    uint64_t i = r->w->number - 1 - n; /* the EVM asks only for the 256 blocks below */
    if (n < r->w->number && i < r->w->n_hashes) {
        memcpy(out, r->w->hashes[i], 32);
        return;
    }
    memset(out, 0, 32);
    if (!r->hash_miss || n < r->lowest_miss)
        r->lowest_miss = n;
    r->hash_miss = true;
}

static int load_state(run *r, mp_err *err)
{
    MP_TRY(mp_evm_state_new(&r->st, err));
    for (size_t i = 0; i < r->w->n; i++) {
        const rx_acct *a = &r->w->accts[i];
        if (!a->exists)
            continue;
        MP_TRY(mp_evm_state_set_account(r->st, a->addr, a->nonce, &a->balance, a->code.data,
                                        a->code.len, err));
        for (size_t k = 0; k < a->n_slots; k++)
            MP_TRY(
                mp_evm_state_set_storage(r->st, a->addr, &a->slots[k].key, &a->slots[k].val, err));
    }
    return MP_OK;
}

/* Fault injection (mp_reexec_opts.fault_coinbase_wei): a deliberately wrong pre-state. */
static int fault_credit(mp_evm_state *st, const uint8_t addr[20], uint64_t wei, mp_err *err)
{
    uint64_t nonce = 0;
    mp_w256 bal = mp_w256_u64(0), add = mp_w256_u64(wei);
    const uint8_t *code = NULL;
    size_t len = 0;
    (void)mp_evm_state_get_account(st, addr, &nonce, &bal, &code, &len);
    (void)mp_w256_add(&bal, &bal, &add);
    uint8_t *copy = len ? malloc(len) : NULL; /* set_account replaces the code it copies */
    if (len && !copy)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (len)
        memcpy(copy, code, len);
    int rc = mp_evm_state_set_account(st, addr, nonce, &bal, copy, len, err);
    free(copy);
    return rc;
}

static int apply_tx(run *r, const mp_evm_block *env, const rx_tx *t, size_t i, mp_err *err)
{
    mp_evm_result res;
    memset(&res, 0, sizeof res);
    int rc = mp_evm_tx_apply(r->st, env, &t->tx, &res, err);
    if (rc == MP_EVM_ERR_TX_INVALID || rc == MP_EVM_ERR_UNSUPPORTED) {
        r->invalid = rc == MP_EVM_ERR_TX_INVALID;
        r->unsupported = !r->invalid;
        snprintf(r->reason, sizeof r->reason, "transaction %zu: %s", i, err->msg);
        return MP_OK;
    }
    MP_TRY(rc);
    r->gas += res.gas_used;
    r->blob_gas += t->tx.n_blobs * BLOB_GAS_PER_BLOB;
    mp_evm_receipt_encode(&r->receipts[i], t->tx.type, res.status == MP_EVM_SUCCESS, r->gas,
                          res.logs, res.n_logs);
    mp_evm_logs_bloom(r->bloom, res.logs, res.n_logs);
    mp_evm_result_free(&res);
    return mp_buf_check(&r->receipts[i], err);
}

static int execute(run *r, const hdr *h, const block_txs *b, const wd *wds, size_t n_wd,
                   uint64_t chain_id, mp_err *err)
{
    mp_evm_block env = {0};
    memcpy(env.coinbase, h->miner, 20);
    env.number = r->w->number;
    env.timestamp = h->timestamp;
    env.gas_limit = h->gas_limit;
    env.base_fee = h->base_fee;
    memcpy(env.prev_randao, h->mix, 32);
    env.excess_blob_gas = h->excess_blob_gas;
    env.chain_id = chain_id;
    env.blockhash = blockhash;
    env.blockhash_ctx = r;
    MP_TRY(load_state(r, err));
    if (r->w->fault_coinbase_wei)
        MP_TRY(fault_credit(r->st, h->miner, r->w->fault_coinbase_wei, err));
    if (h->has_beacon)
        MP_TRY(mp_evm_system_call(r->st, &env, SYSTEM_ADDRESS, BEACON_ROOTS, h->beacon, 32,
                                  SYSTEM_GAS, err));
    for (size_t i = 0; i < b->n && !r->invalid && !r->unsupported; i++)
        MP_TRY(apply_tx(r, &env, &b->txs[i], i, err));
    for (size_t i = 0; i < n_wd && !r->invalid && !r->unsupported; i++)
        MP_TRY(mp_evm_withdraw(r->st, wds[i].addr, wds[i].gwei, err));
    return MP_OK;
}

static void run_free(run *r, size_t n_txs)
{
    mp_evm_state_free(r->st);
    for (size_t i = 0; r->receipts && i < n_txs; i++)
        mp_buf_free(&r->receipts[i]);
    free(r->receipts);
}

/* ---- coverage: what execution touched that the witness lacks ---- */

typedef struct want {
    uint8_t addr[20];
    bool has_key;
    mp_w256 key;
} want;

typedef struct wants {
    rx_witness *w;
    want *v;
    size_t n, cap;
    bool oom;
} wants;

static void want_push(wants *ws, const uint8_t addr[20], const mp_w256 *key)
{
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? 2 * ws->cap : 16;
        want *v = realloc(ws->v, cap * sizeof *v);
        if (!v) {
            ws->oom = true;
            return;
        }
        ws->v = v;
        ws->cap = cap;
    }
    want *x = &ws->v[ws->n++];
    memcpy(x->addr, addr, 20);
    x->has_key = key != NULL;
    x->key = key ? *key : mp_w256_u64(0);
}

static void cover_acct(void *ctx, const uint8_t addr[20], bool exists)
{
    wants *ws = ctx;
    (void)exists;
    if (!rx_witness_find(ws->w, addr))
        want_push(ws, addr, NULL);
}

static void cover_slot(void *ctx, const uint8_t addr[20], const mp_w256 *key, const mp_w256 *val)
{
    wants *ws = ctx;
    (void)val;
    const rx_acct *a = rx_witness_find(ws->w, addr);
    if (!a || (a->exists && !rx_acct_slot(a, key)))
        want_push(ws, addr, key);
}

/* Proves what ws lists, one eth_getProof per address. */
static int fetch_wants(rx_witness *w, const wants *ws, mp_err *err)
{
    mp_w256 *keys = calloc(ws->n ? ws->n : 1, sizeof *keys);
    if (!keys)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = MP_OK;
    for (size_t i = 0; rc == MP_OK && i < ws->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = memcmp(ws->v[j].addr, ws->v[i].addr, 20) == 0;
        if (seen)
            continue;
        size_t k = 0;
        for (size_t j = i; j < ws->n; j++)
            if (ws->v[j].has_key && memcmp(ws->v[j].addr, ws->v[i].addr, 20) == 0)
                keys[k++] = ws->v[j].key;
        rc = rx_witness_need(w, ws->v[i].addr, keys, k, err);
    }
    free(keys);
    return rc;
}

/* ---- post-state root ---- */

typedef struct post {
    wants accts, slots; /* has_key false: account entries (key.w[0] = exists) */
} post;

static void post_acct(void *ctx, const uint8_t addr[20], bool exists)
{
    post *p = ctx;
    want_push(&p->accts, addr, NULL);
    if (!p->accts.oom)
        p->accts.v[p->accts.n - 1].key = mp_w256_u64(exists);
}

static void post_slot(void *ctx, const uint8_t addr[20], const mp_w256 *key, const mp_w256 *val)
{
    post *p = ctx;
    want_push(&p->slots, addr, key);
    if (!p->slots.oom) /* keep the value next to the key: the pair is (key, val) */
        want_push(&p->slots, addr, val);
}

/* Puts (or deletes, vlen 0) into a partial trie, fetching missing nodes. */
static int trie_put(rx_witness *w, const uint8_t addr[20], bool storage, const uint8_t *key,
                    const uint8_t *val, size_t vlen, mp_err *err)
{
    for (int tries = 0; tries < 64; tries++) {
        rx_acct *a = storage ? rx_witness_find(w, addr) : NULL;
        mp_trie_missing m;
        int rc = mp_trie_partial_put(storage ? a->storage : w->state, key, 32, val, vlen, &m, err);
        if (rc != MP_TRIE_ERR_MISSING)
            return rc;
        MP_TRY(rx_witness_fetch_node(w, a, &m, err));
    }
    return MP_FAIL(err, MP_ERR_VERIFY, "trie nodes fetched for a deletion never complete the path");
}

static void rlp_uint_w(mp_buf *b, const mp_w256 *v)
{
    uint8_t be[32];
    mp_w256_to_be(be, v);
    mp_rlp_put_uint_be(b, be, 32);
}

static int storage_updates(rx_witness *w, const wants *slots, mp_err *err)
{
    for (size_t i = 0; i + 1 < slots->n; i += 2) {
        const uint8_t *addr = slots->v[i].addr;
        const mp_w256 *key = &slots->v[i].key, *val = &slots->v[i + 1].key;
        rx_acct *a = rx_witness_find(w, addr);
        const rx_slot *s = a && a->exists ? rx_acct_slot(a, key) : NULL;
        mp_w256 pre = s ? s->val : mp_w256_u64(0);
        if (!a)
            return MP_FAIL(err, MP_ERR_MISUSE, "an account outside the witness after execution");
        if (mp_w256_eq(&pre, val) && !w->anvil_trie)
            continue;
        uint8_t be[32], hk[32];
        mp_w256_to_be(be, key);
        mp_keccak256(hk, be, 32);
        mp_buf enc = MP_BUF_INIT;
        if (!mp_w256_is_zero(val) || w->anvil_trie)
            rlp_uint_w(&enc, val);
        int rc = mp_buf_check(&enc, err);
        if (rc == MP_OK)
            rc = trie_put(w, addr, true, hk, enc.data, enc.len, err);
        mp_buf_free(&enc);
        MP_TRY(rc);
        rx_witness_find(w, addr)->dirty = true;
    }
    return MP_OK;
}

/* rlp([0, 0, empty trie root, keccak256("")]) */
static const uint8_t ANVIL_EMPTY_ACCOUNT[70] = {
    0xf8, 0x44, 0x80, 0x80, 0xa0, 0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff,
    0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad,
    0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21, 0xa0, 0xc5, 0xd2, 0x46, 0x01,
    0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00,
    0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

/* Whether anvil keeps an absent account execution touched (see anvil_trie):
 ** not the precompile range nor the system addresses, which are only looked at. */
static bool anvil_keeps(const uint8_t addr[20])
{
    static const uint8_t zero[19] = {0};
    return memcmp(addr, zero, 19) != 0 && memcmp(addr, SYSTEM_ADDRESS, 20) != 0 &&
           memcmp(addr, BEACON_ROOTS, 20) != 0;
}

static int account_update(rx_witness *w, mp_evm_state *st, const uint8_t addr[20], bool exists,
                          mp_err *err)
{
    rx_acct *a = rx_witness_find(w, addr);
    uint8_t hk[32], sroot[32], ch[32], be[32];
    uint64_t nonce;
    mp_w256 bal;
    const uint8_t *code;
    size_t code_len;
    mp_keccak256(hk, addr, 20);
    if (!exists && w->anvil_trie && anvil_keeps(addr))
        return trie_put(w, addr, false, hk, ANVIL_EMPTY_ACCOUNT, sizeof ANVIL_EMPTY_ACCOUNT, err);
    if (!exists)
        return a->exists ? trie_put(w, addr, false, hk, NULL, 0, err) : MP_OK;
    (void)mp_evm_state_get_account(st, addr, &nonce, &bal, &code, &code_len);
    mp_keccak256(ch, code_len ? code : (const uint8_t *)"", code_len);
    if (a->dirty)
        MP_TRY(mp_trie_partial_root(a->storage, sroot, err));
    else
        memcpy(sroot, a->storage_root, 32);
    if (a->exists && nonce == a->nonce && mp_w256_eq(&bal, &a->balance) &&
        memcmp(sroot, a->storage_root, 32) == 0 && memcmp(ch, a->code_hash, 32) == 0)
        return MP_OK;
    mp_buf enc = MP_BUF_INIT;
    size_t m = mp_rlp_list_begin(&enc);
    mp_rlp_put_u64(&enc, nonce);
    mp_w256_to_be(be, &bal);
    mp_rlp_put_uint_be(&enc, be, 32);
    mp_rlp_put_bytes(&enc, sroot, 32);
    mp_rlp_put_bytes(&enc, ch, 32);
    mp_rlp_list_end(&enc, m);
    int rc = mp_buf_check(&enc, err);
    if (rc == MP_OK)
        rc = trie_put(w, addr, false, hk, enc.data, enc.len, err);
    mp_buf_free(&enc);
    return rc;
}

static int post_root(rx_witness *w, mp_evm_state *st, uint8_t root[32], mp_err *err)
{
    post p = {{.w = w}, {.w = w}};
    mp_evm_state_visit(st, post_acct, post_slot, &p);
    int rc = p.accts.oom || p.slots.oom ? MP_FAIL(err, MP_ERR_NOMEM, "out of memory") : MP_OK;
    if (rc == MP_OK)
        rc = storage_updates(w, &p.slots, err);
    for (size_t i = 0; rc == MP_OK && i < p.accts.n; i++)
        rc = account_update(w, st, p.accts.v[i].addr, p.accts.v[i].key.w[0] != 0, err);
    if (rc == MP_OK)
        rc = mp_trie_partial_root(w->state, root, err);
    free(p.accts.v);
    free(p.slots.v);
    return rc;
}

/* ---- the whole block ---- */

static void add_mismatch(mp_reexec_result *out, const char *field)
{
    size_t l = strlen(out->mismatch);
    snprintf(out->mismatch + l, sizeof out->mismatch - l, "%s%s", l ? "," : "", field);
    out->status = MP_REEXEC_MISMATCH;
}

static int compare(run *r, const hdr *h, const block_txs *b, mp_reexec_result *out, mp_err *err)
{
    double t0 = rx_now_ms();
    MP_TRY(post_root(r->w, r->st, out->state_root, err));
    const uint8_t **p = calloc(b->n ? b->n : 1, sizeof *p);
    size_t *lens = calloc(b->n ? b->n : 1, sizeof *lens);
    uint8_t rroot[32];
    int rc = p && lens ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < b->n; i++) {
        p[i] = r->receipts[i].data;
        lens[i] = r->receipts[i].len;
    }
    if (rc == MP_OK)
        rc = mp_trie_list_root(rroot, p, lens, b->n, err);
    free(p);
    free(lens);
    out->t.root += rx_now_ms() - t0;
    MP_TRY(rc);
    out->gas_used = r->gas;
    if (memcmp(out->state_root, h->state_root, 32) != 0)
        add_mismatch(out, "stateRoot");
    if (memcmp(rroot, h->receipts_root, 32) != 0)
        add_mismatch(out, "receiptsRoot");
    if (memcmp(r->bloom, h->bloom, 256) != 0)
        add_mismatch(out, "logsBloom");
    if (r->gas != h->gas_used)
        add_mismatch(out, "gasUsed");
    if (h->has_blob && r->blob_gas != h->blob_gas_used)
        add_mismatch(out, "blobGasUsed");
    return MP_OK;
}

/* Executes in rounds until nothing outside the witness was touched. */
static int rounds(rx_witness *w, const hdr *h, const block_txs *b, const wd *wds, size_t n_wd,
                  const mp_reexec_opts *o, mp_reexec_result *out, mp_err *err)
{
    unsigned max = o->max_rounds ? o->max_rounds : 8;
    for (;;) {
        run r = {.w = w};
        r.receipts = calloc(b->n ? b->n : 1, sizeof *r.receipts);
        if (!r.receipts)
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        out->rounds++;
        double t0 = rx_now_ms();
        int rc = execute(&r, h, b, wds, n_wd, o->chain_id, err);
        out->t.exec += rx_now_ms() - t0;
        wants ws = {.w = w};
        if (rc == MP_OK && !r.unsupported) {
            mp_evm_state_visit(r.st, cover_acct, cover_slot, &ws);
            if (ws.oom)
                rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        }
        bool again = rc == MP_OK && !r.unsupported && (ws.n > 0 || r.hash_miss);
        if (again && out->rounds >= max) {
            out->status = MP_REEXEC_UNSUPPORTED;
            snprintf(out->reason, sizeof out->reason,
                     "execution still touches unproven state after %u rounds", max);
        } else if (again) {
            rc = fetch_wants(w, &ws, err);
            if (rc == MP_OK && r.hash_miss)
                rc = rx_witness_hashes_to(w, r.lowest_miss, err);
        } else if (rc == MP_OK && r.unsupported) {
            out->status = MP_REEXEC_UNSUPPORTED;
            snprintf(out->reason, sizeof out->reason, "%s", r.reason);
        } else if (rc == MP_OK && r.invalid) {
            add_mismatch(out, "transactions");
            snprintf(out->reason, sizeof out->reason, "%s", r.reason);
        } else if (rc == MP_OK) {
            rc = compare(&r, h, b, out, err);
        }
        free(ws.v);
        run_free(&r, b->n);
        if (rc != MP_OK || !again || out->status != MP_REEXEC_MATCH)
            return rc;
    }
}

static int reexec(rx_witness *w, const mp_reexec_opts *o, mp_reexec_result *out, mp_err *err)
{
    hdr h;
    memset(&h, 0, sizeof h);
    block_txs b = {0};
    wd *wds = NULL;
    size_t n_wd = 0;
    int rc = read_hdr(&h, w->block, err);
    if (rc == MP_OK)
        rc = read_txs(&b, w->block, &h, o->chain_id, out, err);
    if (rc == MP_OK && out->status == MP_REEXEC_MATCH)
        rc = read_withdrawals(&wds, &n_wd, w->block, &h, err);
    if (rc != MP_OK && mp_rc_class(rc) != MP_ERR_VERIFY && mp_rc_class(rc) != MP_ERR_NOMEM) {
        mp_err_wrap(err, "the node's block %llu", (unsigned long long)w->number);
        rc = MP_RC(MP_ERR_RPC, 3);
    }
    out->n_txs = b.n;
    memcpy(out->header_root, h.state_root, 32);
    if (rc == MP_OK && out->status == MP_REEXEC_MATCH)
        rc = rx_witness_trace(w, err);
    if (rc == MP_OK && out->status == MP_REEXEC_MATCH)
        rc = rx_witness_need(w, h.miner, NULL, 0, err);
    if (rc == MP_OK && out->status == MP_REEXEC_MATCH && h.has_beacon)
        rc = rx_witness_need(w, BEACON_ROOTS, NULL, 0, err);
    /* every transaction warms the precompiles: prove them now, not in a second round */
    for (uint8_t p = 1; rc == MP_OK && out->status == MP_REEXEC_MATCH && b.n > 0 && p <= 10; p++) {
        uint8_t addr[20] = {0};
        addr[19] = p;
        rc = rx_witness_need(w, addr, NULL, 0, err);
    }
    if (rc == MP_OK && out->status == MP_REEXEC_MATCH)
        rc = rounds(w, &h, &b, wds, n_wd, o, out, err);
    txs_free(&b);
    free(wds);
    return rc;
}

int mp_reexec_block(mp_rpc *c, uint64_t number, const mp_reexec_opts *opts, mp_reexec_result *out,
                    mp_err *err)
{
    memset(out, 0, sizeof *out);
    out->number = number;
    rx_witness w;
    memset(&w, 0, sizeof w);
    w.t = &out->t;
    w.max_search = opts->max_search ? opts->max_search : (uint64_t)1 << 22;
    w.anvil_trie = opts->anvil_trie;
    w.fault_coinbase_wei = opts->fault_coinbase_wei;
    int rc = rx_witness_open(&w, c, number, opts->parent_root, err);
    if (rc == MP_OK) {
        memcpy(out->parent_root, w.parent_root, 32);
        memcpy(out->parent_hash, w.hashes[0], 32);
        rc = mp_json_get_word(w.block, "hash", out->block_hash, err);
    }
    if (rc == MP_OK)
        rc = reexec(&w, opts, out, err);
    if (rc == MP_EVM_ERR_UNSUPPORTED) {
        out->status = MP_REEXEC_UNSUPPORTED;
        snprintf(out->reason, sizeof out->reason, "%s", err->msg);
        rc = MP_OK;
    }
    for (size_t i = 0; i < w.n; i++) {
        out->n_accounts++;
        out->n_slots += w.accts[i].n_slots;
    }
    out->node_fetches = w.node_fetches;
    rx_witness_free(&w);
    if (rc != MP_OK)
        mp_err_wrap(err, "re-executing block %llu", (unsigned long long)number);
    return rc;
}
