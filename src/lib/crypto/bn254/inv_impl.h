/*
** inv_impl.h: inversion in Fp for public values: the binary extended
** Euclidean algorithm (variable time, about three times faster than the
** constant-time Fermat exponentiation fp_inv), and the tower inversions
** built on it. Used where every input is public: affine conversions of the
** variable-time group code and the pairing's final exponentiation.
*/
#ifndef MPAVS_BN254_INV_IMPL_H
#define MPAVS_BN254_INV_IMPL_H

static inline int limbs_is_one(const uint64_t v[4])
{
    return v[0] == 1 && (v[1] | v[2] | v[3]) == 0;
}

static inline int limbs_ge(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] > b[i];
    return 1;
}

static inline void limbs_sub(uint64_t a[4], const uint64_t b[4])
{
    u128 d = 0;
    for (int i = 0; i < 4; i++) {
        d = (u128)a[i] - b[i] - ((uint64_t)(d >> 64) & 1);
        a[i] = (uint64_t)d;
    }
}

static inline void limbs_shr1(uint64_t a[4])
{
    a[0] = (a[0] >> 1) | (a[1] << 63);
    a[1] = (a[1] >> 1) | (a[2] << 63);
    a[2] = (a[2] >> 1) | (a[3] << 63);
    a[3] >>= 1;
}

/* r = a^-1 (0 for 0), variable time. The loop keeps x1 a = u and x2 a = v
 * (mod p) for the integer a (the Montgomery residue) while it halves and
 * subtracts u and v down to 1; that gives (aR)^-1, and one Montgomery
 * product with R^3 turns it into a^-1 R. */
static BN_UNUSED void fp_inv_var(fp *r, const fp *a)
{
    if (fp_is_zero(a)) {
        fp_set_zero(r);
        return;
    }
    uint64_t u[4], v[4];
    fp x1 = {{1, 0, 0, 0}}, x2 = {{0, 0, 0, 0}};
    memcpy(u, a->v, sizeof u);
    memcpy(v, FP_MODULUS.v, sizeof v);
    while (!limbs_is_one(u) && !limbs_is_one(v)) {
        while ((u[0] & 1) == 0) {
            limbs_shr1(u);
            fp_half(&x1, &x1);
        }
        while ((v[0] & 1) == 0) {
            limbs_shr1(v);
            fp_half(&x2, &x2);
        }
        if (limbs_ge(u, v)) {
            limbs_sub(u, v);
            fp_sub(&x1, &x1, &x2);
        } else {
            limbs_sub(v, u);
            fp_sub(&x2, &x2, &x1);
        }
    }
    fp_mul(r, limbs_is_one(u) ? &x1 : &x2, &FP_R3_RAW);
}

static BN_UNUSED void fp2_inv_var(fp2 *r, const fp2 *a)
{
    fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv_var(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

#endif /* MPAVS_BN254_INV_IMPL_H */
