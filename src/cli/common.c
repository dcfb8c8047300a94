/*
** common.c: helpers shared by the mpavs subcommands (errors, usage, passwords,
** dispatch).
*/
#include "cli.h"
#include "mpavs/file.h"
#include "mpavs/mem.h"

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

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    return false;
}

int cli_dispatch(const char *group, const cli_command *cmds, int n, int argc, char **argv)
{
    if (argc >= 2)
        for (int i = 0; i < n; i++)
            if (!strcmp(argv[1], cmds[i].name))
                return cmds[i].run(argc - 1, argv + 1);
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

bool cli_parse_key_args(int argc, char **argv, bool positional, cli_key_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc && !positional)
            a->file = argv[++i];
        else if (!strcmp(argv[i], "--password-file") && i + 1 < argc)
            a->password_file = argv[++i];
        else if (!strcmp(argv[i], "--light") && !positional)
            a->light = true;
        else if (positional && argv[i][0] != '-' && a->file == NULL)
            a->file = argv[i];
        else
            return false;
    }
    return a->file != NULL;
}

void cli_free_password(char *pw)
{
    if (pw) {
        mp_memzero(pw, strlen(pw));
        free(pw);
    }
}
