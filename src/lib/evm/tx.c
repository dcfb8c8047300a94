/*
** tx.c: transaction execution on the EVM state: validity checks (nonce,
** balance, fee caps, intrinsic gas, EIP-3607, EIP-3860, EIP-4844 blobs), the
** up-front charge, warm sets (EIP-2929/2930/3651), the top-level message,
** refunds (EIP-3529 cap), fee payment, and the end-of-transaction commit.
*/
#include "evm_int.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

#define BLOB_GAS_PER_BLOB      131072
#define MAX_BLOBS_PER_BLOCK    6
#define BLOB_FEE_UPDATE_FACTOR 3338477

void mp_evm_result_free(mp_evm_result *r)
{
    if (!r)
        return;
    mp_buf_free(&r->output);
    evm_free_logs(r->logs, r->n_logs);
    free(r->logs);
    r->logs = NULL;
    r->n_logs = 0;
}

void mp_evm_blob_base_fee(mp_w256 *out, uint64_t excess)
{
    mp_w256 den = mp_w256_u64(BLOB_FEE_UPDATE_FACTOR), num = mp_w256_u64(excess);
    mp_w256 acc = den, sum = mp_w256_u64(0);
    for (uint64_t i = 1; !mp_w256_is_zero(&acc) && i < 100000; i++) {
        mp_w256_add(&sum, &sum, &acc);
        mp_w256 d = mp_w256_u64(i);
        mp_w256_mul(&acc, &acc, &num);
        mp_w256_mul(&d, &d, &den);
        mp_w256_divmod(&acc, NULL, &acc, &d);
    }
    mp_w256_divmod(out, NULL, &sum, &den);
}

static uint64_t intrinsic_gas(const mp_evm_tx *tx)
{
    uint64_t g = 21000;
    for (size_t i = 0; i < tx->data_len; i++)
        g += tx->data[i] ? 16 : 4;
    if (!tx->has_to)
        g += 32000 + 2 * ((tx->data_len + 31) / 32);
    for (size_t i = 0; i < tx->n_access; i++)
        g += 2400 + 1900 * (uint64_t)tx->access[i].n_keys;
    return g;
}

/* a * b + c into r; false on overflow past 2^256. */
static bool mul_add(mp_w256 *r, const mp_w256 *a, const mp_w256 *b, const mp_w256 *c)
{
    mp_w256 p, q;
    mp_w256_mul(&p, a, b);
    if (!mp_w256_is_zero(a)) {
        mp_w256_divmod(&q, NULL, &p, a);
        if (!mp_w256_eq(&q, b))
            return false;
    }
    return !mp_w256_add(r, &p, c);
}

