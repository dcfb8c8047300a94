/*
** bn254_g2.h: the group G2 of alt_bn128: the order-r subgroup of the sextic
** twist E': y^2 = x^3 + 3/(9+u) over Fp2 = Fp[u]/(u^2+1).
**
** Encoding is the EVM's: x_imag || x_real || y_imag || y_real, 32-byte
** big-endian each (128 bytes); all zero is infinity. Decoding rejects
** coordinates >= p, points off the twist and points outside the subgroup
** (the twist has a large cofactor, so this check matters).
*/
#ifndef MPAVS_BN254_G2_H
#define MPAVS_BN254_G2_H

#include "mpavs/bn254.h"

/** The standard generator. */
void mp_bn254_g2_generator(mp_bn254_g2 *p);
/** The point at infinity. */
void mp_bn254_g2_infinity(mp_bn254_g2 *p);
/** Decodes 128 bytes; MP_ERR_INVALID names the problem (coordinate >= p,
 ** not on the twist, not in the subgroup). */
MP_WUR int mp_bn254_g2_decode(mp_bn254_g2 *p, const uint8_t in[128], mp_err *err);
/** Decodes without the subgroup check, for tests and for callers that check
 ** membership themselves (mp_bn254_g2_in_subgroup_var). Rejects coordinates
 ** >= p and points off the twist. */
MP_WUR int mp_bn254_g2_decode_on_curve(mp_bn254_g2 *p, const uint8_t in[128], mp_err *err);
/** Encodes in the EVM order. */
void mp_bn254_g2_encode(uint8_t out[128], const mp_bn254_g2 *p);
/** True when p (already on the twist) is in the order-r subgroup: the
 ** endomorphism test [x+1]P + psi([x]P) + psi^2([x]P) == psi^3([2x]P). */
bool mp_bn254_g2_in_subgroup_var(const mp_bn254_g2 *p);
/** True when a and b are the same point. */
bool mp_bn254_g2_eq(const mp_bn254_g2 *a, const mp_bn254_g2 *b);
/** r = a + b. */
void mp_bn254_g2_add(mp_bn254_g2 *r, const mp_bn254_g2 *a, const mp_bn254_g2 *b);
/** r = -a. */
void mp_bn254_g2_neg(mp_bn254_g2 *r, const mp_bn254_g2 *a);
/** r = sum of n points (one inversion for the whole sum). */
void mp_bn254_g2_sum(mp_bn254_g2 *r, const mp_bn254_g2 *pts, size_t n);
/** r = k*p for any 256-bit integer k, p in G2 (4-dimensional GLS with the
 ** endomorphism psi, variable time: public k only). */
void mp_bn254_g2_mul_var(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k);
/** r = k*p in constant time for a secret k < r. */
void mp_bn254_g2_mul_ct(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k);
/** r = sum k_i * p_i (Pippenger, variable time); bits bounds the scalars. */
MP_WUR int mp_bn254_g2_msm_var(mp_bn254_g2 *r, const mp_bn254_g2 *pts, const mp_bn254_scalar *ks,
                               size_t n, unsigned bits, mp_err *err);
/** psi(p), the untwist-Frobenius-twist endomorphism (acts as [p mod r] on G2). */
void mp_bn254_g2_psi(mp_bn254_g2 *r, const mp_bn254_g2 *p);

#endif /* MPAVS_BN254_G2_H */
