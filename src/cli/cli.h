/*
** cli.h: the subcommands of the mpavs command-line tool.
**
** Each command is "int cli_<name>(int argc, char **argv)" where argv[0] is the
** subcommand name. Exit codes: 0 success, 1 a negative answer or failed check
** (bad signature, invalid quote), 2 unusable arguments or input.
**
** A leaf command is a cli_spec: its usage line, help text, an mp_cfg option
** table over its own args struct, how many positional arguments it takes, and
** a run function; cli_run parses argv with mp_cfg_load_flags (flags only, mixed
** with positional arguments), answers --help from the table, and frees the
** args whatever run returns.
*/
#ifndef MPAVS_CLI_H
#define MPAVS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "mpavs/cfg.h"
#include "mpavs/err.h"

#define CLI_OK    0
#define CLI_NO    1
#define CLI_USAGE 2

/** Runs a command on its parsed arguments: args is the struct the option
 ** table describes; pos[0..npos) are the positional arguments. Returns the
 ** exit code. */
typedef int (*cli_run_fn)(void *args, int npos, char **pos);

typedef struct cli_spec {
    const char *name;       /* "quote verify", for messages */
    const char *usage;      /* "mpavs key show FILE [--password-file F]" */
    const char *help;       /* what --help prints between the usage and the options */
    const mp_cfg_opt *opts; /* flags, over an args struct of args_size bytes */
    size_t nopts;
    size_t args_size;
    int min_args, max_args; /* positional arguments; max_args < 0: no limit */
    cli_run_fn run;
    /* Called (may be NULL) before the usage when the arguments do not parse:
     * quote verify still prints its JSON answer. */
    void (*bad_args)(const mp_err *err);
} cli_spec;

/** A subcommand: a leaf (spec, run by cli_run) or a group (run, which
 ** dispatches further). */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const cli_spec *spec;
} cli_command;

/** Parses argv by s and runs s->run. --help or -h anywhere before "--" prints
 ** the usage, the help and the option table (exit 0); unusable flags or a wrong
 ** number of positional arguments print the problem and the usage (exit 2). */
int cli_run(const cli_spec *s, int argc, char **argv);

/** Prints "mpavs: <what>: <err->msg>" to stderr and returns exit code 2. */
int cli_fail(const char *what, const mp_err *err);
/** The same message for a negative answer (bad signature, revert): exit code 1. */
int cli_no(const char *what, const mp_err *err);
/** Prints a usage error and returns 2. */
int cli_usage(const char *usage);
/** Reads a password: from --password-file if given, else prompts on the tty
 ** (twice when confirm). The caller wipes and frees the result. */
MP_WUR int cli_read_password(const char *password_file, bool confirm, char **out, mp_err *err);
/** Arguments of the key-file commands (key new/show, bls keygen/show). */
typedef struct cli_key_args {
    char *out;           /* --out of new */
    char *password_file; /* NULL: prompt */
    bool light;          /* weak scrypt parameters, for tests and devnets */
} cli_key_args;

/** The option tables of "new" (--out, --password-file, --light) and "show"
 ** FILE (--password-file) over cli_key_args. */
extern const mp_cfg_opt cli_key_new_opts[3];
extern const mp_cfg_opt cli_key_show_opts[1];
/** Wipes and frees a password from cli_read_password (NULL allowed). */
void cli_free_password(char *pw);
/** Dispatches argv[1] among a table of sub-subcommands (e.g. "abi encode"). */
int cli_dispatch(const char *group, const cli_command *cmds, int n, int argc, char **argv);

int cli_keccak(int argc, char **argv);
int cli_quote(int argc, char **argv);
int cli_simca(int argc, char **argv);
int cli_abi(int argc, char **argv);
int cli_key(int argc, char **argv);
int cli_tx(int argc, char **argv);
int cli_bn254(int argc, char **argv);
int cli_bls(int argc, char **argv);
int cli_prover(int argc, char **argv);
int cli_operator(int argc, char **argv);
int cli_evm(int argc, char **argv);
int cli_l2(int argc, char **argv);

#endif /* MPAVS_CLI_H */