/* The checks that make a transaction invalid (not includable). */
static int validate(mp_evm_state *st, const mp_evm_block *env, const mp_evm_tx *tx,
                    const mp_w256 *blob_fee, mp_w256 *price, mp_err *err)
{
    const int E = MP_EVM_ERR_TX_INVALID;
    evm_acct *from = evm_acct_get(st, tx->sender);
    if (tx->type >= 2) {
        if (mp_w256_lt(&tx->max_fee, &tx->max_priority))
            return MP_FAIL(err, E, "max priority fee per gas higher than max fee per gas");
        if (mp_w256_lt(&tx->max_fee, &env->base_fee))
            return MP_FAIL(err, E, "max fee per gas less than block base fee");
        mp_w256 p;
        mp_w256_add(&p, &env->base_fee, &tx->max_priority);
        *price = mp_w256_lt(&tx->max_fee, &p) ? tx->max_fee : p;
    } else {
        if (mp_w256_lt(&tx->gas_price, &env->base_fee))
            return MP_FAIL(err, E, "gas price less than block base fee");
        *price = tx->gas_price;
    }
    if (tx->type == 3) {
        if (!tx->has_to)
            return MP_FAIL(err, E, "blob transaction without a recipient");
        if (tx->n_blobs == 0 || tx->n_blobs > MAX_BLOBS_PER_BLOCK)
            return MP_FAIL(err, E, "blob transaction with %zu blobs", tx->n_blobs);
        for (size_t i = 0; i < tx->n_blobs; i++)
            if (tx->blob_hashes[i][0] != 0x01)
                return MP_FAIL(err, E, "blob versioned hash %zu has a bad version", i);
        if (mp_w256_lt(&tx->max_fee_blob, blob_fee))
            return MP_FAIL(err, E, "max fee per blob gas less than the blob base fee");
    }
    if (tx->gas_limit > env->gas_limit)
        return MP_FAIL(err, E, "gas limit above the block gas limit");
    if (tx->gas_limit > INT64_MAX)
        return MP_FAIL(err, E, "gas limit above 2^63-1");
    if (from->nonce == UINT64_MAX)
        return MP_FAIL(err, E, "sender nonce at its maximum");
    if (from->nonce != tx->nonce)
        return MP_FAIL(err, E, "nonce %llu, account has %llu", (unsigned long long)tx->nonce,
                       (unsigned long long)from->nonce);
    if (from->code_len)
        return MP_FAIL(err, E, "sender has code (EIP-3607)");
    if (!tx->has_to && tx->data_len > EVM_MAX_INITCODE)
        return MP_FAIL(err, E, "initcode of %zu bytes exceeds the limit", tx->data_len);
    if (intrinsic_gas(tx) > tx->gas_limit)
        return MP_FAIL(err, E, "intrinsic gas above the gas limit");
    mp_w256 gl = mp_w256_u64(tx->gas_limit), need;
    const mp_w256 *cap = tx->type >= 2 ? &tx->max_fee : &tx->gas_price;
    bool ok = mul_add(&need, &gl, cap, &tx->value);
    if (ok && tx->type == 3) {
        mp_w256 bg = mp_w256_u64((uint64_t)tx->n_blobs * BLOB_GAS_PER_BLOB);
        ok = mul_add(&need, &bg, &tx->max_fee_blob, &need);
    }
    if (!ok || mp_w256_lt(&from->balance, &need))
        return MP_FAIL(err, E, "insufficient funds for gas * price + value");
    return MP_OK;
}

static void warm_up(mp_evm_state *st, const mp_evm_block *env, const mp_evm_tx *tx,
                    const uint8_t to[20])
{
    evm_warm_acct(st, evm_acct_get(st, tx->sender));
    evm_warm_acct(st, evm_acct_get(st, to));
    evm_warm_acct(st, evm_acct_get(st, env->coinbase));
    uint8_t pc[20] = {0};
    for (uint8_t i = 1; i <= 0x0a; i++) {
        pc[19] = i;
        evm_warm_acct(st, evm_acct_get(st, pc));
    }
    for (size_t i = 0; i < tx->n_access; i++) {
        evm_acct *a = evm_acct_get(st, tx->access[i].addr);
        evm_warm_acct(st, a);
        for (size_t k = 0; k < tx->access[i].n_keys; k++)
            evm_warm_slot(st, a, evm_slot_get(st, a, &tx->access[i].keys[k]));
    }
}

/* Moves the transaction's logs from the state into the result. */
static void take_logs(mp_evm_state *st, mp_evm_result *r)
{
    r->logs = st->logs;
    r->n_logs = st->n_logs;
    st->logs = NULL;
    st->n_logs = st->logs_cap = 0;
}

