/*
** buf.c: growable byte buffer (see include/mpavs/buf.h).
**
** Capacity doubles so that n appends cost O(n) copies overall; data is kept
** NUL-terminated one past len so text built here can be used as a C string.
*/
#include "mpavs/buf.h"
#include "mpavs/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mp_buf_reserve(mp_buf *b, size_t extra)
{
    if (b->oom)
        return MP_ERR_NOMEM;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = true;
        return MP_ERR_NOMEM;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MP_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = realloc(b->data, cap);
    if (p == NULL) {
        b->oom = true;
        return MP_ERR_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return MP_OK;
}

int mp_buf_append(mp_buf *b, const void *p, size_t n)
{
    if (mp_buf_reserve(b, n) != MP_OK)
        return MP_ERR_NOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return MP_OK;
}

int mp_buf_push(mp_buf *b, uint8_t byte)
{
    return mp_buf_append(b, &byte, 1);
}

int mp_buf_zeros(mp_buf *b, size_t n)
{
    if (mp_buf_reserve(b, n) != MP_OK)
        return MP_ERR_NOMEM;
    memset(b->data + b->len, 0, n);
    b->len += n;
    b->data[b->len] = 0;
    return MP_OK;
}

int mp_buf_puts(mp_buf *b, const char *s)
{
    return mp_buf_append(b, s, strlen(s));
}

int mp_buf_printf(mp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || mp_buf_reserve(b, (size_t)n) != MP_OK)
        return MP_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MP_OK;
}

int mp_buf_check(const mp_buf *b, mp_err *err)
{
    if (b->oom)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory building a buffer");
    return MP_OK;
}

void mp_buf_free(mp_buf *b)
{
    free(b->data);
    *b = (mp_buf)MP_BUF_INIT;
}

void mp_buf_clear(mp_buf *b)
{
    if (b->data)
        mp_memzero(b->data, b->cap);
    mp_buf_free(b);
}

uint8_t *mp_buf_take(mp_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len)
        *len = b->len;
    *b = (mp_buf)MP_BUF_INIT;
    return p;
}
