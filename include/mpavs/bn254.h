/*
** bn254.h: the alt_bn128 (BN254) curve of Ethereum: value types, scalars
** modulo the group order r, and the EVM precompiles 0x06 (ecAdd), 0x07
** (ecMul) and 0x08 (ecPairing) with their exact input rules.
**
** Group operations live in bn254_g1.h and bn254_g2.h, the pairing in
** bn254_pairing.h, EigenLayer's BLS scheme in bls.h.
**
** Field elements and points are plain structs so callers can keep them in
** arrays, but their limbs are an internal (Montgomery) representation: build
** them only through the decode/encode functions. A point value always holds a
** valid group element (on the curve, and for G2 in the order-r subgroup), so
** nothing needs re-checking once it is decoded.
*/
#ifndef MPAVS_BN254_H
#define MPAVS_BN254_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/** An element of Fp (internal representation). */
typedef struct mp_bn254_fp {
    uint64_t v[4];
} mp_bn254_fp;

/** An element of Fp2 = Fp[u]/(u^2+1): c0 + c1*u (c0 real, c1 imaginary). */
typedef struct mp_bn254_fp2 {
    mp_bn254_fp c0, c1;
} mp_bn254_fp2;

/** A point of G1 (y^2 = x^3 + 3 over Fp) in affine form; infinity flagged. */
typedef struct mp_bn254_g1 {
    mp_bn254_fp x, y;
    int infinity;
} mp_bn254_g1;

/** A point of G2 (the sextic twist over Fp2, order-r subgroup), affine. */
typedef struct mp_bn254_g2 {
    mp_bn254_fp2 x, y;
    int infinity;
} mp_bn254_g2;

/** An element of GT, the order-r subgroup of Fp12^* (internal layout). */
typedef struct mp_bn254_gt {
    mp_bn254_fp2 c[6];
} mp_bn254_gt;

/** A scalar modulo r: four 64-bit limbs, least significant first, value < r
 ** unless a function says it takes any 256-bit integer. */
typedef struct mp_bn254_scalar {
    uint64_t v[4];
} mp_bn254_scalar;

#define MP_BN254_G1_BYTES 64  /* x || y, big-endian */
#define MP_BN254_G2_BYTES 128 /* x_imag || x_real || y_imag || y_real */

/** Reads a 32-byte big-endian integer into s without reducing it (any value). */
void mp_bn254_scalar_from_bytes_raw(mp_bn254_scalar *s, const uint8_t in[32]);
/** Reads a 32-byte big-endian integer and reduces it modulo r. */
void mp_bn254_scalar_from_bytes_mod(mp_bn254_scalar *s, const uint8_t in[32]);
/** Reads a 32-byte big-endian integer; MP_ERR_INVALID when it is >= r. The
 ** comparison is constant-time (the input may be a secret key). */
MP_WUR int mp_bn254_scalar_from_bytes(mp_bn254_scalar *s, const uint8_t in[32], mp_err *err);
/** Writes s as 32 big-endian bytes. */
void mp_bn254_scalar_to_bytes(uint8_t out[32], const mp_bn254_scalar *s);
/** s = v (a small integer). */
void mp_bn254_scalar_set_u64(mp_bn254_scalar *s, uint64_t v);
/** r = a + b mod r. */
void mp_bn254_scalar_add(mp_bn254_scalar *r, const mp_bn254_scalar *a, const mp_bn254_scalar *b);
/** r = a * b mod r (constant time). */
void mp_bn254_scalar_mul(mp_bn254_scalar *r, const mp_bn254_scalar *a, const mp_bn254_scalar *b);
/** r = -a mod r. */
void mp_bn254_scalar_neg(mp_bn254_scalar *r, const mp_bn254_scalar *a);
/** True when s is zero (constant time). */
bool mp_bn254_scalar_is_zero(const mp_bn254_scalar *s);
/** Wipes a scalar that held a secret. */
void mp_bn254_scalar_clear(mp_bn254_scalar *s);

/** EVM ecAdd (0x06): the input is zero-padded or truncated to 128 bytes (two
 ** G1 points); writes the 64-byte sum. MP_ERR_INVALID when a coordinate is
 ** >= p or a point is not on the curve. */
MP_WUR int mp_bn254_ecadd(uint8_t out[64], const uint8_t *in, size_t len, mp_err *err);
/** EVM ecMul (0x07): the input is zero-padded or truncated to 96 bytes (a G1
 ** point and a 256-bit big-endian scalar, not reduced); writes the product. */
MP_WUR int mp_bn254_ecmul(uint8_t out[64], const uint8_t *in, size_t len, mp_err *err);
/** EVM ecPairing (0x08): len must be a multiple of 192 (pairs of G1 || G2);
 ** writes 32 bytes, 1 when the product of the pairings is one (also for an
 ** empty input), else 0. MP_ERR_INVALID on a bad length, a coordinate >= p, a
 ** point off its curve or a G2 point outside the order-r subgroup. */
MP_WUR int mp_bn254_ecpairing(uint8_t out[32], const uint8_t *in, size_t len, mp_err *err);

/** Name of the arithmetic backend in use ("adx" or "generic"). */
const char *mp_bn254_backend_name(void);

#endif /* MPAVS_BN254_H */
