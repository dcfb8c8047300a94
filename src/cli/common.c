/*
** common.c: helpers shared by the mpavs subcommands (errors, usage, passwords,
** dispatch).
*/
#include "cli.h"
#include "mpavs/file.h"
#include "mpavs/mem.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MAX 1024

int cli_fail(const char *what, const mp_err *err)
{
    fprintf(stderr, "mpavs: %s: %s\n", what, err ? err->msg : "failed");
    return CLI_USAGE;
}

int cli_no(const char *what, const mp_err *err)
{
    fprintf(stderr, "mpavs: %s: %s\n", what, err ? err->msg : "failed");
    return CLI_NO;
}

int cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return CLI_USAGE;
}

/* True if argv has -h or --help before any "--". */
static bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    return false;
}

static void print_help(const cli_spec *s)
{
    printf("usage: %s\n%s", s->usage, s->help ? s->help : "");
    mp_cfg_spec spec = {s->name, NULL, s->opts, s->nopts};
    mp_cfg_usage_flags(&spec, stdout);
}

static int bad_args(const cli_spec *s, const mp_err *err)
{
    if (s->bad_args)
        s->bad_args(err);
    fprintf(stderr, "mpavs: %s: %s\n", s->name, err->msg);
    return cli_usage(s->usage);
}

/* "2", "at least 1", "1 to 2": how many positional arguments s takes. */
static void want_args(char *out, size_t cap, const cli_spec *s)
{
    if (s->max_args < 0)
        snprintf(out, cap, "at least %d", s->min_args);
    else if (s->max_args == s->min_args)
        snprintf(out, cap, "%d", s->min_args);
    else
        snprintf(out, cap, "%d to %d", s->min_args, s->max_args);
}

int cli_run(const cli_spec *s, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        print_help(s);
        return CLI_OK;
    }
    void *args = calloc(1, s->args_size ? s->args_size : 1);
    if (args == NULL)
        return CLI_USAGE;
    mp_cfg_spec spec = {s->name, NULL, s->opts, s->nopts};
    mp_err err;
    int first = argc, code;
    if (mp_cfg_load_flags(&spec, args, argc, argv, &first, &err) != MP_OK) {
        code = bad_args(s, &err);
    } else if (argc - first < s->min_args || (s->max_args >= 0 && argc - first > s->max_args)) {
        char want[48];
        want_args(want, sizeof want, s);
        MP_FAIL(&err, MP_ERR_INVALID, "%d positional argument%s given, %s wanted", argc - first,
                argc - first == 1 ? "" : "s", want);
        code = bad_args(s, &err);
    } else {
        code = s->run(args, argc - first, argv + first);
    }
    mp_cfg_free(&spec, args);
    free(args);
    return code;
}

int cli_dispatch(const char *group, const cli_command *cmds, int n, int argc, char **argv)
{
    if (argc >= 2)
        for (int i = 0; i < n; i++)
            if (!strcmp(argv[1], cmds[i].name))
                return cmds[i].spec ? cli_run(cmds[i].spec, argc - 1, argv + 1)
                                    : cmds[i].run(argc - 1, argv + 1);
    bool help = argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    FILE *out = help ? stdout : stderr;
    if (argc >= 2 && !help)
        fprintf(out, "%s: unknown command \"%s\"\n", group, argv[1]);
    fprintf(out, "usage: %s COMMAND [ARGS...]   (COMMAND --help for details)\ncommands:\n", group);
    for (int i = 0; i < n; i++)
        fprintf(out, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
    return help ? CLI_OK : CLI_USAGE;
}

/* Strips one trailing newline (and a CR before it). */
static void chomp(char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n')
        s[--n] = 0;
    if (n && s[n - 1] == '\r')
        s[--n] = 0;
}

static int read_password_file(const char *path, char **out, mp_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_file_read(path, PASSWORD_MAX, &data, &len, err));
    chomp((char *)data);
    *out = (char *)data;
    return MP_OK;
}

static int prompt(const char *text, char *buf, size_t cap, mp_err *err)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (tty == NULL)
        return MP_FAIL(err, MP_ERR_IO, "no terminal to ask for a password; use --password-file");
    struct termios old, quiet;
    int have_term = tcgetattr(fileno(tty), &old) == 0;
    if (have_term) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    }
    fputs(text, tty);
    fflush(tty);
    char *got = fgets(buf, (int)cap, tty);
    if (have_term)
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (got == NULL)
        return MP_FAIL(err, MP_ERR_IO, "no password entered");
    chomp(buf);
    return MP_OK;
}

int cli_read_password(const char *password_file, bool confirm, char **out, mp_err *err)
{
    if (password_file != NULL)
        return read_password_file(password_file, out, err);
    char *a = calloc(1, PASSWORD_MAX), *b = calloc(1, PASSWORD_MAX);
    int rc = (a && b) ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK)
        rc = prompt("Password: ", a, PASSWORD_MAX, err);
    if (rc == MP_OK && confirm) {
        rc = prompt("Repeat password: ", b, PASSWORD_MAX, err);
        if (rc == MP_OK && strcmp(a, b) != 0)
            rc = MP_FAIL(err, MP_ERR_INVALID, "the passwords do not match");
    }
    if (b) {
        mp_memzero(b, PASSWORD_MAX);
        free(b);
    }
    if (rc != MP_OK) {
        if (a)
            mp_memzero(a, PASSWORD_MAX);
        free(a);
        return rc;
    }
    *out = a;
    return MP_OK;
}

const mp_cfg_opt cli_key_new_opts[3] = {
    {"out", MP_CFG_STRING, offsetof(cli_key_args, out), NULL, 0, 0, MP_CFG_REQUIRED,
     "the key file to create (refused if it exists)"},
    {"password_file", MP_CFG_STRING, offsetof(cli_key_args, password_file), NULL, 0, 0, 0,
     "read the password from this file's first line (default: ask twice on the terminal)"},
    {"light", MP_CFG_BOOL, offsetof(cli_key_args, light), NULL, 0, 0, 0,
     "weak scrypt parameters (n=2^12, p=6): tests and throwaway devnet keys only"},
};

const mp_cfg_opt cli_key_show_opts[1] = {
    {"password_file", MP_CFG_STRING, offsetof(cli_key_args, password_file), NULL, 0, 0, 0,
     "decrypt with the password in this file's first line and check the key"},
};

void cli_free_password(char *pw)
{
    if (pw) {
        mp_memzero(pw, strlen(pw));
        free(pw);
    }
}