int mp_evm_tx_apply(mp_evm_state *st, const mp_evm_block *env, const mp_evm_tx *tx,
                    mp_evm_result *r, mp_err *err)
{
    memset(r, 0, sizeof *r);
    mp_w256 blob_fee, price;
    mp_evm_blob_base_fee(&blob_fee, env->excess_blob_gas);
    st->oom = st->unsupported = false;
    int rc = validate(st, env, tx, &blob_fee, &price, err);
    if (st->oom)
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    if (rc != MP_OK) {
        evm_commit_tx(st);
        return rc;
    }
    evm_acct *from = evm_acct_get(st, tx->sender);
    mp_w256 gl = mp_w256_u64(tx->gas_limit), upfront, zero = mp_w256_u64(0);
    mul_add(&upfront, &gl, &price, &zero);
    if (tx->type == 3) {
        mp_w256 bg = mp_w256_u64((uint64_t)tx->n_blobs * BLOB_GAS_PER_BLOB);
        mul_add(&upfront, &bg, &blob_fee, &upfront);
    }
    evm_sub_balance(st, from, &upfront);
    uint64_t nonce = from->nonce;
    evm_set_nonce(st, from, nonce + 1);

    evm_tx_ctx ctx = {st, env, {0}, price, blob_fee, tx->blob_hashes, tx->n_blobs};
    memcpy(ctx.origin, tx->sender, 20);
    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = tx->has_to ? K_CALL : K_CREATE;
    m.gas = (int64_t)(tx->gas_limit - intrinsic_gas(tx));
    memcpy(m.caller, tx->sender, 20);
    if (tx->has_to)
        memcpy(m.recipient, tx->to, 20);
    else
        evm_create_addr(m.recipient, tx->sender, nonce);
    memcpy(m.code_addr, m.recipient, 20);
    m.value = tx->value;
    m.input = tx->data;
    m.input_len = tx->data_len;
    warm_up(st, env, tx, m.recipient);

    evm_out out;
    evm_execute(&ctx, &m, &out);
    if (st->unsupported) {
        free(out.data);
        evm_commit_tx(st);
        return MP_FAIL(err, MP_EVM_ERR_UNSUPPORTED,
                       "execution reached the KZG point evaluation precompile (0x0a), "
                       "which this EVM does not implement");
    }
    uint64_t used = tx->gas_limit - (uint64_t)out.gas_left;
    uint64_t refund = out.status == MP_EVM_SUCCESS && out.refund > 0 ? (uint64_t)out.refund : 0;
    if (refund > used / 5)
        refund = used / 5;
    used -= refund;
    mp_w256 back = mp_w256_u64(tx->gas_limit - used), amount;
    mul_add(&amount, &back, &price, &zero);
    evm_add_balance(st, from, &amount);
    mp_w256 tip, u = mp_w256_u64(used);
    mp_w256_sub(&tip, &price, &env->base_fee);
    mul_add(&amount, &u, &tip, &zero);
    evm_add_balance(st, evm_acct_get(st, env->coinbase), &amount);

    r->status = out.status;
    r->gas_used = used;
    if (out.len)
        mp_buf_append(&r->output, out.data, out.len);
    free(out.data);
    if (out.status == MP_EVM_SUCCESS && !tx->has_to) {
        r->created = true;
        memcpy(r->created_addr, out.created, 20);
    }
    if (out.status == MP_EVM_SUCCESS)
        take_logs(st, r);
    evm_commit_tx(st);
    if (st->oom || r->output.oom) {
        mp_evm_result_free(r);
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory during execution");
    }
    return MP_OK;
}

int mp_evm_run_code(mp_evm_state *st, const mp_evm_block *env, const uint8_t *code, size_t code_len,
                    const uint8_t *input, size_t input_len, uint64_t gas, mp_evm_result *r,
                    mp_err *err)
{
    static const uint8_t to[20] = {[18] = 0xc0, [19] = 0xde};
    static const uint8_t caller[20] = {[18] = 0xca, [19] = 0x11};
    memset(r, 0, sizeof *r);
    if (gas > INT64_MAX)
        return MP_FAIL(err, MP_ERR_INVALID, "gas above 2^63-1");
    mp_w256 zero = mp_w256_u64(0);
    MP_TRY(mp_evm_state_set_account(st, to, 1, &zero, code, code_len, err));
    st->oom = st->unsupported = false;
    evm_tx_ctx ctx = {st, env, {0}, zero, zero, NULL, 0};
    memcpy(ctx.origin, caller, 20);
    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = K_CALL;
    m.gas = (int64_t)gas;
    memcpy(m.caller, caller, 20);
    memcpy(m.recipient, to, 20);
    memcpy(m.code_addr, to, 20);
    m.input = input;
    m.input_len = input_len;
    evm_warm_acct(st, evm_acct_get(st, to));
    evm_warm_acct(st, evm_acct_get(st, caller));
    evm_out out;
    evm_execute(&ctx, &m, &out);
    r->status = out.status;
    r->gas_used = gas - (uint64_t)out.gas_left;
    if (out.len)
        mp_buf_append(&r->output, out.data, out.len);
    free(out.data);
    if (out.status == MP_EVM_SUCCESS)
        take_logs(st, r);
    evm_commit_tx(st);
    if (st->unsupported) {
        mp_evm_result_free(r);
        return MP_FAIL(err, MP_EVM_ERR_UNSUPPORTED, "execution reached the KZG precompile (0x0a)");
    }
    return MP_OK;
}

