/*
** scalar.c: integers modulo the BN254 group order r (the exponents of G1, G2
** and GT, and BLS secret keys), plus the decimal text conversions that
** EigenLayer's files use for 256-bit numbers.
**
** Arithmetic is constant-time (secret keys pass through it): Montgomery
** multiplication on 4x64-bit limbs with masked final subtractions.
*/
#include "mpavs/bn254.h"
#include "mpavs/mem.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t R_MOD[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t R_R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL,
                                 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};
#define R_INV 0xc2e1f593efffffffULL /* -r^-1 mod 2^64 */

/* out = a - m, returning the borrow (1 when a < m). */
static uint64_t sub4(uint64_t out[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 d = (u128)a[i] - m[i] - borrow;
        out[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

/* r = a - r_mod when that does not borrow, in constant time. */
static void reduce_once(uint64_t r[4], const uint64_t a[4])
{
    uint64_t s[4];
    uint64_t keep = 0 - sub4(s, a, R_MOD);
    for (int i = 0; i < 4; i++)
        r[i] = (a[i] & keep) | (s[i] & ~keep);
}

/* Montgomery product a*b/2^256 mod r for a, b < r. */
static void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[5] = {0};
    for (int i = 0; i < 4; i++) {
        u128 c = 0;
        for (int j = 0; j < 4; j++) {
            c = (u128)a[j] * b[i] + t[j] + (uint64_t)(c >> 64);
            t[j] = (uint64_t)c;
        }
        t[4] = (uint64_t)(c >> 64);
        uint64_t m = t[0] * R_INV;
        c = (u128)m * R_MOD[0] + t[0];
        for (int j = 1; j < 4; j++) {
            c = (u128)m * R_MOD[j] + t[j] + (uint64_t)(c >> 64);
            t[j - 1] = (uint64_t)c;
        }
        t[3] = t[4] + (uint64_t)(c >> 64);
    }
    reduce_once(r, t);
}

void mp_bn254_scalar_from_bytes_raw(mp_bn254_scalar *s, const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = w << 8 | in[(3 - i) * 8 + j];
        s->v[i] = w;
    }
}

void mp_bn254_scalar_from_bytes_mod(mp_bn254_scalar *s, const uint8_t in[32])
{
    mp_bn254_scalar_from_bytes_raw(s, in);
    /* 2^256 < 6r: five masked subtractions reach [0, r) without branches. */
    for (int k = 0; k < 5; k++)
        reduce_once(s->v, s->v);
}

int mp_bn254_scalar_from_bytes(mp_bn254_scalar *s, const uint8_t in[32], mp_err *err)
{
    mp_bn254_scalar t;
    uint64_t diff[4];
    mp_bn254_scalar_from_bytes_raw(&t, in);
    uint64_t below = sub4(diff, t.v, R_MOD);
    mp_memzero(diff, sizeof diff);
    if (!below) {
        mp_bn254_scalar_clear(&t);
        return MP_FAIL(err, MP_ERR_INVALID, "scalar is not below the group order r");
    }
    *s = t;
    mp_bn254_scalar_clear(&t);
    return MP_OK;
}

void mp_bn254_scalar_to_bytes(uint8_t out[32], const mp_bn254_scalar *s)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[(3 - i) * 8 + j] = (uint8_t)(s->v[i] >> (56 - 8 * j));
}

void mp_bn254_scalar_set_u64(mp_bn254_scalar *s, uint64_t v)
{
    s->v[0] = v;
    s->v[1] = s->v[2] = s->v[3] = 0;
    reduce_once(s->v, s->v);
}

void mp_bn254_scalar_add(mp_bn254_scalar *r, const mp_bn254_scalar *a, const mp_bn254_scalar *b)
{
    uint64_t t[4];
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c = (u128)a->v[i] + b->v[i] + (uint64_t)(c >> 64);
        t[i] = (uint64_t)c;
    }
    reduce_once(r->v, t); /* a + b < 2r < 2^256 */
}

void mp_bn254_scalar_mul(mp_bn254_scalar *r, const mp_bn254_scalar *a, const mp_bn254_scalar *b)
{
    uint64_t t[4];
    mont_mul(t, a->v, b->v);
    mont_mul(r->v, t, R_R2);
    mp_memzero(t, sizeof t);
}

void mp_bn254_scalar_neg(mp_bn254_scalar *r, const mp_bn254_scalar *a)
{
    uint64_t t[4];
    sub4(t, R_MOD, a->v);
    /* r - 0 = r must map to 0 */
    uint64_t z = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    uint64_t nonzero = 0 - ((z | (0 - z)) >> 63);
    for (int i = 0; i < 4; i++)
        r->v[i] = t[i] & nonzero;
}

bool mp_bn254_scalar_is_zero(const mp_bn254_scalar *s)
{
    return (s->v[0] | s->v[1] | s->v[2] | s->v[3]) == 0;
}

void mp_bn254_scalar_clear(mp_bn254_scalar *s)
{
    mp_memzero(s, sizeof *s);
}
