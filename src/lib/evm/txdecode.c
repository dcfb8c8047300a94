/*
** txdecode.c: raw signed transactions as a block body holds them (legacy
** RLP lists, EIP-2718 typed 0x01/0x02/0x03 envelopes) into mp_evm_tx, with
** the sender recovered from the signature (EIP-155 for legacy, low s per
** EIP-2). This is what a re-execution reads; the fixtures' JSON is not.
*/
#include "evm_int.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"
#include "mpavs/secp.h"

void mp_evm_tx_buf_free(mp_evm_tx_buf *buf)
{
    free(buf->access);
    free(buf->keys);
    free(buf->blobs);
    memset(buf, 0, sizeof *buf);
}

static int to_w(const mp_rlp_item *it, mp_w256 *out, const char *what, mp_err *err)
{
    uint8_t be[32];
    int rc = mp_rlp_to_uint_be(it, be, 32, err);
    if (rc != MP_OK)
        return mp_err_wrap(err, "transaction %s", what), rc;
    mp_w256_from_be(out, be);
    return MP_OK;
}

static int to_u64(const mp_rlp_item *it, uint64_t *out, const char *what, mp_err *err)
{
    int rc = mp_rlp_to_u64(it, out, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "transaction %s", what);
    return rc;
}

static int to_field(const mp_rlp_item *it, mp_evm_tx *tx, mp_err *err)
{
    if (it->is_list || (it->len != 0 && it->len != 20))
        return MP_FAIL(err, MP_ERR_PARSE, "transaction recipient is not 20 bytes or empty");
    tx->has_to = it->len == 20;
    if (tx->has_to)
        memcpy(tx->to, it->payload, 20);
    return MP_OK;
}

static int data_field(const mp_rlp_item *it, mp_evm_tx *tx, mp_err *err)
{
    if (it->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "transaction data is a list");
    tx->data = it->payload;
    tx->data_len = it->len;
    return MP_OK;
}

/* Counts the items of a list. */
static int count_items(const mp_rlp_item *list, size_t *n, mp_err *err)
{
    const uint8_t *cur = list->payload;
    size_t left = list->len;
    mp_rlp_item it;
    *n = 0;
    while (left > 0) {
        MP_TRY(mp_rlp_next(&it, &cur, &left, err));
        (*n)++;
    }
    return MP_OK;
}

static int access_list(const mp_rlp_item *al, mp_evm_tx *tx, mp_evm_tx_buf *buf, mp_err *err)
{
    if (!al->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "access list is not a list");
    size_t n, nk = 0;
    MP_TRY(count_items(al, &n, err));
    const uint8_t *cur = al->payload;
    size_t left = al->len;
    mp_rlp_item e, f[2];
    for (size_t i = 0; i < n; i++) { /* first pass: sizes and shape */
        MP_TRY(mp_rlp_next(&e, &cur, &left, err));
        MP_TRY(mp_rlp_list_items(&e, f, 2, "access list entry", err));
        if (f[0].is_list || f[0].len != 20 || !f[1].is_list)
            return MP_FAIL(err, MP_ERR_PARSE, "access list entry %zu is malformed", i);
        size_t k;
        MP_TRY(count_items(&f[1], &k, err));
        nk += k;
    }
    buf->access = calloc(n ? n : 1, sizeof *buf->access);
    buf->keys = calloc(nk ? nk : 1, sizeof *buf->keys);
    if (!buf->access || !buf->keys)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    cur = al->payload;
    left = al->len;
    size_t kk = 0;
    for (size_t i = 0; i < n; i++) {
        MP_TRY(mp_rlp_next(&e, &cur, &left, err));
        MP_TRY(mp_rlp_list_items(&e, f, 2, "access list entry", err));
        memcpy(buf->access[i].addr, f[0].payload, 20);
        buf->access[i].keys = buf->keys + kk;
        const uint8_t *kc = f[1].payload;
        size_t kl = f[1].len;
        while (kl > 0) {
            mp_rlp_item key;
            MP_TRY(mp_rlp_next(&key, &kc, &kl, err));
            if (key.is_list || key.len != 32)
                return MP_FAIL(err, MP_ERR_PARSE, "access list storage key is not 32 bytes");
            mp_w256_from_be(&buf->keys[kk++], key.payload);
            buf->access[i].n_keys++;
        }
    }
    tx->access = buf->access;
    tx->n_access = n;
    return MP_OK;
}

