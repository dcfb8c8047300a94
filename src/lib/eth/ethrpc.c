/*
** ethrpc.c: Ethereum JSON-RPC methods with strict response parsing (see
** include/mpavs/ethrpc.h).
**
** The j_* helpers read one field each and name the method and field in
** every error, so a node that sends something odd is reported precisely.
*/
#include "mpavs/ethrpc.h"
#include "mpavs/abi.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- request values ---- */

static json_t *hex_value(const uint8_t *p, size_t n)
{
    return mp_json_hex_new(p, n, MP_JSON_0X);
}

static json_t *block_param(uint64_t b)
{
    switch (b) {
    case MP_BLOCK_LATEST:
        return json_string("latest");
    case MP_BLOCK_PENDING:
        return json_string("pending");
    case MP_BLOCK_SAFE:
        return json_string("safe");
    case MP_BLOCK_FINALIZED:
        return json_string("finalized");
    case MP_BLOCK_EARLIEST:
        return json_string("earliest");
    default:
        return mp_json_quantity_new(b);
    }
}

static bool is_tag(uint64_t b)
{
    return b >= MP_BLOCK_EARLIEST;
}

/* ---- response fields ---- */

typedef struct jctx {
    const char *method;
    mp_err *err;
} jctx;

static int jbad(const jctx *j, const char *key, const char *why)
{
    return MP_FAIL(j->err, MP_ERR_PARSE, "%s: %s %s", j->method, key, why);
}

/* The readers of mpavs/json.h name the field; this adds the method. */
static int jw(const jctx *j, int rc)
{
    if (rc != MP_OK)
        mp_err_wrap(j->err, "%s", j->method);
    return rc;
}

static int j_quantity(const jctx *j, const json_t *v, const char *key, uint64_t *out)
{
    return jw(j, mp_json_as_quantity(v, key, out, j->err));
}

static int j_bytes(const jctx *j, const json_t *v, const char *key, uint8_t *out, size_t n)
{
    return jw(j, mp_json_as_hex(v, key, MP_JSON_0X, out, n, j->err));
}

static int j_data(const jctx *j, const json_t *v, const char *key, mp_buf *out)
{
    return jw(j, mp_json_as_hex_buf(v, key, MP_JSON_0X, SIZE_MAX, out, j->err));
}

static int j_get(const jctx *j, const json_t *obj, const char *key, json_t **v)
{
    return jw(j, mp_json_get(obj, key, v, j->err));
}

static int f_u64(const jctx *j, const json_t *obj, const char *key, uint64_t *out)
{
    return jw(j, mp_json_get_quantity(obj, key, out, j->err));
}

static int f_bytes(const jctx *j, const json_t *obj, const char *key, uint8_t *out, size_t n)
{
    return jw(j, mp_json_get_hex(obj, key, MP_JSON_0X, out, n, j->err));
}

/* An address that may be JSON null (to of a creation, contractAddress of a call). */
static int f_addr_or_null(const jctx *j, const json_t *obj, const char *key, bool *has,
                          uint8_t out[20])
{
    *has = mp_json_present(obj, key);
    return *has ? f_bytes(j, obj, key, out, 20) : MP_OK;
}

static int f_bool(const jctx *j, const json_t *obj, const char *key, bool *out)
{
    return jw(j, mp_json_get_bool(obj, key, out, j->err));
}

/* ---- calls that return one quantity ---- */

static int call_quantity(mp_rpc *c, const char *method, json_t *params, uint64_t *out, mp_err *err)
{
    json_t *res;
    MP_TRY(mp_rpc_call(c, method, params, &res, err));
    jctx j = {method, err};
    int rc = j_quantity(&j, res, "result", out);
    json_decref(res);
    return rc;
}

int mp_eth_chain_id(mp_rpc *c, uint64_t *out, mp_err *err)
{
    return call_quantity(c, "eth_chainId", NULL, out, err);
}

