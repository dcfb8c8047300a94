/*
** w256.c: the 256-bit EVM arithmetic that is not inline in w256.h:
** multiplication, unsigned and signed division, ADDMOD/MULMOD (512-bit
** intermediate), EXP, SIGNEXTEND, BYTE and shifts.
**
** Division is Knuth's algorithm D on 32-bit digits so that it needs only
** 64-bit arithmetic on every compiler; products use 64-bit limbs with
** unsigned __int128 where the compiler has it (MP_W256_PORTABLE forces the
** 32-bit-halves path, which tests/unit/test_w256_portable.c checks).
*/
#include "mpavs/w256.h"

#include <string.h>

void mp_w256_from_be(mp_w256 *r, const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = 0;
        for (int j = 0; j < 8; j++)
            v = (v << 8) | in[(3 - i) * 8 + j];
        r->w[i] = v;
    }
}

void mp_w256_from_be_n(mp_w256 *r, const uint8_t *in, size_t n)
{
    if (n > 32)
        n = 32;
    r->w[0] = r->w[1] = r->w[2] = r->w[3] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pos = n - 1 - i; /* byte index from the least significant */
        r->w[pos / 8] |= (uint64_t)in[i] << (8 * (pos % 8));
    }
}

void mp_w256_to_be(uint8_t out[32], const mp_w256 *a)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = a->w[i];
        for (int j = 7; j >= 0; j--) {
            out[(3 - i) * 8 + j] = (uint8_t)v;
            v >>= 8;
        }
    }
}

/* 64x64 -> 128 product: returns the low half, *hi the high half. */
static inline uint64_t mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
#if defined(__SIZEOF_INT128__) && !defined(MP_W256_PORTABLE)
    unsigned __int128 p = (unsigned __int128)a * b;
    *hi = (uint64_t)(p >> 64);
    return (uint64_t)p;
#else
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)ll;
#endif
}

/* r[0..na+nb) = a[0..na) * b[0..nb), full product. */
static void mul_full(uint64_t *r, const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    memset(r, 0, (na + nb) * sizeof *r);
    for (size_t i = 0; i < na; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < nb; j++) {
            uint64_t hi, lo = mul64(a[i], b[j], &hi);
            lo += carry;
            hi += lo < carry;
            uint64_t s = r[i + j] + lo;
            hi += s < lo;
            r[i + j] = s;
            carry = hi;
        }
        r[i + nb] = carry;
    }
}

void mp_w256_mul(mp_w256 *r, const mp_w256 *a, const mp_w256 *b)
{
    uint64_t out[4] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; i + j < 4; j++) {
            uint64_t hi, lo = mul64(a->w[i], b->w[j], &hi);
            lo += carry;
            hi += lo < carry;
            uint64_t s = out[i + j] + lo;
            hi += s < lo;
            out[i + j] = s;
            carry = hi;
        }
    }
    memcpy(r->w, out, sizeof out);
}

static int nlz32(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Knuth D: u[0..m) / v[0..n) with v[n-1] != 0 and m >= n; q gets m-n+1
 * digits, r gets n digits. */
static void divmnu(uint32_t *q, uint32_t *r, const uint32_t *u, int m, const uint32_t *v, int n)
{
    if (n == 1) {
        uint64_t k = 0;
        for (int j = m - 1; j >= 0; j--) {
            k = (k << 32) | u[j];
            q[j] = (uint32_t)(k / v[0]);
            k %= v[0];
        }
        r[0] = (uint32_t)k;
        return;
    }
    uint32_t vn[16], un[33];
    int s = nlz32(v[n - 1]);
    for (int i = n - 1; i > 0; i--)
        vn[i] = (v[i] << s) | (s ? v[i - 1] >> (32 - s) : 0);
    vn[0] = v[0] << s;
    un[m] = s ? u[m - 1] >> (32 - s) : 0;
    for (int i = m - 1; i > 0; i--)
        un[i] = (u[i] << s) | (s ? u[i - 1] >> (32 - s) : 0);
    un[0] = u[0] << s;
    for (int j = m - n; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1], rhat = num % vn[n - 1];
        while (qhat >> 32 || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >> 32)
                break;
        }
        int64_t k = 0, t;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i];
            t = (int64_t)un[i + j] - k - (int64_t)(p & 0xffffffffu);
            un[i + j] = (uint32_t)t;
            k = (int64_t)(p >> 32) - (t >> 32);
        }
        t = (int64_t)un[j + n] - k;
        un[j + n] = (uint32_t)t;
        q[j] = (uint32_t)qhat;
        if (t < 0) {
            q[j]--;
            uint64_t c = 0;
            for (int i = 0; i < n; i++) {
                uint64_t sum = (uint64_t)un[i + j] + vn[i] + c;
                un[i + j] = (uint32_t)sum;
                c = sum >> 32;
            }
            un[j + n] += (uint32_t)c;
        }
    }
    for (int i = 0; i < n; i++)
        r[i] = (un[i] >> s) | (s ? un[i + 1] << (32 - s) : 0);
}

