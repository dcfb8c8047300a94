/*
** bench_evm.c: EVM throughput in million gas per second: compute-heavy
** bytecode (an arithmetic loop, a keccak loop, a 1 KiB MCOPY loop) run as
** one 30M-gas call each, and a block of ERC-20 transfers (a hand-assembled
** token: selector dispatch, two balance slots, a Transfer log) applied as
** transactions on a state holding every sender's balance.
**
** Each figure is the best of several runs (a fresh state each) timed in
** process CPU time, so a busy neighbour on the shared machine does not set it.
*/
#include "bench.h"
#include "mpavs/evm.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ERC20_HEX                                                                                  \
    "60003560e01c63a9059cbb14601357600080fd5b6004356024353360005260006020526040600020805480831160" \
    "78578290039055816000526040600020805482019055600052337fddf252ad1be2c89b69c2b068fc378daa952ba7" \
    "f"                                                                                            \
    "163c4a11628f55a4df523b3ef60206000a3600160005260206000f35b600080fd"
#define N_TRANSFERS 600

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static mp_evm_block block(void)
{
    mp_evm_block b;
    memset(&b, 0, sizeof b);
    b.number = 1;
    b.gas_limit = 30000000;
    b.base_fee = mp_w256_u64(7);
    b.chain_id = 1;
    b.coinbase[0] = 0xcb;
    return b;
}

static void row(const char *name, double gas, double secs)
{
    char v[64];
    snprintf(v, sizeof v, "%.0f Mgas/s", gas / secs / 1e6);
    mp_bench_row_text(name, v, NULL);
}

/* Best Mgas/s of a loop program run as one call with 30M gas. */
static void loop_bench(const char *name, const char *hex)
{
    uint8_t code[128];
    mp_buf b = MP_BUF_INIT;
    if (mp_hex_decode_buf(&b, hex, NULL) != MP_OK || b.len > sizeof code)
        abort();
    memcpy(code, b.data, b.len);
    double best = 1e9, gas = 0;
    for (int rep = 0; rep < 5; rep++) {
        mp_evm_state *st = NULL;
        mp_evm_block env = block();
        mp_evm_result r;
        if (mp_evm_state_new(&st, NULL) != MP_OK)
            abort();
        double t0 = now_s();
        if (mp_evm_run_code(st, &env, code, b.len, NULL, 0, 30000000, &r, NULL) != MP_OK)
            abort();
        double t = now_s() - t0;
        gas = (double)r.gas_used;
        if (t < best)
            best = t;
        mp_evm_result_free(&r);
        mp_evm_state_free(st);
    }
    mp_buf_free(&b);
    row(name, gas, best);
}

static void sender_addr(uint8_t a[20], unsigned i)
{
    memset(a, 0, 20);
    a[0] = 0x5e;
    a[18] = (uint8_t)(i >> 8);
    a[19] = (uint8_t)i;
}

static void erc20_bench(void)
{
    uint8_t token[20] = {[0] = 0x70, [19] = 0x1e}, code[256];
    mp_buf cb = MP_BUF_INIT;
    if (mp_hex_decode_buf(&cb, ERC20_HEX, NULL) != MP_OK || cb.len > sizeof code)
        abort();
    memcpy(code, cb.data, cb.len);
    size_t code_len = cb.len;
    mp_buf_free(&cb);
    double best = 1e9, gas = 0, best_root = 0;
    for (int rep = 0; rep < 5; rep++) {
        mp_evm_state *st = NULL;
        mp_evm_block env = block();
        mp_w256 zero = mp_w256_u64(0), eth = mp_w256_u64(1000000000000000000ull);
        if (mp_evm_state_new(&st, NULL) != MP_OK ||
            mp_evm_state_set_account(st, token, 1, &zero, code, code_len, NULL) != MP_OK)
            abort();
        static mp_evm_tx txs[N_TRANSFERS];
        static uint8_t calldata[N_TRANSFERS][68];
        for (unsigned i = 0; i < N_TRANSFERS; i++) {
            uint8_t from[20], slot_in[64], key[32];
            sender_addr(from, i);
            if (mp_evm_state_set_account(st, from, 0, &eth, NULL, 0, NULL) != MP_OK)
                abort();
            memset(slot_in, 0, sizeof slot_in);
            memcpy(slot_in + 12, from, 20);
            mp_keccak256(key, slot_in, 64);
            mp_w256 k, bal = mp_w256_u64(1000000);
            mp_w256_from_be(&k, key);
            if (mp_evm_state_set_storage(st, token, &k, &bal, NULL) != MP_OK)
                abort();
            /* transfer(to, 10): half to other senders (warm-ish slots), half to new holders */
            uint8_t *d = calldata[i];
            memset(d, 0, 68);
            d[0] = 0xa9, d[1] = 0x05, d[2] = 0x9c, d[3] = 0xbb;
            uint8_t to[20];
            sender_addr(to, i % 2 ? (i + 1) % N_TRANSFERS : 4096 + i);
            memcpy(d + 16, to, 20);
            d[67] = 10;
            mp_evm_tx *tx = &txs[i];
            memset(tx, 0, sizeof *tx);
            tx->type = 2;
            memcpy(tx->sender, from, 20);
            tx->gas_limit = 100000;
            tx->max_fee = mp_w256_u64(10);
            tx->max_priority = mp_w256_u64(1);
            tx->has_to = true;
            memcpy(tx->to, token, 20);
            tx->data = d;
            tx->data_len = 68;
        }
        double t0 = now_s(), used = 0;
        for (unsigned i = 0; i < N_TRANSFERS; i++) {
            mp_evm_result r;
            if (mp_evm_tx_apply(st, &env, &txs[i], &r, NULL) != MP_OK || r.status != MP_EVM_SUCCESS)
                abort();
            used += (double)r.gas_used;
            mp_evm_result_free(&r);
        }
        double t1 = now_s();
        uint8_t root[32];
        if (mp_evm_state_root(st, root, NULL) != MP_OK)
            abort();
        double t2 = now_s();
        gas = used;
        if (t1 - t0 < best)
            best = t1 - t0;
        if (rep == 0 || t2 - t1 < best_root)
            best_root = t2 - t1;
        mp_evm_state_free(st);
    }
    char name[96];
    snprintf(name, sizeof name, "ERC-20 block, %d transfers (%.1f Mgas)", N_TRANSFERS, gas / 1e6);
    {
        char v[64];
        snprintf(v, sizeof v, "%.0f Mgas/s", gas / best / 1e6);
        mp_bench_row_text(name, v, "target >= 150 Mgas/s");
    }
    mp_bench_row("  state root of that state (full recomputation)", best_root * 1e9, NULL);
}

int main(void)
{
    mp_bench_header("EVM (Cancun interpreter)");
    loop_bench("arithmetic loop (MUL/ADD/XOR/DIV)",
               "600160075b81026003018118600590046120005a1160045700");
    loop_bench("keccak256 loop (32 bytes)", "5b60206000206000526120005a1160005700");
    loop_bench("MCOPY loop (1 KiB)", "6108006000525b61040060006104005e6120005a1160065700");
    erc20_bench();
    return 0;
}
