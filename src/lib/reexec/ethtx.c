/*
** ethtx.c: a block's transactions from their JSON form (eth_getBlockByNumber
** with full objects) to what the EVM runs: fields decoded, the consensus
** encoding rebuilt (so the transactions root can be checked), then decoded
** by the library (mp_evm_tx_decode) into what the EVM runs, with the sender
** recovered from the signature rather than taken from the node's "from".
** Types 0 (legacy, EIP-155 or not), 1 (EIP-2930), 2 (EIP-1559), 3 (EIP-4844).
*/
#include "rx_int.h"

#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/rlp.h"

#include <stdlib.h>
#include <string.h>

#define RX_MAX_INPUT (1u << 24)

int rx_json_qty(const json_t *v, const char *name, uint8_t be[32], mp_err *err)
{
    const char *s;
    MP_TRY(mp_json_as_str(v, name, &s, err));
    if (!mp_hex_has_0x(s) || s[2] == 0 || mp_hex_decode_quantity(be, 32, s, err) != MP_OK)
        return MP_FAIL(err, MP_ERR_PARSE, "%s is not a 256-bit quantity", name);
    return MP_OK;
}

static int qty(const json_t *tx, const char *key, uint8_t be[32], mp_err *err)
{
    return rx_json_qty(json_object_get(tx, key), key, be, err);
}

static int qty_w(const json_t *tx, const char *key, mp_w256 *w, mp_err *err)
{
    uint8_t be[32];
    MP_TRY(qty(tx, key, be, err));
    mp_w256_from_be(w, be);
    return MP_OK;
}

static void put_w(mp_buf *b, const mp_w256 *w)
{
    uint8_t be[32];
    mp_w256_to_be(be, w);
    mp_rlp_put_uint_be(b, be, 32);
}

/* The access list: decoded into t and kept for the encoding. */
static int access_list(rx_tx *t, const json_t *tx, mp_err *err)
{
    json_t *al;
    size_t n, nk = 0;
    MP_TRY(mp_json_get_array(tx, "accessList", 1u << 16, &al, &n, err));
    for (size_t i = 0; i < n; i++) {
        json_t *keys = json_object_get(json_array_get(al, i), "storageKeys");
        if (!json_is_array(keys))
            return MP_FAIL(err, MP_ERR_PARSE, "accessList[%zu].storageKeys is not an array", i);
        nk += json_array_size(keys);
    }
    t->access = calloc(n ? n : 1, sizeof *t->access);
    t->keys = calloc(nk ? nk : 1, sizeof *t->keys);
    if (!t->access || !t->keys)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(al, i), *keys = json_object_get(e, "storageKeys");
        MP_TRY(mp_json_get_address(e, "address", t->access[i].addr, err));
        t->access[i].keys = &t->keys[k];
        t->access[i].n_keys = json_array_size(keys);
        for (size_t j = 0; j < json_array_size(keys); j++) {
            uint8_t be[32];
            MP_TRY(mp_json_as_word(json_array_get(keys, j), "storageKeys[]", be, err));
            mp_w256_from_be(&t->keys[k++], be);
        }
    }
    t->tx.access = t->access;
    t->tx.n_access = n;
    return MP_OK;
}

static void put_access(mp_buf *b, const rx_tx *t)
{
    size_t m = mp_rlp_list_begin(b);
    for (size_t i = 0; i < t->tx.n_access; i++) {
        size_t m2 = mp_rlp_list_begin(b);
        mp_rlp_put_bytes(b, t->access[i].addr, 20);
        size_t m3 = mp_rlp_list_begin(b);
        for (size_t j = 0; j < t->access[i].n_keys; j++) {
            uint8_t be[32];
            mp_w256_to_be(be, &t->access[i].keys[j]);
            mp_rlp_put_bytes(b, be, 32);
        }
        mp_rlp_list_end(b, m3);
        mp_rlp_list_end(b, m2);
    }
    mp_rlp_list_end(b, m);
}

static int blobs(rx_tx *t, const json_t *tx, mp_err *err)
{
    json_t *arr;
    size_t n;
    MP_TRY(mp_json_get_array(tx, "blobVersionedHashes", 64, &arr, &n, err));
    t->blobs = calloc(n ? n : 1, 32);
    if (!t->blobs)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        MP_TRY(mp_json_as_word(json_array_get(arr, i), "blobVersionedHashes[]", t->blobs[i], err));
    t->tx.blob_hashes = (const uint8_t(*)[32])t->blobs;
    t->tx.n_blobs = n;
    return MP_OK;
}

typedef struct sig {
    uint64_t chain_id;
    mp_w256 v;
    uint8_t r[32], s[32];
    int recid;
} sig;

/* The fields of the payload (everything but the signature) in type order. */
static void put_payload(mp_buf *b, const rx_tx *t, const sig *g)
{
    const mp_evm_tx *x = &t->tx;
    if (x->type != 0)
        mp_rlp_put_u64(b, g->chain_id);
    mp_rlp_put_u64(b, x->nonce);
    if (x->type <= 1) {
        put_w(b, &x->gas_price);
    } else {
        put_w(b, &x->max_priority);
        put_w(b, &x->max_fee);
    }
    mp_rlp_put_u64(b, x->gas_limit);
    mp_rlp_put_bytes(b, x->to, x->has_to ? 20 : 0);
    put_w(b, &x->value);
    mp_rlp_put_bytes(b, x->data, x->data_len);
    if (x->type != 0)
        put_access(b, t);
    if (x->type == 3) {
        put_w(b, &x->max_fee_blob);
        size_t m = mp_rlp_list_begin(b);
        for (size_t i = 0; i < x->n_blobs; i++)
            mp_rlp_put_bytes(b, x->blob_hashes[i], 32);
        mp_rlp_list_end(b, m);
    }
}

