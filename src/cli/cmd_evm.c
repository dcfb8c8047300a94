/*
** cmd_evm.c: "mpavs evm statetest|blocktest|trietest|run": runs ethereum/tests fixtures
** (GeneralStateTests with Cancun post states, BlockchainTests, TrieTests) against the EVM and
** trie modules, and runs a piece of bytecode for a quick look.
**
** statetest prints one JSON line per test and fork entry:
**   {"name":..,"fork":"Cancun","index":N,"pass":true,"stateRoot":..,"logsHash":..,"error":..}
** and exits 0 only when every entry passes.
*/
#include "cli.h"
#include "mpavs/evm.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"
#include "mpavs/secp.h"
#include "mpavs/trie.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* -h or --help among the arguments. (Local, with the dispatch below, so this
 * file depends on nothing of the CLI but cli_fail and cli_usage.) */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    return false;
}

/* A hex quantity ("0x..", leading zeros allowed) into a word. */
static int w_from_hex(mp_w256 *out, const char *s, mp_err *err)
{
    if (!s)
        return MP_FAIL(err, MP_ERR_PARSE, "missing hex value");
    if (!strncmp(s, "0x:bigint ", 10))
        s += 10;
    const char *h = mp_hex_skip_0x(s);
    while (*h == '0' && h[1])
        h++;
    uint8_t b[32];
    if (strlen(h) > 64)
        return MP_FAIL(err, MP_ERR_PARSE, "value %.40s... exceeds 256 bits", s);
    if (!*h) {
        *out = mp_w256_u64(0);
        return MP_OK;
    }
    MP_TRY(mp_hex_decode_quantity(b, 32, h, err));
    mp_w256_from_be(out, b);
    return MP_OK;
}

static int u64_from_hex(uint64_t *out, const char *s, mp_err *err)
{
    mp_w256 w;
    MP_TRY(w_from_hex(&w, s, err));
    if (!mp_w256_fits_u64(&w))
        return MP_FAIL(err, MP_ERR_PARSE, "value %s exceeds 64 bits", s);
    *out = w.w[0];
    return MP_OK;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int bytes_from_hex(mp_buf *out, const char *s, mp_err *err)
{
    if (!s)
        return MP_FAIL(err, MP_ERR_PARSE, "missing hex bytes");
    if (!*mp_hex_skip_0x(s))
        return MP_OK;
    return mp_hex_decode_buf(out, s, err);
}

static void state_test_hash(void *ctx, uint64_t n, uint8_t out[32])
{
    (void)ctx;
    char dec[24];
    int len = snprintf(dec, sizeof dec, "%llu", (unsigned long long)n);
    mp_keccak256(out, dec, (size_t)len);
}

static int load_pre(mp_evm_state *st, json_t *pre, mp_err *err)
{
    const char *addr_hex;
    json_t *acct;
    json_object_foreach(pre, addr_hex, acct)
    {
        uint8_t addr[20];
        uint64_t nonce;
        mp_w256 bal;
        mp_buf code = MP_BUF_INIT;
        MP_TRY(mp_hex_decode_exact(addr, 20, addr_hex, err));
        MP_TRY(u64_from_hex(&nonce, jstr(acct, "nonce"), err));
        MP_TRY(w_from_hex(&bal, jstr(acct, "balance"), err));
        int rc = bytes_from_hex(&code, jstr(acct, "code"), err);
        if (rc == MP_OK)
            rc = mp_evm_state_set_account(st, addr, nonce, &bal, code.data, code.len, err);
        mp_buf_free(&code);
        MP_TRY(rc);
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(acct, "storage"), k, v)
        {
            mp_w256 kw, vw;
            MP_TRY(w_from_hex(&kw, k, err));
            MP_TRY(w_from_hex(&vw, json_string_value(v), err));
            MP_TRY(mp_evm_state_set_storage(st, addr, &kw, &vw, err));
        }
    }
    return MP_OK;
}

static int load_env(mp_evm_block *env, json_t *j, mp_err *err)
{
    memset(env, 0, sizeof *env);
    MP_TRY(mp_hex_decode_exact(env->coinbase, 20, jstr(j, "currentCoinbase"), err));
    MP_TRY(u64_from_hex(&env->number, jstr(j, "currentNumber"), err));
    MP_TRY(u64_from_hex(&env->timestamp, jstr(j, "currentTimestamp"), err));
    MP_TRY(u64_from_hex(&env->gas_limit, jstr(j, "currentGasLimit"), err));
    const char *bf = jstr(j, "currentBaseFee");
    env->base_fee = mp_w256_u64(10);
    if (bf)
        MP_TRY(w_from_hex(&env->base_fee, bf, err));
    mp_w256 rnd = mp_w256_u64(0);
    if (jstr(j, "currentRandom"))
        MP_TRY(w_from_hex(&rnd, jstr(j, "currentRandom"), err));
    mp_w256_to_be(env->prev_randao, &rnd);
    if (jstr(j, "currentExcessBlobGas"))
        MP_TRY(u64_from_hex(&env->excess_blob_gas, jstr(j, "currentExcessBlobGas"), err));
    env->chain_id = 1;
    env->blockhash = state_test_hash;
    return MP_OK;
}

/* Storage a transaction built from JSON points into. */
typedef struct tx_store {
    mp_buf data;
    mp_evm_access *access;
    mp_w256 *keys;
    uint8_t (*blobs)[32];
} tx_store;

static void tx_store_free(tx_store *s)
{
    mp_buf_free(&s->data);
    free(s->access);
    free(s->keys);
    free(s->blobs);
}

static int load_access(mp_evm_tx *tx, tx_store *s, json_t *list, mp_err *err)
{
    size_t n = json_array_size(list), nk = 0, i;
    json_t *e;
    json_array_foreach(list, i, e) nk += json_array_size(json_object_get(e, "storageKeys"));
    s->access = calloc(n ? n : 1, sizeof *s->access);
    s->keys = calloc(nk ? nk : 1, sizeof *s->keys);
    if (!s->access || !s->keys)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    size_t k = 0;
    json_array_foreach(list, i, e)
    {
        MP_TRY(mp_hex_decode_exact(s->access[i].addr, 20, jstr(e, "address"), err));
        s->access[i].keys = s->keys + k;
        size_t j;
        json_t *kj;
        json_array_foreach(json_object_get(e, "storageKeys"), j, kj)
            MP_TRY(w_from_hex(&s->keys[k++], json_string_value(kj), err));
        s->access[i].n_keys = json_array_size(json_object_get(e, "storageKeys"));
    }
    tx->access = s->access;
    tx->n_access = n;
    return MP_OK;
}

