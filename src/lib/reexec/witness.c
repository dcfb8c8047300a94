/*
** witness.c: the witness of a stateless re-execution, fetched from a
** standard node and verified before use: block and parent headers (hash and
** link), accounts and slots with eth_getProof at the parent block (checked
** against the parent state root), code by hash, ancestor hashes through
** parent links, and trie nodes a deletion needs (through a proof of a key
** found under the missing node's path).
*/
#include "rx_int.h"

#include "mpavs/ethheader.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RX_MAX_PROOF_NODES 64
#define RX_MAX_NODE        (1u << 14)

static const uint8_t EMPTY_CODE_HASH[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

double rx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A call to the node, timed as fetch; a node error stays MP_ERR_RPC. */
static int call(rx_witness *w, const char *method, json_t *params, json_t **res, mp_err *err)
{
    double t0 = rx_now_ms();
    int rc = mp_rpc_call(w->c, method, params, res, err);
    w->t->fetch += rx_now_ms() - t0;
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", method);
    return rc;
}

/* A malformed answer is the node's failure: MP_ERR_RPC, naming what. */
static int garbage(int rc, mp_err *err, const char *what)
{
    if (rc == MP_OK || mp_rc_class(rc) == MP_ERR_VERIFY || mp_rc_class(rc) == MP_ERR_NOMEM)
        return rc;
    mp_err_wrap(err, "the node's %s", what);
    return MP_RC(MP_ERR_RPC, 3);
}

static int get_block(rx_witness *w, uint64_t n, bool full, json_t **out, mp_eth_header *h,
                     mp_err *err)
{
    MP_TRY(call(w, "eth_getBlockByNumber", json_pack("[o, b]", mp_json_quantity_new(n), full), out,
                err));
    if (json_is_null(*out))
        return MP_FAIL(err, MP_RC(MP_ERR_RPC, 2), "the node has no block %llu",
                       (unsigned long long)n);
    double t0 = rx_now_ms();
    int rc = mp_eth_header_check(h, *out, err);
    w->t->verify += rx_now_ms() - t0;
    if (rc == MP_OK && h->number != n)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "asked for block %llu, the node gave block %llu",
                     (unsigned long long)n, (unsigned long long)h->number);
    return garbage(rc, err, "block header");
}

