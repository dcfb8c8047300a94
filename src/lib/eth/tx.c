/*
** tx.c: transaction encoding, signing and decoding (see include/mpavs/tx.h).
**
** One field writer serves the signing payload and the signed form, so the two
** cannot drift apart; they differ only in what follows the common fields.
*/
#include "mpavs/tx.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

#include <string.h>

static int check_type(const mp_tx *tx, mp_err *err)
{
    if (tx->type != MP_TX_LEGACY && tx->type != MP_TX_EIP1559)
        return MP_FAIL(err, MP_ERR_INVALID, "unsupported transaction type %d", tx->type);
    if (tx->type == MP_TX_EIP1559 && tx->chain_id == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "an EIP-1559 transaction needs a chain id");
    if (tx->type == MP_TX_EIP1559 && tx->max_priority_fee > tx->max_fee)
        return MP_FAIL(err, MP_ERR_INVALID, "max priority fee %llu exceeds max fee %llu",
                       (unsigned long long)tx->max_priority_fee, (unsigned long long)tx->max_fee);
    return MP_OK;
}

/* The fields every form shares, in the order of the type. */
static void put_fields(mp_buf *b, const mp_tx *tx)
{
    if (tx->type == MP_TX_EIP1559) {
        mp_rlp_put_u64(b, tx->chain_id);
        mp_rlp_put_u64(b, tx->nonce);
        mp_rlp_put_u64(b, tx->max_priority_fee);
        mp_rlp_put_u64(b, tx->max_fee);
    } else {
        mp_rlp_put_u64(b, tx->nonce);
        mp_rlp_put_u64(b, tx->gas_price);
    }
    mp_rlp_put_u64(b, tx->gas_limit);
    mp_rlp_put_bytes(b, tx->to, tx->has_to ? 20 : 0);
    mp_rlp_put_uint_be(b, tx->value, 32);
    mp_rlp_put_bytes(b, tx->data, tx->data_len);
    if (tx->type == MP_TX_EIP1559) {
        if (tx->access_list)
            mp_buf_append(b, tx->access_list, tx->access_list_len);
        else
            mp_buf_push(b, 0xc0); /* empty list */
    }
}

/* Appends the unsigned form (typed: 0x02 prefix; legacy: EIP-155 chainId, 0, 0). */
static void put_unsigned(mp_buf *b, const mp_tx *tx)
{
    if (tx->type == MP_TX_EIP1559)
        mp_buf_push(b, MP_TX_EIP1559);
    size_t mark = mp_rlp_list_begin(b);
    put_fields(b, tx);
    if (tx->type == MP_TX_LEGACY && tx->chain_id > 0) {
        mp_rlp_put_u64(b, tx->chain_id);
        mp_rlp_put_u64(b, 0);
        mp_rlp_put_u64(b, 0);
    }
    mp_rlp_list_end(b, mark);
}

int mp_tx_signing_hash(const mp_tx *tx, uint8_t hash[32], mp_err *err)
{
    MP_TRY(check_type(tx, err));
    mp_buf b = MP_BUF_INIT;
    put_unsigned(&b, tx);
    int rc = mp_buf_check(&b, err);
    if (rc == MP_OK)
        mp_keccak256(hash, b.data, b.len);
    mp_buf_free(&b);
    return rc;
}

/* The v of a legacy tx: 27/28 unprotected, chainId*2 + 35/36 with EIP-155. Chain ids
 ** up to 2^63 keep it within 64 bits. */
static int legacy_v(const mp_tx *tx, uint64_t *v, mp_err *err)
{
    if (tx->chain_id == 0) {
        *v = 27 + (uint64_t)tx->y_parity;
        return MP_OK;
    }
    if (tx->chain_id > (UINT64_MAX - 36) / 2)
        return MP_FAIL(err, MP_ERR_INVALID, "chain id %llu too large for a legacy v",
                       (unsigned long long)tx->chain_id);
    *v = tx->chain_id * 2 + 35 + (uint64_t)tx->y_parity;
    return MP_OK;
}

int mp_tx_encode_signed(const mp_tx *tx, mp_buf *raw, mp_err *err)
{
    MP_TRY(check_type(tx, err));
    if (tx->y_parity != 0 && tx->y_parity != 1)
        return MP_FAIL(err, MP_ERR_INVALID, "y parity must be 0 or 1");
    uint64_t v = (uint64_t)tx->y_parity;
    if (tx->type == MP_TX_LEGACY)
        MP_TRY(legacy_v(tx, &v, err));
    if (tx->type == MP_TX_EIP1559)
        mp_buf_push(raw, MP_TX_EIP1559);
    size_t mark = mp_rlp_list_begin(raw);
    put_fields(raw, tx);
    mp_rlp_put_u64(raw, v);
    mp_rlp_put_uint_be(raw, tx->r, 32);
    mp_rlp_put_uint_be(raw, tx->s, 32);
    mp_rlp_list_end(raw, mark);
    return mp_buf_check(raw, err);
}

int mp_tx_sign(mp_tx *tx, mp_secp *ctx, const uint8_t sk[32], mp_buf *raw, uint8_t tx_hash[32],
               mp_err *err)
{
    uint8_t h[32], sig[64];
    MP_TRY(mp_tx_signing_hash(tx, h, err));
    MP_TRY(mp_secp_sign(ctx, sig, &tx->y_parity, h, sk, err));
    memcpy(tx->r, sig, 32);
    memcpy(tx->s, sig + 32, 32);
    size_t start = raw->len;
    MP_TRY(mp_tx_encode_signed(tx, raw, err));
    if (tx_hash)
        mp_keccak256(tx_hash, raw->data + start, raw->len - start);
    return MP_OK;
}

