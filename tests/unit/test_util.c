/*
** test_util.c: hex, buffers, error records, logging and the layered
** config loader.
*/
#include "mpavs/buf.h"
#include "mpavs/cfg.h"
#include "mpavs/hex.h"
#include "mpavs/log.h"
#include "mpavs/mem.h"
#include "test.h"

#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

TEST(hex_roundtrip)
{
    uint8_t in[5] = {0x00, 0x01, 0xab, 0xcd, 0xff}, out[5];
    char s[16];
    mp_hex_encode0x(s, in, 5);
    CHECK_STR(s, "0x0001abcdff");
    mp_err e;
    CHECK_OK(mp_hex_decode_exact(out, 5, "0x0001ABcdff", &e), &e);
    CHECK_MEM(in, out, 5);
    CHECK_OK(mp_hex_decode_exact(out, 5, "0001abcdff", &e), &e);
}

TEST(hex_rejects_bad_input)
{
    uint8_t out[4];
    mp_err e;
    CHECK_RC(mp_hex_decode_exact(out, 4, "0x0102030", &e), MP_ERR_INVALID);
    CHECK_RC(mp_hex_decode_exact(out, 4, "0x010203zz", &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "position 6") != NULL);
    CHECK_RC(mp_hex_decode_exact(out, 4, "0x01020304ff", &e), MP_ERR_INVALID);
    mp_buf b = MP_BUF_INIT;
    CHECK_RC(mp_hex_decode_buf(&b, "0xabc", &e), MP_ERR_INVALID);
    CHECK_OK(mp_hex_decode_buf(&b, "0x", &e), &e);
    CHECK(b.len == 0);
    mp_buf_free(&b);
}

TEST(hex_quantity)
{
    uint64_t v = 0;
    mp_err e;
    CHECK_OK(mp_hex_to_u64(&v, "0x1", &e), &e);
    CHECK(v == 1);
    CHECK_OK(mp_hex_to_u64(&v, "0x7a69", &e), &e);
    CHECK(v == 31337);
    CHECK_OK(mp_hex_to_u64(&v, "0xffffffffffffffff", &e), &e);
    CHECK(v == UINT64_MAX);
    CHECK_RC(mp_hex_to_u64(&v, "0x1ffffffffffffffff", &e), MP_ERR_INVALID);
    CHECK_RC(mp_hex_to_u64(&v, "0x", &e), MP_ERR_INVALID);
    CHECK_RC(mp_hex_to_u64(&v, "0xg", &e), MP_ERR_INVALID);
    uint8_t q[4];
    CHECK_OK(mp_hex_decode_quantity(q, 4, "0x00abc", &e), &e);
    CHECK(q[0] == 0 && q[1] == 0 && q[2] == 0x0a && q[3] == 0xbc);
}

TEST(buf_appends)
{
    mp_buf b = MP_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        mp_buf_push(&b, (uint8_t)i);
    mp_buf_printf(&b, "%s-%d", "x", 42);
    mp_buf_zeros(&b, 3);
    mp_err e;
    CHECK_OK(mp_buf_check(&b, &e), &e);
    CHECK(b.len == 1000 + 4 + 3);
    CHECK(b.data[999] == (uint8_t)999 && memcmp(b.data + 1000, "x-42", 4) == 0);
    size_t n;
    uint8_t *p = mp_buf_take(&b, &n);
    CHECK(n == 1007 && b.data == NULL && b.len == 0);
    free(p);
}

TEST(err_records_and_wraps)
{
    mp_err e;
    int rc = MP_FAIL(&e, MP_RC(MP_ERR_QUOTE, 7), "bad %s", "thing");
    CHECK(rc == (MP_ERR_QUOTE | 7 << 8));
    CHECK(mp_rc_class(rc) == MP_ERR_QUOTE && mp_rc_detail(rc) == 7);
    CHECK_STR(mp_rc_name(rc), "quote");
    CHECK_STR(e.msg, "bad thing");
    CHECK(e.line > 0 && strstr(e.file, "test_util.c"));
    mp_err_wrap(&e, "loading %s", "x.json");
    CHECK_STR(e.msg, "loading x.json: bad thing");
    CHECK(MP_FAIL(NULL, MP_ERR_IO, "no record") == MP_ERR_IO);
    CHECK(mp_ct_memeq("abc", "abc", 3) && !mp_ct_memeq("abc", "abd", 3));
}

