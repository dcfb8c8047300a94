/*
** test_keccak.c: Keccak-256 against published vectors (Keccak team / Ethereum
** yellow paper usage), a million-byte input, and against OpenSSL's SHA3-256
** driven through our permutation (same sponge, SHA-3 padding) on long random
** inputs, which checks the permutation and the block handling independently.
*/
#include "mpavs/keccak.h"
#include "test.h"

#include <openssl/evp.h>
#include <stdlib.h>

static void hash_hex(const char *msg, size_t len, const char *want, mp_test_ctx *mp_t)
{
    uint8_t got[32], exp[32];
    mp_test_unhex(exp, 32, want);
    mp_keccak256(got, msg, len);
    CHECK_MEM(got, exp, 32);
}

TEST(vectors)
{
    hash_hex("", 0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", mp_t);
    hash_hex("abc", 3, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", mp_t);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    hash_hex(fox, strlen(fox), "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
             mp_t);
    /* Function selector of transfer(address,uint256) is a9059cbb. */
    uint8_t sel[32];
    mp_keccak256(sel, "transfer(address,uint256)", 25);
    CHECK(sel[0] == 0xa9 && sel[1] == 0x05 && sel[2] == 0x9c && sel[3] == 0xbb);
}

TEST(million_a)
{
    size_t n = 1000000;
    char *a = malloc(n);
    CHECK(a != NULL);
    if (!a)
        return;
    memset(a, 'a', n);
    hash_hex(a, n, "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96", mp_t);
    free(a);
}

TEST(incremental_matches_oneshot)
{
    uint8_t data[1000];
    mp_test_rand_bytes(mp_t, data, sizeof data);
    for (size_t len = 0; len <= sizeof data; len += 37) {
        uint8_t one[32], inc[32];
        mp_keccak256(one, data, len);
        mp_keccak k;
        mp_keccak_init(&k);
        size_t off = 0;
        while (off < len) {
            size_t step = 1 + mp_test_rand(mp_t) % 200;
            if (step > len - off)
                step = len - off;
            mp_keccak_update(&k, data + off, step);
            off += step;
        }
        mp_keccak_final(&k, inc);
        CHECK_MEM(one, inc, 32);
    }
}

/* SHA3-256 built from mp_keccak_f1600 with the FIPS 202 padding (0x06). */
static void sha3_via_permutation(uint8_t out[32], const uint8_t *p, size_t len)
{
    uint64_t st[25] = {0};
    uint8_t block[MP_KECCAK256_RATE];
    for (;;) {
        size_t take = len < MP_KECCAK256_RATE ? len : MP_KECCAK256_RATE;
        memset(block, 0, sizeof block);
        memcpy(block, p, take);
        if (take < MP_KECCAK256_RATE) {
            block[take] ^= 0x06;
            block[MP_KECCAK256_RATE - 1] ^= 0x80;
        }
        for (int i = 0; i < MP_KECCAK256_RATE / 8; i++)
            for (int j = 0; j < 8; j++)
                st[i] ^= (uint64_t)block[8 * i + j] << (8 * j);
        mp_keccak_f1600(st);
        if (take < MP_KECCAK256_RATE)
            break;
        p += take;
        len -= take;
    }
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

TEST(permutation_matches_openssl_sha3)
{
    size_t cap = 5000;
    uint8_t *data = malloc(cap);
    CHECK(data != NULL);
    if (!data)
        return;
    mp_test_rand_bytes(mp_t, data, cap);
    size_t lens[] = {0, 1, 135, 136, 137, 271, 272, 273, 1000, 4999};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint8_t ours[32], ref[32];
        unsigned int rlen = 0;
        sha3_via_permutation(ours, data, lens[i]);
        CHECK(EVP_Digest(data, lens[i], ref, &rlen, EVP_sha3_256(), NULL) == 1 && rlen == 32);
        CHECK_MEM(ours, ref, 32);
    }
    free(data);
}

static const mp_test_case tests[] = {
    MP_TEST(vectors),
    MP_TEST(million_a),
    MP_TEST(incremental_matches_oneshot),
    MP_TEST(permutation_matches_openssl_sha3),
};
MP_TEST_MAIN("keccak", tests)