/* ---- decoding ---- */

static int field_u64(const mp_rlp_item *it, uint64_t *v, const char *name, mp_err *err)
{
    int rc = mp_rlp_to_u64(it, v, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "transaction %s", name);
    return rc;
}

static int field_u256(const mp_rlp_item *it, uint8_t v[32], const char *name, mp_err *err)
{
    int rc = mp_rlp_to_uint_be(it, v, 32, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "transaction %s", name);
    return rc;
}

static int field_to(const mp_rlp_item *it, mp_tx *tx, mp_err *err)
{
    if (it->is_list || (it->len != 0 && it->len != 20))
        return MP_FAIL(err, MP_ERR_PARSE, "transaction to must be 20 bytes or empty, got %zu",
                       it->len);
    tx->has_to = it->len == 20;
    if (tx->has_to)
        memcpy(tx->to, it->payload, 20);
    return MP_OK;
}

static int field_data(const mp_rlp_item *it, mp_tx *tx, mp_err *err)
{
    if (it->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "transaction data must be a byte string");
    tx->data = it->payload;
    tx->data_len = it->len;
    return MP_OK;
}

/* gas, to, value, data: the four fields after the fees in both forms. */
static int common_fields(const mp_rlp_item *f, mp_tx *tx, mp_err *err)
{
    MP_TRY(field_u64(&f[0], &tx->gas_limit, "gas limit", err));
    MP_TRY(field_to(&f[1], tx, err));
    MP_TRY(field_u256(&f[2], tx->value, "value", err));
    return field_data(&f[3], tx, err);
}

static int signature_fields(const mp_rlp_item *f, mp_tx *tx, mp_err *err)
{
    MP_TRY(field_u256(&f[0], tx->r, "r", err));
    return field_u256(&f[1], tx->s, "s", err);
}

static int decode_legacy(mp_tx *tx, const mp_rlp_item *top, mp_err *err)
{
    mp_rlp_item f[9];
    MP_TRY(mp_rlp_list_items(top, f, 9, "legacy transaction", err));
    tx->type = MP_TX_LEGACY;
    MP_TRY(field_u64(&f[0], &tx->nonce, "nonce", err));
    MP_TRY(field_u64(&f[1], &tx->gas_price, "gas price", err));
    MP_TRY(common_fields(&f[2], tx, err));
    uint64_t v;
    MP_TRY(field_u64(&f[6], &v, "v", err));
    if (v == 27 || v == 28) {
        tx->chain_id = 0;
        tx->y_parity = (int)(v - 27);
    } else if (v >= 37) {
        /* v = 35/36 would mean chain id 0, which only unprotected (27/28) transactions use. */
        tx->chain_id = (v - 35) / 2;
        tx->y_parity = (int)((v - 35) % 2);
    } else {
        return MP_FAIL(err, MP_ERR_PARSE,
                       "legacy transaction v = %llu is neither 27/28 nor "
                       "EIP-155",
                       (unsigned long long)v);
    }
    return signature_fields(&f[7], tx, err);
}

static int decode_1559(mp_tx *tx, const uint8_t *body, size_t len, mp_err *err)
{
    mp_rlp_item top, f[12];
    MP_TRY(mp_rlp_decode(&top, body, len, err));
    MP_TRY(mp_rlp_list_items(&top, f, 12, "EIP-1559 transaction", err));
    tx->type = MP_TX_EIP1559;
    MP_TRY(field_u64(&f[0], &tx->chain_id, "chain id", err));
    MP_TRY(field_u64(&f[1], &tx->nonce, "nonce", err));
    MP_TRY(field_u64(&f[2], &tx->max_priority_fee, "max priority fee", err));
    MP_TRY(field_u64(&f[3], &tx->max_fee, "max fee", err));
    MP_TRY(common_fields(&f[4], tx, err));
    if (!f[8].is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "transaction access list must be a list");
    MP_TRY(mp_rlp_validate(f[8].raw, f[8].raw_len, err));
    tx->access_list = f[8].raw;
    tx->access_list_len = f[8].raw_len;
    uint64_t parity;
    MP_TRY(field_u64(&f[9], &parity, "y parity", err));
    if (parity > 1)
        return MP_FAIL(err, MP_ERR_PARSE, "transaction y parity must be 0 or 1");
    tx->y_parity = (int)parity;
    return signature_fields(&f[10], tx, err);
}

int mp_tx_decode(mp_tx *tx, const uint8_t *raw, size_t len, mp_err *err)
{
    memset(tx, 0, sizeof *tx);
    if (len == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "empty transaction");
    if (raw[0] == MP_TX_EIP1559)
        return decode_1559(tx, raw + 1, len - 1, err);
    if (raw[0] < 0xc0)
        return MP_FAIL(err, MP_ERR_PARSE, "unsupported transaction type 0x%02x", raw[0]);
    mp_rlp_item top;
    MP_TRY(mp_rlp_decode(&top, raw, len, err));
    return decode_legacy(tx, &top, err);
}

int mp_tx_sender(const mp_tx *tx, uint8_t from[20], mp_err *err)
{
    uint8_t h[32], sig[64];
    MP_TRY(mp_tx_signing_hash(tx, h, err));
    memcpy(sig, tx->r, 32);
    memcpy(sig + 32, tx->s, 32);
    return mp_secp_recover_address(from, h, sig, tx->y_parity, err);
}
