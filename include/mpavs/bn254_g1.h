/*
** bn254_g1.h: the group G1 of alt_bn128 (y^2 = x^3 + 3 over Fp, cofactor 1,
** so every point on the curve is in the order-r group).
**
** Encoding is the EVM's: x || y, 32-byte big-endian each; (0, 0) is the
** point at infinity. Decoding rejects coordinates >= p and points off the
** curve. Functions named _var run in time that depends on their inputs and
** take public data only; the others are constant-time in the scalar.
*/
#ifndef MPAVS_BN254_G1_H
#define MPAVS_BN254_G1_H

#include "mpavs/bn254.h"

/** The generator (1, 2). */
void mp_bn254_g1_generator(mp_bn254_g1 *p);
/** The point at infinity. */
void mp_bn254_g1_infinity(mp_bn254_g1 *p);
/** Decodes 64 bytes; MP_ERR_INVALID names the problem (coordinate >= p, off curve). */
MP_WUR int mp_bn254_g1_decode(mp_bn254_g1 *p, const uint8_t in[64], mp_err *err);
/** Encodes as x || y ((0, 0) for infinity). */
void mp_bn254_g1_encode(uint8_t out[64], const mp_bn254_g1 *p);
/** True when a and b are the same point. */
bool mp_bn254_g1_eq(const mp_bn254_g1 *a, const mp_bn254_g1 *b);
/** r = a + b. */
void mp_bn254_g1_add(mp_bn254_g1 *r, const mp_bn254_g1 *a, const mp_bn254_g1 *b);
/** r = -a. */
void mp_bn254_g1_neg(mp_bn254_g1 *r, const mp_bn254_g1 *a);
/** r = sum of n points (one inversion for the whole sum). */
void mp_bn254_g1_sum(mp_bn254_g1 *r, const mp_bn254_g1 *pts, size_t n);
/** r = k*p for any 256-bit integer k (GLV, variable time: public k only). */
void mp_bn254_g1_mul_var(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k);
/** r = k*p in constant time for a secret k < r (fixed window, complete formulas). */
void mp_bn254_g1_mul_ct(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k);
/** r = sum k_i * p_i (Pippenger, variable time). Scalars are any 256-bit
 ** integers; bits bounds their length (<= 256, smaller is faster).
 ** MP_ERR_NOMEM if the bucket memory cannot be allocated. */
MP_WUR int mp_bn254_g1_msm_var(mp_bn254_g1 *r, const mp_bn254_g1 *pts, const mp_bn254_scalar *ks,
                               size_t n, unsigned bits, mp_err *err);
/** Sets r to the curve point with abscissa x if x^3 + 3 is a square, taking
 ** y = (x^3 + 3)^((p+1)/4) exactly (no sign choice); false otherwise.
 ** x is 32 big-endian bytes and must be < p. */
bool mp_bn254_g1_from_x_var(mp_bn254_g1 *r, const uint8_t x[32]);

#endif /* MPAVS_BN254_G1_H */