int mp_eth_block_number(mp_rpc *c, uint64_t *out, mp_err *err)
{
    return call_quantity(c, "eth_blockNumber", NULL, out, err);
}

int mp_eth_gas_price(mp_rpc *c, uint64_t *out, mp_err *err)
{
    return call_quantity(c, "eth_gasPrice", NULL, out, err);
}

int mp_eth_max_priority_fee(mp_rpc *c, uint64_t *out, mp_err *err)
{
    return call_quantity(c, "eth_maxPriorityFeePerGas", NULL, out, err);
}

int mp_eth_get_transaction_count(mp_rpc *c, const uint8_t addr[20], uint64_t block, uint64_t *out,
                                 mp_err *err)
{
    return call_quantity(c, "eth_getTransactionCount",
                         json_pack("[o, o]", hex_value(addr, 20), block_param(block)), out, err);
}

/* ---- blocks ---- */

static int parse_block(const jctx *j, const json_t *b, mp_eth_block *out)
{
    memset(out, 0, sizeof *out);
    if (json_is_null(b))
        return MP_FAIL(j->err, MP_ERR_NOTFOUND, "%s: no such block", j->method);
    if (!json_is_object(b))
        return jbad(j, "result", "is not a block object");
    MP_TRY(f_u64(j, b, "number", &out->number));
    MP_TRY(f_bytes(j, b, "hash", out->hash, 32));
    MP_TRY(f_bytes(j, b, "parentHash", out->parent_hash, 32));
    MP_TRY(f_bytes(j, b, "stateRoot", out->state_root, 32));
    MP_TRY(f_u64(j, b, "timestamp", &out->timestamp));
    MP_TRY(f_u64(j, b, "gasLimit", &out->gas_limit));
    MP_TRY(f_u64(j, b, "gasUsed", &out->gas_used));
    json_t *txs;
    MP_TRY(jw(
        j, mp_json_opt_quantity(b, "baseFeePerGas", &out->base_fee, &out->has_base_fee, j->err)));
    return jw(j, mp_json_get_array(b, "transactions", SIZE_MAX, &txs, &out->ntx, j->err));
}

static int get_block(mp_rpc *c, const char *method, json_t *params, mp_eth_block *out, mp_err *err)
{
    json_t *res;
    MP_TRY(mp_rpc_call(c, method, params, &res, err));
    jctx j = {method, err};
    int rc = parse_block(&j, res, out);
    json_decref(res);
    return rc;
}

int mp_eth_get_block_by_number(mp_rpc *c, uint64_t number, mp_eth_block *out, mp_err *err)
{
    return get_block(c, "eth_getBlockByNumber", json_pack("[o, b]", block_param(number), 0), out,
                     err);
}

int mp_eth_get_block_by_hash(mp_rpc *c, const uint8_t hash[32], mp_eth_block *out, mp_err *err)
{
    return get_block(c, "eth_getBlockByHash", json_pack("[o, b]", hex_value(hash, 32), 0), out,
                     err);
}

/* ---- calls, estimates, reverts ---- */

static json_t *callmsg_json(const mp_eth_callmsg *m)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    if (m->from)
        json_object_set_new(o, "from", hex_value(m->from, 20));
    if (m->to)
        json_object_set_new(o, "to", hex_value(m->to, 20));
    json_object_set_new(o, "data", hex_value(m->data, m->data_len));
    if (m->value)
        json_object_set_new(o, "value", mp_json_quantity256_new(m->value));
    if (m->gas)
        json_object_set_new(o, "gas", mp_json_quantity_new(m->gas));
    return o;
}

bool mp_eth_is_revert(const mp_rpc *c)
{
    return c->last_error.code == 3 || strstr(c->last_error.message, "revert") != NULL;
}

int mp_eth_revert_data(const mp_rpc *c, mp_buf *out, mp_err *err)
{
    const json_t *d = c->last_error.data;
    if (!json_is_string(d))
        return MP_OK;
    jctx j = {"revert", err};
    return j_data(&j, d, "data", out);
}

