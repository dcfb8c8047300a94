/*
** keccak.c: Keccak-f[1600] and the Keccak-256 sponge (Ethereum's hash).
**
** Written from the Keccak reference specification (FIPS 202 section 3 for the
** step mappings; Ethereum keeps the pre-standard 0x01 domain padding). Speed
** matters little (the AVS hashes a few words per message) but the round is
** unrolled anyway, since it costs nothing in clarity; see bench/bench_keccak.c.
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

#define ROTL64(v, n) (((v) << (n)) | ((v) >> ((64 - (n)) & 63)))

/* chi on one row of five lanes starting at y */
#define CHI_ROW(a, b, y)                                                                           \
    do {                                                                                           \
        a[y + 0] = b[y + 0] ^ (~b[y + 1] & b[y + 2]);                                              \
        a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);                                              \
        a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);                                              \
        a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y + 0]);                                              \
        a[y + 4] = b[y + 4] ^ (~b[y + 0] & b[y + 1]);                                              \
    } while (0)

/*
** The round is written out lane by lane: with constant indices and rotation
** amounts the compiler keeps lanes in registers, which makes it several times
** faster than the loop form (x + 5y indexing with "% 5" in the inner loops).
** rho and pi are fused: lane (x, y), rotated by its rho offset, lands at
** (y, 2x + 3y).
*/
static void keccak_round(uint64_t a[25], uint64_t rc)
{
    uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    uint64_t d0 = c4 ^ ROTL64(c1, 1), d1 = c0 ^ ROTL64(c2, 1), d2 = c1 ^ ROTL64(c3, 1);
    uint64_t d3 = c2 ^ ROTL64(c4, 1), d4 = c3 ^ ROTL64(c0, 1);
    uint64_t b[25];
    b[0] = a[0] ^ d0;
    b[1] = ROTL64(a[6] ^ d1, 44);
    b[2] = ROTL64(a[12] ^ d2, 43);
    b[3] = ROTL64(a[18] ^ d3, 21);
    b[4] = ROTL64(a[24] ^ d4, 14);
    b[5] = ROTL64(a[3] ^ d3, 28);
    b[6] = ROTL64(a[9] ^ d4, 20);
    b[7] = ROTL64(a[10] ^ d0, 3);
    b[8] = ROTL64(a[16] ^ d1, 45);
    b[9] = ROTL64(a[22] ^ d2, 61);
    b[10] = ROTL64(a[1] ^ d1, 1);
    b[11] = ROTL64(a[7] ^ d2, 6);
    b[12] = ROTL64(a[13] ^ d3, 25);
    b[13] = ROTL64(a[19] ^ d4, 8);
    b[14] = ROTL64(a[20] ^ d0, 18);
    b[15] = ROTL64(a[4] ^ d4, 27);
    b[16] = ROTL64(a[5] ^ d0, 36);
    b[17] = ROTL64(a[11] ^ d1, 10);
    b[18] = ROTL64(a[17] ^ d2, 15);
    b[19] = ROTL64(a[23] ^ d3, 56);
    b[20] = ROTL64(a[2] ^ d2, 62);
    b[21] = ROTL64(a[8] ^ d3, 55);
    b[22] = ROTL64(a[14] ^ d4, 39);
    b[23] = ROTL64(a[15] ^ d0, 41);
    b[24] = ROTL64(a[21] ^ d1, 2);
    CHI_ROW(a, b, 0);
    CHI_ROW(a, b, 5);
    CHI_ROW(a, b, 10);
    CHI_ROW(a, b, 15);
    CHI_ROW(a, b, 20);
    a[0] ^= rc;
}

void mp_keccak_f1600(uint64_t a[25])
{
    for (int round = 0; round < 24; round++)
        keccak_round(a, round_constants[round]);
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
