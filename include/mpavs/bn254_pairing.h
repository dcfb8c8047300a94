/*
** bn254_pairing.h: the optimal ate pairing e: G1 x G2 -> GT of alt_bn128,
** products of pairings with one shared final exponentiation, and the GT
** operations tests and protocols need.
**
** The pairing is the reduced one (final exponent (p^12-1)/r), so values
** match other implementations of the optimal ate pairing on this curve.
*/
#ifndef MPAVS_BN254_PAIRING_H
#define MPAVS_BN254_PAIRING_H

#include "mpavs/bn254.h"

/** out = e(p, q); e(O, q) = e(p, O) = 1. */
void mp_bn254_pairing(mp_bn254_gt *out, const mp_bn254_g1 *p, const mp_bn254_g2 *q);
/** out = prod e(ps[i], qs[i]): n Miller loops sharing their squarings, one
 ** final exponentiation. Pairs with a point at infinity contribute 1. */
void mp_bn254_multi_pairing(mp_bn254_gt *out, const mp_bn254_g1 *ps, const mp_bn254_g2 *qs,
                            size_t n);
/** True when prod e(ps[i], qs[i]) == 1 (the 0x08 precompile's question). */
bool mp_bn254_pairing_check(const mp_bn254_g1 *ps, const mp_bn254_g2 *qs, size_t n);
/** The unreduced Miller loop value of the product (for tests and benches). */
void mp_bn254_miller_loop(mp_bn254_gt *out, const mp_bn254_g1 *ps, const mp_bn254_g2 *qs, size_t n);
/** out = f^((p^12-1)/r). */
void mp_bn254_final_exp(mp_bn254_gt *out, const mp_bn254_gt *f);

/** r = 1, the identity of GT. */
void mp_bn254_gt_one(mp_bn254_gt *r);
/** True when a is the identity. */
bool mp_bn254_gt_is_one(const mp_bn254_gt *a);
/** True when a == b. */
bool mp_bn254_gt_eq(const mp_bn254_gt *a, const mp_bn254_gt *b);
/** r = a * b. */
void mp_bn254_gt_mul(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_gt *b);
/** r = a^k for any 256-bit k (variable time). */
void mp_bn254_gt_pow_var(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_scalar *k);
/** r = a^-1 (a conjugation for elements of GT). */
void mp_bn254_gt_inv(mp_bn254_gt *r, const mp_bn254_gt *a);

#endif /* MPAVS_BN254_PAIRING_H */
