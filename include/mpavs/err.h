/*
** err.h: the one error convention of mpavs.
**
** Every fallible function returns an int: MP_OK (0) or a code from enum mp_rc.
** The low byte of a code is its class; a detail number may sit above it
** (code = class | n << 8), as SQLite's extended result codes do, so
** mp_rc_class(rc) always tells which kind of failure happened.
**
** A fallible function may take a last argument "mp_err *err" (NULL allowed).
** On failure it fills it through MP_FAIL with the code, a message naming the
** problem, and the file and line where the failure was detected. Messages
** never contain secrets (keys, passwords, plaintext).
*/
#ifndef MPAVS_ERR_H
#define MPAVS_ERR_H

#include <stddef.h>

#if defined(__GNUC__)
#define MP_WUR          __attribute__((warn_unused_result))
#define MP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MP_WUR
#define MP_PRINTF(a, b)
#endif

/* beginning-of-error-codes */
enum mp_rc {
    MP_OK = 0,            /* success */
    MP_ERR_INVALID = 1,   /* malformed or out-of-range input */
    MP_ERR_NOMEM = 2,     /* allocation failed */
    MP_ERR_IO = 3,        /* file or socket I/O failed */
    MP_ERR_PARSE = 4,     /* a document (JSON, DER, PEM, ...) does not parse */
    MP_ERR_VERIFY = 5,    /* a signature, MAC or proof does not verify */
    MP_ERR_QUOTE = 6,     /* an attestation quote fails a check (detail: which) */
    MP_ERR_RPC = 7,       /* a JSON-RPC call failed (transport or error object) */
    MP_ERR_DB = 8,        /* SQLite failed */
    MP_ERR_TIMEOUT = 9,   /* a deadline passed */
    MP_ERR_MISUSE = 10,   /* the caller broke an API contract */
    MP_ERR_NOTFOUND = 11, /* the thing asked for does not exist */
    MP_ERR_PASSWORD = 12, /* a keystore password is wrong */
    MP_ERR_REVERTED = 13, /* a transaction or call reverted on chain */
    MP_ERR_BUSY = 14,     /* a bounded queue or limit is full: retry later */
};
/* end-of-error-codes */

#define MP_RC_CLASS_MASK 0xff
#define mp_rc_class(rc)  ((rc)&MP_RC_CLASS_MASK)
#define mp_rc_detail(rc) ((rc) >> 8)
#define MP_RC(cls, n)    ((cls) | ((n) << 8))

#define MP_ERR_MSG_MAX 320

/** Details of the last failure; filled only on failure. */
typedef struct mp_err {
    int code;                 /* the mp_rc returned */
    const char *file;         /* source file that detected it */
    int line;                 /* and its line */
    char msg[MP_ERR_MSG_MAX]; /* human-readable, names the problem, no secrets */
} mp_err;

/** Fills err (if not NULL) and returns code, so "return MP_FAIL(...)" works. */
int mp_err_set(mp_err *err, int code, const char *file, int line, const char *fmt, ...)
    MP_PRINTF(5, 6);

/** Prefixes err->msg with "prefix: ", keeping code/file/line (no-op for NULL).
 ** Use it after a failed call, then return that call's code. */
void mp_err_wrap(mp_err *err, const char *fmt, ...) MP_PRINTF(2, 3);

/** A short stable name for a code's class, e.g. "parse" for MP_ERR_PARSE. */
const char *mp_rc_name(int code);

#define MP_FAIL(err, code, ...) mp_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Misuse is a bug in the caller: say so and refuse, rather than crash later. */
#define MP_ARG_CHECK(err, cond)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return MP_FAIL((err), MP_ERR_MISUSE, "misuse: %s", #cond);                             \
    } while (0)

/* Propagate a failure unchanged. */
#define MP_TRY(expr)                                                                               \
    do {                                                                                           \
        int mp_try_rc_ = (expr);                                                                   \
        if (mp_try_rc_ != MP_OK)                                                                   \
            return mp_try_rc_;                                                                     \
    } while (0)

#endif /* MPAVS_ERR_H */
