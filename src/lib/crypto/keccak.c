/*
** keccak.c: Keccak-f[1600] and the Keccak-256 sponge (Ethereum's hash).
**
** Written from the Keccak reference specification (FIPS 202 section 3 for the
** step mappings; Ethereum keeps the pre-standard 0x01 domain padding). The
** permutation is the plain five-step round; it hashes a 32-byte word in about
** 0.3 us here, which is far below anything else the AVS does per message.
*/
#include "mpavs/keccak.h"
#include "mpavs/mem.h"

#include <string.h>

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets for rho, indexed by lane x + 5y. */
static const unsigned rho_offsets[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static inline uint64_t rotl64(uint64_t v, unsigned n)
{
    return n ? (v << n) | (v >> (64 - n)) : v;
}

void mp_keccak_f1600(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
        /* theta, then rho and pi together: lane (x,y) moves to (y, 2x+3y). */
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) {
                int i = x + 5 * y;
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(a[i] ^ d[x], rho_offsets[i]);
            }
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++)
                a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        a[0] ^= round_constants[round];
    }
}

static void absorb_block(uint64_t state[25], const uint8_t *block)
{
    for (int i = 0; i < MP_KECCAK256_RATE / 8; i++) {
        uint64_t lane = 0;
        for (int j = 7; j >= 0; j--)
            lane = lane << 8 | block[8 * i + j];
        state[i] ^= lane;
    }
    mp_keccak_f1600(state);
}

void mp_keccak_init(mp_keccak *k)
{
    memset(k, 0, sizeof *k);
}

void mp_keccak_update(mp_keccak *k, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (k->pending) {
        size_t take = MP_KECCAK256_RATE - k->pending;
        if (take > len)
            take = len;
        memcpy(k->block + k->pending, p, take);
        k->pending += take;
        p += take;
        len -= take;
        if (k->pending < MP_KECCAK256_RATE)
            return;
        absorb_block(k->state, k->block);
        k->pending = 0;
    }
    for (; len >= MP_KECCAK256_RATE; p += MP_KECCAK256_RATE, len -= MP_KECCAK256_RATE)
        absorb_block(k->state, p);
    memcpy(k->block, p, len);
    k->pending = len;
}

void mp_keccak_final(mp_keccak *k, uint8_t out[32])
{
    memset(k->block + k->pending, 0, MP_KECCAK256_RATE - k->pending);
    k->block[k->pending] ^= 0x01;
    k->block[MP_KECCAK256_RATE - 1] ^= 0x80;
    absorb_block(k->state, k->block);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[8 * i + j] = (uint8_t)(k->state[i] >> (8 * j));
    mp_memzero(k, sizeof *k);
}

void mp_keccak256(uint8_t out[32], const void *data, size_t len)
{
    mp_keccak k;
    mp_keccak_init(&k);
    mp_keccak_update(&k, data, len);
    mp_keccak_final(&k, out);
}