/* Turns an error object that reports a revert into MP_ERR_REVERTED. */
static int revert_failure(mp_rpc *c, const char *method, int rc, mp_err *err)
{
    if (mp_rc_detail(rc) != MP_RPC_ERROR_OBJECT || !mp_eth_is_revert(c))
        return rc;
    mp_buf data = MP_BUF_INIT;
    char why[200];
    if (mp_eth_revert_data(c, &data, NULL) == MP_OK && data.len > 0)
        mp_eth_revert_describe(why, sizeof why, data.data, data.len);
    else
        snprintf(why, sizeof why, "%.199s", c->last_error.message);
    mp_buf_free(&data);
    return MP_FAIL(err, MP_ERR_REVERTED, "%s reverted: %s", method, why);
}

int mp_eth_call(mp_rpc *c, const mp_eth_callmsg *msg, uint64_t block, mp_buf *out, mp_err *err)
{
    json_t *res;
    int rc = mp_rpc_call(c, "eth_call", json_pack("[o, o]", callmsg_json(msg), block_param(block)),
                         &res, err);
    if (rc != MP_OK)
        return revert_failure(c, "eth_call", rc, err);
    jctx j = {"eth_call", err};
    rc = j_data(&j, res, "result", out);
    json_decref(res);
    return rc;
}

int mp_eth_call_batch(mp_rpc *c, const mp_eth_callmsg *msgs, size_t n, uint64_t block, mp_buf *outs,
                      mp_err *err)
{
    MP_ARG_CHECK(err, c != NULL && msgs != NULL && outs != NULL && n > 0 && n <= MP_RPC_MAX_BATCH);
    json_t **params = calloc(n, sizeof *params), **res = calloc(n, sizeof *res);
    int rc = MP_OK;
    if (params == NULL || res == NULL) {
        free(params);
        free(res);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu calls", n);
    }
    for (size_t i = 0; i < n; i++)
        params[i] = json_pack("[o, o]", callmsg_json(&msgs[i]), block_param(block));
    rc = mp_rpc_call_batch(c, "eth_call", params, n, res, err);
    if (rc != MP_OK)
        rc = revert_failure(c, "eth_call", rc, err);
    jctx j = {"eth_call", err};
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        rc = j_data(&j, res[i], "result", &outs[i]);
    for (size_t i = 0; i < n; i++)
        json_decref(res[i]);
    free(params);
    free(res);
    return rc;
}

int mp_eth_estimate_gas(mp_rpc *c, const mp_eth_callmsg *msg, uint64_t *gas, mp_err *err)
{
    int rc = call_quantity(c, "eth_estimateGas", json_pack("[o]", callmsg_json(msg)), gas, err);
    return rc == MP_OK ? MP_OK : revert_failure(c, "eth_estimateGas", rc, err);
}

/* Error(string) and Panic(uint256) are Solidity's two built-in revert forms. */
static const char *panic_name(uint64_t code)
{
    switch (code) {
    case 0x01:
        return "assertion failed";
    case 0x11:
        return "arithmetic overflow or underflow";
    case 0x12:
        return "division or modulo by zero";
    case 0x21:
        return "invalid enum value";
    case 0x22:
        return "corrupt storage byte array";
    case 0x31:
        return "pop on an empty array";
    case 0x32:
        return "array index out of bounds";
    case 0x41:
        return "too much memory allocated";
    case 0x51:
        return "call to a zero-initialised function";
    default:
        return "unknown panic code";
    }
}

static void describe_error_string(char *out, size_t cap, const uint8_t *p, size_t n)
{
    size_t w = (size_t)snprintf(out, cap, "Error(\"");
    for (size_t i = 0; i < n && w + 8 < cap; i++)
        w += (size_t)snprintf(out + w, cap - w, isprint(p[i]) && p[i] != '"' ? "%c" : "\\x%02x",
                              p[i]);
    snprintf(out + (w < cap ? w : cap - 1), cap - (w < cap ? w : cap - 1), "\")");
}

