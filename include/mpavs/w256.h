/*
** w256.h: 256-bit words as the EVM computes with them: four 64-bit limbs,
** least significant first, every operation modulo 2^256 with the EVM's
** semantics (division by zero gives zero, signed ops read two's complement).
**
** The hot operations (add, sub, compare, bit ops) are inline because the
** interpreter calls them once per opcode; the rest live in src/lib/evm/w256.c.
** Products use unsigned __int128 where the compiler has it, 32-bit halves
** otherwise.
*/
#ifndef MPAVS_W256_H
#define MPAVS_W256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mp_w256 {
    uint64_t w[4]; /* w[0] least significant */
} mp_w256;

/** The word v. */
static inline mp_w256 mp_w256_u64(uint64_t v)
{
    mp_w256 r = {{v, 0, 0, 0}};
    return r;
}

/** True when a is zero. */
static inline bool mp_w256_is_zero(const mp_w256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

/** True when a == b. */
static inline bool mp_w256_eq(const mp_w256 *a, const mp_w256 *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) |
            (a->w[3] ^ b->w[3])) == 0;
}

/** True when a fits in 64 bits. */
static inline bool mp_w256_fits_u64(const mp_w256 *a)
{
    return (a->w[1] | a->w[2] | a->w[3]) == 0;
}

/** a < b, unsigned. */
static inline bool mp_w256_lt(const mp_w256 *a, const mp_w256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i];
    return false;
}

/** a < b, both read as two's complement. */
static inline bool mp_w256_slt(const mp_w256 *a, const mp_w256 *b)
{
    bool na = (a->w[3] >> 63) != 0, nb = (b->w[3] >> 63) != 0;
    if (na != nb)
        return na;
    return mp_w256_lt(a, b);
}

/** r = a + b mod 2^256; returns the carry out. */
static inline bool mp_w256_add(mp_w256 *r, const mp_w256 *a, const mp_w256 *b)
{
    uint64_t c = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t s = a->w[i] + c;
        c = s < c;
        uint64_t t = s + b->w[i];
        c |= t < s;
        r->w[i] = t;
    }
    return c != 0;
}

/** r = a - b mod 2^256; returns the borrow out. */
static inline bool mp_w256_sub(mp_w256 *r, const mp_w256 *a, const mp_w256 *b)
{
    uint64_t br = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t ai = a->w[i], bi = b->w[i];
        uint64_t d = ai - bi - br;
        br = (ai < bi) | ((ai == bi) & br);
        r->w[i] = d;
    }
    return br != 0;
}

/** Reads 32 big-endian bytes. */
void mp_w256_from_be(mp_w256 *r, const uint8_t in[32]);
/** Reads n <= 32 big-endian bytes as a right-aligned number. */
void mp_w256_from_be_n(mp_w256 *r, const uint8_t *in, size_t n);
/** Writes 32 big-endian bytes. */
void mp_w256_to_be(uint8_t out[32], const mp_w256 *a);

/** r = a * b mod 2^256. */
void mp_w256_mul(mp_w256 *r, const mp_w256 *a, const mp_w256 *b);
/** q = a / b and m = a % b, unsigned; both zero when b is zero (either may be NULL). */
void mp_w256_divmod(mp_w256 *q, mp_w256 *m, const mp_w256 *a, const mp_w256 *b);
/** SDIV: signed quotient truncated toward zero; zero when b is zero. */
void mp_w256_sdiv(mp_w256 *r, const mp_w256 *a, const mp_w256 *b);
/** SMOD: signed remainder with the sign of a; zero when b is zero. */
void mp_w256_smod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b);
/** ADDMOD: (a + b) % n without wrapping at 2^256; zero when n is zero. */
void mp_w256_addmod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b, const mp_w256 *n);
/** MULMOD: (a * b) % n over the full 512-bit product; zero when n is zero. */
void mp_w256_mulmod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b, const mp_w256 *n);
/** EXP: base ^ e mod 2^256. */
void mp_w256_exp(mp_w256 *r, const mp_w256 *base, const mp_w256 *e);
/** SIGNEXTEND: extends the sign bit of byte b (0 = least significant) of x. */
void mp_w256_signextend(mp_w256 *r, const mp_w256 *b, const mp_w256 *x);
/** BYTE: byte i of x counted from the most significant; zero when i >= 32. */
void mp_w256_byte(mp_w256 *r, const mp_w256 *i, const mp_w256 *x);
/** SHL: x << s; zero when s >= 256. */
void mp_w256_shl(mp_w256 *r, const mp_w256 *s, const mp_w256 *x);
/** SHR: x >> s (logical); zero when s >= 256. */
void mp_w256_shr(mp_w256 *r, const mp_w256 *s, const mp_w256 *x);
/** SAR: x >> s (arithmetic); all sign bits when s >= 256. */
void mp_w256_sar(mp_w256 *r, const mp_w256 *s, const mp_w256 *x);
/** Number of significant bits of a (0 for zero). */
unsigned mp_w256_bits(const mp_w256 *a);

#endif /* MPAVS_W256_H */