/* Reads what a logger wrote into a pipe. */
static void read_pipe(int fd, char *out, size_t cap)
{
    ssize_t n = read(fd, out, cap - 1);
    out[n > 0 ? n : 0] = 0;
}

TEST(log_json_lines)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    mp_log lg = mp_log_default("test");
    lg.fd = fds[1];
    MP_INFO(&lg, "hello \"world\"", "k", "v\n1");
    MP_DEBUG(&lg, "dropped");
    char line[512];
    read_pipe(fds[0], line, sizeof line);
    CHECK(strstr(line, "\"level\":\"info\"") != NULL);
    CHECK(strstr(line, "\"msg\":\"hello \\\"world\\\"\"") != NULL);
    CHECK(strstr(line, "\"k\":\"v\\n1\"}\n") != NULL);
    CHECK(strstr(line, "dropped") == NULL);
    int lvl;
    mp_err e;
    CHECK_OK(mp_log_level_parse("warn", &lvl, &e), &e);
    CHECK(lvl == MP_LOG_WARN);
    CHECK_RC(mp_log_level_parse("loud", &lvl, &e), MP_ERR_INVALID);
    close(fds[0]);
    close(fds[1]);
}

/* Every value keeps its type, and the line is strict JSON (jansson parses it). */
TEST(log_typed_values)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    mp_log lg = mp_log_default("test");
    lg.fd = fds[1];
    uint32_t small = 7;
    MP_INFO(&lg, "max", MP_LU64("block", UINT64_MAX), MP_LI64("min", INT64_MIN));
    char line[1024];
    read_pipe(fds[0], line, sizeof line);
    CHECK(strstr(line, "\"block\":18446744073709551615,\"min\":-9223372036854775808}") != NULL);
    MP_INFO(&lg, "typed", MP_LU64("block", 1ull << 40), MP_LI64("delta", -42),
            MP_LBOOL("ok", small > 3), MP_LBOOL("bad", 0), MP_LF64("secs", 0.25),
            MP_LF64("nan", NAN), "s", "tab\tq\"\x01", "k\"ey", NULL, MP_LU64("n", small));
    read_pipe(fds[0], line, sizeof line);
    json_error_t je;
    json_t *j = json_loads(line, JSON_DISABLE_EOF_CHECK, &je);
    CHECK(j != NULL);
    if (j == NULL)
        printf("# %s: %s\n", je.text, line);
    json_t *v;
    CHECK((v = json_object_get(j, "block")) && json_integer_value(v) == 1ll << 40);
    CHECK((v = json_object_get(j, "delta")) && json_is_integer(v) && json_integer_value(v) == -42);
    CHECK(json_is_true(json_object_get(j, "ok")) && json_is_false(json_object_get(j, "bad")));
    CHECK((v = json_object_get(j, "secs")) && json_is_real(v) && json_real_value(v) == 0.25);
    CHECK(json_is_null(json_object_get(j, "nan")));
    CHECK((v = json_object_get(j, "s")) && strcmp(json_string_value(v), "tab\tq\"\x01") == 0);
    CHECK((v = json_object_get(j, "k\"ey")) && strcmp(json_string_value(v), "") == 0);
    CHECK((v = json_object_get(j, "n")) && json_integer_value(v) == 7);
    json_decref(j);
    /* Text lines print the same values bare. */
    lg.text = true;
    MP_INFO(&lg, "typed", MP_LU64("block", 5), MP_LBOOL("ok", 1), "s", "a b");
    read_pipe(fds[0], line, sizeof line);
    CHECK(strstr(line, "typed block=5 ok=true s=a b\n") != NULL);
    close(fds[0]);
    close(fds[1]);
}

TEST(log_text_lines_escape_newlines)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    mp_log lg = mp_log_default("test");
    lg.fd = fds[1];
    lg.text = true;
    MP_WARN(&lg, "node said\nfake line", "error", "x\n2026-01-01T00:00:00.000Z error forged");
    char line[512];
    read_pipe(fds[0], line, sizeof line);
    char *nl = strchr(line, '\n');
    CHECK(nl != NULL && nl[1] == 0); /* exactly one line */
    CHECK(strstr(line, " warn  test: node said\\nfake line error=x\\n2026") != NULL);
    close(fds[0]);
    close(fds[1]);
}

