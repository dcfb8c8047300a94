/*
** log.h: JSON-lines logging with levels, one line per event on a file
** descriptor (stderr by default):
**
**   {"ts":"2026-11-25T14:52:28.123Z","level":"info","comp":"agg","msg":"confirmed","task":7,
**    "ok":true}
**
** Values are strings by default ("key", "value"); MP_LI64 / MP_LU64 / MP_LBOOL /
** MP_LF64 wrap a key and a value so it is written as a JSON number or boolean:
**
**   MP_INFO(lg, "confirmed", "tx", hash_hex, MP_LU64("task", id), MP_LBOOL("ok", ok));
**
** A logger is a plain value that lives in a daemon's context struct; there is
** no global logger. The level is tested before anything is formatted. Never
** pass secrets as values.
*/
#ifndef MPAVS_LOG_H
#define MPAVS_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/err.h"

enum mp_log_level { MP_LOG_DEBUG = 0, MP_LOG_INFO = 1, MP_LOG_WARN = 2, MP_LOG_ERROR = 3 };

typedef struct mp_log {
    int level;        /* events below this level are dropped */
    int fd;           /* where lines go (2 = stderr) */
    bool text;        /* plain "ts level comp msg k=v" lines instead of JSON */
    const char *comp; /* component name, e.g. "aggregator"; static storage */
} mp_log;

/** A logger for comp at level info on stderr, JSON lines. */
mp_log mp_log_default(const char *comp);
/** Parses "debug", "info", "warn" or "error". */
MP_WUR int mp_log_level_parse(const char *name, int *level, mp_err *err);
/** The name of a level ("info"), "unknown" outside the enum. */
const char *mp_log_level_name(int level);

/* Typed pairs: the key (a string literal) gets a marker byte telling mp_log_kv
** the type of the value that follows; the cast makes the vararg that type. */
#define MP_LOG_T_I64  "\x01"
#define MP_LOG_T_U64  "\x02"
#define MP_LOG_T_BOOL "\x03"
#define MP_LOG_T_F64  "\x04"
/** key (a string literal) and a signed integer, written as a JSON number. */
#define MP_LI64(key, v) MP_LOG_T_I64 key, (int64_t)(v)
/** key (a string literal) and an unsigned integer, written as a JSON number. */
#define MP_LU64(key, v) MP_LOG_T_U64 key, (uint64_t)(v)
/** key (a string literal) and a truth value, written as true or false. */
#define MP_LBOOL(key, v) MP_LOG_T_BOOL key, (int)((v) ? 1 : 0)
/** key (a string literal) and a double, written as a JSON number (NaN and
 ** infinities as null, which JSON cannot otherwise express). */
#define MP_LF64(key, v) MP_LOG_T_F64 key, (double)(v)

/** Emits one event: msg, then NULL-terminated key/value pairs: a string key
 ** and a string value (NULL logs as ""), or a typed pair from MP_LI64, MP_LU64,
 ** MP_LBOOL, MP_LF64. Keys and string values are JSON-escaped. Prefer MP_LOG,
 ** which checks the level first. lg may be NULL (nothing logged). */
void mp_log_kv(const mp_log *lg, int level, const char *msg, ...);

#define mp_log_on(lg, lvl) ((lg) != NULL && (lvl) >= (lg)->level)
#define MP_LOG(lg, lvl, ...)                                                                       \
    do {                                                                                           \
        if (mp_log_on((lg), (lvl)))                                                                \
            mp_log_kv((lg), (lvl), __VA_ARGS__, (const char *)0);                                  \
    } while (0)
#define MP_DEBUG(lg, ...) MP_LOG((lg), MP_LOG_DEBUG, __VA_ARGS__)
#define MP_INFO(lg, ...)  MP_LOG((lg), MP_LOG_INFO, __VA_ARGS__)
#define MP_WARN(lg, ...)  MP_LOG((lg), MP_LOG_WARN, __VA_ARGS__)
#define MP_ERROR(lg, ...) MP_LOG((lg), MP_LOG_ERROR, __VA_ARGS__)

/** Logs a failure: msg plus the error's code name and message. */
void mp_log_err(const mp_log *lg, int level, const char *msg, const mp_err *err);

#endif /* MPAVS_LOG_H */