/* q (nu limbs), r (4 limbs) = u[0..nu) divided by v (4 limbs, nonzero); nu <= 8. */
static void divmod_limbs(uint64_t *q, uint64_t *r, const uint64_t *u, int nu, const uint64_t *v)
{
    uint32_t u32[16], v32[8], q32[16] = {0}, r32[8] = {0};
    int m = 2 * nu, n = 8;
    for (int i = 0; i < nu; i++) {
        u32[2 * i] = (uint32_t)u[i];
        u32[2 * i + 1] = (uint32_t)(u[i] >> 32);
    }
    for (int i = 0; i < 4; i++) {
        v32[2 * i] = (uint32_t)v[i];
        v32[2 * i + 1] = (uint32_t)(v[i] >> 32);
    }
    while (n > 0 && v32[n - 1] == 0)
        n--;
    while (m > 0 && u32[m - 1] == 0)
        m--;
    if (m < n) {
        if (q)
            memset(q, 0, (size_t)nu * sizeof *q);
        if (r) {
            memset(r, 0, 4 * sizeof *r);
            memcpy(r, u, (size_t)(nu < 4 ? nu : 4) * sizeof *r);
        }
        return;
    }
    divmnu(q32, r32, u32, m, v32, n);
    if (q)
        for (int i = 0; i < nu; i++)
            q[i] = q32[2 * i] | ((uint64_t)q32[2 * i + 1] << 32);
    if (r)
        for (int i = 0; i < 4; i++)
            r[i] = r32[2 * i] | ((uint64_t)r32[2 * i + 1] << 32);
}

void mp_w256_divmod(mp_w256 *q, mp_w256 *m, const mp_w256 *a, const mp_w256 *b)
{
    if (mp_w256_is_zero(b)) {
        if (q)
            *q = mp_w256_u64(0);
        if (m)
            *m = mp_w256_u64(0);
        return;
    }
    if (mp_w256_fits_u64(a) && mp_w256_fits_u64(b)) {
        uint64_t x = a->w[0], y = b->w[0];
        if (q)
            *q = mp_w256_u64(x / y);
        if (m)
            *m = mp_w256_u64(x % y);
        return;
    }
    uint64_t qq[4], rr[4];
    divmod_limbs(qq, rr, a->w, 4, b->w);
    if (q)
        memcpy(q->w, qq, sizeof qq);
    if (m)
        memcpy(m->w, rr, sizeof rr);
}

static bool is_neg(const mp_w256 *a)
{
    return (a->w[3] >> 63) != 0;
}

static void neg(mp_w256 *r, const mp_w256 *a)
{
    mp_w256 z = mp_w256_u64(0);
    mp_w256_sub(r, &z, a);
}

void mp_w256_sdiv(mp_w256 *r, const mp_w256 *a, const mp_w256 *b)
{
    mp_w256 x = *a, y = *b;
    bool na = is_neg(&x), nb = is_neg(&y);
    if (na)
        neg(&x, &x);
    if (nb)
        neg(&y, &y);
    mp_w256_divmod(r, NULL, &x, &y);
    if (na != nb)
        neg(r, r);
}

void mp_w256_smod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b)
{
    mp_w256 x = *a, y = *b;
    bool na = is_neg(&x);
    if (na)
        neg(&x, &x);
    if (is_neg(&y))
        neg(&y, &y);
    mp_w256_divmod(NULL, r, &x, &y);
    if (na)
        neg(r, r);
}

void mp_w256_addmod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b, const mp_w256 *n)
{
    if (mp_w256_is_zero(n)) {
        *r = mp_w256_u64(0);
        return;
    }
    uint64_t s[5];
    mp_w256 t;
    s[4] = mp_w256_add(&t, a, b);
    memcpy(s, t.w, sizeof t.w);
    uint64_t rr[4], qq[5];
    divmod_limbs(qq, rr, s, 5, n->w);
    memcpy(r->w, rr, sizeof rr);
}

