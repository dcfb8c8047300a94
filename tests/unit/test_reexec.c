/*
** test_reexec.c: the transaction decoder of stateless re-execution
** (src/lib/reexec/ethtx.c): JSON transactions re-encoded exactly (the EIP-155
** example, and a type-2 transaction signed by the library's own encoder),
** senders recovered from signatures, malformed or unsupported input refused.
** And re-execution under Ethereum's rules against a fake node (the library's
** JSON-RPC server) that serves a full in-memory state with real proofs: the
** witness-built post-state root, with deletions of storage slots and of a
** touched empty account that need trie nodes fetched through proofs, equals
** the root of the same block executed on the full state.
** Re-execution against anvil is in tests/integration/test_reexec.c.
*/
#include "test.h"

#include "mpavs/ethheader.h"
#include "mpavs/hex.h"
#include "mpavs/http.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/reexec.h"
#include "mpavs/rlp.h"
#include "mpavs/rpcserver.h"
#include "mpavs/secp.h"
#include "mpavs/tx.h"
#include "reexec/rx_int.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static json_t *parse(const char *text)
{
    return json_loads(text, 0, NULL);
}

/* The signed example of EIP-155 (chain id 1, key 0x4646...46). */
static const char eip155_json[] =
    "{\"type\":\"0x0\",\"nonce\":\"0x9\",\"gasPrice\":\"0x4a817c800\",\"gas\":\"0x5208\","
    "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0xde0b6b3a7640000\","
    "\"input\":\"0x\",\"v\":\"0x25\","
    "\"r\":\"0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276\","
    "\"s\":\"0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83\"}";
static const char eip155_raw[] =
    "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
    "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70330"
    "4b3800ccf555c9f3dc64214b297fb1966a3b6d83";

TEST(legacy_eip155_example)
{
    mp_err e = {0};
    rx_tx t;
    uint8_t raw[110], sender[20];
    json_t *j = parse(eip155_json);
    CHECK_OK(mp_hex_decode_exact(raw, sizeof raw, eip155_raw, &e), &e);
    CHECK_OK(mp_hex_decode_exact(sender, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", &e), &e);
    CHECK_OK(rx_tx_decode(&t, j, &e), &e);
    CHECK(t.raw.len == sizeof raw && memcmp(t.raw.data, raw, sizeof raw) == 0);
    CHECK_MEM(t.tx.sender, sender, 20);
    CHECK(t.tx.type == 0 && t.tx.nonce == 9 && t.tx.gas_limit == 21000 && t.tx.has_to);
    rx_tx_free(&t);
    json_decref(j);
}

TEST(type2_matches_the_library_encoder)
{
    mp_err e = {0};
    uint8_t sk[32], from[20], hash[32];
    memset(sk, 0x11, 32);
    mp_tx tx = {.type = MP_TX_EIP1559,
                .chain_id = 31337,
                .nonce = 5,
                .max_priority_fee = 2,
                .max_fee = 1000000007,
                .gas_limit = 90000,
                .has_to = true};
    static const uint8_t data[] = {0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01};
    memset(tx.to, 0x42, 20);
    tx.value[31] = 77;
    tx.data = data;
    tx.data_len = sizeof data;
    mp_buf raw = MP_BUF_INIT;
    CHECK_OK(mp_tx_sign(&tx, NULL, sk, &raw, hash, &e), &e);
    CHECK_OK(mp_secp_address(NULL, from, sk, &e), &e);
    char r[67], s[67], text[1024];
    mp_hex_encode0x(r, tx.r, 32);
    mp_hex_encode0x(s, tx.s, 32);
    snprintf(text, sizeof text,
             "{\"type\":\"0x2\",\"chainId\":\"0x7a69\",\"nonce\":\"0x5\",\"gas\":\"0x15f90\","
             "\"maxFeePerGas\":\"0x3b9aca07\",\"maxPriorityFeePerGas\":\"0x2\","
             "\"to\":\"0x4242424242424242424242424242424242424242\",\"value\":\"0x4d\","
             "\"input\":\"0xa9059cbb0001\",\"accessList\":[],\"v\":\"0x%d\",\"yParity\":\"0x%d\","
             "\"r\":\"%s\",\"s\":\"%s\"}",
             tx.y_parity, tx.y_parity, r, s);
    json_t *j = parse(text);
    rx_tx t;
    CHECK_OK(rx_tx_decode(&t, j, &e), &e);
    CHECK(t.raw.len == raw.len && memcmp(t.raw.data, raw.data, raw.len) == 0);
    CHECK_MEM(t.tx.sender, from, 20);
    rx_tx_free(&t);
    json_decref(j);
    mp_buf_free(&raw);
}

TEST(bad_transactions_are_refused)
{
    mp_err e = {0};
    rx_tx t;
    json_t *j = parse("{\"type\":\"0x4\",\"nonce\":\"0x0\"}");
    CHECK(rx_tx_decode(&t, j, &e) == MP_EVM_ERR_UNSUPPORTED);
    CHECK(strstr(e.msg, "type 4") != NULL);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json);
    json_object_del(j, "gas");
    CHECK(rx_tx_decode(&t, j, &e) != MP_OK);
    CHECK(strstr(e.msg, "gas") != NULL);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json);
    json_object_set_new(j, "v", json_string("0x1d"));
    CHECK(rx_tx_decode(&t, j, &e) != MP_OK);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json); /* r = 0: no signature recovers */
    json_object_set_new(j, "r", json_string("0x0"));
    CHECK_RC(rx_tx_decode(&t, j, &e), MP_ERR_VERIFY);
    rx_tx_free(&t);
    json_decref(j);
}