void mp_eth_revert_describe(char *out, size_t cap, const uint8_t *data, size_t len)
{
    static const uint8_t err_sel[4] = {0x08, 0xc3, 0x79, 0xa0},
                         panic_sel[4] = {0x4e, 0x48, 0x7b, 0x71};
    const uint8_t *p;
    size_t n;
    uint64_t code;
    if (cap == 0)
        return;
    if (len == 0) {
        snprintf(out, cap, "no revert data");
    } else if (len >= 4 && !memcmp(data, err_sel, 4) &&
               mp_abi_read_bytes(&p, &n, data + 4, len - 4, 0, NULL) == MP_OK) {
        describe_error_string(out, cap, p, n);
    } else if (len == 36 && !memcmp(data, panic_sel, 4) &&
               mp_abi_read_u64(&code, data + 4, 32, 0, NULL) == MP_OK) {
        snprintf(out, cap, "Panic(0x%llx: %s)", (unsigned long long)code, panic_name(code));
    } else if (len >= 4) {
        char hex[2 * 64 + 1];
        size_t shown = len - 4 > 64 ? 64 : len - 4;
        mp_hex_encode(hex, data + 4, shown);
        snprintf(out, cap, "custom error 0x%02x%02x%02x%02x (data 0x%s%s)", data[0], data[1],
                 data[2], data[3], hex, shown < len - 4 ? "..." : "");
    } else {
        char hex[9];
        mp_hex_encode(hex, data, len);
        snprintf(out, cap, "revert data 0x%s (shorter than a selector)", hex);
    }
}

/* ---- fee history ---- */

void mp_eth_fee_history_free(mp_eth_fee_hist *h)
{
    free(h->base_fees);
    free(h->gas_used_ratio);
    free(h->rewards);
    memset(h, 0, sizeof *h);
}

static int parse_fee_rows(const jctx *j, const json_t *r, mp_eth_fee_hist *h)
{
    json_t *rows;
    MP_TRY(j_get(j, r, "reward", &rows));
    if (!json_is_array(rows) || json_array_size(rows) != h->nblocks)
        return jbad(j, "reward", "does not have one row per block");
    h->rewards = calloc(h->nblocks * h->npercentiles + 1, sizeof *h->rewards);
    if (h->rewards == NULL)
        return MP_FAIL(j->err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < h->nblocks; i++) {
        json_t *row = json_array_get(rows, i);
        if (!json_is_array(row) || json_array_size(row) != h->npercentiles)
            return jbad(j, "reward", "has a row of the wrong length");
        for (size_t k = 0; k < h->npercentiles; k++)
            MP_TRY(j_quantity(j, json_array_get(row, k), "reward",
                              &h->rewards[i * h->npercentiles + k]));
    }
    return MP_OK;
}

static int parse_fee_history(const jctx *j, const json_t *r, mp_eth_fee_hist *h)
{
    json_t *fees, *ratios;
    if (!json_is_object(r))
        return jbad(j, "result", "is not an object");
    MP_TRY(f_u64(j, r, "oldestBlock", &h->oldest_block));
    MP_TRY(j_get(j, r, "baseFeePerGas", &fees));
    MP_TRY(j_get(j, r, "gasUsedRatio", &ratios));
    if (!json_is_array(fees) || !json_is_array(ratios) ||
        json_array_size(fees) != json_array_size(ratios) + 1)
        return jbad(j, "baseFeePerGas", "must have one more entry than gasUsedRatio");
    h->nblocks = json_array_size(ratios);
    h->base_fees = calloc(h->nblocks + 1, sizeof *h->base_fees);
    h->gas_used_ratio = calloc(h->nblocks + 1, sizeof *h->gas_used_ratio);
    if (h->base_fees == NULL || h->gas_used_ratio == NULL)
        return MP_FAIL(j->err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i <= h->nblocks; i++)
        MP_TRY(j_quantity(j, json_array_get(fees, i), "baseFeePerGas", &h->base_fees[i]));
    for (size_t i = 0; i < h->nblocks; i++) {
        json_t *x = json_array_get(ratios, i);
        if (!json_is_number(x))
            return jbad(j, "gasUsedRatio", "has a non-number");
        h->gas_used_ratio[i] = json_number_value(x);
    }
    return h->npercentiles ? parse_fee_rows(j, r, h) : MP_OK;
}

