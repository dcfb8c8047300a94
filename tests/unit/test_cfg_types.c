/*
** test_cfg_types.c: the option types daemons need (duration, listen address,
** Ethereum address, hex bytes, string list, URL), through the parsers and
** through every mp_cfg layer, with the messages for malformed values.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpavs/cfg.h"
#include "mpavs/file.h"
#include "test.h"

TEST(durations)
{
    struct {
        const char *text;
        long long ms;
    } good[] = {{"0", 0},          {"250ms", 250},     {"30s", 30000},
                {"5m", 300000},    {"1h", 3600000},    {"1h30m", 5400000},
                {"2d", 172800000}, {"1m500ms", 60500}, {"0s", 0}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        long long ms = -1;
        mp_err e;
        CHECK_OK(mp_cfg_parse_duration(good[i].text, &ms, &e), &e);
        CHECK(ms == good[i].ms);
    }
    struct {
        const char *text, *why;
    } bad[] = {{"", "empty"},
               {"30", "lacks a unit"},
               {"5x", "unknown unit \"x\""},
               {"s", "<number><unit>"},
               {"-5s", "<number><unit>"},
               {"1.5s", "lacks a unit"},
               {"5 m", "lacks a unit"},
               {"99999999999999999999ms", "too large"},
               {"9999999999999d", "too large"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long long ms;
        mp_err e;
        CHECK_RC(mp_cfg_parse_duration(bad[i].text, &ms, &e), MP_ERR_INVALID);
        CHECK(strstr(e.msg, bad[i].why) != NULL);
    }
}

TEST(listen_addresses)
{
    struct {
        const char *text, *host;
        unsigned port;
    } good[] = {{"127.0.0.1:8080", "127.0.0.1", 8080},
                {"localhost:0", "localhost", 0},
                {"[::1]:9000", "::1", 9000},
                {":443", "0.0.0.0", 443},
                {"node-1.example:65535", "node-1.example", 65535}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mp_cfg_listen l = {0};
        mp_err e;
        CHECK_OK(mp_cfg_parse_listen(good[i].text, &l, &e), &e);
        CHECK(l.set && !strcmp(l.host, good[i].host) && l.port == good[i].port);
    }
    struct {
        const char *text, *why;
    } bad[] = {
        {"127.0.0.1", "lacks a port"},     {"host:", "port must be"},  {"host:65536", "outside"},
        {"host:8o", "not a number"},       {"::1:80", "brackets"},     {"[::1]80", "[ipv6]:port"},
        {"bad host:80", "malformed host"}, {"[]:80", "malformed host"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mp_cfg_listen l = {0};
        mp_err e;
        CHECK_RC(mp_cfg_parse_listen(bad[i].text, &l, &e), MP_ERR_INVALID);
        CHECK(strstr(e.msg, bad[i].why) != NULL);
        CHECK(!l.set);
    }
}

TEST(urls)
{
    const char *good[] = {"http://127.0.0.1:8545", "https://rpc.example.org/v1/key?x=1", "HTTP://h",
                          "http://[::1]:8545/", "https://user:pw@host:1/p#f"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mp_err e;
        CHECK_OK(mp_cfg_check_url(good[i], &e), &e);
    }
    struct {
        const char *text, *why;
    } bad[] = {{"ftp://h", "http:// or https://"},
               {"127.0.0.1:8545", "http:// or https://"},
               {"http://", "host"},
               {"http://h:0", "outside"},
               {"http://h:x", "not a number"},
               {"http://h /x", "space"},
               {"http://[::1", "unclosed"},
               {"https://user:s3cret@:80", "host"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mp_err e;
        CHECK_RC(mp_cfg_check_url(bad[i].text, &e), MP_ERR_INVALID);
        CHECK(strstr(e.msg, bad[i].why) != NULL);
        CHECK(strstr(e.msg, "s3cret") == NULL); /* credentials are never quoted */
    }
}