static void encode(mp_buf *b, const rx_tx *t, const sig *g)
{
    if (t->tx.type != 0)
        mp_buf_push(b, (uint8_t)t->tx.type);
    size_t m = mp_rlp_list_begin(b);
    put_payload(b, t, g);
    if (t->tx.type == 0)
        put_w(b, &g->v);
    else
        mp_rlp_put_u64(b, (uint64_t)g->recid);
    mp_rlp_put_uint_be(b, g->r, 32);
    mp_rlp_put_uint_be(b, g->s, 32);
    mp_rlp_list_end(b, m);
}

static int signature(sig *g, int type, const json_t *tx, mp_err *err)
{
    MP_TRY(qty(tx, "r", g->r, err));
    MP_TRY(qty(tx, "s", g->s, err));
    MP_TRY(qty_w(tx, "v", &g->v, err));
    if (type != 0) {
        MP_TRY(mp_json_get_quantity(tx, "chainId", &g->chain_id, err));
        if (!mp_w256_fits_u64(&g->v) || g->v.w[0] > 1)
            return MP_FAIL(err, MP_ERR_PARSE, "typed transaction v/yParity is not 0 or 1");
        g->recid = (int)g->v.w[0];
        return MP_OK;
    }
    if (!mp_w256_fits_u64(&g->v) || g->v.w[0] < 27 || g->v.w[0] == 29 || g->v.w[0] == 30 ||
        g->v.w[0] > 35 + 2 * (uint64_t)UINT32_MAX * 2)
        return MP_FAIL(err, MP_ERR_PARSE, "legacy transaction v is out of range");
    uint64_t v = g->v.w[0];
    g->chain_id = v >= 35 ? (v - 35) / 2 : 0;
    g->recid = (int)(v >= 35 ? (v - 35) % 2 : v - 27);
    return MP_OK;
}

static int fields(rx_tx *t, const json_t *tx, mp_err *err)
{
    mp_evm_tx *x = &t->tx;
    MP_TRY(mp_json_get_quantity(tx, "nonce", &x->nonce, err));
    MP_TRY(mp_json_get_quantity(tx, "gas", &x->gas_limit, err));
    MP_TRY(qty_w(tx, "value", &x->value, err));
    json_t *to = json_object_get(tx, "to");
    x->has_to = to != NULL && !json_is_null(to);
    if (x->has_to)
        MP_TRY(mp_json_as_address(to, "to", x->to, err));
    MP_TRY(mp_json_get_hex_buf(tx, "input", MP_JSON_0X, RX_MAX_INPUT, &t->data, err));
    x->data = t->data.data;
    x->data_len = t->data.len;
    if (x->type <= 1) {
        MP_TRY(qty_w(tx, "gasPrice", &x->gas_price, err));
    } else {
        MP_TRY(qty_w(tx, "maxFeePerGas", &x->max_fee, err));
        MP_TRY(qty_w(tx, "maxPriorityFeePerGas", &x->max_priority, err));
    }
    if (x->type >= 1)
        MP_TRY(access_list(t, tx, err));
    if (x->type == 3) {
        MP_TRY(qty_w(tx, "maxFeePerBlobGas", &x->max_fee_blob, err));
        MP_TRY(blobs(t, tx, err));
        if (!x->has_to)
            return MP_FAIL(err, MP_ERR_PARSE, "blob transaction without a recipient");
    }
    return MP_OK;
}

int rx_tx_decode(rx_tx *t, const json_t *tx, mp_err *err)
{
    uint64_t type = 0;
    bool has;
    memset(t, 0, sizeof *t);
    MP_TRY(mp_json_opt_quantity(tx, "type", &type, &has, err));
    if (type > 3)
        return MP_FAIL(err, MP_EVM_ERR_UNSUPPORTED,
                       "transaction type %llu is not supported (Cancun: types 0-3)",
                       (unsigned long long)type);
    t->tx.type = (int)type;
    MP_TRY(fields(t, tx, err));
    sig g = {0};
    MP_TRY(signature(&g, t->tx.type, tx, err));
    t->chain_id = g.chain_id;
    encode(&t->raw, t, &g);
    MP_TRY(mp_buf_check(&t->raw, err));
    /* the library's decoder gives what the EVM runs and the sender, from the
     ** very bytes the transactions root commits to */
    mp_evm_tx dec;
    int rc = mp_evm_tx_decode(&dec, &t->buf, t->raw.data, t->raw.len, g.chain_id, err);
    if (rc != MP_OK)
        return mp_rc_class(rc) == MP_ERR_VERIFY
                   ? MP_FAIL(err, MP_ERR_VERIFY, "transaction signature does not recover a sender")
                   : rc;
    t->tx = dec;
    return MP_OK;
}

void rx_tx_free(rx_tx *t)
{
    mp_evm_tx_buf_free(&t->buf);
    mp_buf_free(&t->raw);
    mp_buf_free(&t->data);
    free(t->access);
    free(t->keys);
    free(t->blobs);
    memset(t, 0, sizeof *t);
}