/* ---- a fake node over a full in-memory state ---- */

#define N_SLOTS   48
#define N_FILLERS 40
#define CHAIN     31337

typedef struct fake {
    mp_buf *nodes; /* every hashed node of the pre-state, by keccak256 */
    uint8_t (*hashes)[32];
    size_t n, cap;
    mp_evm_state *pre;
    json_t *blocks[3];
    size_t n_txs;
} fake;

static void keep_node(void *ctx, const uint8_t *rlp, size_t len)
{
    fake *f = ctx;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 256;
        f->nodes = realloc(f->nodes, f->cap * sizeof *f->nodes);
        f->hashes = realloc(f->hashes, f->cap * 32);
    }
    memset(&f->nodes[f->n], 0, sizeof f->nodes[f->n]);
    mp_buf_append(&f->nodes[f->n], rlp, len);
    mp_keccak256(f->hashes[f->n++], rlp, len);
}

static const mp_buf *node_of(const fake *f, const uint8_t h[32])
{
    for (size_t i = 0; i < f->n; i++)
        if (memcmp(f->hashes[i], h, 32) == 0)
            return &f->nodes[i];
    return NULL;
}

static unsigned nib(const uint8_t *k, size_t i)
{
    return i % 2 ? k[i / 2] & 15 : k[i / 2] >> 4;
}

/* Appends the proof of key (hashed, 32 bytes) under root to proof; val gets
 ** the leaf's value when the key is present. */
static void walk(const fake *f, const uint8_t root[32], const uint8_t key[32], json_t *proof,
                 mp_buf *val)
{
    const mp_buf *n = node_of(f, root);
    if (!n)
        return;
    const uint8_t *cur = n->data;
    size_t len = n->len, i = 0;
    json_array_append_new(proof, mp_json_hex_new(n->data, n->len, MP_JSON_0X));
    for (;;) {
        mp_rlp_item list, it[17];
        size_t k = 0, left;
        const uint8_t *p;
        if (mp_rlp_decode(&list, cur, len, NULL) != MP_OK || !list.is_list)
            return;
        for (p = list.payload, left = list.len; left > 0 && k < 17; k++)
            if (mp_rlp_next(&it[k], &p, &left, NULL) != MP_OK)
                return;
        const mp_rlp_item *child;
        if (k == 17) {
            child = &it[nib(key, i++)];
        } else {
            const uint8_t *hp = it[0].payload;
            unsigned flag = hp[0] >> 4;
            size_t pn = 2 * it[0].len - 2 + (flag & 1);
            for (size_t j = 0; j < pn; j++) {
                size_t q = j + 2 - (flag & 1);
                if (i + j >= 64 || nib(hp, q) != nib(key, i + j))
                    return;
            }
            i += pn;
            if (flag & 2) {
                mp_buf_append(val, it[1].payload, it[1].len);
                return;
            }
            child = &it[1];
        }
        if (!child->is_list && child->len == 0)
            return;
        if (!child->is_list && child->len == 32) {
            if (!(n = node_of(f, child->payload)))
                return;
            json_array_append_new(proof, mp_json_hex_new(n->data, n->len, MP_JSON_0X));
            cur = n->data;
            len = n->len;
        } else {
            cur = child->raw;
            len = child->raw_len;
        }
    }
}

