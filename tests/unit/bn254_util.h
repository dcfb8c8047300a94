/*
** bn254_util.h: helpers shared by the BN254/BLS unit tests: random field
** elements, scalars and points from the test generator, the list of
** backends to run each check on, and readers for the vector files.
*/
#ifndef MPAVS_TEST_BN254_UTIL_H
#define MPAVS_TEST_BN254_UTIL_H

#include "crypto/bn254/backend.h"
#include "mpavs/bn254.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/bn254_pairing.h"
#include "test.h"

#include <stdlib.h>

static const uint8_t BN_P_BE[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
static const uint8_t BN_R_BE[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};

/* The backends to test: generic always, adx when this CPU runs it. */
static inline int bn_backends(const mp_bn254_backend *out[2])
{
    out[0] = &mp_bn254_backend_generic;
    if (mp_bn254_backend_adx_usable()) {
        out[1] = &mp_bn254_backend_adx;
        return 2;
    }
    return 1;
}

/* Random 32 bytes below the 32-byte big-endian bound. */
static inline void bn_rand_below(mp_test_ctx *mp_t, uint8_t out[32], const uint8_t bound[32])
{
    do {
        mp_test_rand_bytes(mp_t, out, 32);
        out[0] &= 0x3f;
    } while (memcmp(out, bound, 32) >= 0);
}

static inline void bn_rand_fp(mp_test_ctx *mp_t, const mp_bn254_backend *be, mp_bn254_fp *r)
{
    uint8_t b[32];
    bn_rand_below(mp_t, b, BN_P_BE);
    CHECK(be->fp_from_bytes(r, b));
}

static inline void bn_rand_fp2(mp_test_ctx *mp_t, const mp_bn254_backend *be, mp_bn254_fp2 *r)
{
    bn_rand_fp(mp_t, be, &r->c0);
    bn_rand_fp(mp_t, be, &r->c1);
}

static inline void bn_rand_scalar(mp_test_ctx *mp_t, mp_bn254_scalar *k)
{
    uint8_t b[32];
    bn_rand_below(mp_t, b, BN_R_BE);
    mp_bn254_scalar_from_bytes_raw(k, b);
}

static inline void bn_rand_g1(mp_test_ctx *mp_t, const mp_bn254_backend *be, mp_bn254_g1 *p)
{
    mp_bn254_scalar k;
    bn_rand_scalar(mp_t, &k);
    mp_bn254_g1_generator(p);
    be->g1_mul_var(p, p, &k);
}

static inline void bn_rand_g2(mp_test_ctx *mp_t, const mp_bn254_backend *be, mp_bn254_g2 *p)
{
    mp_bn254_scalar k;
    bn_rand_scalar(mp_t, &k);
    mp_bn254_g2_generator(p);
    be->g2_mul_var(p, p, &k);
}

/* A point on the twist, almost surely outside G2 (the twist's cofactor is
 * about p): random x until x^3 + b' is a square. */
static inline void bn_rand_twist_point(mp_test_ctx *mp_t, const mp_bn254_backend *be,
                                       mp_bn254_g2 *p)
{
    mp_bn254_fp2 x;
    do
        bn_rand_fp2(mp_t, be, &x);
    while (!be->g2_from_x_var(p, &x));
}

#endif /* MPAVS_TEST_BN254_UTIL_H */
