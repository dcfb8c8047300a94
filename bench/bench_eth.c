/*
** bench_eth.c: costs of the Ethereum primitives a daemon pays per task or per
** transaction: ABI encode/decode of a typical response, EIP-1559 signing,
** address recovery, and keystore unlocking with the default scrypt parameters.
*/
#include "bench.h"
#include "mpavs/abi.h"
#include "mpavs/keystore.h"
#include "mpavs/secp.h"
#include "mpavs/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct abi_case {
    mp_abi_type *params;
    mp_abi_value value;
    mp_buf enc;
} abi_case;

static void encode_loop(void *arg, size_t iters)
{
    abi_case *c = arg;
    for (size_t i = 0; i < iters; i++) {
        mp_buf out = MP_BUF_INIT;
        if (mp_abi_encode(&out, &c->value, NULL) != MP_OK)
            abort();
        mp_bench_consume(out.data, out.len);
        mp_buf_free(&out);
    }
}

static void decode_loop(void *arg, size_t iters)
{
    abi_case *c = arg;
    for (size_t i = 0; i < iters; i++) {
        mp_abi_value v;
        if (mp_abi_decode(&v, c->params, c->enc.data, c->enc.len, NULL) != MP_OK)
            abort();
        mp_bench_consume(&v.nitems, sizeof v.nitems);
        mp_abi_value_free(&v);
    }
}

typedef struct sign_case {
    mp_secp *ctx;
    uint8_t sk[32];
    mp_tx tx;
} sign_case;

static void sign_loop(void *arg, size_t iters)
{
    sign_case *c = arg;
    for (size_t i = 0; i < iters; i++) {
        mp_buf raw = MP_BUF_INIT;
        uint8_t h[32];
        c->tx.nonce = i;
        if (mp_tx_sign(&c->tx, c->ctx, c->sk, &raw, h, NULL) != MP_OK)
            abort();
        mp_bench_consume(h, 32);
        mp_buf_free(&raw);
    }
}

static void recover_loop(void *arg, size_t iters)
{
    sign_case *c = arg;
    for (size_t i = 0; i < iters; i++) {
        uint8_t from[20];
        if (mp_tx_sender(&c->tx, from, NULL) != MP_OK)
            abort();
        mp_bench_consume(from, 20);
    }
}

static void unlock_loop(void *arg, size_t iters)
{
    const char *text = arg;
    for (size_t i = 0; i < iters; i++) {
        uint8_t sk[32];
        if (mp_keystore_eth_load(sk, text, strlen(text), "pw", NULL) != MP_OK)
            abort();
        mp_bench_consume(sk, 32);
    }
}

static void bench_abi(void)
{
    abi_case c = {0};
    char *args[] = {
        "[(1,0x1111111111111111111111111111111111111111111111111111111111111111,"
        "0xdeadbeef),(2,0x2222222222222222222222222222222222222222222222222222222222222222,"
        "0x)]",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "hello"};
    if (mp_abi_params_parse(&c.params, "(uint32,bytes32,bytes)[],address,string", NULL) ||
        mp_abi_value_parse_args(&c.value, c.params, 3, args, NULL) ||
        mp_abi_encode(&c.enc, &c.value, NULL))
        abort();
    char name[96];
    snprintf(name, sizeof name, "ABI encode, 3 params with tuple array (%zu B)", c.enc.len);
    mp_bench_row(name, mp_bench_ns(encode_loop, &c, 5, 50), NULL);
    snprintf(name, sizeof name, "ABI decode, same (%zu B)", c.enc.len);
    mp_bench_row(name, mp_bench_ns(decode_loop, &c, 5, 50), NULL);
    mp_abi_value_free(&c.value);
    mp_abi_type_free(c.params);
    mp_buf_free(&c.enc);
}

static void bench_tx(void)
{
    sign_case c = {0};
    memset(c.sk, 0x46, 32);
    if (mp_secp_create(&c.ctx, NULL) != MP_OK)
        abort();
    c.tx = (mp_tx){.type = MP_TX_EIP1559,
                   .chain_id = 1,
                   .max_fee = 30000000000ull,
                   .max_priority_fee = 1000000000,
                   .gas_limit = 100000,
                   .has_to = true};
    mp_bench_row("EIP-1559 sign (hash + ECDSA + RLP)", mp_bench_ns(sign_loop, &c, 5, 50), NULL);
    mp_buf raw = MP_BUF_INIT;
    if (mp_tx_sign(&c.tx, c.ctx, c.sk, &raw, NULL, NULL) != MP_OK)
        abort();
    mp_bench_row("EIP-1559 sender recovery", mp_bench_ns(recover_loop, &c, 5, 50), NULL);
    mp_buf_free(&raw);
    mp_secp_destroy(c.ctx);
}

int main(void)
{
    mp_bench_header("Ethereum primitives");
    bench_abi();
    bench_tx();
    uint8_t sk[32];
    char *text;
    memset(sk, 0x11, 32);
    mp_keystore_params std = MP_KEYSTORE_STANDARD;
    if (mp_keystore_eth_dump(&text, sk, "pw", &std, NULL) != MP_OK)
        abort();
    mp_bench_row("keystore unlock, scrypt n=2^18 r=8 p=1", mp_bench_ns(unlock_loop, text, 3, 1),
                 NULL);
    free(text);
    return 0;
}