static uint8_t PRE_ROOT[32];

static int m_get_proof(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)call;
    fake *f = user;
    uint8_t addr[20], hk[32], be[32], sroot[32], chash[32];
    MP_TRY(mp_json_as_address(json_array_get(params, 0), "address", addr, err));
    mp_keccak256(hk, addr, 20);
    json_t *aproof = json_array(), *sproofs = json_array();
    mp_buf acct = MP_BUF_INIT;
    walk(f, PRE_ROOT, hk, aproof, &acct);
    uint64_t nonce = 0;
    memset(be, 0, 32);
    memcpy(sroot, MP_TRIE_EMPTY_ROOT, 32);
    mp_keccak256(chash, "", 0);
    if (acct.len) {
        mp_rlp_item l, it[4];
        MP_TRY(mp_rlp_decode(&l, acct.data, acct.len, err));
        MP_TRY(mp_rlp_list_items(&l, it, 4, "account", err));
        MP_TRY(mp_rlp_to_u64(&it[0], &nonce, err));
        MP_TRY(mp_rlp_to_uint_be(&it[1], be, 32, err));
        memcpy(sroot, it[2].payload, 32);
        memcpy(chash, it[3].payload, 32);
    }
    json_t *keys = json_array_get(params, 1);
    for (size_t i = 0; i < json_array_size(keys); i++) {
        uint8_t key[32], hkey[32], v[32] = {0};
        MP_TRY(mp_json_as_word(json_array_get(keys, i), "key", key, err));
        mp_keccak256(hkey, key, 32);
        json_t *pr = json_array();
        mp_buf sv = MP_BUF_INIT;
        if (acct.len)
            walk(f, sroot, hkey, pr, &sv);
        if (sv.len) {
            mp_rlp_item it;
            MP_TRY(mp_rlp_decode(&it, sv.data, sv.len, err));
            MP_TRY(mp_rlp_to_uint_be(&it, v, 32, err));
        }
        mp_buf_free(&sv);
        json_array_append_new(sproofs, json_pack("{s:o, s:o, s:o}", "key",
                                                 mp_json_hex_new(key, 32, MP_JSON_0X), "value",
                                                 mp_json_quantity256_new(v), "proof", pr));
    }
    mp_buf_free(&acct);
    *result = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "address", mp_json_hex_new(addr, 20, MP_JSON_0X),
        "balance", mp_json_quantity256_new(be), "nonce", mp_json_quantity_new(nonce), "storageHash",
        mp_json_hex_new(sroot, 32, MP_JSON_0X), "codeHash", mp_json_hex_new(chash, 32, MP_JSON_0X),
        "accountProof", aproof, "storageProof", sproofs);
    return MP_OK;
}

static int m_get_code(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)call;
    fake *f = user;
    uint8_t addr[20];
    const uint8_t *code = NULL;
    size_t len = 0;
    MP_TRY(mp_json_as_address(json_array_get(params, 0), "address", addr, err));
    (void)mp_evm_state_get_account(f->pre, addr, NULL, NULL, &code, &len);
    *result = mp_json_hex_new(code, len, MP_JSON_0X);
    return MP_OK;
}

static int m_get_block(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)call;
    fake *f = user;
    uint64_t n;
    MP_TRY(mp_json_as_quantity(json_array_get(params, 0), "block", &n, err));
    *result = n >= 1 && n <= 2 ? json_deep_copy(f->blocks[n]) : json_null();
    return MP_OK;
}

static int m_trace(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)call;
    (void)params;
    (void)err;
    fake *f = user;
    *result = json_array(); /* an empty trace: execution finds what it needs */
    for (size_t i = 0; i < f->n_txs; i++)
        json_array_append_new(*result, json_pack("{s:{}}", "result"));
    return MP_OK;
}

/* ---- the block ---- */