static int blob_hashes(const mp_rlp_item *bh, mp_evm_tx *tx, mp_evm_tx_buf *buf, mp_err *err)
{
    if (!bh->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "blob versioned hashes are not a list");
    size_t n;
    MP_TRY(count_items(bh, &n, err));
    buf->blobs = calloc(n ? n : 1, 32);
    if (!buf->blobs)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    const uint8_t *cur = bh->payload;
    size_t left = bh->len;
    for (size_t i = 0; i < n; i++) {
        mp_rlp_item h;
        MP_TRY(mp_rlp_next(&h, &cur, &left, err));
        if (h.is_list || h.len != 32)
            return MP_FAIL(err, MP_ERR_PARSE, "blob versioned hash is not 32 bytes");
        memcpy(buf->blobs[i], h.payload, 32);
    }
    tx->blob_hashes = (const uint8_t(*)[32])buf->blobs;
    tx->n_blobs = n;
    return MP_OK;
}

/* keccak256(prefix || rlp(list of items[0..k))) with the items' own bytes. */
static void signing_hash(uint8_t out[32], int type, const mp_rlp_item *items, size_t k,
                         const mp_rlp_item *extra, size_t n_extra, mp_buf *tmp)
{
    tmp->len = 0;
    if (type)
        mp_buf_push(tmp, (uint8_t)type);
    size_t mark = mp_rlp_list_begin(tmp);
    mp_buf_append(tmp, items[0].raw,
                  (size_t)(items[k - 1].raw + items[k - 1].raw_len - items[0].raw));
    for (size_t i = 0; i < n_extra; i++)
        mp_buf_append(tmp, extra[i].raw, extra[i].raw_len);
    mp_rlp_list_end(tmp, mark);
    mp_keccak256(out, tmp->data ? tmp->data : (const uint8_t *)"", tmp->len);
}

static int recover(mp_evm_tx *tx, const uint8_t hash[32], int recid, const mp_rlp_item *r,
                   const mp_rlp_item *s, mp_err *err)
{
    uint8_t sig[64], pub[64];
    MP_TRY(mp_rlp_to_uint_be(r, sig, 32, err));
    MP_TRY(mp_rlp_to_uint_be(s, sig + 32, 32, err));
    MP_TRY(mp_secp_recover(pub, hash, sig, recid, err));
    uint8_t h[32];
    mp_keccak256(h, pub, 64);
    memcpy(tx->sender, h + 12, 20);
    return MP_OK;
}

static int decode_legacy(mp_evm_tx *tx, const mp_rlp_item *list, uint64_t chain_id, mp_buf *tmp,
                         mp_err *err)
{
    mp_rlp_item f[9];
    MP_TRY(mp_rlp_list_items(list, f, 9, "legacy transaction", err));
    MP_TRY(to_u64(&f[0], &tx->nonce, "nonce", err));
    MP_TRY(to_w(&f[1], &tx->gas_price, "gas price", err));
    MP_TRY(to_u64(&f[2], &tx->gas_limit, "gas limit", err));
    MP_TRY(to_field(&f[3], tx, err));
    MP_TRY(to_w(&f[4], &tx->value, "value", err));
    MP_TRY(data_field(&f[5], tx, err));
    uint64_t v;
    MP_TRY(to_u64(&f[6], &v, "v", err));
    uint8_t hash[32];
    int recid;
    if (v == 27 || v == 28) {
        recid = (int)(v - 27);
        signing_hash(hash, 0, f, 6, NULL, 0, tmp);
    } else if (v >= 35) {
        if ((v - 35) / 2 != chain_id)
            return MP_FAIL(err, MP_ERR_VERIFY, "transaction for chain %llu",
                           (unsigned long long)((v - 35) / 2));
        recid = (int)((v - 35) % 2);
        /* EIP-155: the hash covers chainId, 0, 0 after the six fields */
        mp_buf ext = MP_BUF_INIT;
        mp_rlp_put_u64(&ext, chain_id);
        mp_rlp_put_u64(&ext, 0);
        mp_rlp_put_u64(&ext, 0);
        mp_rlp_item e[3];
        const uint8_t *cur = ext.data;
        size_t left = ext.len;
        int rc = mp_buf_check(&ext, err);
        for (int i = 0; i < 3 && rc == MP_OK; i++)
            rc = mp_rlp_next(&e[i], &cur, &left, err);
        if (rc == MP_OK)
            signing_hash(hash, 0, f, 6, e, 3, tmp);
        mp_buf_free(&ext);
        MP_TRY(rc);
    } else {
        return MP_FAIL(err, MP_ERR_PARSE, "legacy transaction v of %llu", (unsigned long long)v);
    }
    return recover(tx, hash, recid, &f[7], &f[8], err);
}