TEST(string_lists)
{
    mp_cfg_strlist l = {0};
    mp_err e;
    CHECK_OK(mp_cfg_parse_strlist(" a, b ,c", &l, &e), &e);
    CHECK(l.n == 3 && !strcmp(l.items[0], "a") && !strcmp(l.items[1], "b") &&
          !strcmp(l.items[2], "c"));
    mp_cfg_strlist_free(&l);
    CHECK(l.n == 0 && l.items == NULL);
    CHECK_OK(mp_cfg_parse_strlist("  ", &l, &e), &e);
    CHECK(l.n == 0);
    CHECK_RC(mp_cfg_parse_strlist("a,,b", &l, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "item 2 is empty") != NULL && l.n == 0);
    CHECK_RC(mp_cfg_parse_strlist("a,", &l, &e), MP_ERR_INVALID);
}

/* ---- through mp_cfg_load ------------------------------------------------------ */

typedef struct tcfg {
    long long poll_ms;
    mp_cfg_listen listen;
    mp_cfg_eth_address registry;
    mp_buf key;
    mp_buf salt;
    mp_cfg_strlist peers;
    char *rpc_url;
} tcfg;

static const mp_cfg_opt topts[] = {
    {"poll", MP_CFG_DURATION, offsetof(tcfg, poll_ms), "2s", 100, 60000, 0, "poll interval"},
    {"listen", MP_CFG_LISTEN, offsetof(tcfg, listen), "127.0.0.1:0", 0, 0, 0, "listen"},
    {"registry", MP_CFG_ETH_ADDRESS, offsetof(tcfg, registry), NULL, 0, 0, MP_CFG_REQUIRED,
     "registry"},
    {"key", MP_CFG_HEX, offsetof(tcfg, key), NULL, 32, 32, MP_CFG_SECRET, "a 32-byte key"},
    {"salt", MP_CFG_HEX, offsetof(tcfg, salt), "0x0102", 0, 0, 0, "any bytes"},
    {"peers", MP_CFG_STRLIST, offsetof(tcfg, peers), "p1,p2", 0, 0, 0, "peers"},
    {"rpc_url", MP_CFG_URL, offsetof(tcfg, rpc_url), NULL, 0, 0, 0, "endpoint"},
};
static const mp_cfg_spec tspec = {"t", "MPAVS_TT", topts, sizeof topts / sizeof topts[0]};

#define REG   "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
#define KEY32 "0x1111111111111111111111111111111111111111111111111111111111111111"

static int load(tcfg *c, int argc, const char **argv, mp_err *e)
{
    memset(c, 0, sizeof *c);
    return mp_cfg_load(&tspec, c, argc, (char **)argv, NULL, e);
}

TEST(layers_and_defaults)
{
    tcfg c;
    mp_err e;
    const char *argv[] = {"t", "--registry", REG, "--key", KEY32, "--peers", "x, y, z"};
    CHECK_OK(load(&c, 7, argv, &e), &e);
    CHECK(c.poll_ms == 2000);
    CHECK(c.listen.set && !strcmp(c.listen.host, "127.0.0.1") && c.listen.port == 0);
    CHECK(c.registry.set && c.registry.bytes[0] == 0x5a && c.registry.bytes[19] == 0xed);
    CHECK(c.key.len == 32 && c.key.data[31] == 0x11);
    CHECK(c.salt.len == 2 && c.salt.data[1] == 2);
    CHECK(c.peers.n == 3 && !strcmp(c.peers.items[2], "z"));
    CHECK(c.rpc_url == NULL);
    mp_buf out = MP_BUF_INIT;
    CHECK_OK(mp_cfg_dump_json(&tspec, &c, &out, &e), &e);
    const char *j = (const char *)out.data;
    CHECK(j && strstr(j, "\"poll\":2000") && strstr(j, "\"listen\":\"127.0.0.1:0\""));
    CHECK(j && strstr(j, "\"registry\":\"" REG "\"") && strstr(j, "\"key\":\"<redacted>\""));
    CHECK(j && strstr(j, "\"peers\":[\"x\",\"y\",\"z\"]") && strstr(j, "\"rpc_url\":null"));
    CHECK(j && !strstr(j, "1111"));
    mp_buf_free(&out);
    mp_cfg_free(&tspec, &c);
    CHECK(c.key.data == NULL && c.peers.n == 0);

    /* a missing required address */
    const char *argv2[] = {"t"};
    CHECK_RC(load(&c, 1, argv2, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "registry is required") != NULL);
    mp_cfg_free(&tspec, &c);
}

static const char *write_cfg(const char *json)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/mpavs-cfgt-%d.json", (int)getpid());
    if (mp_file_write_atomic(path, json, strlen(json), 0600, NULL) != MP_OK)
        return "/nonexistent";
    return path;
}