static const uint8_t SENDER_SK[32] = {
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
/* SSTORE(calldata[0], 0): clears the slot the call names */
static const uint8_t CLEAR_CODE[] = {0x60, 0x00, 0x60, 0x00, 0x35, 0x55, 0x00};

static void addr_n(uint8_t a[20], uint8_t tag, unsigned n)
{
    memset(a, 0, 20);
    a[0] = tag;
    a[18] = (uint8_t)(n >> 8);
    a[19] = (uint8_t)n;
}

static int make_pre(mp_evm_state **st, const uint8_t sender[20], mp_err *err)
{
    uint8_t a[20];
    mp_w256 big = mp_w256_u64(UINT64_MAX), zero = mp_w256_u64(0);
    MP_TRY(mp_evm_state_new(st, err));
    MP_TRY(mp_evm_state_set_account(*st, sender, 0, &big, NULL, 0, err));
    addr_n(a, 0xcc, 0);
    MP_TRY(mp_evm_state_set_account(*st, a, 1, &zero, CLEAR_CODE, sizeof CLEAR_CODE, err));
    for (unsigned k = 1; k <= N_SLOTS; k++) {
        mp_w256 key = mp_w256_u64(k), v = mp_w256_u64(1000 + k);
        MP_TRY(mp_evm_state_set_storage(*st, a, &key, &v, err));
    }
    addr_n(a, 0xee, 0); /* an empty account: a zero-value call deletes it (EIP-161) */
    MP_TRY(mp_evm_state_set_account(*st, a, 0, &zero, NULL, 0, err));
    for (unsigned i = 0; i < N_FILLERS; i++) {
        mp_w256 b = mp_w256_u64(i + 1);
        addr_n(a, 0xf0, i);
        MP_TRY(mp_evm_state_set_account(*st, a, 0, &b, NULL, 0, err));
    }
    return MP_OK;
}

static json_t *header_json(uint64_t number, const uint8_t parent[32], const uint8_t root[32],
                           const uint8_t tx_root[32], const uint8_t rc_root[32],
                           const uint8_t bloom[256], uint64_t gas_used)
{
    uint8_t z[32] = {0}, uncles[32], coinbase[20];
    if (mp_hex_decode_exact(uncles, 32,
                            "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
                            NULL) != MP_OK)
        return NULL;
    addr_n(coinbase, 0xc0, 1);
    json_t *h = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:o, "
        "s:s, s:s, s:o}",
        "parentHash", mp_json_hex_new(parent, 32, MP_JSON_0X), "sha3Uncles",
        mp_json_hex_new(uncles, 32, MP_JSON_0X), "miner", mp_json_hex_new(coinbase, 20, MP_JSON_0X),
        "stateRoot", mp_json_hex_new(root, 32, MP_JSON_0X), "transactionsRoot",
        mp_json_hex_new(tx_root, 32, MP_JSON_0X), "receiptsRoot",
        mp_json_hex_new(rc_root, 32, MP_JSON_0X), "logsBloom",
        mp_json_hex_new(bloom, 256, MP_JSON_0X), "difficulty", "0x0", "number",
        mp_json_quantity_new(number), "gasLimit", "0x1c9c380", "gasUsed",
        mp_json_quantity_new(gas_used), "timestamp", "0x6b000000", "extraData", "0x", "mixHash",
        mp_json_hex_new(z, 32, MP_JSON_0X), "nonce", "0x0000000000000000", "baseFeePerGas",
        "0x3b9aca00", "withdrawalsRoot", mp_json_hex_new(MP_TRIE_EMPTY_ROOT, 32, MP_JSON_0X),
        "blobGasUsed", "0x0", "excessBlobGas", "0x0", "parentBeaconBlockRoot",
        mp_json_hex_new(z, 32, MP_JSON_0X));
    json_object_set_new(h, "withdrawals", json_array());
    uint8_t hash[32];
    if (mp_eth_header_hash(hash, h, NULL) == MP_OK)
        json_object_set_new(h, "hash", mp_json_hex_new(hash, 32, MP_JSON_0X));
    return h;
}