int mp_eth_fee_history(mp_rpc *c, uint64_t nblocks, uint64_t newest, const double *percentiles,
                       size_t npercentiles, mp_eth_fee_hist *out, mp_err *err)
{
    memset(out, 0, sizeof *out);
    json_t *pct = json_array(), *res;
    for (size_t i = 0; pct && i < npercentiles; i++)
        json_array_append_new(pct, json_real(percentiles[i]));
    MP_TRY(
        mp_rpc_call(c, "eth_feeHistory",
                    json_pack("[o, o, o]", mp_json_quantity_new(nblocks), block_param(newest), pct),
                    &res, err));
    jctx j = {"eth_feeHistory", err};
    out->npercentiles = npercentiles;
    int rc = parse_fee_history(&j, res, out);
    json_decref(res);
    if (rc != MP_OK)
        mp_eth_fee_history_free(out);
    return rc;
}

/* ---- transactions and receipts ---- */

int mp_eth_send_raw_transaction(mp_rpc *c, const uint8_t *raw, size_t len, uint8_t hash[32],
                                mp_err *err)
{
    json_t *res;
    MP_TRY(
        mp_rpc_call(c, "eth_sendRawTransaction", json_pack("[o]", hex_value(raw, len)), &res, err));
    jctx j = {"eth_sendRawTransaction", err};
    int rc = j_bytes(&j, res, "result", hash, 32);
    json_decref(res);
    return rc;
}

void mp_eth_logs_free(mp_eth_logs *logs)
{
    for (size_t i = 0; i < logs->n; i++)
        free(logs->v[i].data);
    free(logs->v);
    memset(logs, 0, sizeof *logs);
}

static void logs_truncate(mp_eth_logs *logs, size_t n)
{
    while (logs->n > n)
        free(logs->v[--logs->n].data);
}

static int parse_topics(const jctx *j, const json_t *l, mp_eth_log *out)
{
    json_t *t;
    MP_TRY(jw(j, mp_json_get_array(l, "topics", 4, &t, &out->ntopics, j->err)));
    for (size_t i = 0; i < out->ntopics; i++)
        MP_TRY(j_bytes(j, json_array_get(t, i), "topics", out->topics[i], 32));
    return MP_OK;
}

static int parse_log(const jctx *j, const json_t *l, mp_eth_log *out)
{
    json_t *d;
    mp_buf data = MP_BUF_INIT;
    if (!json_is_object(l))
        return jbad(j, "logs", "has an entry that is not an object");
    MP_TRY(f_bytes(j, l, "address", out->address, 20));
    MP_TRY(parse_topics(j, l, out));
    MP_TRY(f_u64(j, l, "blockNumber", &out->block_number));
    MP_TRY(f_bytes(j, l, "blockHash", out->block_hash, 32));
    MP_TRY(f_bytes(j, l, "transactionHash", out->tx_hash, 32));
    MP_TRY(f_u64(j, l, "transactionIndex", &out->tx_index));
    MP_TRY(f_u64(j, l, "logIndex", &out->log_index));
    MP_TRY(f_bool(j, l, "removed", &out->removed));
    MP_TRY(j_get(j, l, "data", &d));
    int rc = j_data(j, d, "data", &data);
    if (rc == MP_OK && data.data == NULL && mp_buf_zeros(&data, 0) != MP_OK)
        rc = MP_FAIL(j->err, MP_ERR_NOMEM, "out of memory");
    if (rc != MP_OK) {
        mp_buf_free(&data);
        return rc;
    }
    out->data = mp_buf_take(&data, &out->data_len);
    return MP_OK;
}

