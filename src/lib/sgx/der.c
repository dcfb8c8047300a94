/*
** der.c: a bounded DER reader for the SGX extension of PCK certificates, and
** the few writers the simulation needs to build one.
**
** Only what DER allows is accepted: single-byte tags, definite lengths in
** their shortest form, minimal INTEGERs. Every read is checked against the
** bytes left, so hostile input can only make it fail.
*/
#include "sgx/sgx_util.h"

#include <assert.h>

int mp_der_next(mp_der *in, uint8_t *tag, mp_der *val, mp_err *err)
{
    if (in->n < 2)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: truncated element");
    uint8_t t = in->p[0], l0 = in->p[1];
    if ((t & 0x1f) == 0x1f)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: multi-byte tags are not supported");
    size_t hdr = 2, len = l0;
    if (l0 & 0x80) {
        size_t nb = l0 & 0x7f;
        if (nb == 0 || nb > 4)
            return MP_FAIL(err, MP_ERR_PARSE, "DER: bad length encoding");
        if (in->n < 2 + nb)
            return MP_FAIL(err, MP_ERR_PARSE, "DER: truncated length");
        len = 0;
        for (size_t i = 0; i < nb; i++)
            len = len << 8 | in->p[2 + i];
        if (in->p[2] == 0 || len < 0x80)
            return MP_FAIL(err, MP_ERR_PARSE, "DER: length not in its shortest form");
        hdr += nb;
    }
    if (len > in->n - hdr)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: element longer than its container");
    *tag = t;
    val->p = in->p + hdr;
    val->n = len;
    in->p += hdr + len;
    in->n -= hdr + len;
    return MP_OK;
}

int mp_der_expect(mp_der *in, uint8_t tag, mp_der *val, mp_err *err)
{
    uint8_t t;
    MP_TRY(mp_der_next(in, &t, val, err));
    if (t != tag)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: tag 0x%02x where 0x%02x was expected", t, tag);
    return MP_OK;
}

int mp_der_uint(const mp_der *val, uint64_t max, uint64_t *out, mp_err *err)
{
    if (val->n == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: empty INTEGER");
    if (val->p[0] & 0x80)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: negative INTEGER");
    if (val->n > 1 && val->p[0] == 0 && !(val->p[1] & 0x80))
        return MP_FAIL(err, MP_ERR_PARSE, "DER: INTEGER not minimally encoded");
    if (val->n > 9 || (val->n == 9 && val->p[0] != 0))
        return MP_FAIL(err, MP_ERR_PARSE, "DER: INTEGER too large");
    uint64_t v = 0;
    for (size_t i = 0; i < val->n; i++)
        v = v << 8 | val->p[i];
    if (v > max)
        return MP_FAIL(err, MP_ERR_PARSE, "DER: INTEGER %llu above %llu", (unsigned long long)v,
                       (unsigned long long)max);
    *out = v;
    return MP_OK;
}

void mp_der_put_tlv(mp_buf *b, uint8_t tag, const uint8_t *content, size_t len)
{
    assert(len <= 0xffff); /* at most two length bytes: the simulation's items are small */
    mp_buf_push(b, tag);
    if (len < 0x80) {
        mp_buf_push(b, (uint8_t)len);
    } else if (len < 0x100) {
        mp_buf_push(b, 0x81);
        mp_buf_push(b, (uint8_t)len);
    } else {
        mp_buf_push(b, 0x82);
        mp_buf_push(b, (uint8_t)(len >> 8));
        mp_buf_push(b, (uint8_t)len);
    }
    mp_buf_append(b, content, len);
}

void mp_der_put_uint(mp_buf *b, uint8_t tag, uint64_t v)
{
    uint8_t tmp[9];
    size_t n = 0;
    do {
        tmp[8 - n++] = (uint8_t)v;
        v >>= 8;
    } while (v);
    if (tmp[9 - n] & 0x80)
        tmp[8 - n++] = 0;
    mp_der_put_tlv(b, tag, tmp + 9 - n, n);
}