void mp_w256_mulmod(mp_w256 *r, const mp_w256 *a, const mp_w256 *b, const mp_w256 *n)
{
    if (mp_w256_is_zero(n)) {
        *r = mp_w256_u64(0);
        return;
    }
    uint64_t p[8], qq[8], rr[4];
    mul_full(p, a->w, 4, b->w, 4);
    divmod_limbs(qq, rr, p, 8, n->w);
    memcpy(r->w, rr, sizeof rr);
}

void mp_w256_exp(mp_w256 *r, const mp_w256 *base, const mp_w256 *e)
{
    mp_w256 acc = mp_w256_u64(1), b = *base;
    unsigned bits = mp_w256_bits(e);
    for (unsigned i = 0; i < bits; i++) {
        if ((e->w[i / 64] >> (i % 64)) & 1)
            mp_w256_mul(&acc, &acc, &b);
        if (i + 1 < bits)
            mp_w256_mul(&b, &b, &b);
    }
    *r = acc;
}

void mp_w256_signextend(mp_w256 *r, const mp_w256 *b, const mp_w256 *x)
{
    if (!mp_w256_fits_u64(b) || b->w[0] >= 31) {
        *r = *x;
        return;
    }
    unsigned bit = (unsigned)b->w[0] * 8 + 7;
    bool sign = (x->w[bit / 64] >> (bit % 64)) & 1;
    mp_w256 out = *x;
    for (unsigned i = 0; i < 4; i++) {
        unsigned lo = i * 64;
        if (lo + 63 <= bit)
            continue;
        uint64_t mask = lo > bit ? ~(uint64_t)0 : ~(uint64_t)0 << (bit - lo + 1);
        out.w[i] = sign ? (out.w[i] | mask) : (out.w[i] & ~mask);
    }
    *r = out;
}

void mp_w256_byte(mp_w256 *r, const mp_w256 *i, const mp_w256 *x)
{
    if (!mp_w256_fits_u64(i) || i->w[0] >= 32) {
        *r = mp_w256_u64(0);
        return;
    }
    unsigned pos = 31 - (unsigned)i->w[0]; /* byte index from the least significant */
    *r = mp_w256_u64((x->w[pos / 8] >> ((pos % 8) * 8)) & 0xff);
}

static void shl_n(mp_w256 *r, const mp_w256 *x, unsigned n)
{
    mp_w256 out = mp_w256_u64(0);
    unsigned limbs = n / 64, bits = n % 64;
    for (int i = 3; i >= (int)limbs; i--) {
        uint64_t v = x->w[i - limbs] << bits;
        if (bits && i - (int)limbs - 1 >= 0)
            v |= x->w[i - limbs - 1] >> (64 - bits);
        out.w[i] = v;
    }
    *r = out;
}

static void shr_n(mp_w256 *r, const mp_w256 *x, unsigned n, uint64_t fill)
{
    mp_w256 out = {{fill, fill, fill, fill}};
    unsigned limbs = n / 64, bits = n % 64;
    for (unsigned i = 0; i + limbs < 4; i++) {
        uint64_t v = x->w[i + limbs] >> bits;
        uint64_t next = i + limbs + 1 < 4 ? x->w[i + limbs + 1] : fill;
        if (bits)
            v |= next << (64 - bits);
        out.w[i] = v;
    }
    *r = out;
}

void mp_w256_shl(mp_w256 *r, const mp_w256 *s, const mp_w256 *x)
{
    if (!mp_w256_fits_u64(s) || s->w[0] >= 256)
        *r = mp_w256_u64(0);
    else
        shl_n(r, x, (unsigned)s->w[0]);
}

void mp_w256_shr(mp_w256 *r, const mp_w256 *s, const mp_w256 *x)
{
    if (!mp_w256_fits_u64(s) || s->w[0] >= 256)
        *r = mp_w256_u64(0);
    else
        shr_n(r, x, (unsigned)s->w[0], 0);
}

void mp_w256_sar(mp_w256 *r, const mp_w256 *s, const mp_w256 *x)
{
    uint64_t fill = is_neg(x) ? ~(uint64_t)0 : 0;
    if (!mp_w256_fits_u64(s) || s->w[0] >= 256) {
        mp_w256 f = {{fill, fill, fill, fill}};
        *r = f;
    } else {
        shr_n(r, x, (unsigned)s->w[0], fill);
    }
}

unsigned mp_w256_bits(const mp_w256 *a)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i]) {
            unsigned n = 64;
            uint64_t v = a->w[i];
            while (!(v >> 63)) {
                v <<= 1;
                n--;
            }
            return (unsigned)i * 64 + n;
        }
    return 0;
}
