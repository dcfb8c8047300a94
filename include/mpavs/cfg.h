/*
** cfg.h: the configuration loader shared by every daemon and the CLI.
**
** A program describes its options once, in a table of mp_cfg_opt rows (name,
** type, field offset, default, bounds, flags). Values are then layered, last
** one wins:
**
**   1. the default in the table
**   2. the JSON config file (--config FILE, or env <PREFIX>_CONFIG)
**   3. environment variables <PREFIX>_<NAME>   (rpc_url -> MPAVS_AGG_RPC_URL)
**   4. command-line flags --<name> VALUE or --<name>=VALUE (underscores may be
**      written as dashes: --rpc-url)
**
** In the file, a string value "$VAR" is read from environment variable VAR
** (so passwords need not sit in the file). Unknown keys and flags are errors,
** so a typo is reported instead of silently ignored. Options flagged
** MP_CFG_SECRET are printed as "<redacted>" by mp_cfg_dump_json.
*/
#ifndef MPAVS_CFG_H
#define MPAVS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

typedef enum mp_cfg_type {
    MP_CFG_STRING, /* char * field, malloc'd; NULL when unset */
    MP_CFG_INT,    /* long long field, checked against [min, max] */
    MP_CFG_BOOL,   /* bool field; a bare flag --name means true */
    /* The types below are parsed by src/lib/util/cfg_types.c. */
    MP_CFG_DURATION,    /* long long field in milliseconds: "250ms", "30s", "5m", "1h", "1h30m";
                           checked against [min, max] (ms) when max > 0 */
    MP_CFG_LISTEN,      /* mp_cfg_listen field: "host:port" or "[v6]:port" to listen on */
    MP_CFG_ETH_ADDRESS, /* mp_cfg_eth_address field: 20 bytes as 40 hex digits (EIP-55 if mixed) */
    MP_CFG_HEX,         /* mp_buf field: hex bytes (0x optional); byte length in [min, max]
                           when max > 0; wiped on free when MP_CFG_SECRET */
    MP_CFG_STRLIST,     /* mp_cfg_strlist field: JSON array of strings in the file,
                           comma-separated text in env, flags and defaults */
    MP_CFG_URL,         /* char * field: an http:// or https:// URL with a host */
} mp_cfg_type;

/** A listen address (MP_CFG_LISTEN). Port 0 asks the system for a free port. */
typedef struct mp_cfg_listen {
    bool set;       /* some layer gave a value */
    char host[256]; /* "127.0.0.1", "::1", "localhost"; brackets removed */
    unsigned port;  /* 0..65535 */
} mp_cfg_listen;

/** An Ethereum account address (MP_CFG_ETH_ADDRESS). */
typedef struct mp_cfg_eth_address {
    bool set;
    unsigned char bytes[20];
} mp_cfg_eth_address;

/** A list of strings (MP_CFG_STRLIST); each item is non-empty, malloc'd. */
typedef struct mp_cfg_strlist {
    char **items;
    size_t n;
} mp_cfg_strlist;

#define MP_CFG_SECRET   0x1u /* never printed */
#define MP_CFG_REQUIRED 0x2u /* must be set by some layer */

typedef struct mp_cfg_opt {
    const char *name; /* snake_case key, e.g. "rpc_url" */
    mp_cfg_type type;
    size_t offset;      /* offsetof(struct, field) */
    const char *def;    /* default as text, NULL for none */
    long long min, max; /* bounds for MP_CFG_INT */
    unsigned flags;     /* MP_CFG_SECRET | MP_CFG_REQUIRED */
    const char *help;   /* one line for --help */
} mp_cfg_opt;

typedef struct mp_cfg_spec {
    const char *prog;       /* program name for messages */
    const char *env_prefix; /* e.g. "MPAVS_AGG" */
    const mp_cfg_opt *opts;
    size_t nopts;
} mp_cfg_spec;

/** Loads cfg (a struct the table describes, zero-initialised by the caller)
 ** from defaults, file, env and argv[1..argc-1]. Flags end at the first
 ** argument that does not start with "--" or after "--"; its index goes to
 ** *first_arg (may be NULL, then extra arguments are an error). */
MP_WUR int mp_cfg_load(const mp_cfg_spec *spec, void *cfg, int argc, char **argv, int *first_arg,
                       mp_err *err);
/** Frees the strings held by cfg. */
void mp_cfg_free(const mp_cfg_spec *spec, void *cfg);
/** Appends the effective configuration as one JSON object, secrets redacted. */
MP_WUR int mp_cfg_dump_json(const mp_cfg_spec *spec, const void *cfg, mp_buf *out, mp_err *err);
/** Prints one line per option (flag, env name, default, help). */
void mp_cfg_usage(const mp_cfg_spec *spec, FILE *out);

/* Parsers behind the option types, usable on their own (e.g. for values that
 * arrive another way). Failures are MP_ERR_INVALID naming the problem; the
 * caller adds which option and layer the text came from. */

/** "1h30m", "250ms", "0": a sum of <integer><unit> terms, units ms, s, m, h, d.
 ** A unit is required except for "0". Writes milliseconds. */
MP_WUR int mp_cfg_parse_duration(const char *text, long long *ms, mp_err *err);
/** "host:port", "[ipv6]:port" or ":port" (host "0.0.0.0"); port 0..65535. */
MP_WUR int mp_cfg_parse_listen(const char *text, mp_cfg_listen *out, mp_err *err);
/** An http:// or https:// URL: a host, an optional port 1..65535, no spaces
 ** or control characters. */
MP_WUR int mp_cfg_check_url(const char *text, mp_err *err);
/** Splits "a, b,c" into trimmed items; "" gives an empty list; an empty item
 ** ("a,,b") is an error. out must be empty; free it with mp_cfg_strlist_free. */
MP_WUR int mp_cfg_parse_strlist(const char *text, mp_cfg_strlist *out, mp_err *err);
/** Frees the items; the list is empty afterwards. */
void mp_cfg_strlist_free(mp_cfg_strlist *l);

/* ---- command-line tools: flags only ---- */

/** Loads cfg (zero-initialised by the caller) from the table's defaults and
 ** the flags of argv[1..argc-1] only: no config file, no environment (a
 ** tool's behaviour should not depend on either). Flags (--name VALUE,
 ** --name=VALUE, a bare --name for a boolean) and positional arguments may be
 ** mixed; "--" ends the flags, so a positional argument may start with "--".
 ** argv is reordered, as getopt does: the positional arguments end up in
 ** argv[*first_arg..argc) in their original order. Unknown flags, missing
 ** values and unset MP_CFG_REQUIRED options are MP_ERR_INVALID naming them. */
MP_WUR int mp_cfg_load_flags(const mp_cfg_spec *spec, void *cfg, int argc, char **argv,
                             int *first_arg, mp_err *err);
/** A command's --help option list: one line per option, "--rpc-url RPC_URL"
 ** (a boolean has no value), its help, "(required)" or its default. Prints
 ** "options: none" for an empty table. */
void mp_cfg_usage_flags(const mp_cfg_spec *spec, FILE *out);

#endif /* MPAVS_CFG_H */