struct demo_cfg {
    char *rpc_url;
    long long port;
    bool verbose;
    char *password;
};

static const mp_cfg_opt demo_opts[] = {
    {"rpc_url", MP_CFG_STRING, offsetof(struct demo_cfg, rpc_url), "http://127.0.0.1:8545", 0, 0, 0,
     "L1 JSON-RPC URL"},
    {"port", MP_CFG_INT, offsetof(struct demo_cfg, port), "8000", 1, 65535, 0, "listen port"},
    {"verbose", MP_CFG_BOOL, offsetof(struct demo_cfg, verbose), "false", 0, 0, 0, "debug logs"},
    {"password", MP_CFG_STRING, offsetof(struct demo_cfg, password), NULL, 0, 0, MP_CFG_SECRET,
     "key password"},
};
static const mp_cfg_spec demo_spec = {"demo", "MPAVS_DEMO", demo_opts, 4};

TEST(cfg_layers)
{
    char path[] = "/tmp/mpavs-cfg-XXXXXX";
    int fd = mkstemp(path);
    const char *json = "{\"rpc_url\":\"http://file\",\"port\":9000,\"password\":\"$DEMO_PW\"}";
    CHECK(fd >= 0 && write(fd, json, strlen(json)) == (ssize_t)strlen(json));
    close(fd);
    setenv("DEMO_PW", "hunter2", 1);
    setenv("MPAVS_DEMO_PORT", "9100", 1);
    char *argv[] = {"demo", "--config", path, "--rpc-url", "http://flag", "--verbose", "extra"};
    struct demo_cfg c = {0};
    int first = 0;
    mp_err e;
    CHECK_OK(mp_cfg_load(&demo_spec, &c, 7, argv, &first, &e), &e);
    CHECK(c.rpc_url && strcmp(c.rpc_url, "http://flag") == 0); /* flag beats file */
    CHECK(c.port == 9100);                                     /* env beats file */
    CHECK(c.verbose && first == 6);
    CHECK(c.password && strcmp(c.password, "hunter2") == 0);
    mp_buf out = MP_BUF_INIT;
    CHECK_OK(mp_cfg_dump_json(&demo_spec, &c, &out, &e), &e);
    CHECK(strstr((char *)out.data, "hunter2") == NULL);
    CHECK(strstr((char *)out.data, "<redacted>") != NULL);
    mp_buf_free(&out);
    mp_cfg_free(&demo_spec, &c);
    unsetenv("MPAVS_DEMO_PORT");
    unlink(path);
}

TEST(cfg_rejects_bad_values)
{
    struct demo_cfg c = {0};
    mp_err e;
    char *a1[] = {"demo", "--port", "70000"};
    CHECK_RC(mp_cfg_load(&demo_spec, &c, 3, a1, NULL, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "port") != NULL);
    mp_cfg_free(&demo_spec, &c);
    char *a2[] = {"demo", "--prot", "1"};
    CHECK_RC(mp_cfg_load(&demo_spec, &c, 3, a2, NULL, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "unknown option --prot") != NULL);
    mp_cfg_free(&demo_spec, &c);
    char *a3[] = {"demo", "--port", "12x"};
    CHECK_RC(mp_cfg_load(&demo_spec, &c, 3, a3, NULL, &e), MP_ERR_INVALID);
    mp_cfg_free(&demo_spec, &c);
    char path[] = "/tmp/mpavs-cfg-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "{\"port\": }", 10) == 10);
    close(fd);
    char *a4[] = {"demo", "--config", path};
    CHECK_RC(mp_cfg_load(&demo_spec, &c, 3, a4, NULL, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, path) != NULL);
    mp_cfg_free(&demo_spec, &c);
    unlink(path);
}

static const mp_test_case tests[] = {
    MP_TEST(hex_roundtrip),
    MP_TEST(hex_rejects_bad_input),
    MP_TEST(hex_quantity),
    MP_TEST(buf_appends),
    MP_TEST(err_records_and_wraps),

    MP_TEST(log_json_lines),
    MP_TEST(log_typed_values),
    MP_TEST(log_text_lines_escape_newlines),
    MP_TEST(cfg_layers),
    MP_TEST(cfg_rejects_bad_values),
};
MP_TEST_MAIN("util", tests)