static int parse_logs(const jctx *j, const json_t *arr, mp_eth_logs *out)
{
    size_t n;
    MP_TRY(jw(j, mp_json_as_array(arr, "logs", SIZE_MAX, &n, j->err)));
    if (out->n + n > out->cap) {
        size_t cap = out->n + n + out->cap;
        mp_eth_log *v = realloc(out->v, cap * sizeof *v);
        if (v == NULL)
            return MP_FAIL(j->err, MP_ERR_NOMEM, "out of memory");
        out->v = v;
        out->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&out->v[out->n], 0, sizeof out->v[0]);
        MP_TRY(parse_log(j, json_array_get(arr, i), &out->v[out->n]));
        out->n++;
    }
    return MP_OK;
}

void mp_eth_receipt_free(mp_eth_receipt *r)
{
    mp_eth_logs_free(&r->logs);
}

static int parse_receipt(const jctx *j, const json_t *r, mp_eth_receipt *out)
{
    uint64_t status;
    json_t *logs;
    bool has_egp;
    if (!json_is_object(r))
        return jbad(j, "result", "is not a receipt object");
    MP_TRY(f_bytes(j, r, "transactionHash", out->tx_hash, 32));
    MP_TRY(f_bytes(j, r, "blockHash", out->block_hash, 32));
    MP_TRY(f_u64(j, r, "blockNumber", &out->block_number));
    MP_TRY(f_u64(j, r, "transactionIndex", &out->tx_index));
    MP_TRY(f_u64(j, r, "gasUsed", &out->gas_used));
    MP_TRY(f_u64(j, r, "cumulativeGasUsed", &out->cumulative_gas_used));
    MP_TRY(f_u64(j, r, "status", &status));
    if (status > 1)
        return jbad(j, "status", "is neither 0x0 nor 0x1");
    out->status = status == 1;
    MP_TRY(f_bytes(j, r, "from", out->from, 20));
    MP_TRY(f_addr_or_null(j, r, "to", &out->has_to, out->to));
    MP_TRY(f_addr_or_null(j, r, "contractAddress", &out->has_contract, out->contract_address));
    MP_TRY(jw(j, mp_json_opt_quantity(r, "effectiveGasPrice", &out->effective_gas_price, &has_egp,
                                      j->err)));
    MP_TRY(j_get(j, r, "logs", &logs));
    return parse_logs(j, logs, &out->logs);
}

int mp_eth_get_transaction_receipt(mp_rpc *c, const uint8_t hash[32], mp_eth_receipt *out,
                                   mp_err *err)
{
    json_t *res;
    memset(out, 0, sizeof *out);
    MP_TRY(mp_rpc_call(c, "eth_getTransactionReceipt", json_pack("[o]", hex_value(hash, 32)), &res,
                       err));
    jctx j = {"eth_getTransactionReceipt", err};
    int rc = json_is_null(res) ? MP_FAIL(err, MP_ERR_NOTFOUND, "no receipt yet")
                               : parse_receipt(&j, res, out);
    json_decref(res);
    if (rc != MP_OK)
        mp_eth_receipt_free(out);
    return rc;
}

int mp_eth_get_code(mp_rpc *c, const uint8_t addr[20], uint64_t block, mp_buf *out, mp_err *err)
{
    json_t *res;
    MP_TRY(mp_rpc_call(c, "eth_getCode",
                       json_pack("[o, o]", hex_value(addr, 20), block_param(block)), &res, err));
    jctx j = {"eth_getCode", err};
    int rc = j_data(&j, res, "result", out);
    json_decref(res);
    return rc;
}

/* ---- logs ---- */

