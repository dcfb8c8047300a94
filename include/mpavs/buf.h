/*
** buf.h: a growable byte buffer, the one way mpavs builds variable-size output
** (ABI encodings, RLP, JSON bodies, raw transactions).
**
** A buffer that failed to grow stays valid and keeps its old content, and the
** failure is sticky (b->oom), so a sequence of appends can be checked once.
*/
#ifndef MPAVS_BUF_H
#define MPAVS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

typedef struct mp_buf {
    uint8_t *data; /* heap storage, NULL while empty */
    size_t len;    /* bytes in use */
    size_t cap;    /* bytes allocated */
    bool oom;      /* an append failed; content is what was there before it */
} mp_buf;

#define MP_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/** Makes room for extra more bytes. Returns MP_OK or MP_ERR_NOMEM. */
MP_WUR int mp_buf_reserve(mp_buf *b, size_t extra);
/** Appends n bytes; on failure sets b->oom. Returns MP_OK or MP_ERR_NOMEM. */
int mp_buf_append(mp_buf *b, const void *p, size_t n);
/** Appends one byte. */
int mp_buf_push(mp_buf *b, uint8_t byte);
/** Appends n zero bytes. */
int mp_buf_zeros(mp_buf *b, size_t n);
/** Appends a NUL-terminated string without its NUL. */
int mp_buf_puts(mp_buf *b, const char *s);
/** Appends printf-formatted text (no NUL kept in len; data stays NUL-terminated). */
int mp_buf_printf(mp_buf *b, const char *fmt, ...) MP_PRINTF(2, 3);
/** Returns MP_ERR_NOMEM (filling err) if any append failed, else MP_OK. */
MP_WUR int mp_buf_check(const mp_buf *b, mp_err *err);
/** Frees storage; the buffer is empty and reusable afterwards. */
void mp_buf_free(mp_buf *b);
/** Wipes then frees storage (for buffers that held secrets). */
void mp_buf_clear(mp_buf *b);
/** Hands the storage to the caller (who frees it) and empties b. */
uint8_t *mp_buf_take(mp_buf *b, size_t *len);

#endif /* MPAVS_BUF_H */