int rx_witness_open(rx_witness *w, mp_rpc *c, uint64_t number, const uint8_t *trusted, mp_err *err)
{
    mp_eth_header h, ph;
    json_t *parent = NULL;
    w->c = c;
    w->number = number;
    if (number == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "block 0 has no parent to re-execute from");
    MP_TRY(get_block(w, number, true, &w->block, &h, err));
    int rc = get_block(w, number - 1, false, &parent, &ph, err);
    json_decref(parent);
    MP_TRY(rc);
    if (memcmp(ph.hash, h.parent_hash, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "block %llu's parent hash is not block %llu's hash",
                       (unsigned long long)number, (unsigned long long)number - 1);
    if (trusted && memcmp(trusted, ph.state_root, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "block %llu's state root on the node differs from the trusted one",
                       (unsigned long long)number - 1);
    memcpy(w->parent_root, ph.state_root, 32);
    w->hashes = malloc(2 * 32);
    if (!w->hashes)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    memcpy(w->hashes[0], h.parent_hash, 32);
    memcpy(w->hashes[1], ph.parent_hash, 32);
    w->n_hashes = number >= 2 ? 2 : 1;
    return mp_trie_partial_new(&w->state, w->parent_root, err);
}

void rx_witness_free(rx_witness *w)
{
    for (size_t i = 0; i < w->n; i++) {
        mp_buf_free(&w->accts[i].code);
        free(w->accts[i].slots);
        mp_trie_partial_free(w->accts[i].storage);
    }
    free(w->accts);
    free(w->hashes);
    mp_trie_partial_free(w->state);
    json_decref(w->block);
    memset(w, 0, sizeof *w);
}

rx_acct *rx_witness_find(rx_witness *w, const uint8_t addr[20])
{
    for (size_t i = 0; i < w->n; i++)
        if (memcmp(w->accts[i].addr, addr, 20) == 0)
            return &w->accts[i];
    return NULL;
}

const rx_slot *rx_acct_slot(const rx_acct *a, const mp_w256 *key)
{
    for (size_t i = 0; i < a->n_slots; i++)
        if (mp_w256_eq(&a->slots[i].key, key))
            return &a->slots[i];
    return NULL;
}

/* ---- proofs ---- */

typedef struct proof {
    mp_buf nodes[RX_MAX_PROOF_NODES];
    const uint8_t *p[RX_MAX_PROOF_NODES];
    size_t len[RX_MAX_PROOF_NODES];
    size_t n;
} proof;

static void proof_free(proof *p)
{
    for (size_t i = 0; i < p->n; i++)
        mp_buf_free(&p->nodes[i]);
    p->n = 0;
}

static int proof_read(proof *p, const json_t *arr, const char *name, mp_err *err)
{
    size_t n;
    proof_free(p);
    MP_TRY(mp_json_as_array(arr, name, RX_MAX_PROOF_NODES, &n, err));
    for (size_t i = 0; i < n; i++) {
        p->n = i + 1;
        memset(&p->nodes[i], 0, sizeof p->nodes[i]);
        MP_TRY(mp_json_as_hex_buf(json_array_get(arr, i), name, MP_JSON_0X, RX_MAX_NODE,
                                  &p->nodes[i], err));
        p->p[i] = p->nodes[i].data;
        p->len[i] = p->nodes[i].len;
    }
    return MP_OK;
}

static int proof_seed(const proof *p, mp_trie_partial *t, mp_err *err)
{
    for (size_t i = 0; i < p->n; i++)
        MP_TRY(mp_trie_partial_add_node(t, p->p[i], p->len[i], err));
    return MP_OK;
}

/* Decodes an account leaf [nonce, balance, storageRoot, codeHash]. */
static int account_leaf(rx_acct *a, const mp_buf *val, mp_err *err)
{
    mp_rlp_item list, it[4];
    uint8_t bal[32];
    MP_TRY(mp_rlp_decode(&list, val->data, val->len, err));
    MP_TRY(mp_rlp_list_items(&list, it, 4, "account", err));
    MP_TRY(mp_rlp_to_u64(&it[0], &a->nonce, err));
    MP_TRY(mp_rlp_to_uint_be(&it[1], bal, 32, err));
    if (it[2].is_list || it[2].len != 32 || it[3].is_list || it[3].len != 32)
        return MP_FAIL(err, MP_ERR_PARSE, "account leaf roots are not 32 bytes");
    mp_w256_from_be(&a->balance, bal);
    memcpy(a->storage_root, it[2].payload, 32);
    memcpy(a->code_hash, it[3].payload, 32);
    return MP_OK;
}

/* What the node claims next to its proof must be what the proof proves. */
static int account_claims(const rx_acct *a, const json_t *res, mp_err *err)
{
    uint8_t be[32], word[32];
    mp_w256 bal;
    uint64_t nonce;
    MP_TRY(rx_json_qty(json_object_get(res, "balance"), "balance", be, err));
    mp_w256_from_be(&bal, be);
    MP_TRY(mp_json_get_quantity(res, "nonce", &nonce, err));
    if (!mp_w256_eq(&bal, &a->balance) || nonce != a->nonce)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "eth_getProof's balance or nonce disagrees with its proof");
    if (!a->exists)
        return MP_OK;
    MP_TRY(mp_json_get_word(res, "storageHash", word, err));
    if (memcmp(word, a->storage_root, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "eth_getProof's storageHash disagrees with its proof");
    MP_TRY(mp_json_get_word(res, "codeHash", word, err));
    if (memcmp(word, a->code_hash, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "eth_getProof's codeHash disagrees with its proof");
    return MP_OK;
}

static int verify_account(rx_witness *w, rx_acct *a, const json_t *res, proof *p, mp_err *err)
{
    uint8_t key[32];
    bool found;
    mp_buf val = MP_BUF_INIT;
    MP_TRY(proof_read(p, json_object_get(res, "accountProof"), "accountProof", err));
    mp_keccak256(key, a->addr, 20);
    int rc = mp_trie_proof_get(w->parent_root, key, 32, p->p, p->len, p->n, &found, &val, err);
    if (rc == MP_OK) {
        a->exists = found;
        memcpy(a->storage_root, MP_TRIE_EMPTY_ROOT, 32);
        memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
        if (found)
            rc = account_leaf(a, &val, err);
    }
    if (rc == MP_OK)
        rc = account_claims(a, res, err);
    if (rc == MP_OK)
        rc = proof_seed(p, w->state, err);
    if (rc == MP_OK && !a->storage)
        rc = mp_trie_partial_new(&a->storage, a->storage_root, err);
    mp_buf_free(&val);
    return rc;
}

static int slot_value(const mp_buf *val, bool found, mp_w256 *out, mp_err *err)
{
    mp_rlp_item it;
    uint8_t be[32];
    *out = mp_w256_u64(0);
    if (!found)
        return MP_OK;
    MP_TRY(mp_rlp_decode(&it, val->data, val->len, err));
    MP_TRY(mp_rlp_to_uint_be(&it, be, 32, err));
    mp_w256_from_be(out, be);
    return MP_OK;
}

static int add_slot(rx_acct *a, const mp_w256 *key, const mp_w256 *val, mp_err *err)
{
    if (a->n_slots == a->cap_slots) {
        size_t cap = a->cap_slots ? 2 * a->cap_slots : 8;
        rx_slot *s = realloc(a->slots, cap * sizeof *s);
        if (!s)
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        a->slots = s;
        a->cap_slots = cap;
    }
    a->slots[a->n_slots++] = (rx_slot){*key, *val};
    return MP_OK;
}

static int verify_slot(rx_acct *a, const json_t *sp, const mp_w256 *want, proof *p, mp_err *err)
{
    uint8_t be[32], hkey[32];
    mp_w256 key, claimed, proven;
    bool found;
    MP_TRY(rx_json_qty(json_object_get(sp, "key"), "storageProof key", be, err));
    mp_w256_from_be(&key, be);
    if (!mp_w256_eq(&key, want))
        return MP_FAIL(err, MP_ERR_VERIFY, "eth_getProof answered for another storage key");
    MP_TRY(rx_json_qty(json_object_get(sp, "value"), "storageProof value", be, err));
    mp_w256_from_be(&claimed, be);
    MP_TRY(proof_read(p, json_object_get(sp, "proof"), "storageProof proof", err));
    if (memcmp(a->storage_root, MP_TRIE_EMPTY_ROOT, 32) == 0) {
        /* an empty trie: no proof, or its one node rlp("") as some nodes send */
        if (p->n > 1 || (p->n == 1 && (p->len[0] != 1 || p->p[0][0] != 0x80)) ||
            !mp_w256_is_zero(&claimed))
            return MP_FAIL(err, MP_ERR_VERIFY,
                           "eth_getProof's proof for an empty storage is not empty");
        proven = mp_w256_u64(0);
        return add_slot(a, want, &proven, err);
    }
    mp_w256_to_be(be, want);
    mp_keccak256(hkey, be, 32);
    mp_buf val = MP_BUF_INIT;
    int rc = mp_trie_proof_get(a->storage_root, hkey, 32, p->p, p->len, p->n, &found, &val, err);
    if (rc == MP_OK)
        rc = slot_value(&val, found, &proven, err);
    mp_buf_free(&val);
    MP_TRY(rc);
    if (!mp_w256_eq(&claimed, &proven))
        return MP_FAIL(err, MP_ERR_VERIFY, "eth_getProof's storage value disagrees with its proof");
    MP_TRY(proof_seed(p, a->storage, err));
    return add_slot(a, want, &proven, err);
}

static int fetch_code(rx_witness *w, rx_acct *a, mp_err *err)
{
    if (!a->exists || memcmp(a->code_hash, EMPTY_CODE_HASH, 32) == 0)
        return MP_OK;
    double t0 = rx_now_ms();
    int rc = mp_eth_get_code(w->c, a->addr, w->number - 1, &a->code, err);
    w->t->fetch += rx_now_ms() - t0;
    MP_TRY(garbage(rc, err, "eth_getCode"));
    uint8_t h[32];
    mp_keccak256(h, a->code.data, a->code.len);
    if (memcmp(h, a->code_hash, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "eth_getCode's code does not hash to the proven code hash");
    return MP_OK;
}

static rx_acct *new_acct(rx_witness *w, const uint8_t addr[20])
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 32;
        rx_acct *a = realloc(w->accts, cap * sizeof *a);
        if (!a)
            return NULL;
        w->accts = a;
        w->cap = cap;
    }
    rx_acct *a = &w->accts[w->n++];
    memset(a, 0, sizeof *a);
    memcpy(a->addr, addr, 20);
    return a;
}

/* One eth_getProof for addr and the keys, all verified. */
static int prove(rx_witness *w, rx_acct *a, const mp_w256 *keys, size_t n, bool fresh, mp_err *err)
{
    json_t *jkeys = json_array(), *res = NULL;
    for (size_t i = 0; i < n; i++) {
        uint8_t be[32];
        mp_w256_to_be(be, &keys[i]);
        json_array_append_new(jkeys, mp_json_hex_new(be, 32, MP_JSON_0X));
    }
    json_t *params = json_pack("[o, o, o]", mp_json_hex_new(a->addr, 20, MP_JSON_0X), jkeys,
                               mp_json_quantity_new(w->number - 1));
    MP_TRY(call(w, "eth_getProof", params, &res, err));
    proof *p = calloc(1, sizeof *p);
    int rc = p ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    double t0 = rx_now_ms();
    json_t *sp = json_object_get(res, "storageProof");
    if (rc == MP_OK && (!json_is_array(sp) || json_array_size(sp) != n))
        rc = MP_FAIL(err, MP_ERR_VERIFY, "eth_getProof did not answer for every storage key");
    if (rc == MP_OK && fresh)
        rc = verify_account(w, a, res, p, err);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        rc = verify_slot(a, json_array_get(sp, i), &keys[i], p, err);
    w->t->verify += rx_now_ms() - t0;
    if (p)
        proof_free(p);
    free(p);
    json_decref(res);
    MP_TRY(garbage(rc, err, "eth_getProof"));
    return fresh ? fetch_code(w, a, err) : MP_OK;
}

int rx_witness_need(rx_witness *w, const uint8_t addr[20], const mp_w256 *keys, size_t n,
                    mp_err *err)
{
    rx_acct *a = rx_witness_find(w, addr);
    bool fresh = a == NULL;
    if (fresh && !(a = new_acct(w, addr)))
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    mp_w256 *want = calloc(n ? n : 1, sizeof *want);
    if (!want)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = rx_acct_slot(a, &keys[i]) != NULL;
        for (size_t j = 0; j < m && !dup; j++)
            dup = mp_w256_eq(&want[j], &keys[i]);
        if (!dup)
            want[m++] = keys[i];
    }
    int rc = MP_OK;
    if (fresh || (a->exists && m > 0))
        rc = prove(w, a, want, fresh || a->exists ? m : 0, fresh, err);
    free(want);
    return rc;
}

/* ---- the prestate trace: which keys the block touches ---- */

static int trace_account(rx_witness *w, const char *addr_hex, const json_t *acct, mp_err *err)
{
    uint8_t addr[20];
    MP_TRY(mp_hex_decode_exact(addr, 20, addr_hex, err));
    json_t *storage = json_object_get(acct, "storage");
    size_t n = json_is_object(storage) ? json_object_size(storage) : 0;
    mp_w256 *keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    size_t i = 0;
    const char *k;
    json_t *v;
    int rc = MP_OK;
    json_object_foreach(storage, k, v)
    {
        uint8_t be[32];
        json_t *tmp = json_string(k);
        rc = rx_json_qty(tmp, "prestate storage key", be, err);
        json_decref(tmp);
        if (rc != MP_OK)
            break;
        mp_w256_from_be(&keys[i++], be);
    }
    if (rc == MP_OK)
        rc = rx_witness_need(w, addr, keys, i, err);
    free(keys);
    return rc;
}

int rx_witness_trace(rx_witness *w, mp_err *err)
{
    json_t *res = NULL;
    json_t *params =
        json_pack("[o, {s: s}]", mp_json_quantity_new(w->number), "tracer", "prestateTracer");
    MP_TRY(call(w, "debug_traceBlockByNumber", params, &res, err));
    int rc = json_is_array(res) ? MP_OK
                                : MP_FAIL(err, MP_RC(MP_ERR_RPC, 3),
                                          "debug_traceBlockByNumber did not answer an array");
    for (size_t i = 0; rc == MP_OK && i < json_array_size(res); i++) {
        json_t *r = json_object_get(json_array_get(res, i), "result");
        const char *addr;
        json_t *acct;
        if (!json_is_object(r)) {
            rc = MP_FAIL(err, MP_RC(MP_ERR_RPC, 3), "prestate trace %zu has no result object", i);
            break;
        }
        json_object_foreach(r, addr, acct)
        {
            if ((rc = trace_account(w, addr, acct, err)) != MP_OK)
                break;
        }
    }
    json_decref(res);
    return garbage(rc, err, "prestate trace");
}

/* ---- ancestors ---- */

int rx_witness_hashes_to(rx_witness *w, uint64_t lowest, mp_err *err)
{
    while (w->n_hashes < w->number && w->number - w->n_hashes > lowest) {
        /* the lowest proven hash is of block number - n_hashes; its header gives the next */
        uint64_t k = w->number - w->n_hashes;
        json_t *b = NULL;
        mp_eth_header h;
        int rc = get_block(w, k, false, &b, &h, err);
        json_decref(b);
        MP_TRY(rc);
        if (memcmp(h.hash, w->hashes[w->n_hashes - 1], 32) != 0)
            return MP_FAIL(err, MP_ERR_VERIFY, "block %llu's hash breaks the parent links",
                           (unsigned long long)k);
        uint8_t(*hs)[32] = realloc(w->hashes, (w->n_hashes + 1) * 32);
        if (!hs)
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        w->hashes = hs;
        memcpy(w->hashes[w->n_hashes++], h.parent_hash, 32);
    }
    return MP_OK;
}

/* ---- nodes a deletion needs ---- */

static bool under(const uint8_t h[32], const mp_trie_missing *m)
{
    for (size_t i = 0; i < m->path_len; i++) {
        uint8_t nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 15;
        if (nib != m->path[i])
            return false;
    }
    return true;
}

/* A preimage whose keccak256 starts with the missing node's path: an address
 ** (state trie) or a slot (storage). Counting from a fixed start, so a run is
 ** reproducible. */
static int search_key(rx_witness *w, bool slot, const mp_trie_missing *m, uint8_t out[32],
                      mp_err *err)
{
    uint8_t pre[32] = {0}, h[32];
    size_t len = slot ? 32 : 20;
    for (uint64_t i = 0; i < w->max_search; i++) {
        for (int b = 0; b < 8; b++)
            pre[len - 1 - b] = (uint8_t)(i >> (8 * b));
        mp_keccak256(h, pre, len);
        if (under(h, m)) {
            memcpy(out, pre, len);
            return MP_OK;
        }
    }
    return MP_FAIL(err, MP_EVM_ERR_UNSUPPORTED,
                   "no key found under a trie node a deletion needs (path of %zu nibbles, %llu "
                   "tries)",
                   m->path_len, (unsigned long long)w->max_search);
}

int rx_witness_fetch_node(rx_witness *w, rx_acct *a, const mp_trie_missing *m, mp_err *err)
{
    uint8_t pre[32];
    double t0 = rx_now_ms();
    int rc = search_key(w, a != NULL, m, pre, err);
    w->t->root += rx_now_ms() - t0;
    MP_TRY(rc);
    w->node_fetches++;
    if (a == NULL) {
        rx_acct *sib = rx_witness_find(w, pre);
        if (sib)
            return MP_FAIL(err, MP_ERR_VERIFY, "a proven account's proof lacks a trie node");
        return rx_witness_need(w, pre, NULL, 0, err);
    }
    mp_w256 key;
    mp_w256_from_be(&key, pre);
    if (rx_acct_slot(a, &key))
        return MP_FAIL(err, MP_ERR_VERIFY, "a proven slot's proof lacks a trie node");
    return rx_witness_need(w, a->addr, &key, 1, err);
}
