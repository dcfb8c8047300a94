/*
** bench_keccak.c: Keccak-256 throughput (digests of words, and bulk hashing).
*/
#include "bench.h"
#include "mpavs/keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
    const uint8_t *data;
    size_t len;
};

static void hash_loop(void *arg, size_t iters)
{
    const struct input *in = arg;
    uint8_t out[32];
    for (size_t i = 0; i < iters; i++)
        mp_keccak256(out, in->data, in->len);
    mp_bench_consume(out, sizeof out);
}

int main(void)
{
    static uint8_t data[1 << 16];
    memset(data, 0x5a, sizeof data);
    mp_bench_header("Keccak-256");
    struct input word = {data, 32}, bulk = {data, sizeof data};
    mp_bench_row("keccak256, 32-byte input", mp_bench_ns(hash_loop, &word, 5, 50), NULL);
    double ns = mp_bench_ns(hash_loop, &bulk, 5, 50);
    char mbps[64];
    snprintf(mbps, sizeof mbps, "%.0f MB/s", (double)sizeof data / ns * 1e3);
    mp_bench_row_text("keccak256, 64 KiB input", mbps, NULL);
    return 0;
}