/* Builds the transaction of one post entry (data/gas/value indexes). */
static int load_tx(mp_evm_tx *tx, tx_store *s, json_t *t, json_t *idx, const char *txbytes,
                   mp_err *err)
{
    memset(tx, 0, sizeof *tx);
    size_t di = (size_t)json_integer_value(json_object_get(idx, "data"));
    size_t gi = (size_t)json_integer_value(json_object_get(idx, "gas"));
    size_t vi = (size_t)json_integer_value(json_object_get(idx, "value"));
    json_t *data = json_object_get(t, "data"), *gas = json_object_get(t, "gasLimit"),
           *val = json_object_get(t, "value");
    if (di >= json_array_size(data) || gi >= json_array_size(gas) || vi >= json_array_size(val))
        return MP_FAIL(err, MP_ERR_PARSE, "post indexes out of range");
    uint8_t sk[32];
    MP_TRY(mp_hex_decode_exact(sk, 32, jstr(t, "secretKey"), err));
    mp_secp *secp = NULL;
    MP_TRY(mp_secp_create(&secp, err));
    int rc = mp_secp_address(secp, tx->sender, sk, err);
    mp_secp_destroy(secp);
    MP_TRY(rc);
    MP_TRY(u64_from_hex(&tx->nonce, jstr(t, "nonce"), err));
    MP_TRY(u64_from_hex(&tx->gas_limit, json_string_value(json_array_get(gas, gi)), err));
    MP_TRY(w_from_hex(&tx->value, json_string_value(json_array_get(val, vi)), err));
    MP_TRY(bytes_from_hex(&s->data, json_string_value(json_array_get(data, di)), err));
    tx->data = s->data.data;
    tx->data_len = s->data.len;
    const char *to = jstr(t, "to");
    if (to && *mp_hex_skip_0x(to)) {
        tx->has_to = true;
        MP_TRY(mp_hex_decode_exact(tx->to, 20, to, err));
    }
    if (jstr(t, "gasPrice"))
        MP_TRY(w_from_hex(&tx->gas_price, jstr(t, "gasPrice"), err));
    if (jstr(t, "maxFeePerGas")) {
        MP_TRY(w_from_hex(&tx->max_fee, jstr(t, "maxFeePerGas"), err));
        MP_TRY(w_from_hex(&tx->max_priority, jstr(t, "maxPriorityFeePerGas"), err));
        tx->type = 2;
    }
    json_t *al = json_array_get(json_object_get(t, "accessLists"), di);
    if (al && !json_is_null(al)) {
        MP_TRY(load_access(tx, s, al, err));
        if (tx->type == 0)
            tx->type = 1;
    }
    json_t *bh = json_object_get(t, "blobVersionedHashes");
    if (bh) {
        tx->type = 3;
        size_t n = json_array_size(bh), i;
        json_t *h;
        s->blobs = calloc(n ? n : 1, 32);
        if (!s->blobs)
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        json_array_foreach(bh, i, h)
            MP_TRY(mp_hex_decode_exact(s->blobs[i], 32, json_string_value(h), err));
        tx->blob_hashes = (const uint8_t(*)[32])s->blobs;
        tx->n_blobs = n;
        MP_TRY(w_from_hex(&tx->max_fee_blob, jstr(t, "maxFeePerBlobGas"), err));
    }
    /* The signed bytes, when given, name the type exactly. */
    if (txbytes) {
        const char *h = mp_hex_skip_0x(txbytes);
        if (h[0] == '0' && h[1] >= '1' && h[1] <= '3')
            tx->type = h[1] - '0';
        else if (h[0] && h[0] >= 'c')
            tx->type = 0;
    }
    return MP_OK;
}

typedef struct run_stats {
    int pass, fail, skip;
} run_stats;

static void print_hex32(const char *key, const uint8_t h[32], bool comma)
{
    char t[67];
    mp_hex_encode0x(t, h, 32);
    printf("\"%s\":\"%s\"%s", key, t, comma ? "," : "");
}