TEST(file_layer_and_arrays)
{
    tcfg c;
    mp_err e;
    const char *path = write_cfg("{\"registry\": \"" REG "\", \"peers\": [\"a\", \"b c\"],"
                                 " \"poll\": \"1m\", \"listen\": \"[::1]:9000\","
                                 " \"rpc_url\": \"https://rpc.example\"}");
    const char *argv[] = {"t", "--config", path};
    CHECK_OK(load(&c, 3, argv, &e), &e);
    CHECK(c.peers.n == 2 && !strcmp(c.peers.items[1], "b c"));
    CHECK(c.poll_ms == 60000 && c.listen.port == 9000 && !strcmp(c.listen.host, "::1"));
    CHECK(c.rpc_url && !strcmp(c.rpc_url, "https://rpc.example"));
    mp_buf out = MP_BUF_INIT;
    CHECK_OK(mp_cfg_dump_json(&tspec, &c, &out, &e), &e);
    CHECK(out.data && strstr((char *)out.data, "\"listen\":\"[::1]:9000\""));
    mp_buf_free(&out);
    mp_cfg_free(&tspec, &c);

    struct {
        const char *json, *why;
    } bad[] = {
        {"{\"peers\": [\"a\", 3]}", "peers: item 2 must be a non-empty string"},
        {"{\"peers\": [\"\"]}", "item 1 must be a non-empty string"},
        {"{\"poll\": 5}", "poll must be a string"},
        {"{\"listen\": [\"a\"]}", "listen must be a string, not an array"},
        {"{\"poll\": \"1ms\"}", "poll: 1 ms is outside [100, 60000] ms"},
        {"{\"rpc_url\": \"ws://x\"}", "rpc_url: URL must start with"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        path = write_cfg(bad[i].json);
        const char *a[] = {"t", "--config", path, "--registry", REG};
        CHECK_RC(load(&c, 5, a, &e), MP_ERR_INVALID);
        CHECK(strstr(e.msg, "config file ") && strstr(e.msg, bad[i].why));
        mp_cfg_free(&tspec, &c);
    }
    unlink(path);
}

TEST(errors_name_option_and_layer)
{
    tcfg c;
    mp_err e;
    setenv("MPAVS_TT_POLL", "soon", 1);
    const char *argv[] = {"t", "--registry", REG};
    CHECK_RC(load(&c, 3, argv, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "env MPAVS_TT_POLL: poll: ") != NULL);
    mp_cfg_free(&tspec, &c);
    unsetenv("MPAVS_TT_POLL");

    const char *argv2[] = {"t", "--registry", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"};
    CHECK_RC(load(&c, 3, argv2, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "flag --registry: registry: ") && strstr(e.msg, "checksum"));
    mp_cfg_free(&tspec, &c);

    const char *argv3[] = {"t", "--registry", REG, "--key=0x1234"};
    CHECK_RC(load(&c, 4, argv3, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "flag --key: key: 2 bytes, expected 32 to 32") != NULL);
    CHECK(!strstr(e.msg, "1234"));
    mp_cfg_free(&tspec, &c);

    const char *argv4[] = {"t", "--registry", REG, "--salt", "0xabc"};
    CHECK_RC(load(&c, 5, argv4, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "flag --salt: salt: hex has an odd number of digits") != NULL);
    mp_cfg_free(&tspec, &c);

    const char *argv5[] = {"t", "--registry", REG, "--listen", "8080"};
    CHECK_RC(load(&c, 5, argv5, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "flag --listen: listen: \"8080\" lacks a port") != NULL);
    mp_cfg_free(&tspec, &c);

    const char *argv6[] = {"t", "--registry", REG, "--peers", "a,,b"};
    CHECK_RC(load(&c, 5, argv6, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "flag --peers: peers: list item 2 is empty") != NULL);
    mp_cfg_free(&tspec, &c);
}

static const mp_test_case tests[] = {
    MP_TEST(durations),
    MP_TEST(listen_addresses),
    MP_TEST(urls),
    MP_TEST(string_lists),
    MP_TEST(layers_and_defaults),
    MP_TEST(file_layer_and_arrays),
    MP_TEST(errors_name_option_and_layer),
};

MP_TEST_MAIN("cfg_types", tests)