static int decode_typed(mp_evm_tx *tx, mp_evm_tx_buf *buf, int type, const mp_rlp_item *list,
                        uint64_t chain_id, mp_buf *tmp, mp_err *err)
{
    static const size_t counts[4] = {0, 11, 12, 14};
    mp_rlp_item f[14];
    size_t n = counts[type];
    MP_TRY(mp_rlp_list_items(list, f, n, "typed transaction", err));
    uint64_t cid, parity;
    MP_TRY(to_u64(&f[0], &cid, "chain id", err));
    if (cid != chain_id)
        return MP_FAIL(err, MP_ERR_VERIFY, "transaction for chain %llu", (unsigned long long)cid);
    MP_TRY(to_u64(&f[1], &tx->nonce, "nonce", err));
    size_t i = 2;
    if (type == 1) {
        MP_TRY(to_w(&f[i++], &tx->gas_price, "gas price", err));
    } else {
        MP_TRY(to_w(&f[i++], &tx->max_priority, "max priority fee", err));
        MP_TRY(to_w(&f[i++], &tx->max_fee, "max fee", err));
    }
    MP_TRY(to_u64(&f[i++], &tx->gas_limit, "gas limit", err));
    MP_TRY(to_field(&f[i++], tx, err));
    MP_TRY(to_w(&f[i++], &tx->value, "value", err));
    MP_TRY(data_field(&f[i++], tx, err));
    MP_TRY(access_list(&f[i++], tx, buf, err));
    if (type == 3) {
        MP_TRY(to_w(&f[i++], &tx->max_fee_blob, "max fee per blob gas", err));
        MP_TRY(blob_hashes(&f[i++], tx, buf, err));
        if (!tx->has_to)
            return MP_FAIL(err, MP_ERR_PARSE, "blob transaction without a recipient");
    }
    MP_TRY(to_u64(&f[i], &parity, "y parity", err));
    if (parity > 1)
        return MP_FAIL(err, MP_ERR_PARSE, "y parity %llu", (unsigned long long)parity);
    uint8_t hash[32];
    signing_hash(hash, type, f, i, NULL, 0, tmp);
    return recover(tx, hash, (int)parity, &f[i + 1], &f[i + 2], err);
}

int mp_evm_tx_decode(mp_evm_tx *tx, mp_evm_tx_buf *buf, const uint8_t *raw, size_t len,
                     uint64_t chain_id, mp_err *err)
{
    memset(tx, 0, sizeof *tx);
    memset(buf, 0, sizeof *buf);
    if (len == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "empty transaction");
    mp_buf tmp = MP_BUF_INIT;
    mp_rlp_item list;
    int rc;
    if (raw[0] >= 0xc0) {
        tx->type = 0;
        rc = mp_rlp_decode(&list, raw, len, err);
        if (rc == MP_OK)
            rc = decode_legacy(tx, &list, chain_id, &tmp, err);
    } else if (raw[0] >= 1 && raw[0] <= 3) {
        tx->type = raw[0];
        rc = mp_rlp_decode(&list, raw + 1, len - 1, err);
        if (rc == MP_OK)
            rc = decode_typed(tx, buf, tx->type, &list, chain_id, &tmp, err);
    } else {
        rc = MP_FAIL(err, MP_ERR_PARSE, "transaction type 0x%02x is not supported", raw[0]);
    }
    if (rc == MP_OK && tmp.oom)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    mp_buf_free(&tmp);
    if (rc != MP_OK)
        mp_evm_tx_buf_free(buf);
    return rc;
}
