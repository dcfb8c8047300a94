/*
** test_cfg_flags.c: mp_cfg for command-line tools: flags only (no file, no
** environment), flags mixed with positional arguments, "--", booleans,
** required options, and the --help option list.
*/
#include "mpavs/cfg.h"
#include "test.h"

#include <stdlib.h>

struct tool_cfg {
    char *quote;
    char *password_file;
    long long at;
    bool allow_debug;
};

static const mp_cfg_opt tool_opts[] = {
    {"quote", MP_CFG_STRING, offsetof(struct tool_cfg, quote), NULL, 0, 0, MP_CFG_REQUIRED,
     "the quote file"},
    {"password_file", MP_CFG_STRING, offsetof(struct tool_cfg, password_file), NULL, 0, 0, 0,
     "password, first line"},
    {"at", MP_CFG_INT, offsetof(struct tool_cfg, at), "0", 0, 1LL << 40, 0, "Unix seconds"},
    {"allow_debug", MP_CFG_BOOL, offsetof(struct tool_cfg, allow_debug), NULL, 0, 0, 0,
     "accept debug enclaves"},
};
static const mp_cfg_spec tool_spec = {"tool", "MPAVS_TOOL", tool_opts, 4};

TEST(flags_and_positionals_mixed)
{
    char *argv[] = {"verify", "a.bin", "--quote", "q.bin", "b.bin", "--allow-debug",
                    "--at=7", "--",    "--c",     "-5",    NULL};
    int argc = 10;
    struct tool_cfg c = {0};
    int first = 0;
    mp_err e;
    CHECK_OK(mp_cfg_load_flags(&tool_spec, &c, argc, argv, &first, &e), &e);
    CHECK(c.quote && !strcmp(c.quote, "q.bin") && c.at == 7 && c.allow_debug);
    CHECK(c.password_file == NULL);
    /* Positional arguments last, in order; "--c" after "--" is one of them. */
    CHECK(first == 6);
    CHECK_STR(argv[first], "a.bin");
    CHECK_STR(argv[first + 1], "b.bin");
    CHECK_STR(argv[first + 2], "--c");
    CHECK_STR(argv[first + 3], "-5");
    CHECK_STR(argv[0], "verify");
    mp_cfg_free(&tool_spec, &c);
    /* A flag's value equal to a positional argument (one pointer: merged literals). */
    char *same = "q";
    char *twice[] = {"verify", "--quote", same, same};
    memset(&c, 0, sizeof c);
    CHECK_OK(mp_cfg_load_flags(&tool_spec, &c, 4, twice, &first, &e), &e);
    CHECK(first == 3 && !strcmp(c.quote, "q") && twice[1][0] == '-' && twice[3] == same);
    mp_cfg_free(&tool_spec, &c);
    /* No arguments at all but the required one. */
    char *only[] = {"verify", "--quote", "x"};
    memset(&c, 0, sizeof c);
    CHECK_OK(mp_cfg_load_flags(&tool_spec, &c, 3, only, &first, &e), &e);
    CHECK(first == 3 && c.at == 0 && !c.allow_debug);
    mp_cfg_free(&tool_spec, &c);
}

TEST(no_file_no_environment)
{
    setenv("MPAVS_TOOL_AT", "99", 1);
    setenv("MPAVS_TOOL_QUOTE", "from-env", 1);
    struct tool_cfg c = {0};
    int first = 0;
    mp_err e;
    char *a1[] = {"verify", "--quote", "q"};
    CHECK_OK(mp_cfg_load_flags(&tool_spec, &c, 3, a1, &first, &e), &e);
    CHECK(c.at == 0 && !strcmp(c.quote, "q"));
    mp_cfg_free(&tool_spec, &c);
    /* The environment does not satisfy a required option either. */
    char *a2[] = {"verify"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 1, a2, &first, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "quote is required") != NULL);
    mp_cfg_free(&tool_spec, &c);
    char *a3[] = {"verify", "--quote", "q", "--config", "c.json"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 5, a3, &first, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "unknown option --config") != NULL);
    mp_cfg_free(&tool_spec, &c);
    unsetenv("MPAVS_TOOL_AT");
    unsetenv("MPAVS_TOOL_QUOTE");
}

TEST(flag_errors)
{
    struct tool_cfg c = {0};
    int first = 0;
    mp_err e;
    char *a1[] = {"verify", "--quote", "q", "--frob", "1"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 5, a1, &first, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "unknown option --frob") != NULL);
    mp_cfg_free(&tool_spec, &c);
    char *a2[] = {"verify", "--quote"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 2, a2, &first, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "needs a value") != NULL);
    mp_cfg_free(&tool_spec, &c);
    char *a3[] = {"verify", "--quote", "q", "--at", "yesterday"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 5, a3, &first, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "at expects an integer") != NULL);
    mp_cfg_free(&tool_spec, &c);
    char *a4[] = {"verify", "--quote", "q", "--allow-debug=maybe"};
    CHECK_RC(mp_cfg_load_flags(&tool_spec, &c, 4, a4, &first, &e), MP_ERR_INVALID);
    mp_cfg_free(&tool_spec, &c);
    /* A repeated flag: the last one wins, as in mp_cfg_load. */
    char *a5[] = {"verify", "--quote", "a", "--quote", "b"};
    CHECK_OK(mp_cfg_load_flags(&tool_spec, &c, 5, a5, &first, &e), &e);
    CHECK(!strcmp(c.quote, "b"));
    mp_cfg_free(&tool_spec, &c);
}

TEST(usage_lists_the_table)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    mp_cfg_usage_flags(&tool_spec, f);
    fclose(f);
    CHECK(strstr(text, "--quote QUOTE") != NULL && strstr(text, "(required)") != NULL);
    CHECK(strstr(text, "--password-file PASSWORD_FILE") != NULL);
    CHECK(strstr(text, "--at AT") != NULL && strstr(text, "(default 0)") != NULL);
    CHECK(strstr(text, "--allow-debug ") != NULL && strstr(text, "--allow-debug ALLOW") == NULL);
    CHECK(strstr(text, "MPAVS_TOOL") == NULL && strstr(text, "--config") == NULL);
    free(text);
    mp_cfg_spec none = {"x", NULL, NULL, 0};
    f = open_memstream(&text, &len);
    mp_cfg_usage_flags(&none, f);
    fclose(f);
    CHECK_STR(text, "options: none\n");
    free(text);
}

static const mp_test_case tests[] = {
    MP_TEST(flags_and_positionals_mixed),
    MP_TEST(no_file_no_environment),
    MP_TEST(flag_errors),
    MP_TEST(usage_lists_the_table),
};

MP_TEST_MAIN("cfg_flags", tests)
