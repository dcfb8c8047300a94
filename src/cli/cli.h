/*
** cli.h: the subcommands of the mpavs command-line tool.
**
** Each command is "int cli_<name>(int argc, char **argv)" where argv[0] is the
** subcommand name. Exit codes: 0 success, 1 a negative answer or failed check
** (bad signature, invalid quote), 2 unusable arguments or input.
*/
#ifndef MPAVS_CLI_H
#define MPAVS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "mpavs/err.h"

#define CLI_OK    0
#define CLI_NO    1
#define CLI_USAGE 2

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/** Prints "mpavs: <what>: <err->msg>" to stderr and returns exit code 2. */
int cli_fail(const char *what, const mp_err *err);
/** The same message for a negative answer (bad signature, revert): exit code 1. */
int cli_no(const char *what, const mp_err *err);
/** Prints a usage error and returns 2. */
int cli_usage(const char *usage);
/** True if argv has -h or --help. */
bool cli_wants_help(int argc, char **argv);
/** Reads a password: from --password-file if given, else prompts on the tty
 ** (twice when confirm). The caller wipes and frees the result. */
MP_WUR int cli_read_password(const char *password_file, bool confirm, char **out, mp_err *err);
/** Arguments of the key-file commands (key new/show, bls keygen/show). */
typedef struct cli_key_args {
    const char *file;          /* key file (the --out of new, the argument of show) */
    const char *password_file; /* NULL: prompt */
    bool light;                /* weak scrypt parameters, for tests and devnets */
} cli_key_args;

/** Parses [--out FILE] [--password-file F] [--light] (positional false) or
 ** FILE [--password-file F] (positional true). False on anything else. */
bool cli_parse_key_args(int argc, char **argv, bool positional, cli_key_args *a);
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

#endif /* MPAVS_CLI_H */
