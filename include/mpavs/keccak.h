/*
** keccak.h: Keccak-256 as Ethereum uses it (original Keccak padding 0x01,
** not SHA3-256's 0x06). OpenSSL 3.0 has no legacy Keccak, so it lives here.
*/
#ifndef MPAVS_KECCAK_H
#define MPAVS_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define MP_KECCAK256_RATE 136 /* bytes absorbed per permutation (1600 - 2*256 bits) */

typedef struct mp_keccak {
    uint64_t state[25];               /* Keccak-f[1600] lanes, little-endian */
    uint8_t block[MP_KECCAK256_RATE]; /* pending input not yet absorbed */
    size_t pending;                   /* bytes in block */
} mp_keccak;

/** Starts a new hash in k. */
void mp_keccak_init(mp_keccak *k);
/** Absorbs len bytes of data (any number of calls). */
void mp_keccak_update(mp_keccak *k, const void *data, size_t len);
/** Writes the 32-byte digest; k must be re-initialised before reuse. */
void mp_keccak_final(mp_keccak *k, uint8_t out[32]);
/** One-shot Keccak-256. */
void mp_keccak256(uint8_t out[32], const void *data, size_t len);
/** The Keccak-f[1600] permutation itself (exposed for tests and benchmarks). */
void mp_keccak_f1600(uint64_t state[25]);

#endif /* MPAVS_KECCAK_H */