void mp_evm_logs_hash(uint8_t out[32], const mp_evm_log *logs, size_t n)
{
    mp_buf b = MP_BUF_INIT;
    size_t outer = mp_rlp_list_begin(&b);
    for (size_t i = 0; i < n; i++) {
        size_t mark = mp_rlp_list_begin(&b);
        mp_rlp_put_bytes(&b, logs[i].addr, 20);
        size_t tm = mp_rlp_list_begin(&b);
        for (unsigned t = 0; t < logs[i].n_topics; t++)
            mp_rlp_put_bytes(&b, logs[i].topics[t], 32);
        mp_rlp_list_end(&b, tm);
        mp_rlp_put_bytes(&b, logs[i].data, logs[i].data_len);
        mp_rlp_list_end(&b, mark);
    }
    mp_rlp_list_end(&b, outer);
    if (b.oom)
        memset(out, 0, 32);
    else
        mp_keccak256(out, b.data, b.len);
    mp_buf_free(&b);
}

static void bloom_add(uint8_t bloom[256], const uint8_t *p, size_t n)
{
    uint8_t h[32];
    mp_keccak256(h, p, n);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = (((unsigned)h[i] << 8) | h[i + 1]) & 2047;
        bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

void mp_evm_logs_bloom(uint8_t bloom[256], const mp_evm_log *logs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bloom_add(bloom, logs[i].addr, 20);
        for (unsigned t = 0; t < logs[i].n_topics; t++)
            bloom_add(bloom, logs[i].topics[t], 32);
    }
}

int mp_evm_system_call(mp_evm_state *st, const mp_evm_block *env, const uint8_t from[20],
                       const uint8_t to[20], const uint8_t *data, size_t len, uint64_t gas,
                       mp_err *err)
{
    if (gas > INT64_MAX)
        return MP_FAIL(err, MP_ERR_INVALID, "gas above 2^63-1");
    evm_acct *a = evm_acct_get(st, to);
    if (!a->exists || !a->code_len)
        return MP_OK;
    st->oom = st->unsupported = false;
    mp_w256 zero = mp_w256_u64(0);
    evm_tx_ctx ctx = {st, env, {0}, zero, zero, NULL, 0};
    memcpy(ctx.origin, from, 20);
    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = K_CALL;
    m.gas = (int64_t)gas;
    memcpy(m.caller, from, 20);
    memcpy(m.recipient, to, 20);
    memcpy(m.code_addr, to, 20);
    m.input = data;
    m.input_len = len;
    evm_out out;
    evm_execute(&ctx, &m, &out);
    free(out.data);
    evm_commit_tx(st);
    if (st->unsupported)
        return MP_FAIL(err, MP_EVM_ERR_UNSUPPORTED, "system call reached the KZG precompile");
    if (st->oom)
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory during a system call");
    return MP_OK;
}

int mp_evm_withdraw(mp_evm_state *st, const uint8_t addr[20], uint64_t amount_gwei, mp_err *err)
{
    mp_w256 amount = mp_w256_u64(amount_gwei), gwei = mp_w256_u64(1000000000);
    mp_w256_mul(&amount, &amount, &gwei);
    evm_add_balance(st, evm_acct_get(st, addr), &amount);
    evm_commit_tx(st);
    if (st->oom)
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    return MP_OK;
}

void mp_evm_receipt_encode(mp_buf *out, int type, bool success, uint64_t cumulative_gas,
                           const mp_evm_log *logs, size_t n_logs)
{
    uint8_t bloom[256];
    memset(bloom, 0, sizeof bloom);
    mp_evm_logs_bloom(bloom, logs, n_logs);
    if (type > 0)
        mp_buf_push(out, (uint8_t)type);
    size_t mark = mp_rlp_list_begin(out);
    mp_rlp_put_u64(out, success ? 1 : 0);
    mp_rlp_put_u64(out, cumulative_gas);
    mp_rlp_put_bytes(out, bloom, sizeof bloom);
    size_t lm = mp_rlp_list_begin(out);
    for (size_t i = 0; i < n_logs; i++) {
        size_t m = mp_rlp_list_begin(out);
        mp_rlp_put_bytes(out, logs[i].addr, 20);
        size_t tm = mp_rlp_list_begin(out);
        for (unsigned t = 0; t < logs[i].n_topics; t++)
            mp_rlp_put_bytes(out, logs[i].topics[t], 32);
        mp_rlp_list_end(out, tm);
        mp_rlp_put_bytes(out, logs[i].data, logs[i].data_len);
        mp_rlp_list_end(out, m);
    }
    mp_rlp_list_end(out, lm);
    mp_rlp_list_end(out, mark);
}