static void run_entry(const char *name, json_t *test, json_t *post, size_t index, run_stats *rs)
{
    mp_err err;
    mp_evm_state *st = NULL;
    mp_evm_block env;
    mp_evm_tx tx;
    tx_store store;
    mp_evm_result res;
    memset(&store, 0, sizeof store);
    memset(&res, 0, sizeof res);
    uint8_t root[32] = {0}, logs[32], want_root[32], want_logs[32];
    const char *error = NULL;
    char msg[MP_ERR_MSG_MAX + 32] = "";
    bool pass = false, expect_exc = json_object_get(post, "expectException") != NULL;
    mp_evm_logs_hash(logs, NULL, 0);
    if (mp_hex_decode_exact(want_root, 32, jstr(post, "hash"), &err) != MP_OK ||
        mp_hex_decode_exact(want_logs, 32, jstr(post, "logs"), &err) != MP_OK ||
        mp_evm_state_new(&st, &err) != MP_OK || load_pre(st, json_object_get(test, "pre"), &err) ||
        load_env(&env, json_object_get(test, "env"), &err) != MP_OK) {
        snprintf(msg, sizeof msg, "fixture: %s", err.msg);
        error = msg;
        goto report;
    }
    int rc = load_tx(&tx, &store, json_object_get(test, "transaction"),
                     json_object_get(post, "indexes"), jstr(post, "txbytes"), &err);
    if (rc == MP_OK)
        rc = mp_evm_tx_apply(st, &env, &tx, &res, &err);
    if (rc != MP_OK && (rc == MP_EVM_ERR_TX_INVALID || mp_rc_class(rc) == MP_ERR_PARSE)) {
        if (!expect_exc) {
            snprintf(msg, sizeof msg, "unexpected invalid transaction: %s", err.msg);
            error = msg;
        }
    } else if (rc != MP_OK) {
        snprintf(msg, sizeof msg, "%s", err.msg);
        error = msg;
        goto report;
    } else if (expect_exc) {
        snprintf(msg, sizeof msg, "transaction accepted, expected %s",
                 jstr(post, "expectException") ? jstr(post, "expectException") : "an exception");
        error = msg;
    }
    mp_evm_logs_hash(logs, res.logs, res.n_logs);
    if (mp_evm_state_root(st, root, &err) != MP_OK) {
        snprintf(msg, sizeof msg, "state root: %s", err.msg);
        error = msg;
        goto report;
    }
    if (!error && memcmp(root, want_root, 32) != 0)
        error = "state root mismatch";
    else if (!error && memcmp(logs, want_logs, 32) != 0)
        error = "logs hash mismatch";
    pass = error == NULL;
report:
    printf("{\"name\":\"%s\",\"fork\":\"Cancun\",\"index\":%zu,\"pass\":%s,", name, index,
           pass ? "true" : "false");
    print_hex32("stateRoot", root, true);
    print_hex32("logsHash", logs, !pass);
    if (!pass) {
        json_t *e = json_string(error ? error : "failed");
        char *enc = json_dumps(e, JSON_ENCODE_ANY);
        printf("\"error\":%s", enc ? enc : "\"?\"");
        free(enc);
        json_decref(e);
    }
    printf("}\n");
    if (pass)
        rs->pass++;
    else
        rs->fail++;
    mp_evm_result_free(&res);
    tx_store_free(&store);
    mp_evm_state_free(st);
}

static int statetest_file(const char *path, run_stats *rs)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root || !json_is_object(root)) {
        fprintf(stderr, "mpavs evm statetest: %s: line %d: %s\n", path, je.line, je.text);
        json_decref(root);
        rs->fail++;
        return CLI_USAGE;
    }
    const char *name;
    json_t *test;
    json_object_foreach(root, name, test)
    {
        json_t *posts = json_object_get(json_object_get(test, "post"), "Cancun");
        if (!posts) {
            /* A fill for other forks only: not a Cancun test. */
            printf("{\"name\":\"%s\",\"fork\":\"Cancun\",\"skip\":\"no Cancun post state\"}\n",
                   name);
            rs->skip++;
            continue;
        }
        size_t i;
        json_t *post;
        json_array_foreach(posts, i, post) run_entry(name, test, post, i, rs);
    }
    json_decref(root);
    return CLI_OK;
}

static int cmd_statetest(int argc, char **argv)
{
    const char *usage = "mpavs evm statetest FILE...";
    if (wants_help(argc, argv)) {
        printf("usage: %s\nRuns GeneralStateTests fixtures (Cancun post states); one JSON line "
               "per entry; exit 0 only when all pass.\n",
               usage);
        return CLI_OK;
    }
    if (argc < 2)
        return cli_usage(usage);
    run_stats rs = {0, 0, 0};
    for (int i = 1; i < argc; i++)
        statetest_file(argv[i], &rs);
    fprintf(stderr, "%d passed, %d failed, %d skipped (not Cancun)\n", rs.pass, rs.fail, rs.skip);
    return rs.fail ? CLI_NO : CLI_OK;
}

/* A TrieTests key or value: hex with 0x, else the string's bytes. */
static int trie_bytes(mp_buf *out, json_t *v, mp_err *err)
{
    const char *s = json_string_value(v);
    if (!s)
        return MP_FAIL(err, MP_ERR_PARSE, "trie test: key or value is not a string");
    if (mp_hex_has_0x(s))
        return bytes_from_hex(out, s, err);
    return mp_buf_append(out, s, strlen(s));
}

typedef struct trie_entry {
    mp_buf key, val;
} trie_entry;