/* A signed type-2 call as a node shows it, and its raw bytes. */
static json_t *tx_json(uint64_t nonce, const uint8_t to[20], const uint8_t *data, size_t len,
                       mp_buf *raw)
{
    mp_tx tx = {.type = MP_TX_EIP1559,
                .chain_id = CHAIN,
                .nonce = nonce,
                .max_priority_fee = 1000000000,
                .max_fee = 3000000000,
                .gas_limit = 100000,
                .has_to = true,
                .data = data,
                .data_len = len};
    memcpy(tx.to, to, 20);
    uint8_t hash[32];
    if (mp_tx_sign(&tx, NULL, SENDER_SK, raw, hash, NULL) != MP_OK)
        return NULL;
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:[], s:o, s:o, s:o, s:o}", "type", "0x2",
        "chainId", "0x7a69", "nonce", mp_json_quantity_new(nonce), "gas",
        mp_json_quantity_new(100000), "maxFeePerGas", "0xb2d05e00", "maxPriorityFeePerGas",
        "0x3b9aca00", "to", mp_json_hex_new(to, 20, MP_JSON_0X), "value", "0x0", "input",
        mp_json_hex_new(data, len, MP_JSON_0X), "accessList", "v",
        mp_json_quantity_new((uint64_t)tx.y_parity), "r", mp_json_quantity256_new(tx.r), "s",
        mp_json_quantity256_new(tx.s), "hash", mp_json_hex_new(hash, 32, MP_JSON_0X));
}

static const unsigned CLEARED[] = {3, 7, 11, 19, 23, 29, 31, 37, 41, 47};

/* Builds blocks 1 (the pre-state) and 2 (the calls), executing block 2 on a
 ** full copy of the state for the expected header fields. */
static int build_chain(fake *f, uint8_t post_root[32], mp_err *err)
{
    uint8_t sender[20], c[20], e[20], z[32] = {0}, bloom[256] = {0};
    MP_TRY(mp_secp_address(NULL, sender, SENDER_SK, err));
    addr_n(c, 0xcc, 0);
    addr_n(e, 0xee, 0);
    MP_TRY(make_pre(&f->pre, sender, err));
    MP_TRY(mp_evm_state_root_nodes(f->pre, PRE_ROOT, keep_node, f, err));
    f->blocks[1] = header_json(1, z, PRE_ROOT, MP_TRIE_EMPTY_ROOT, MP_TRIE_EMPTY_ROOT, bloom, 0);
    json_object_set_new(f->blocks[1], "transactions", json_array());

    mp_evm_state *full;
    MP_TRY(make_pre(&full, sender, err));
    mp_evm_block env = {.number = 2,
                        .timestamp = 0x6b000000,
                        .gas_limit = 30000000,
                        .base_fee = mp_w256_u64(1000000000),
                        .chain_id = CHAIN};
    addr_n(env.coinbase, 0xc0, 1);
    size_t n = sizeof CLEARED / sizeof CLEARED[0] + 1;
    mp_buf raw[16], rc[16];
    memset(raw, 0, sizeof raw);
    memset(rc, 0, sizeof rc);
    json_t *txs = json_array();
    uint64_t gas = 0;
    int r = MP_OK;
    for (size_t i = 0; r == MP_OK && i < n; i++) {
        uint8_t data[32] = {0};
        bool touch = i == 3; /* one zero-value call to the empty account */
        data[31] = touch ? 0 : (uint8_t)CLEARED[i < 3 ? i : i - 1];
        json_t *tj = tx_json(i, touch ? e : c, data, touch ? 0 : 32, &raw[i]);
        mp_tx dec;
        uint8_t from[20];
        mp_evm_tx et = {.type = 2,
                        .nonce = i,
                        .gas_limit = 100000,
                        .has_to = true,
                        .max_fee = mp_w256_u64(3000000000),
                        .max_priority = mp_w256_u64(1000000000),
                        .data = touch ? NULL : data,
                        .data_len = touch ? 0 : 32};
        memcpy(et.to, touch ? e : c, 20);
        if ((r = mp_tx_decode(&dec, raw[i].data, raw[i].len, err)) == MP_OK &&
            (r = mp_tx_sender(&dec, from, err)) == MP_OK) {
            memcpy(et.sender, from, 20);
            mp_evm_result res;
            memset(&res, 0, sizeof res);
            r = mp_evm_tx_apply(full, &env, &et, &res, err);
            gas += res.gas_used;
            mp_evm_receipt_encode(&rc[i], 2, res.status == MP_EVM_SUCCESS, gas, res.logs,
                                  res.n_logs);
            mp_evm_logs_bloom(bloom, res.logs, res.n_logs);
            mp_evm_result_free(&res);
        }
        json_array_append_new(txs, tj);
    }
    const uint8_t *tp[16], *rp[16];
    size_t tl[16], rl[16];
    for (size_t i = 0; i < n; i++) {
        tp[i] = raw[i].data, tl[i] = raw[i].len;
        rp[i] = rc[i].data, rl[i] = rc[i].len;
    }
    uint8_t txr[32], rcr[32], h1[32];
    if (r == MP_OK)
        r = mp_trie_list_root(txr, tp, tl, n, err);
    if (r == MP_OK)
        r = mp_trie_list_root(rcr, rp, rl, n, err);
    if (r == MP_OK)
        r = mp_evm_state_root(full, post_root, err);
    if (r == MP_OK)
        r = mp_json_get_word(f->blocks[1], "hash", h1, err);
    if (r == MP_OK) {
        f->blocks[2] = header_json(2, h1, post_root, txr, rcr, bloom, gas);
        json_object_set_new(f->blocks[2], "transactions", txs);
        txs = NULL;
        f->n_txs = n;
    }
    json_decref(txs);
    for (size_t i = 0; i < n; i++) {
        mp_buf_free(&raw[i]);
        mp_buf_free(&rc[i]);
    }
    mp_evm_state_free(full);
    return r;
}

