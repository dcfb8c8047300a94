/*
** err.c: filling mp_err records (see include/mpavs/err.h for the convention).
*/
#include "mpavs/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mp_err_set(mp_err *err, int code, const char *file, int line, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->file = file;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void mp_err_wrap(mp_err *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    char prefix[MP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Room for both parts; the result is cut to fit err->msg. */
    char joined[2 * MP_ERR_MSG_MAX + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
    snprintf(err->msg, sizeof err->msg, "%.*s", MP_ERR_MSG_MAX - 1, joined);
}

const char *mp_rc_name(int code)
{
    static const char *const names[] = {
        [MP_OK] = "ok",
        [MP_ERR_INVALID] = "invalid",
        [MP_ERR_NOMEM] = "nomem",
        [MP_ERR_IO] = "io",
        [MP_ERR_PARSE] = "parse",
        [MP_ERR_VERIFY] = "verify",
        [MP_ERR_QUOTE] = "quote",
        [MP_ERR_RPC] = "rpc",
        [MP_ERR_DB] = "db",
        [MP_ERR_TIMEOUT] = "timeout",
        [MP_ERR_MISUSE] = "misuse",
        [MP_ERR_NOTFOUND] = "notfound",
        [MP_ERR_PASSWORD] = "password",
        [MP_ERR_REVERTED] = "reverted",
        [MP_ERR_BUSY] = "busy",
    };
    int cls = mp_rc_class(code);
    if (cls < 0 || (size_t)cls >= sizeof names / sizeof names[0] || names[cls] == NULL)
        return "unknown";
    return names[cls];
}
