/*
** log.c: JSON-lines (or plain text) log events (see include/mpavs/log.h).
**
** Each event is built in memory and written with one write(2), so lines from
** several threads or processes sharing a pipe do not interleave.
*/
#include "mpavs/log.h"
#include "mpavs/buf.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {"debug", "info", "warn", "error"};

mp_log mp_log_default(const char *comp)
{
    mp_log lg = {MP_LOG_INFO, 2, false, comp};
    return lg;
}

const char *mp_log_level_name(int level)
{
    if (level < MP_LOG_DEBUG || level > MP_LOG_ERROR)
        return "unknown";
    return level_names[level];
}

int mp_log_level_parse(const char *name, int *level, mp_err *err)
{
    for (int i = MP_LOG_DEBUG; i <= MP_LOG_ERROR; i++)
        if (strcmp(name, level_names[i]) == 0) {
            *level = i;
            return MP_OK;
        }
    return MP_FAIL(err, MP_ERR_INVALID, "unknown log level \"%s\" (debug, info, warn, error)",
                   name);
}

/* Appends s as the inside of a JSON string literal. */
static void put_json_escaped(mp_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            mp_buf_puts(b, "\\\"");
            break;
        case '\\':
            mp_buf_puts(b, "\\\\");
            break;
        case '\n':
            mp_buf_puts(b, "\\n");
            break;
        case '\r':
            mp_buf_puts(b, "\\r");
            break;
        case '\t':
            mp_buf_puts(b, "\\t");
            break;
        default:
            if (*p < 0x20)
                mp_buf_printf(b, "\\u%04x", *p);
            else
                mp_buf_push(b, *p);
        }
    }
}

static void put_timestamp(mp_buf *b)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    mp_buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000));
}

static void write_line(int fd, const mp_buf *b)
{
    const uint8_t *p = b->data;
    size_t left = b->len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere left to report a logging failure */
        p += w;
        left -= (size_t)w;
    }
}

/* Appends the value of one pair, reading it from ap with the type the key's
** marker byte announces; returns the key without its marker. */
static const char *put_value(mp_buf *v, const char *key, va_list *ap)
{
    char t = key[0];
    if (t == MP_LOG_T_I64[0]) {
        mp_buf_printf(v, "%" PRId64, va_arg(*ap, int64_t));
    } else if (t == MP_LOG_T_U64[0]) {
        mp_buf_printf(v, "%" PRIu64, va_arg(*ap, uint64_t));
    } else if (t == MP_LOG_T_BOOL[0]) {
        mp_buf_puts(v, va_arg(*ap, int) ? "true" : "false");
    } else if (t == MP_LOG_T_F64[0]) {
        double d = va_arg(*ap, double);
        if (isfinite(d))
            mp_buf_printf(v, "%.15g", d);
        else
            mp_buf_puts(v, "null");
    } else {
        const char *s = va_arg(*ap, const char *);
        mp_buf_push(v, '"');
        put_json_escaped(v, s ? s : "");
        mp_buf_push(v, '"');
        return key;
    }
    return key + 1;
}

static void put_pair(mp_buf *b, bool text, const char *key, va_list *ap)
{
    mp_buf v = MP_BUF_INIT;
    key = put_value(&v, key, ap);
    if (v.oom) {
        b->oom = true;
    } else if (text) {
        /* Text lines keep the escaped inside of a string, without quotes. */
        bool quoted = v.data[0] == '"';
        mp_buf_push(b, ' ');
        put_json_escaped(b, key);
        mp_buf_push(b, '=');
        mp_buf_append(b, v.data + quoted, v.len - 2 * quoted);
    } else {
        mp_buf_puts(b, ",\"");
        put_json_escaped(b, key);
        mp_buf_puts(b, "\":");
        mp_buf_append(b, v.data, v.len);
    }
    mp_buf_free(&v);
}

static void format_event(const mp_log *lg, mp_buf *b, int level, const char *msg, va_list *ap)
{
    if (lg->text) {
        put_timestamp(b);
        /* Escaped as in JSON, so a value with a newline cannot forge a line. */
        mp_buf_printf(b, " %-5s %s: ", mp_log_level_name(level), lg->comp ? lg->comp : "");
        put_json_escaped(b, msg);
    } else {
        mp_buf_puts(b, "{\"ts\":\"");
        put_timestamp(b);
        mp_buf_printf(b, "\",\"level\":\"%s\",\"comp\":\"", mp_log_level_name(level));
        put_json_escaped(b, lg->comp ? lg->comp : "");
        mp_buf_puts(b, "\",\"msg\":\"");
        put_json_escaped(b, msg);
        mp_buf_push(b, '"');
    }
    for (;;) {
        const char *key = va_arg(*ap, const char *);
        if (key == NULL)
            break;
        put_pair(b, lg->text, key, ap);
    }
    mp_buf_puts(b, lg->text ? "\n" : "}\n");
}

void mp_log_kv(const mp_log *lg, int level, const char *msg, ...)
{
    if (!mp_log_on(lg, level))
        return;
    mp_buf b = MP_BUF_INIT;
    va_list ap;
    va_start(ap, msg);
    format_event(lg, &b, level, msg, &ap);
    va_end(ap);
    if (!b.oom)
        write_line(lg->fd, &b);
    mp_buf_free(&b);
}

void mp_log_err(const mp_log *lg, int level, const char *msg, const mp_err *err)
{
    if (!mp_log_on(lg, level))
        return;
    if (err == NULL) {
        mp_log_kv(lg, level, msg, (const char *)0);
        return;
    }
    char where[64];
    snprintf(where, sizeof where, "%s:%d", err->file ? err->file : "?", err->line);
    mp_log_kv(lg, level, msg, "error", mp_rc_name(err->code), "detail", err->msg, "at", where,
              (const char *)0);
}
