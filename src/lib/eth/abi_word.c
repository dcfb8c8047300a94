/*
** abi_word.c: direct ABI word helpers for code that knows its layout (see
** include/mpavs/abi.h): building calldata word by word and reading return
** data by word index, with the same range checks as the full decoder.
*/
#include "abi_int.h"
#include "mpavs/u256.h"

#include <string.h>

void mp_abi_put_word(mp_buf *b, const uint8_t w[32])
{
    mp_buf_append(b, w, 32);
}

void mp_abi_put_u64(mp_buf *b, uint64_t v)
{
    uint8_t w[32];
    mp_u256_from_u64(w, v);
    mp_buf_append(b, w, 32);
}

void mp_abi_address_word(uint8_t w[32], const uint8_t addr[20])
{
    memset(w, 0, 12);
    memcpy(w + 12, addr, 20);
}

void mp_abi_put_address(mp_buf *b, const uint8_t addr[20])
{
    uint8_t w[32];
    mp_abi_address_word(w, addr);
    mp_buf_append(b, w, 32);
}

void mp_abi_put_bool(mp_buf *b, bool v)
{
    mp_abi_put_u64(b, v ? 1 : 0);
}

void mp_abi_put_tail_bytes(mp_buf *b, const void *p, size_t n)
{
    mp_abi_put_u64(b, n);
    if (n)
        mp_buf_append(b, p, n);
    mp_buf_zeros(b, (32 - n % 32) % 32);
}

size_t mp_abi_tail_bytes_len(size_t n)
{
    return 32 + (n + 31) / 32 * 32;
}

int mp_abi_put_selector(mp_buf *b, const char *sig, mp_err *err)
{
    uint8_t sel[4];
    MP_TRY(mp_abi_selector(sel, sig, err));
    mp_buf_append(b, sel, 4);
    return mp_buf_check(b, err);
}

int mp_abi_read_word(const uint8_t **w, const uint8_t *data, size_t len, size_t index, mp_err *err)
{
    if (index >= len / 32)
        return MP_FAIL(err, MP_ERR_PARSE, "return data has %zu words, word %zu was asked for",
                       len / 32, index);
    *w = data + 32 * index;
    return MP_OK;
}

/* Reads word index and checks it against a scalar type. */
static int read_typed(const uint8_t **w, mp_abi_kind kind, unsigned size, const uint8_t *data,
                      size_t len, size_t index, mp_err *err)
{
    MP_TRY(mp_abi_read_word(w, data, len, index, err));
    mp_abi_type t = {.kind = kind, .size = size};
    return mp_abi_check_word(&t, *w, 32 * index, MP_ERR_PARSE, err);
}

int mp_abi_read_u64(uint64_t *v, const uint8_t *data, size_t len, size_t index, mp_err *err)
{
    const uint8_t *w = NULL;
    MP_TRY(read_typed(&w, MP_ABI_UINT, 64, data, len, index, err));
    mp_u256_to_u64(v, w);
    return MP_OK;
}

int mp_abi_read_address(uint8_t addr[20], const uint8_t *data, size_t len, size_t index,
                        mp_err *err)
{
    const uint8_t *w = NULL;
    MP_TRY(read_typed(&w, MP_ABI_ADDRESS, 0, data, len, index, err));
    memcpy(addr, w + 12, 20);
    return MP_OK;
}

int mp_abi_read_bool(bool *v, const uint8_t *data, size_t len, size_t index, mp_err *err)
{
    const uint8_t *w = NULL;
    MP_TRY(read_typed(&w, MP_ABI_BOOL, 0, data, len, index, err));
    *v = w[31] == 1;
    return MP_OK;
}

int mp_abi_read_bytes32(uint8_t out[32], const uint8_t *data, size_t len, size_t index, mp_err *err)
{
    const uint8_t *w = NULL;
    MP_TRY(mp_abi_read_word(&w, data, len, index, err));
    memcpy(out, w, 32);
    return MP_OK;
}

int mp_abi_read_bytes(const uint8_t **p, size_t *n, const uint8_t *data, size_t len, size_t index,
                      mp_err *err)
{
    /* Offsets of top-level parameters are relative to the start of data. */
    uint64_t off;
    MP_TRY(mp_abi_read_u64(&off, data, len, index, err));
    if (off > len || len - off < 32)
        return MP_FAIL(err, MP_ERR_PARSE, "bytes offset %llu in word %zu points past the end",
                       (unsigned long long)off, index);
    uint64_t blen;
    MP_TRY(mp_abi_read_u64(&blen, data + off, len - off, 0, err));
    size_t avail = len - (size_t)off - 32;
    if (blen > avail)
        return MP_FAIL(err, MP_ERR_PARSE, "bytes length %llu runs past the end (%zu left)",
                       (unsigned long long)blen, avail);
    *p = data + off + 32;
    *n = (size_t)blen;
    return MP_OK;
}
