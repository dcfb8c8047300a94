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
} mp_cfg_type;

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