static json_t *topics_json(const mp_eth_filter *f)
{
    size_t last = 4;
    while (last > 0 && f->topics[last - 1].n == 0)
        last--;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < last; i++) {
        const mp_eth_topic_set *t = &f->topics[i];
        json_t *alt = t->n == 0 ? json_null() : t->n == 1 ? hex_value(t->any[0], 32) : json_array();
        for (size_t k = 0; t->n > 1 && alt && k < t->n; k++)
            json_array_append_new(alt, hex_value(t->any[k], 32));
        json_array_append_new(arr, alt);
    }
    return arr;
}

static json_t *filter_json(const mp_eth_filter *f, uint64_t from, uint64_t to)
{
    json_t *o = json_pack("{s:o, s:o, s:o}", "fromBlock", block_param(from), "toBlock",
                          block_param(to), "topics", topics_json(f));
    if (o && f->naddresses == 1) {
        json_object_set_new(o, "address", hex_value(f->addresses[0], 20));
    } else if (o && f->naddresses > 1) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < f->naddresses; i++)
            json_array_append_new(a, hex_value(f->addresses[i], 20));
        json_object_set_new(o, "address", a);
    }
    return o;
}

/* Does the last failure say the query was too big (so a smaller one may work)? */
static bool too_big(const mp_rpc *c, int rc)
{
    if (mp_rc_detail(rc) == MP_RPC_TOO_LARGE)
        return true;
    if (mp_rc_detail(rc) != MP_RPC_ERROR_OBJECT)
        return false;
    static const char *const hints[] = {"more than",   "too large",     "too many",
                                        "block range", "range",         "limit",
                                        "exceed",      "response size", "max results"};
    if (c->last_error.code == -32005)
        return true;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (mp_rpc_error_mentions(c, rc, hints[i]))
            return true;
    return false;
}

static int logs_once(mp_rpc *c, const mp_eth_filter *f, uint64_t from, uint64_t to,
                     mp_eth_logs *out, mp_err *err)
{
    json_t *res;
    MP_TRY(
        mp_rpc_call_large(c, "eth_getLogs", json_pack("[o]", filter_json(f, from, to)), &res, err));
    jctx j = {"eth_getLogs", err};
    int rc = parse_logs(&j, res, out);
    json_decref(res);
    return rc;
}

static int logs_split(mp_rpc *c, const mp_eth_filter *f, uint64_t from, uint64_t to,
                      mp_eth_logs *out, mp_err *err)
{
    size_t before = out->n;
    int rc = logs_once(c, f, from, to, out, err);
    if (rc == MP_OK || from >= to || is_tag(from) || is_tag(to) || !too_big(c, rc))
        return rc;
    logs_truncate(out, before);
    uint64_t mid = from + (to - from) / 2;
    MP_DEBUG(c->log, "eth_getLogs range too large, splitting", MP_LU64("from", from),
             MP_LU64("to", to));
    MP_TRY(logs_split(c, f, from, mid, out, err));
    return logs_split(c, f, mid + 1, to, out, err);
}

int mp_eth_get_logs(mp_rpc *c, const mp_eth_filter *f, mp_eth_logs *out, mp_err *err)
{
    size_t before = out->n;
    int rc = MP_OK;
    if (is_tag(f->from_block) || is_tag(f->to_block) || f->max_range == 0) {
        rc = logs_split(c, f, f->from_block, f->to_block, out, err);
    } else {
        if (f->from_block > f->to_block)
            return MP_FAIL(err, MP_ERR_INVALID, "eth_getLogs: fromBlock %llu is after toBlock %llu",
                           (unsigned long long)f->from_block, (unsigned long long)f->to_block);
        for (uint64_t start = f->from_block; rc == MP_OK; start += f->max_range) {
            uint64_t end =
                f->to_block - start < f->max_range - 1 ? f->to_block : start + f->max_range - 1;
            rc = logs_split(c, f, start, end, out, err);
            if (end == f->to_block)
                break;
        }
    }
    if (rc != MP_OK)
        logs_truncate(out, before);
    return rc;
}