/* Applies one insert (or delete when v is null) to the entry list. */
static int trie_put(trie_entry **es, size_t *n, json_t *k, json_t *v, bool secure, mp_err *err)
{
    mp_buf key = MP_BUF_INIT, val = MP_BUF_INIT;
    int rc = trie_bytes(&key, k, err);
    if (rc == MP_OK && !json_is_null(v))
        rc = trie_bytes(&val, v, err);
    if (rc == MP_OK && secure) {
        uint8_t h[32];
        mp_keccak256(h, key.data, key.len);
        key.len = 0;
        rc = mp_buf_append(&key, h, 32);
    }
    if (rc != MP_OK)
        goto fail;
    for (size_t i = 0; i < *n; i++) {
        trie_entry *e = &(*es)[i];
        if (e->key.len == key.len && (!key.len || !memcmp(e->key.data, key.data, key.len))) {
            mp_buf_free(&e->key);
            mp_buf_free(&e->val);
            (*es)[i] = (*es)[--*n];
            break;
        }
    }
    if (val.len) {
        trie_entry *t = realloc(*es, (*n + 1) * sizeof **es);
        if (!t) {
            rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        *es = t;
        (*es)[(*n)++] = (trie_entry){key, val};
        return MP_OK;
    }
fail:
    mp_buf_free(&key);
    mp_buf_free(&val);
    return rc;
}

static bool trie_case(json_t *test, bool secure, mp_err *err)
{
    trie_entry *es = NULL;
    size_t n = 0;
    bool ok = false;
    json_t *in = json_object_get(test, "in");
    int rc = MP_OK;
    if (json_is_array(in)) {
        size_t i;
        json_t *p;
        json_array_foreach(in, i, p)
        {
            if (rc == MP_OK)
                rc = trie_put(&es, &n, json_array_get(p, 0), json_array_get(p, 1), secure, err);
        }
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(in, k, v)
        {
            json_t *kj = json_string(k);
            if (rc == MP_OK)
                rc = trie_put(&es, &n, kj, v, secure, err);
            json_decref(kj);
        }
    }
    mp_trie_kv *kv = calloc(n ? n : 1, sizeof *kv);
    uint8_t root[32], want[32];
    if (rc == MP_OK && kv) {
        for (size_t i = 0; i < n; i++)
            kv[i] = (mp_trie_kv){es[i].key.data, es[i].key.len, es[i].val.data, es[i].val.len};
        if (mp_trie_root(root, kv, n, err) == MP_OK &&
            mp_hex_decode_exact(want, 32, jstr(test, "root"), err) == MP_OK)
            ok = memcmp(root, want, 32) == 0;
    }
    free(kv);
    for (size_t i = 0; i < n; i++) {
        mp_buf_free(&es[i].key);
        mp_buf_free(&es[i].val);
    }
    free(es);
    return ok;
}

static int cmd_trietest(int argc, char **argv)
{
    const char *usage = "mpavs evm trietest FILE...";
    if (wants_help(argc, argv)) {
        printf("usage: %s\nRuns TrieTests fixtures (keys hashed when the file name says "
               "\"secure\"); exit 0 only when all pass.\n",
               usage);
        return CLI_OK;
    }
    if (argc < 2)
        return cli_usage(usage);
    int fail = 0, pass = 0;
    for (int f = 1; f < argc; f++) {
        json_error_t je;
        json_t *root = json_load_file(argv[f], 0, &je);
        if (!root) {
            fprintf(stderr, "mpavs evm trietest: %s: %s\n", argv[f], je.text);
            fail++;
            continue;
        }
        bool secure = strstr(argv[f], "secure") != NULL;
        const char *name;
        json_t *test;
        json_object_foreach(root, name, test)
        {
            if (!json_object_get(test, "root"))
                continue; /* trietestnextprev: iteration tests, no root */
            mp_err err = {0};
            bool ok = trie_case(test, secure, &err);
            printf("{\"name\":\"%s\",\"pass\":%s}\n", name, ok ? "true" : "false");
            if (ok)
                pass++;
            else
                fail++;
        }
        json_decref(root);
    }
    fprintf(stderr, "%d passed, %d failed\n", pass, fail);
    return fail ? CLI_NO : CLI_OK;
}

/* ---- blocktest ---- */

typedef struct chain_hashes {
    uint64_t n;
    uint8_t (*hash)[32]; /* hash[i] of block number i on the chain so far */
} chain_hashes;

static void chain_hash(void *ctx, uint64_t n, uint8_t out[32])
{
    const chain_hashes *c = ctx;
    if (n < c->n)
        memcpy(out, c->hash[n], 32);
    else
        memset(out, 0, 32);
}

/* Header fields the EVM needs. */
static int header_env(mp_evm_block *env, json_t *h, mp_err *err)
{
    memset(env, 0, sizeof *env);
    MP_TRY(mp_hex_decode_exact(env->coinbase, 20, jstr(h, "coinbase"), err));
    MP_TRY(u64_from_hex(&env->number, jstr(h, "number"), err));
    MP_TRY(u64_from_hex(&env->timestamp, jstr(h, "timestamp"), err));
    MP_TRY(u64_from_hex(&env->gas_limit, jstr(h, "gasLimit"), err));
    MP_TRY(w_from_hex(&env->base_fee, jstr(h, "baseFeePerGas"), err));
    MP_TRY(mp_hex_decode_exact(env->prev_randao, 32, jstr(h, "mixHash"), err));
    MP_TRY(u64_from_hex(&env->excess_blob_gas, jstr(h, "excessBlobGas"), err));
    env->chain_id = 1;
    return MP_OK;
}

/* The raw transactions of a block's RLP: typed ones are byte strings holding
 * type || payload, legacy ones are lists. */
typedef struct block_txs {
    mp_buf raw;
    const uint8_t **items;
    size_t *lens;
    size_t n;
} block_txs;

static void block_txs_free(block_txs *b)
{
    mp_buf_free(&b->raw);
    free(b->items);
    free(b->lens);
    memset(b, 0, sizeof *b);
}

/* Reads the block's RLP: checks its shape (header, transactions, uncles,
 * withdrawals) and that the header's RLP hashes to want_hash, and lists the
 * transactions. */
static int block_txs_read(block_txs *b, const char *rlp_hex, const uint8_t want_hash[32],
                          mp_err *err)
{
    memset(b, 0, sizeof *b);
    MP_TRY(bytes_from_hex(&b->raw, rlp_hex, err));
    mp_rlp_item blk, parts[4];
    MP_TRY(mp_rlp_decode(&blk, b->raw.data, b->raw.len, err));
    if (!blk.is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "block RLP is not a list");
    const uint8_t *cur = blk.payload;
    size_t left = blk.len;
    for (int i = 0; i < 4; i++) {
        if (left == 0)
            return MP_FAIL(err, MP_ERR_PARSE, "block RLP has %d items, not 4", i);
        MP_TRY(mp_rlp_next(&parts[i], &cur, &left, err));
        if (!parts[i].is_list)
            return MP_FAIL(err, MP_ERR_PARSE, "block RLP item %d is not a list", i);
    }
    if (left)
        return MP_FAIL(err, MP_ERR_PARSE, "block RLP has more than 4 items");
    uint8_t hh[32];
    mp_keccak256(hh, parts[0].raw, parts[0].raw_len);
    if (memcmp(hh, want_hash, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "header RLP does not hash to the block hash");
    b->items = calloc(parts[1].len + 1, sizeof *b->items);
    b->lens = calloc(parts[1].len + 1, sizeof *b->lens);
    if (!b->items || !b->lens)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    cur = parts[1].payload;
    left = parts[1].len;
    while (left > 0) {
        mp_rlp_item it;
        MP_TRY(mp_rlp_next(&it, &cur, &left, err));
        b->items[b->n] = it.is_list ? it.raw : it.payload;
        b->lens[b->n++] = it.is_list ? it.raw_len : it.len;
    }
    return MP_OK;
}

static const uint8_t SYSTEM_ADDR[20] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
static const uint8_t BEACON_ROOTS[20] = {0x00, 0x0f, 0x3d, 0xf6, 0xd7, 0x32, 0x80,
                                         0x7e, 0xf1, 0x31, 0x9f, 0xb7, 0xb8, 0xbb,
                                         0x85, 0x22, 0xd0, 0xbe, 0xac, 0x02};

/* Checks a 32-byte header field against a computed value. */
static int check32(json_t *h, const char *field, const uint8_t got[32], mp_err *err)
{
    uint8_t want[32];
    MP_TRY(mp_hex_decode_exact(want, 32, jstr(h, field), err));
    if (memcmp(want, got, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "%s mismatch", field);
    return MP_OK;
}

static const uint8_t EMPTY_LIST_HASH[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

#define BLOB_TARGET 393216u /* 3 blobs */
#define BLOB_MAX    786432u /* 6 blobs */

static int hdr_u64(json_t *h, const char *f, uint64_t *v, mp_err *err)
{
    int rc = u64_from_hex(v, jstr(h, f), err);
    if (rc != MP_OK)
        mp_err_wrap(err, "header %s", f);
    return rc;
}

/* EIP-1559 base fee of a child of parent. */
static int expected_base_fee(json_t *parent, mp_w256 *out, mp_err *err)
{
    uint64_t gl, used;
    mp_w256 base;
    MP_TRY(hdr_u64(parent, "gasLimit", &gl, err));
    MP_TRY(hdr_u64(parent, "gasUsed", &used, err));
    MP_TRY(w_from_hex(&base, jstr(parent, "baseFeePerGas"), err));
    uint64_t target = gl / 2;
    *out = base;
    if (used == target || target == 0)
        return MP_OK;
    mp_w256 d = mp_w256_u64(used > target ? used - target : target - used), t = mp_w256_u64(target),
            eight = mp_w256_u64(8);
    mp_w256_mul(&d, &d, &base);
    mp_w256_divmod(&d, NULL, &d, &t);
    mp_w256_divmod(&d, NULL, &d, &eight);
    if (used > target) {
        if (mp_w256_is_zero(&d))
            d = mp_w256_u64(1);
        mp_w256_add(out, &base, &d);
    } else {
        mp_w256_sub(out, &base, &d);
    }
    return MP_OK;
}

/* The post-merge (Cancun) header rules that do not need execution. */
static int check_header(json_t *h, json_t *parent, json_t *uncles, mp_err *err)
{
    uint64_t num, pnum, ts, pts, gl, pgl, used, excess, pexcess, pblob;
    MP_TRY(hdr_u64(h, "number", &num, err));
    MP_TRY(hdr_u64(parent, "number", &pnum, err));
    if (num != pnum + 1)
        return MP_FAIL(err, MP_ERR_VERIFY, "block number %llu after %llu", (unsigned long long)num,
                       (unsigned long long)pnum);
    MP_TRY(hdr_u64(h, "timestamp", &ts, err));
    MP_TRY(hdr_u64(parent, "timestamp", &pts, err));
    if (ts <= pts)
        return MP_FAIL(err, MP_ERR_VERIFY, "timestamp not after the parent's");
    MP_TRY(hdr_u64(h, "gasLimit", &gl, err));
    MP_TRY(hdr_u64(parent, "gasLimit", &pgl, err));
    if (gl > INT64_MAX)
        return MP_FAIL(err, MP_ERR_VERIFY, "gas limit above 2^63-1");
    uint64_t diff = gl > pgl ? gl - pgl : pgl - gl;
    if (diff >= pgl / 1024 || gl < 5000)
        return MP_FAIL(err, MP_ERR_VERIFY, "gas limit %llu out of bounds", (unsigned long long)gl);
    MP_TRY(hdr_u64(h, "gasUsed", &used, err));
    if (used > gl)
        return MP_FAIL(err, MP_ERR_VERIFY, "gas used above the gas limit");
    mp_w256 want_base, base;
    MP_TRY(expected_base_fee(parent, &want_base, err));
    MP_TRY(w_from_hex(&base, jstr(h, "baseFeePerGas"), err));
    if (!mp_w256_eq(&base, &want_base))
        return MP_FAIL(err, MP_ERR_VERIFY, "base fee differs from the EIP-1559 rule");
    mp_buf extra = MP_BUF_INIT;
    int rc = bytes_from_hex(&extra, jstr(h, "extraData"), err);
    size_t extra_len = extra.len;
    mp_buf_free(&extra);
    MP_TRY(rc);
    if (extra_len > 32)
        return MP_FAIL(err, MP_ERR_VERIFY, "extra data of %zu bytes", extra_len);
    mp_w256 diffi, nonce;
    MP_TRY(w_from_hex(&diffi, jstr(h, "difficulty"), err));
    MP_TRY(w_from_hex(&nonce, jstr(h, "nonce"), err));
    if (!mp_w256_is_zero(&diffi) || !mp_w256_is_zero(&nonce))
        return MP_FAIL(err, MP_ERR_VERIFY, "difficulty or nonce not zero after the merge");
    if (json_array_size(uncles) > 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "uncles after the merge");
    MP_TRY(check32(h, "uncleHash", EMPTY_LIST_HASH, err));
    MP_TRY(hdr_u64(h, "excessBlobGas", &excess, err));
    MP_TRY(hdr_u64(parent, "excessBlobGas", &pexcess, err));
    MP_TRY(hdr_u64(parent, "blobGasUsed", &pblob, err));
    uint64_t want_excess = pexcess + pblob < BLOB_TARGET ? 0 : pexcess + pblob - BLOB_TARGET;
    if (excess != want_excess)
        return MP_FAIL(err, MP_ERR_VERIFY, "excess blob gas differs from the EIP-4844 rule");
    return MP_OK;
}

/* withdrawalsRoot: list trie of rlp([index, validator, address, amount]). */
static int check_withdrawals_root(json_t *h, json_t *wds, mp_err *err)
{
    size_t n = json_array_size(wds), i;
    mp_buf *enc = calloc(n ? n : 1, sizeof *enc);
    const uint8_t **items = calloc(n ? n : 1, sizeof *items);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    json_t *w;
    int rc = enc && items && lens ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    json_array_foreach(wds, i, w)
    {
        uint64_t idx, val, amount;
        uint8_t addr[20];
        if (rc == MP_OK)
            rc = u64_from_hex(&idx, jstr(w, "index"), err);
        if (rc == MP_OK)
            rc = u64_from_hex(&val, jstr(w, "validatorIndex"), err);
        if (rc == MP_OK)
            rc = mp_hex_decode_exact(addr, 20, jstr(w, "address"), err);
        if (rc == MP_OK)
            rc = u64_from_hex(&amount, jstr(w, "amount"), err);
        if (rc != MP_OK)
            break;
        size_t mark = mp_rlp_list_begin(&enc[i]);
        mp_rlp_put_u64(&enc[i], idx);
        mp_rlp_put_u64(&enc[i], val);
        mp_rlp_put_bytes(&enc[i], addr, 20);
        mp_rlp_put_u64(&enc[i], amount);
        mp_rlp_list_end(&enc[i], mark);
        rc = mp_buf_check(&enc[i], err);
        items[i] = enc[i].data;
        lens[i] = enc[i].len;
    }
    uint8_t root[32];
    if (rc == MP_OK)
        rc = mp_trie_list_root(root, items, lens, n, err);
    if (rc == MP_OK)
        rc = check32(h, "withdrawalsRoot", root, err);
    for (size_t k = 0; enc && k < n; k++)
        mp_buf_free(&enc[k]);
    free(enc);
    free(items);
    free(lens);
    return rc;
}

/* The parts of a block: its decoded fields and its RLP. */
typedef struct block_parts {
    json_t *header, *txs, *withdrawals, *uncles;
    const char *rlp;
} block_parts;

typedef struct block_txs block_txs;
static int run_block_body(mp_evm_state *st, const block_parts *bp, const block_txs *bt,
                          json_t *parent, chain_hashes *ch, mp_err *err);

/* Executes one block on st after its header checks against the parent, and
 * checks its roots, gas and bloom. */
static int run_block(mp_evm_state *st, const block_parts *bp, json_t *parent, chain_hashes *ch,
                     mp_err *err)
{
    json_t *h = bp->header;
    uint8_t hash[32];
    block_txs bt;
    MP_TRY(mp_hex_decode_exact(hash, 32, jstr(h, "hash"), err));
    int brc = block_txs_read(&bt, bp->rlp, hash, err);
    if (brc == MP_OK)
        brc = run_block_body(st, bp, &bt, parent, ch, err);
    block_txs_free(&bt);
    return brc;
}

/* run_block once the block's RLP is read: transactions come from it. */
static int run_block_body(mp_evm_state *st, const block_parts *bp, const block_txs *bt,
                          json_t *parent, chain_hashes *ch, mp_err *err)
{
    json_t *h = bp->header;
    mp_evm_block env;
    MP_TRY(check_header(h, parent, bp->uncles, err));
    MP_TRY(check_withdrawals_root(h, bp->withdrawals, err));
    MP_TRY(header_env(&env, h, err));
    env.blockhash = chain_hash;
    env.blockhash_ctx = ch;
    uint8_t pbr[32];
    MP_TRY(mp_hex_decode_exact(pbr, 32, jstr(h, "parentBeaconBlockRoot"), err));
    MP_TRY(mp_evm_system_call(st, &env, SYSTEM_ADDR, BEACON_ROOTS, pbr, 32, 30000000, err));
    size_t n = bt->n, i;
    mp_buf *receipts = calloc(n ? n : 1, sizeof *receipts);
    const uint8_t **items = calloc(n ? n : 1, sizeof *items);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    uint64_t cumulative = 0, blob_gas = 0;
    uint8_t bloom[256] = {0}, root[32];
    int rc = receipts && items && lens ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (i = 0; i < n && rc == MP_OK; i++) {
        mp_evm_tx tx;
        mp_evm_tx_buf store;
        mp_evm_result res;
        rc = mp_evm_tx_decode(&tx, &store, bt->items[i], bt->lens[i], env.chain_id, err);
        if (rc == MP_OK && tx.gas_limit > env.gas_limit - cumulative)
            rc = MP_FAIL(err, MP_ERR_VERIFY, "gas limit above what the block has left");
        if (rc == MP_OK && blob_gas + (uint64_t)tx.n_blobs * 131072 > BLOB_MAX)
            rc = MP_FAIL(err, MP_ERR_VERIFY, "blob gas above the block maximum");
        if (rc == MP_OK)
            rc = mp_evm_tx_apply(st, &env, &tx, &res, err);
        if (rc == MP_OK) {
            cumulative += res.gas_used;
            blob_gas += (uint64_t)tx.n_blobs * 131072;
            mp_evm_logs_bloom(bloom, res.logs, res.n_logs);
            mp_evm_receipt_encode(&receipts[i], tx.type, res.status == MP_EVM_SUCCESS, cumulative,
                                  res.logs, res.n_logs);
            items[i] = receipts[i].data;
            lens[i] = receipts[i].len;
            rc = mp_buf_check(&receipts[i], err);
            mp_evm_result_free(&res);
        } else {
            mp_err_wrap(err, "transaction %zu", i);
        }
        mp_evm_tx_buf_free(&store);
    }
    json_t *w;
    json_array_foreach(bp->withdrawals, i, w)
    {
        uint8_t addr[20];
        uint64_t amount;
        if (rc == MP_OK)
            rc = mp_hex_decode_exact(addr, 20, jstr(w, "address"), err);
        if (rc == MP_OK)
            rc = u64_from_hex(&amount, jstr(w, "amount"), err);
        if (rc == MP_OK)
            rc = mp_evm_withdraw(st, addr, amount, err);
    }
    uint64_t want_gas = 0, want_blob = 0;
    if (rc == MP_OK)
        rc = mp_trie_list_root(root, items, lens, n, err);
    if (rc == MP_OK)
        rc = check32(h, "receiptTrie", root, err);
    if (rc == MP_OK)
        rc = mp_evm_state_root(st, root, err);
    if (rc == MP_OK)
        rc = check32(h, "stateRoot", root, err);
    if (rc == MP_OK)
        rc = mp_trie_list_root(root, bt->items, bt->lens, bt->n, err);
    if (rc == MP_OK)
        rc = check32(h, "transactionsTrie", root, err);
    if (rc == MP_OK)
        rc = u64_from_hex(&want_gas, jstr(h, "gasUsed"), err);
    if (rc == MP_OK && want_gas != cumulative)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "gasUsed %llu, header says %llu",
                     (unsigned long long)cumulative, (unsigned long long)want_gas);
    if (rc == MP_OK)
        rc = u64_from_hex(&want_blob, jstr(h, "blobGasUsed"), err);
    if (rc == MP_OK && want_blob != blob_gas)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "blobGasUsed mismatch");
    if (rc == MP_OK) {
        uint8_t wb[256];
        rc = mp_hex_decode_exact(wb, 256, jstr(h, "bloom"), err);
        if (rc == MP_OK && memcmp(wb, bloom, 256) != 0)
            rc = MP_FAIL(err, MP_ERR_VERIFY, "logs bloom mismatch");
    }
    for (size_t k = 0; receipts && k < n; k++)
        mp_buf_free(&receipts[k]);
    free(receipts);
    free(items);
    free(lens);
    return rc;
}

/* A linear chain being imported: the state, the hashes by number and the
 * head's header. */
typedef struct chain {
    mp_evm_state *st;
    chain_hashes ch;
    json_t *head; /* header of the head block */
} chain;

static void chain_free(chain *c)
{
    mp_evm_state_free(c->st);
    free(c->ch.hash);
    memset(c, 0, sizeof *c);
}

static void parts_of(json_t *b, json_t *dec, block_parts *bp)
{
    bp->header = json_object_get(dec, "blockHeader");
    bp->txs = json_object_get(dec, "transactions");
    bp->withdrawals = json_object_get(dec, "withdrawals");
    bp->uncles = json_object_get(dec, "uncleHeaders");
    bp->rlp = jstr(b, "rlp");
}

/* Imports the accepted blocks [0, n) of the test from genesis into c. */
static int chain_build(chain *c, json_t *test, json_t **accepted, size_t n, size_t cap, mp_err *err)
{
    memset(c, 0, sizeof *c);
    c->ch.hash = calloc(cap + 2, 32);
    if (!c->ch.hash)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    c->head = json_object_get(test, "genesisBlockHeader");
    MP_TRY(mp_evm_state_new(&c->st, err));
    MP_TRY(load_pre(c->st, json_object_get(test, "pre"), err));
    MP_TRY(mp_hex_decode_exact(c->ch.hash[0], 32, jstr(c->head, "hash"), err));
    c->ch.n = 1;
    for (size_t i = 0; i < n; i++) {
        block_parts bp;
        parts_of(accepted[i], accepted[i], &bp);
        MP_TRY(run_block(c->st, &bp, c->head, &c->ch, err));
        MP_TRY(mp_hex_decode_exact(c->ch.hash[c->ch.n++], 32, jstr(bp.header, "hash"), err));
        c->head = bp.header;
    }
    return MP_OK;
}

/* True when the block must be refused and is: imported on a copy of the
 * chain rebuilt from genesis, so the real chain never sees it. */
static bool refuses(json_t *test, json_t *b, json_t **accepted, size_t n, size_t cap, char *why,
                    size_t why_len)
{
    json_t *dec = json_object_get(b, "rlp_decoded");
    if (!json_object_get(dec, "blockHeader")) {
        snprintf(why, why_len,
                 "expected %s: the fixture has no decoded block (RLP-level "
                 "rejections are not checked)",
                 jstr(b, "expectException"));
        return false;
    }
    chain c;
    mp_err err;
    if (chain_build(&c, test, accepted, n, cap, &err) != MP_OK) {
        snprintf(why, why_len, "rebuilding the chain: %s", err.msg);
        chain_free(&c);
        return false;
    }
    block_parts bp;
    parts_of(b, dec, &bp);
    uint8_t parent[32], head[32];
    bool refused = true;
    if (mp_hex_decode_exact(parent, 32, jstr(bp.header, "parentHash"), &err) == MP_OK &&
        mp_hex_decode_exact(head, 32, jstr(c.head, "hash"), &err) == MP_OK &&
        !memcmp(parent, head, 32))
        refused = run_block(c.st, &bp, c.head, &c.ch, &err) != MP_OK;
    if (!refused)
        snprintf(why, why_len, "block accepted, expected %s", jstr(b, "expectException"));
    chain_free(&c);
    return refused;
}

/* Runs one blockchain test on a linear chain; *why gets the failure. */
static bool blocktest_one(json_t *test, char *why, size_t why_len)
{
    mp_err err;
    chain c;
    bool ok = false;
    json_t *blocks = json_object_get(test, "blocks"), *b;
    size_t nb = json_array_size(blocks), i, n_acc = 0;
    json_t **accepted = calloc(nb + 1, sizeof *accepted);
    if (!accepted || chain_build(&c, test, NULL, 0, nb, &err) != MP_OK) {
        snprintf(why, why_len, "fixture: %s", accepted ? err.msg : "out of memory");
        goto done;
    }
    json_array_foreach(blocks, i, b)
    {
        if (json_object_get(b, "expectException")) {
            char sub[MP_ERR_MSG_MAX + 64];
            if (!refuses(test, b, accepted, n_acc, nb, sub, sizeof sub)) {
                snprintf(why, why_len, "block %zu: %.300s", i, sub);
                goto done;
            }
            continue;
        }
        block_parts bp;
        parts_of(b, b, &bp);
        uint8_t parent[32], head[32];
        if (!bp.header || mp_hex_decode_exact(parent, 32, jstr(bp.header, "parentHash"), &err) ||
            mp_hex_decode_exact(head, 32, jstr(c.head, "hash"), &err)) {
            snprintf(why, why_len, "block %zu: no usable header", i);
            goto done;
        }
        if (memcmp(parent, head, 32) != 0) {
            snprintf(why, why_len, "block %zu: side chains and reorgs are not supported", i);
            goto done;
        }
        if (run_block(c.st, &bp, c.head, &c.ch, &err) != MP_OK) {
            snprintf(why, why_len, "block %zu: %s", i, err.msg);
            goto done;
        }
        if (mp_hex_decode_exact(c.ch.hash[c.ch.n++], 32, jstr(bp.header, "hash"), &err) != MP_OK) {
            snprintf(why, why_len, "block %zu: %s", i, err.msg);
            goto done;
        }
        c.head = bp.header;
        accepted[n_acc++] = b;
    }
    uint8_t last[32], head[32];
    if (mp_hex_decode_exact(last, 32, jstr(test, "lastblockhash"), &err) != MP_OK ||
        mp_hex_decode_exact(head, 32, jstr(c.head, "hash"), &err) != MP_OK ||
        memcmp(last, head, 32) != 0) {
        snprintf(why, why_len, "head is not lastblockhash");
        goto done;
    }
    ok = true;
done:
    chain_free(&c);
    free(accepted);
    return ok;
}

static int cmd_blocktest(int argc, char **argv)
{
    const char *usage = "mpavs evm blocktest FILE...";
    if (wants_help(argc, argv)) {
        printf("usage: %s\nRuns BlockchainTests fixtures of the Cancun network on a linear "
               "chain: header rules, state, receipts, transactions and withdrawals roots, gas "
               "used, bloom; blocks marked invalid must be refused. One JSON line per test; "
               "exit 0 only when all pass.\n",
               usage);
        return CLI_OK;
    }
    if (argc < 2)
        return cli_usage(usage);
    run_stats rs = {0, 0, 0};
    for (int f = 1; f < argc; f++) {
        json_error_t je;
        json_t *root = json_load_file(argv[f], 0, &je);
        if (!root) {
            fprintf(stderr, "mpavs evm blocktest: %s: %s\n", argv[f], je.text);
            rs.fail++;
            continue;
        }
        const char *name;
        json_t *test;
        json_object_foreach(root, name, test)
        {
            const char *net = jstr(test, "network");
            if (!net || strcmp(net, "Cancun") != 0) {
                rs.skip++;
                continue;
            }
            char why[MP_ERR_MSG_MAX + 64] = "";
            bool ok = blocktest_one(test, why, sizeof why);
            json_t *e = json_string(why);
            char *enc = json_dumps(e, JSON_ENCODE_ANY);
            if (ok)
                printf("{\"name\":\"%s\",\"fork\":\"Cancun\",\"pass\":true}\n", name);
            else
                printf("{\"name\":\"%s\",\"fork\":\"Cancun\",\"pass\":false,\"error\":%s}\n", name,
                       enc ? enc : "\"?\"");
            free(enc);
            json_decref(e);
            if (ok)
                rs.pass++;
            else
                rs.fail++;
        }
        json_decref(root);
    }
    fprintf(stderr, "%d passed, %d failed, %d skipped (not Cancun)\n", rs.pass, rs.fail, rs.skip);
    return rs.fail ? CLI_NO : CLI_OK;
}

static int cmd_run(int argc, char **argv)
{
    const char *usage = "mpavs evm run --code HEX [--input HEX] [--gas N]";
    if (wants_help(argc, argv)) {
        printf("usage: %s\nRuns bytecode as a call with the given input (default gas 10000000); "
               "prints status, gas used, output and logs as JSON.\n",
               usage);
        return CLI_OK;
    }
    const char *code_hex = NULL, *input_hex = "";
    unsigned long long gas = 10000000;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--code"))
            code_hex = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--input"))
            input_hex = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--gas")) {
            char *end;
            gas = strtoull(argv[++i], &end, 0);
            if (*end || gas > INT64_MAX)
                return cli_usage(usage);
        } else
            return cli_usage(usage);
    }
    if (!code_hex)
        return cli_usage(usage);
    mp_err err;
    mp_buf code = MP_BUF_INIT, input = MP_BUF_INIT;
    mp_evm_state *st = NULL;
    mp_evm_result res;
    memset(&res, 0, sizeof res);
    int ret = CLI_OK;
    if (bytes_from_hex(&code, code_hex, &err) != MP_OK) {
        ret = cli_fail("evm run: --code", &err);
        goto done;
    }
    if (bytes_from_hex(&input, input_hex, &err) != MP_OK) {
        ret = cli_fail("evm run: --input", &err);
        goto done;
    }
    mp_evm_block env;
    memset(&env, 0, sizeof env);
    env.number = 1;
    env.gas_limit = 30000000;
    env.chain_id = 1;
    if (mp_evm_state_new(&st, &err) != MP_OK ||
        mp_evm_run_code(st, &env, code.data, code.len, input.data, input.len, gas, &res, &err) !=
            MP_OK) {
        ret = cli_fail("evm run", &err);
        goto done;
    }
    static const char *names[] = {"success", "revert", "failure"};
    char *out = mp_hex_dup0x(res.output.data, res.output.len);
    printf("{\"status\":\"%s\",\"gasUsed\":%llu,\"output\":\"%s\",\"logs\":%zu}\n",
           names[res.status], (unsigned long long)res.gas_used, out ? out : "", res.n_logs);
    free(out);
    ret = res.status == MP_EVM_SUCCESS ? CLI_OK : CLI_NO;
done:
    mp_evm_result_free(&res);
    mp_evm_state_free(st);
    mp_buf_free(&code);
    mp_buf_free(&input);
    return ret;
}

typedef struct evm_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} evm_cmd;

int cli_evm(int argc, char **argv)
{
    static const evm_cmd cmds[] = {
        {"statetest", cmd_statetest, "run GeneralStateTests fixtures (Cancun)"},
        {"blocktest", cmd_blocktest, "run BlockchainTests fixtures (Cancun)"},
        {"trietest", cmd_trietest, "run TrieTests fixtures"},
        {"run", cmd_run, "run bytecode: --code HEX [--input HEX] [--gas N]"},
    };
    size_t n = sizeof cmds / sizeof cmds[0];
    if (argc >= 2)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(argv[1], cmds[i].name))
                return cmds[i].run(argc - 1, argv + 1);
    bool help = argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    FILE *out = help ? stdout : stderr;
    if (argc >= 2 && !help)
        fprintf(out, "mpavs evm: unknown command \"%s\"\n", argv[1]);
    fprintf(out, "usage: mpavs evm COMMAND [ARGS...]   (COMMAND --help for details)\ncommands:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
    return help ? CLI_OK : CLI_USAGE;
}
