/*
** u256.c: 32-byte big-endian integers to and from text (see include/mpavs/u256.h).
**
** Schoolbook multiply-by-10 and divide-by-10 over bytes: 78 digits at most,
** so speed does not matter and the code stays obviously correct.
*/
#include "mpavs/u256.h"
#include "mpavs/hex.h"

#include <string.h>

void mp_u256_from_u64(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 31; i >= 24; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

bool mp_u256_to_u64(uint64_t *out, const uint8_t v[32])
{
    for (int i = 0; i < 24; i++)
        if (v[i])
            return false;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++)
        x = x << 8 | v[i];
    *out = x;
    return true;
}

/* v = v * 10 + digit; returns the carry out of the top byte (non-zero = overflow). */
static unsigned mul10_add(uint8_t v[32], unsigned digit)
{
    unsigned carry = digit;
    for (int i = 31; i >= 0; i--) {
        unsigned x = v[i] * 10u + carry;
        v[i] = (uint8_t)x;
        carry = x >> 8;
    }
    return carry;
}

int mp_u256_from_dec_n(uint8_t out[32], const char *text, size_t len, mp_err *err)
{
    uint8_t v[32] = {0};
    if (text == NULL || len == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "empty number");
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return MP_FAIL(err, MP_ERR_INVALID, "not a decimal digit at position %zu of \"%.*s\"",
                           i, (int)(len < 40 ? len : 40), text);
        if (mul10_add(v, (unsigned)(text[i] - '0')) != 0)
            return MP_FAIL(err, MP_ERR_INVALID, "number does not fit in 256 bits: \"%.*s...\"",
                           (int)(len < 40 ? len : 40), text);
    }
    memcpy(out, v, 32);
    return MP_OK;
}

int mp_u256_from_dec(uint8_t out[32], const char *text, mp_err *err)
{
    return mp_u256_from_dec_n(out, text, text ? strlen(text) : 0, err);
}

int mp_u256_from_text(uint8_t out[32], const char *text, mp_err *err)
{
    if (text != NULL && mp_hex_has_0x(text)) {
        if (text[2] == 0)
            return MP_FAIL(err, MP_ERR_INVALID, "empty hex number \"0x\"");
        return mp_hex_decode_quantity(out, 32, text, err);
    }
    return mp_u256_from_dec(out, text, err);
}

/* v = v / 10, returns the remainder. */
static unsigned div10(uint8_t v[32])
{
    unsigned rem = 0;
    for (int i = 0; i < 32; i++) {
        unsigned x = rem << 8 | v[i];
        v[i] = (uint8_t)(x / 10);
        rem = x % 10;
    }
    return rem;
}

static bool is_zero(const uint8_t v[32])
{
    for (int i = 0; i < 32; i++)
        if (v[i])
            return false;
    return true;
}

/* Writes at most 79 bytes (78 digits and a NUL). */
static void write_dec(char *out, const uint8_t v[32])
{
    uint8_t t[32];
    char rev[MP_U256_DEC_MAX];
    size_t n = 0;
    memcpy(t, v, 32);
    do {
        rev[n++] = (char)('0' + div10(t));
    } while (!is_zero(t));
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = 0;
}

void mp_u256_to_dec(char out[MP_U256_DEC_MAX], const uint8_t v[32])
{
    write_dec(out, v);
}

void mp_u256_to_dec_signed(char out[MP_U256_DEC_MAX], const uint8_t v[32])
{
    if ((v[0] & 0x80) == 0) {
        write_dec(out, v);
        return;
    }
    uint8_t t[32];
    memcpy(t, v, 32);
    mp_u256_negate(t);
    out[0] = '-';
    write_dec(out + 1, t);
}

void mp_u256_negate(uint8_t v[32])
{
    unsigned carry = 1;
    for (int i = 31; i >= 0; i--) {
        unsigned x = (uint8_t)~v[i] + carry;
        v[i] = (uint8_t)x;
        carry = x >> 8;
    }
}

int mp_u256_cmp(const uint8_t a[32], const uint8_t b[32])
{
    int c = memcmp(a, b, 32);
    return (c > 0) - (c < 0);
}
