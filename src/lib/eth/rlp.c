/*
** rlp.c: RLP encoding and strict decoding (see include/mpavs/rlp.h).
**
** All length arithmetic compares against what is left rather than adding to
** pointers, so a hostile 8-byte length cannot wrap around.
*/
#include "mpavs/rlp.h"

#include <string.h>

/* Number of bytes needed to write n big-endian without leading zeros. */
static size_t be_len(uint64_t n)
{
    size_t k = 0;
    while (n) {
        k++;
        n >>= 8;
    }
    return k;
}

/* Writes the header for a payload of len bytes; offset 0x80 strings, 0xc0 lists. */
static size_t header(uint8_t out[9], uint8_t offset, uint64_t len)
{
    if (len <= 55) {
        out[0] = (uint8_t)(offset + len);
        return 1;
    }
    size_t k = be_len(len);
    out[0] = (uint8_t)(offset + 55 + k);
    for (size_t i = 0; i < k; i++)
        out[k - i] = (uint8_t)(len >> (8 * i));
    return 1 + k;
}

void mp_rlp_put_bytes(mp_buf *b, const void *p, size_t n)
{
    const uint8_t *s = p;
    if (n == 1 && s[0] < 0x80) {
        mp_buf_push(b, s[0]);
        return;
    }
    uint8_t h[9];
    mp_buf_append(b, h, header(h, 0x80, n));
    mp_buf_append(b, s, n);
}

void mp_rlp_put_uint_be(mp_buf *b, const uint8_t *be, size_t n)
{
    while (n > 0 && be[0] == 0) {
        be++;
        n--;
    }
    mp_rlp_put_bytes(b, be, n);
}

void mp_rlp_put_u64(mp_buf *b, uint64_t v)
{
    uint8_t be[8];
    for (int i = 7; i >= 0; i--) {
        be[i] = (uint8_t)v;
        v >>= 8;
    }
    mp_rlp_put_uint_be(b, be, 8);
}

size_t mp_rlp_list_begin(const mp_buf *b)
{
    return b->len;
}

void mp_rlp_list_end(mp_buf *b, size_t mark)
{
    if (b->oom || mark > b->len)
        return;
    uint8_t h[9];
    size_t payload = b->len - mark, hl = header(h, 0xc0, payload);
    if (mp_buf_reserve(b, hl) != MP_OK)
        return;
    memmove(b->data + mark + hl, b->data + mark, payload);
    memcpy(b->data + mark, h, hl);
    b->len += hl;
    b->data[b->len] = 0;
}

/* Reads a k-byte big-endian length (k <= 8) that must have no leading zero. */
static int long_length(const uint8_t *p, size_t k, uint64_t *len, mp_err *err)
{
    if (p[0] == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP length has a leading zero byte");
    uint64_t v = 0;
    for (size_t i = 0; i < k; i++)
        v = v << 8 | p[i];
    if (v <= 55)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP long form used for a length of %llu (<= 55)",
                       (unsigned long long)v);
    *len = v;
    return MP_OK;
}

int mp_rlp_next(mp_rlp_item *out, const uint8_t **cur, size_t *left, mp_err *err)
{
    const uint8_t *p = *cur;
    size_t avail = *left;
    if (avail == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP input ends where an item was expected");
    uint8_t b = p[0];
    size_t hl = 1;
    uint64_t len = 0;
    if (b < 0x80) {
        hl = 0;
        len = 1;
    } else if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
        len = (uint64_t)(b - (b < 0xc0 ? 0x80 : 0xc0));
    } else {
        size_t k = (size_t)(b - (b < 0xc0 ? 0xb7 : 0xf7));
        if (avail < 1 + k)
            return MP_FAIL(err, MP_ERR_PARSE, "RLP length bytes run past the end");
        MP_TRY(long_length(p + 1, k, &len, err));
        hl = 1 + k;
    }
    if (len > avail - hl)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP item of %llu bytes runs past the end (%zu left)",
                       (unsigned long long)len, avail - hl);
    if (b >= 0x80 && b < 0xc0 && len == 1 && p[1] < 0x80)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP single byte 0x%02x must not have a header", p[1]);
    out->is_list = b >= 0xc0;
    out->payload = p + hl;
    out->len = (size_t)len;
    out->raw = p;
    out->raw_len = hl + (size_t)len;
    *cur = p + out->raw_len;
    *left = avail - out->raw_len;
    return MP_OK;
}

int mp_rlp_decode(mp_rlp_item *out, const uint8_t *data, size_t len, mp_err *err)
{
    const uint8_t *cur = data;
    size_t left = len;
    MP_TRY(mp_rlp_next(out, &cur, &left, err));
    if (left != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "%zu bytes after the RLP item", left);
    return MP_OK;
}

int mp_rlp_list_items(const mp_rlp_item *list, mp_rlp_item *items, size_t n, const char *what,
                      mp_err *err)
{
    if (!list->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: expected an RLP list, got a string", what);
    const uint8_t *cur = list->payload;
    size_t left = list->len, i = 0;
    for (; left > 0; i++) {
        if (i == n)
            return MP_FAIL(err, MP_ERR_PARSE, "%s: more than %zu fields", what, n);
        int rc = mp_rlp_next(&items[i], &cur, &left, err);
        if (rc != MP_OK) {
            mp_err_wrap(err, "%s field %zu", what, i);
            return rc;
        }
    }
    if (i != n)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: %zu fields, expected %zu", what, i, n);
    return MP_OK;
}

static int validate_items(const uint8_t *p, size_t left, int depth, mp_err *err)
{
    if (depth > MP_RLP_MAX_DEPTH)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP nested deeper than %d lists", MP_RLP_MAX_DEPTH);
    while (left > 0) {
        mp_rlp_item it;
        MP_TRY(mp_rlp_next(&it, &p, &left, err));
        if (it.is_list)
            MP_TRY(validate_items(it.payload, it.len, depth + 1, err));
    }
    return MP_OK;
}

int mp_rlp_validate(const uint8_t *data, size_t len, mp_err *err)
{
    mp_rlp_item top;
    MP_TRY(mp_rlp_decode(&top, data, len, err));
    return top.is_list ? validate_items(top.payload, top.len, 1, err) : MP_OK;
}

int mp_rlp_to_uint_be(const mp_rlp_item *it, uint8_t *out, size_t n, mp_err *err)
{
    if (it->is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "expected an RLP integer, got a list");
    if (it->len > 0 && it->payload[0] == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP integer has a leading zero byte");
    if (it->len > n)
        return MP_FAIL(err, MP_ERR_PARSE, "RLP integer of %zu bytes does not fit in %zu", it->len,
                       n);
    memset(out, 0, n - it->len);
    if (it->len)
        memcpy(out + n - it->len, it->payload, it->len);
    return MP_OK;
}

int mp_rlp_to_u64(const mp_rlp_item *it, uint64_t *v, mp_err *err)
{
    uint8_t be[8];
    MP_TRY(mp_rlp_to_uint_be(it, be, 8, err));
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | be[i];
    *v = x;
    return MP_OK;
}
