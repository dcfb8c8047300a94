/*
** backend.h: the table of BN254 operations that each arithmetic backend
** provides (internal to libmpavs).
**
** The whole engine (field, tower, groups, pairing, MSM) is written once in the
** *_impl.h headers and compiled twice, libsecp256k1-style as one translation
** unit each: bn254_generic.c with portable 64x64->128-bit C, and bn254_adx.c
** with x86-64 MULX/ADCX/ADOX assembly for the Montgomery products. Inside a
** backend every call is direct and inlinable; the public API (bn254.c) picks
** a table once per call by CPU features. Both backends use the same canonical
** Montgomery representation, so values pass freely between them (the tests
** rely on that to compare them).
*/
#ifndef MPAVS_BN254_BACKEND_H
#define MPAVS_BN254_BACKEND_H

#include "mpavs/bn254.h"

/* Why decoding a coordinate or point failed (0 = it did not). */
enum bn254_decode_rc {
    BN254_DECODE_OK = 0,
    BN254_DECODE_RANGE = 1,    /* a coordinate >= p */
    BN254_DECODE_CURVE = 2,    /* not on the curve / twist */
    BN254_DECODE_SUBGROUP = 3, /* G2 point outside the order-r subgroup */
};

typedef struct mp_bn254_backend {
    const char *name;
    /* Fp (exposed for differential tests and benches) */
    int (*fp_from_bytes)(mp_bn254_fp *r, const uint8_t in[32]);
    void (*fp_to_bytes)(uint8_t out[32], const mp_bn254_fp *a);
    void (*fp_add)(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b);
    void (*fp_sub)(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b);
    void (*fp_mul)(mp_bn254_fp *r, const mp_bn254_fp *a, const mp_bn254_fp *b);
    void (*fp_sqr)(mp_bn254_fp *r, const mp_bn254_fp *a);
    void (*fp_inv)(mp_bn254_fp *r, const mp_bn254_fp *a);     /* constant time */
    void (*fp_inv_var)(mp_bn254_fp *r, const mp_bn254_fp *a); /* public inputs */
    int (*fp_sqrt)(mp_bn254_fp *r, const mp_bn254_fp *a);
    void (*fp2_add)(mp_bn254_fp2 *r, const mp_bn254_fp2 *a, const mp_bn254_fp2 *b);
    void (*fp2_mul)(mp_bn254_fp2 *r, const mp_bn254_fp2 *a, const mp_bn254_fp2 *b);
    void (*fp2_sqr)(mp_bn254_fp2 *r, const mp_bn254_fp2 *a);
    void (*fp2_mul_xi)(mp_bn254_fp2 *r, const mp_bn254_fp2 *a);
    int (*fp2_sqrt)(mp_bn254_fp2 *r, const mp_bn254_fp2 *a);
    /* G1 */
    int (*g1_decode)(mp_bn254_g1 *p, const uint8_t in[64]);
    void (*g1_encode)(uint8_t out[64], const mp_bn254_g1 *p);
    void (*g1_add)(mp_bn254_g1 *r, const mp_bn254_g1 *a, const mp_bn254_g1 *b);
    void (*g1_dbl)(mp_bn254_g1 *r, const mp_bn254_g1 *a);
    void (*g1_sum)(mp_bn254_g1 *r, const mp_bn254_g1 *pts, size_t n);
    void (*g1_mul_var)(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k);
    void (*g1_mul_ct)(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k);
    void (*g1_mul_ref)(mp_bn254_g1 *r, const mp_bn254_g1 *p, const mp_bn254_scalar *k);
    int (*g1_msm_var)(mp_bn254_g1 *r, const mp_bn254_g1 *pts, const mp_bn254_scalar *ks, size_t n,
                      unsigned bits);
    int (*g1_from_x_var)(mp_bn254_g1 *r, const uint8_t x[32]);
    /* G2 */
    int (*g2_decode)(mp_bn254_g2 *p, const uint8_t in[128], int check_subgroup);
    void (*g2_encode)(uint8_t out[128], const mp_bn254_g2 *p);
    int (*g2_in_subgroup_var)(const mp_bn254_g2 *p);
    /* a twist point with abscissa x (not checked for G2 membership), if any */
    int (*g2_from_x_var)(mp_bn254_g2 *r, const mp_bn254_fp2 *x);
    void (*g2_add)(mp_bn254_g2 *r, const mp_bn254_g2 *a, const mp_bn254_g2 *b);
    void (*g2_dbl)(mp_bn254_g2 *r, const mp_bn254_g2 *a);
    void (*g2_sum)(mp_bn254_g2 *r, const mp_bn254_g2 *pts, size_t n);
    void (*g2_mul_var)(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k);
    void (*g2_mul_ct)(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k);
    void (*g2_mul_ref)(mp_bn254_g2 *r, const mp_bn254_g2 *p, const mp_bn254_scalar *k);
    int (*g2_msm_var)(mp_bn254_g2 *r, const mp_bn254_g2 *pts, const mp_bn254_scalar *ks, size_t n,
                      unsigned bits);
    void (*g2_psi)(mp_bn254_g2 *r, const mp_bn254_g2 *p);
    /* pairing and GT */
    void (*miller_loop)(mp_bn254_gt *f, const mp_bn254_g1 *ps, const mp_bn254_g2 *qs, size_t n);
    void (*final_exp)(mp_bn254_gt *r, const mp_bn254_gt *f);
    void (*final_exp_ref)(mp_bn254_gt *r, const mp_bn254_gt *f);
    void (*gt_mul)(mp_bn254_gt *r, const mp_bn254_gt *a, const mp_bn254_gt *b);
    void (*gt_sqr)(mp_bn254_gt *r, const mp_bn254_gt *a);
    void (*gt_cyclotomic_sqr)(mp_bn254_gt *r, const mp_bn254_gt *a);
    void (*gt_inv)(mp_bn254_gt *r, const mp_bn254_gt *a);
    void (*gt_frobenius)(mp_bn254_gt *r, const mp_bn254_gt *a, int power);
    void (*gt_one)(mp_bn254_gt *r);
} mp_bn254_backend;

/** The portable backend (always present). */
extern const mp_bn254_backend mp_bn254_backend_generic;
/** The MULX/ADX backend; usable only when mp_bn254_backend_adx_usable(). */
extern const mp_bn254_backend mp_bn254_backend_adx;
/** True when this build has the ADX backend and the CPU runs it. */
bool mp_bn254_backend_adx_usable(void);
/** The backend the public API uses. */
const mp_bn254_backend *mp_bn254_backend_get(void);

/** The precompiles (bn254.h) on a given backend, so tests run both. */
MP_WUR int mp_bn254_ecadd_with(const mp_bn254_backend *be, uint8_t out[64], const uint8_t *in,
                               size_t len, mp_err *err);
MP_WUR int mp_bn254_ecmul_with(const mp_bn254_backend *be, uint8_t out[64], const uint8_t *in,
                               size_t len, mp_err *err);
MP_WUR int mp_bn254_ecpairing_with(const mp_bn254_backend *be, uint8_t out[32], const uint8_t *in,
                                   size_t len, mp_err *err);

#endif /* MPAVS_BN254_BACKEND_H */
