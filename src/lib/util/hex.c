/*
** hex.c: hex encoding and decoding (see include/mpavs/hex.h).
*/
#include "mpavs/hex.h"

#include <stdlib.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

void mp_hex_encode(char *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

void mp_hex_encode0x(char *out, const uint8_t *in, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    mp_hex_encode(out + 2, in, n);
}

char *mp_hex_dup0x(const uint8_t *in, size_t n)
{
    char *s = malloc(2 * n + 3);
    if (s)
        mp_hex_encode0x(s, in, n);
    return s;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool mp_hex_has_0x(const char *text)
{
    return text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

const char *mp_hex_skip_0x(const char *text)
{
    return mp_hex_has_0x(text) ? text + 2 : text;
}

/* Decodes ndigits digits of s into out (ndigits even); reports the first bad one. */
static int decode_digits(uint8_t *out, const char *s, size_t ndigits, mp_err *err)
{
    for (size_t i = 0; i < ndigits; i += 2) {
        int hi = hex_nibble(s[i]), lo = hex_nibble(s[i + 1]);
        if (hi < 0 || lo < 0) {
            size_t at = i + (hi < 0 ? 0 : 1);
            return MP_FAIL(err, MP_ERR_INVALID, "not a hex digit at position %zu", at);
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return MP_OK;
}

int mp_hex_decode_exact(uint8_t *out, size_t outlen, const char *hex, mp_err *err)
{
    if (hex == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "missing hex value");
    const char *s = mp_hex_skip_0x(hex);
    size_t n = strlen(s);
    if (n != 2 * outlen)
        return MP_FAIL(err, MP_ERR_INVALID, "expected %zu bytes of hex, got %zu hex digits", outlen,
                       n);
    return decode_digits(out, s, n, err);
}

int mp_hex_decode_buf(mp_buf *out, const char *hex, mp_err *err)
{
    if (hex == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "missing hex value");
    const char *s = mp_hex_skip_0x(hex);
    size_t n = strlen(s);
    if (n % 2)
        return MP_FAIL(err, MP_ERR_INVALID, "hex has an odd number of digits (%zu)", n);
    if (mp_buf_reserve(out, n / 2) != MP_OK)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory decoding hex");
    MP_TRY(decode_digits(out->data + out->len, s, n, err));
    out->len += n / 2;
    out->data[out->len] = 0;
    return MP_OK;
}

int mp_hex_decode_quantity(uint8_t *out, size_t outlen, const char *hex, mp_err *err)
{
    if (hex == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "missing hex quantity");
    const char *s = mp_hex_skip_0x(hex);
    size_t n = strlen(s);
    if (n == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "empty hex quantity");
    while (n > 1 && s[0] == '0') {
        s++;
        n--;
    }
    if (n > 2 * outlen)
        return MP_FAIL(err, MP_ERR_INVALID, "hex quantity does not fit in %zu bytes", outlen);
    memset(out, 0, outlen);
    uint8_t *dst = out + outlen - (n + 1) / 2;
    if (n % 2) {
        int lo = hex_nibble(s[0]);
        if (lo < 0)
            return MP_FAIL(err, MP_ERR_INVALID, "not a hex digit at position 0");
        *dst++ = (uint8_t)lo;
        s++;
        n--;
    }
    return decode_digits(dst, s, n, err);
}

int mp_hex_to_u64(uint64_t *out, const char *hex, mp_err *err)
{
    uint8_t be[8];
    MP_TRY(mp_hex_decode_quantity(be, sizeof be, hex, err));
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | be[i];
    *out = v;
    return MP_OK;
}