static void fake_free(fake *f)
{
    for (size_t i = 0; i < f->n; i++)
        mp_buf_free(&f->nodes[i]);
    free(f->nodes);
    free(f->hashes);
    mp_evm_state_free(f->pre);
    json_decref(f->blocks[1]);
    json_decref(f->blocks[2]);
}

TEST(deletions_fetch_nodes_and_match_the_full_state)
{
    fake f;
    memset(&f, 0, sizeof f);
    mp_err e = {0};
    uint8_t want[32];
    CHECK_OK(build_chain(&f, want, &e), &e);
    mp_rpcs_method methods[] = {
        {"eth_getProof", m_get_proof, &f},
        {"eth_getCode", m_get_code, &f},
        {"eth_getBlockByNumber", m_get_block, &f},
        {"debug_traceBlockByNumber", m_trace, &f},
    };
    mp_rpcs *rpcs = NULL;
    mp_http *http = NULL;
    mp_rpcs_opts ro = MP_RPCS_OPTS_DEFAULT;
    CHECK_OK(mp_rpcs_new(&rpcs, methods, 4, &ro, NULL, &e), &e);
    mp_http_opts ho = MP_HTTP_OPTS_DEFAULT;
    ho.threads = 1;
    mp_http_route route = {"POST", "/", mp_rpcs_http, rpcs};
    CHECK_OK(mp_http_start(&http, &ho, &route, 1, NULL, &e), &e);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)mp_http_port(http));
    mp_rpc c;
    CHECK_OK(mp_rpc_init(&c, url, NULL, NULL, &e), &e);
    mp_reexec_opts o = {.chain_id = CHAIN};
    mp_reexec_result r;
    CHECK_OK(mp_reexec_block(&c, 2, &o, &r, &e), &e);
    if (r.status != MP_REEXEC_MATCH)
        printf("# %s %s %s\n", mp_reexec_status_name(r.status), r.mismatch, r.reason);
    CHECK(r.status == MP_REEXEC_MATCH);
    CHECK_MEM(r.state_root, want, 32);
    CHECK(r.node_fetches > 0);
    CHECK(r.rounds >= 2); /* the empty trace listed nothing */
    printf("# %zu txs, %zu accounts, %zu slots, %u rounds, %u node fetches\n", r.n_txs,
           r.n_accounts, r.n_slots, r.rounds, r.node_fetches);
    mp_rpc_close(&c);
    mp_http_stop(http);
    mp_rpcs_free(rpcs);
    fake_free(&f);
}

static const mp_test_case tests[] = {
    MP_TEST(legacy_eip155_example),
    MP_TEST(type2_matches_the_library_encoder),
    MP_TEST(bad_transactions_are_refused),
    MP_TEST(deletions_fetch_nodes_and_match_the_full_state),
};

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = mp_test_main("reexec", tests, sizeof tests / sizeof tests[0], argc, argv);
    curl_global_cleanup();
    return rc;
}
