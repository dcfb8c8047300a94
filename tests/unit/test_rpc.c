/*
** test_rpc.c: the JSON-RPC client and the Ethereum methods against an
** in-process HTTP server (libmicrohttpd on a loopback port) that plays a
** node: timeouts, retries on 503 and refused connections, error objects,
** malformed bodies, strict field parsing, reverts, and eth_getLogs range
** splitting when the "node" refuses large ranges.
*/
#include "mpavs/ethrpc.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/rpc.h"
#include "test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the stub node ---- */

typedef struct stub {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t mu;
    int requests;    /* requests answered so far */
    int fail_first;  /* answer 503 to this many requests first */
    int delay_ms;    /* sleep before answering */
    const char *raw; /* answer this body verbatim (with raw_status) */
    unsigned raw_status;
    uint64_t logs_max_range; /* eth_getLogs refuses wider ranges */
    int logs_calls;
    const char *block_json;   /* result of eth_getBlockByNumber */
    const char *receipt_json; /* result of eth_getTransactionReceipt */
} stub;

static json_t *log_entry(uint64_t block)
{
    char num[24], data[24];
    snprintf(num, sizeof num, "0x%llx", (unsigned long long)block);
    snprintf(data, sizeof data, "0x%04llx", (unsigned long long)block);
    char h[67] = "0x";
    memset(h + 2, 'a', 64);
    h[66] = 0;
    return json_pack("{s:s, s:[s], s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "address",
                     "0x5fbdb2315678afecb367f032d93f642f64180aa3", "topics", h, "data", data,
                     "blockNumber", num, "blockHash", h, "transactionHash", h, "transactionIndex",
                     "0x0", "logIndex", "0x0", "removed", 0);
}

static json_t *get_logs(stub *s, json_t *params, json_t **error)
{
    json_t *f = json_array_get(params, 0);
    uint64_t from = strtoull(json_string_value(json_object_get(f, "fromBlock")), NULL, 16);
    uint64_t to = strtoull(json_string_value(json_object_get(f, "toBlock")), NULL, 16);
    s->logs_calls++;
    if (to - from + 1 > s->logs_max_range) {
        *error = json_pack("{s:i, s:s}", "code", -32005, "message",
                           "query returned more than 10000 results");
        return NULL;
    }
    json_t *arr = json_array();
    for (uint64_t b = from; b <= to; b++)
        json_array_append_new(arr, log_entry(b));
    return arr;
}

/* eth_call to this address returns the calldata; every other eth_call reverts. */
#define ECHO_CONTRACT "0x0202020202020202020202020202020202020202"

static json_t *dispatch(stub *s, const char *method, json_t *params, json_t **error)
{
    if (!strcmp(method, "eth_chainId"))
        return json_string("0x7a69");
    if (!strcmp(method, "test_echo"))
        return json_incref(params);
    if (!strcmp(method, "test_error")) {
        *error = json_pack("{s:i, s:s, s:s}", "code", -32000, "message", "boom", "data", "0x1234");
        return NULL;
    }
    const char *to = json_string_value(json_object_get(json_array_get(params, 0), "to"));
    if (!strcmp(method, "eth_call") && to && !strcmp(to, ECHO_CONTRACT))
        return json_incref(json_object_get(json_array_get(params, 0), "data"));
    if (!strcmp(method, "eth_call") || !strcmp(method, "eth_estimateGas")) {
        /* Error("nope"); the message carries a NUL byte, as anvil's do when it prints
         * revert data with string arguments as text (\u0000 in the body). */
        *error = json_pack("{s:i, s:s#, s:s}", "code", 3, "message", "execution reverted: \0nope",
                           25, "data",
                           "0x08c379a0"
                           "0000000000000000000000000000000000000000000000000000000000000020"
                           "0000000000000000000000000000000000000000000000000000000000000004"
                           "6e6f706500000000000000000000000000000000000000000000000000000000");
        return NULL;
    }
    if (!strcmp(method, "eth_getLogs"))
        return get_logs(s, params, error);
    if (!strcmp(method, "eth_getBlockByNumber"))
        return json_loads(s->block_json ? s->block_json : "null", JSON_DECODE_ANY | JSON_ALLOW_NUL,
                          NULL);
    if (!strcmp(method, "eth_getTransactionReceipt"))
        return json_loads(s->receipt_json ? s->receipt_json : "null", JSON_DECODE_ANY, NULL);
    *error = json_pack("{s:i, s:s}", "code", -32601, "message", "method not found");
    return NULL;
}

static json_t *answer(stub *s, json_t *req)
{
    json_t *error = NULL;
    json_t *result = dispatch(s, json_string_value(json_object_get(req, "method")),
                              json_object_get(req, "params"), &error);
    json_t *resp = json_pack("{s:s, s:O}", "jsonrpc", "2.0", "id", json_object_get(req, "id"));
    json_object_set_new(resp, error ? "error" : "result", error ? error : result);
    return resp;
}

/* Builds the reply to one request body. */
static char *reply_to(stub *s, const mp_buf *body, unsigned *status)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests++;
    int delay = s->delay_ms;
    *status = 200;
    char *out = NULL;
    if (n < s->fail_first) {
        *status = 503;
        out = strdup("busy");
    } else if (s->raw) {
        *status = s->raw_status;
        out = strdup(s->raw);
    } else {
        json_t *req = json_loadb((const char *)body->data, body->len, 0, NULL), *resp;
        if (json_is_array(req)) {
            /* A batch: answered in reverse order (the spec allows any order). */
            resp = json_array();
            for (size_t i = json_array_size(req); i-- > 0;)
                json_array_append_new(resp, answer(s, json_array_get(req, i)));
        } else {
            resp = answer(s, req);
        }
        out = json_dumps(resp, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(resp);
        json_decref(req);
    }
    pthread_mutex_unlock(&s->mu);
    if (delay)
        usleep((useconds_t)delay * 1000);
    return out;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    (void)url, (void)method, (void)version;
    if (*state == NULL) {
        *state = calloc(1, sizeof(mp_buf));
        return *state ? MHD_YES : MHD_NO;
    }
    mp_buf *body = *state;
    if (*upload_size) {
        mp_buf_append(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    unsigned status;
    char *text = reply_to(cls, body, &status);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    if (*state) {
        mp_buf_free(*state);
        free(*state);
        *state = NULL;
    }
}

static bool stub_start(stub *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->logs_max_range = UINT64_MAX;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, s, MHD_OPTION_END);
    if (s->d == NULL)
        return false;
    s->port = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return true;
}

static void stub_stop(stub *s)
{
    if (s->d)
        MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
}

static mp_rpc_opts fast_opts(void)
{
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.timeout_ms = 2000;
    o.retries = 2;
    o.backoff_ms = 10;
    o.backoff_max_ms = 40;
    return o;
}

static bool client(mp_rpc *c, const stub *s, const mp_rpc_opts *o)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s->port);
    return mp_rpc_init(c, url, o, NULL, NULL) == MP_OK;
}

#define WITH_STUB(s, c, opts)                                                                      \
    stub s;                                                                                        \
    mp_rpc c;                                                                                      \
    mp_rpc_opts opts_##c = (opts);                                                                 \
    CHECK(stub_start(&s));                                                                         \
    CHECK(client(&c, &s, &opts_##c))

/* ---- the generic client ---- */

TEST(call_and_echo)
{
    WITH_STUB(s, c, fast_opts());
    json_t *res;
    mp_err e;
    CHECK_OK(mp_rpc_call(&c, "test_echo", json_pack("[i, s]", 7, "x"), &res, &e), &e);
    CHECK(json_is_array(res) && json_integer_value(json_array_get(res, 0)) == 7);
    json_decref(res);
    uint64_t id;
    CHECK_OK(mp_eth_chain_id(&c, &id, &e), &e);
    CHECK(id == 31337 && c.calls == 2 && c.retries == 0);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(retries_on_503)
{
    WITH_STUB(s, c, fast_opts());
    s.fail_first = 2;
    uint64_t id;
    mp_err e;
    CHECK_OK(mp_eth_chain_id(&c, &id, &e), &e);
    CHECK(id == 31337 && c.retries == 2 && s.requests == 3);
    /* Three 503s exhaust 1 + 2 attempts. */
    s.requests = 0;
    s.fail_first = 3;
    int rc = mp_eth_chain_id(&c, &id, &e);
    CHECK(mp_rc_class(rc) == MP_ERR_RPC && mp_rc_detail(rc) == MP_RPC_TRANSPORT);
    CHECK(s.requests == 3);
    CHECK(strstr(e.msg, "HTTP 503") != NULL);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(no_retry_on_error_object)
{
    WITH_STUB(s, c, fast_opts());
    json_t *res;
    mp_err e;
    int rc = mp_rpc_call(&c, "test_error", NULL, &res, &e);
    CHECK(mp_rc_class(rc) == MP_ERR_RPC && mp_rc_detail(rc) == MP_RPC_ERROR_OBJECT);
    CHECK(s.requests == 1 && c.retries == 0);
    CHECK(c.last_error.code == -32000 && !strcmp(c.last_error.message, "boom"));
    CHECK(json_is_string(c.last_error.data) &&
          !strcmp(json_string_value(c.last_error.data), "0x1234"));
    CHECK(strstr(e.msg, "boom") != NULL && strstr(e.msg, "-32000") != NULL);
    rc = mp_rpc_call(&c, "no_such_method", NULL, &res, &e);
    CHECK(mp_rc_detail(rc) == MP_RPC_ERROR_OBJECT && c.last_error.code == -32601);
    CHECK(c.last_error.data == NULL);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(timeouts)
{
    mp_rpc_opts o = fast_opts();
    o.timeout_ms = 200;
    o.retries = 1;
    WITH_STUB(s, c, o);
    s.delay_ms = 600;
    uint64_t id;
    mp_err e;
    CHECK_RC(mp_eth_chain_id(&c, &id, &e), MP_ERR_TIMEOUT);
    CHECK(c.retries == 1 && c.calls == 2);
    CHECK(strstr(e.msg, "after 2 attempts") != NULL);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(connection_refused)
{
    /* A port nobody listens on: bind, read the port, close. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    mp_rpc c;
    mp_rpc_opts o = fast_opts();
    mp_err e;
    CHECK_OK(mp_rpc_init(&c, url, &o, NULL, &e), &e);
    uint64_t id;
    int rc = mp_eth_chain_id(&c, &id, &e);
    CHECK(mp_rc_class(rc) == MP_ERR_RPC && mp_rc_detail(rc) == MP_RPC_TRANSPORT);
    CHECK(c.calls == 3 && c.retries == 2);
    CHECK(strstr(e.msg, "attempts") != NULL);
    mp_rpc_close(&c);
    CHECK_RC(mp_rpc_init(&c, "ftp://x", &o, NULL, &e), MP_ERR_INVALID);
}

TEST(malformed_bodies)
{
    static const struct {
        const char *body;
        unsigned status;
        int cls;
        const char *msg;
    } cases[] = {
        {"not json", 200, MP_ERR_PARSE, "not JSON"},
        {"[]", 200, MP_ERR_PARSE, "JSON-RPC 2.0"},
        {"{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}", 200, MP_ERR_PARSE, "JSON-RPC 2.0"},
        {"{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":1}", 200, MP_ERR_PARSE, "id does not match"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1}", 200, MP_ERR_PARSE, "exactly one"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}", 200, MP_ERR_PARSE,
         "exactly one"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":1}}", 200,
         MP_ERR_PARSE, "malformed JSON-RPC error"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"7a69\"}", 200, MP_ERR_PARSE, "0x prefix"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7g\"}", 200, MP_ERR_PARSE, "is not hex"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x\"}", 200, MP_ERR_PARSE, "64-bit"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10000000000000000\"}", 200, MP_ERR_PARSE,
         "64-bit"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":12}", 200, MP_ERR_PARSE, "string of hex digits"},
        {"<html>not found</html>", 404, MP_ERR_RPC, "HTTP 404"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WITH_STUB(s, c, fast_opts());
        s.raw = cases[i].body;
        s.raw_status = cases[i].status;
        uint64_t id;
        mp_err e;
        int rc = mp_eth_chain_id(&c, &id, &e);
        if (mp_rc_class(rc) != cases[i].cls || !strstr(e.msg, cases[i].msg))
            printf("# case %zu: %s \"%s\"\n", i, mp_rc_name(rc), e.msg);
        CHECK_RC(rc, cases[i].cls);
        CHECK(strstr(e.msg, cases[i].msg) != NULL);
        CHECK(s.requests == 1); /* never retried */
        mp_rpc_close(&c);
        stub_stop(&s);
    }
}

TEST(response_too_large)
{
    mp_rpc_opts o = fast_opts();
    o.max_response = 64;
    WITH_STUB(s, c, o);
    json_t *res, *big = json_array();
    for (int i = 0; i < 50; i++)
        json_array_append_new(big, json_string("0123456789"));
    mp_err e;
    int rc = mp_rpc_call(&c, "test_echo", big, &res, &e);
    CHECK(mp_rc_class(rc) == MP_ERR_RPC && mp_rc_detail(rc) == MP_RPC_TOO_LARGE);
    CHECK(s.requests == 1);
    mp_rpc_close(&c);
    stub_stop(&s);
}

/* A response whose result is n copies of elem in an array (malloc'd text). */
static char *array_body(const char *elem, size_t n)
{
    size_t el = strlen(elem);
    char *b = malloc(64 + n * (el + 1));
    size_t k = (size_t)sprintf(b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[");
    for (size_t i = 0; i < n; i++) {
        memcpy(b + k, elem, el);
        k += el;
        b[k++] = i + 1 < n ? ',' : ']';
    }
    strcpy(b + k, "}");
    return b;
}

TEST(parse_is_bounded)
{
    /* Default caps: a few MiB, more only for calls that ask. */
    mp_rpc_opts d = MP_RPC_OPTS_DEFAULT;
    CHECK(d.max_response <= (8u << 20) && d.max_large_response >= d.max_response);
    /* 1 MiB of "{}," would be a ~90 MB tree (a 64 MiB body took ~5 GB): refused before
     * parsing, as too large (so eth_getLogs splits its range). */
    static const char *const hostile[] = {"{}", "[]", "1", "\"\"", "{\"a\":{}}"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        WITH_STUB(s, c, fast_opts());
        char *body = array_body(hostile[i], 350000);
        s.raw = body;
        s.raw_status = 200;
        json_t *res = NULL;
        mp_err e;
        int rc = mp_rpc_call(&c, "test_echo", NULL, &res, &e);
        if (mp_rc_detail(rc) != MP_RPC_TOO_LARGE)
            printf("# %s: %s \"%s\"\n", hostile[i], mp_rc_name(rc), mp_test_errmsg(&e));
        CHECK(mp_rc_class(rc) == MP_ERR_RPC && mp_rc_detail(rc) == MP_RPC_TOO_LARGE);
        CHECK(rc == MP_OK || strstr(e.msg, "too many values") != NULL);
        CHECK(s.requests == 1);
        json_decref(res);
        free(body);
        mp_rpc_close(&c);
        stub_stop(&s);
    }
    /* Nesting deeper than MP_RPC_MAX_DEPTH. */
    WITH_STUB(s, c, fast_opts());
    char deep[400] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":";
    size_t k = strlen(deep);
    for (int i = 0; i < MP_RPC_MAX_DEPTH + 1; i++)
        deep[k++] = '[';
    for (int i = 0; i < MP_RPC_MAX_DEPTH + 1; i++)
        deep[k++] = ']';
    strcpy(deep + k, "}");
    s.raw = deep;
    s.raw_status = 200;
    json_t *res = NULL;
    mp_err e;
    int rc = mp_rpc_call(&c, "test_echo", NULL, &res, &e);
    CHECK(mp_rc_detail(rc) == MP_RPC_TOO_LARGE && strstr(e.msg, "deeper than") != NULL);
    json_decref(res);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(real_bodies_pass_the_bound)
{
    /* 5000 logs (~2.5 MiB): a real answer's tree is ~4.4x its text, well inside 16x. */
    WITH_STUB(s, c, fast_opts());
    json_t *res, *logs = json_array();
    for (uint64_t b = 0; b < 5000; b++)
        json_array_append_new(logs, log_entry(b));
    mp_err e;
    CHECK_OK(mp_rpc_call(&c, "test_echo", logs, &res, &e), &e);
    CHECK(json_array_size(res) == 5000);
    json_decref(res);
    /* eth_getLogs asks for the large cap: 12000 logs (~5 MiB) in one answer, no split. */
    mp_eth_filter f = {.from_block = 1, .to_block = 12000};
    mp_eth_logs out = {0};
    CHECK_OK(mp_eth_get_logs(&c, &f, &out, &e), &e);
    CHECK(out.n == 12000 && s.logs_calls == 1);
    mp_eth_logs_free(&out);
    /* The same body through mp_rpc_call is over the default cap. */
    json_t *many = json_array();
    for (uint64_t b = 0; b < 12000; b++)
        json_array_append_new(many, log_entry(b));
    int rc = mp_rpc_call(&c, "test_echo", many, &res, &e);
    CHECK(mp_rc_detail(rc) == MP_RPC_TOO_LARGE && strstr(e.msg, "response too large") != NULL);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(log_redacts_url)
{
    stub s;
    CHECK(stub_start(&s));
    char path[] = "/tmp/mpavs-rpc-log-XXXXXX";
    int fd = mkstemp(path);
    mp_log lg = mp_log_default("test");
    lg.level = MP_LOG_DEBUG;
    lg.fd = fd;
    char url[128];
    snprintf(url, sizeof url, "http://user:secret@127.0.0.1:%d/v1/APIKEY123?k=x", s.port);
    mp_rpc c;
    mp_rpc_opts o = fast_opts();
    mp_err e;
    uint64_t id;
    CHECK_OK(mp_rpc_init(&c, url, &o, &lg, &e), &e);
    CHECK_OK(mp_eth_chain_id(&c, &id, &e), &e);
    mp_rpc_close(&c);
    uint8_t *text;
    size_t len;
    CHECK_OK(mp_file_read(path, 1 << 20, &text, &len, &e), &e);
    CHECK(strstr((char *)text, "eth_chainId") != NULL);
    CHECK(strstr((char *)text, "127.0.0.1") != NULL);
    CHECK(strstr((char *)text, "secret") == NULL && strstr((char *)text, "APIKEY123") == NULL);
    free(text);
    close(fd);
    unlink(path);
    stub_stop(&s);
}

/* ---- Ethereum methods ---- */

#define H32 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define A20 "0x5fbdb2315678afecb367f032d93f642f64180aa3"

static const char good_block[] =
    "{\"number\":\"0x10\",\"hash\":"
    "\"" H32 "\""
    ",\"parentHash\":\"" H32 "\",\"stateRoot\":\"" H32
    "\",\"timestamp\":\"0x6553f100\",\"gasLimit\":\"0x1c9c380\","
    "\"gasUsed\":\"0x5208\",\"baseFeePerGas\":\"0x3b9aca00\",\"transactions\":[\"" H32 "\"]}";

TEST(blocks)
{
    WITH_STUB(s, c, fast_opts());
    mp_eth_block b;
    mp_err e;
    s.block_json = good_block;
    CHECK_OK(mp_eth_get_block_by_number(&c, MP_BLOCK_LATEST, &b, &e), &e);
    CHECK(b.number == 16 && b.timestamp == 0x6553f100 && b.gas_limit == 30000000);
    CHECK(b.has_base_fee && b.base_fee == 1000000000 && b.ntx == 1 && b.hash[31] == 0x11);
    s.block_json = "null";
    CHECK_RC(mp_eth_get_block_by_number(&c, 99, &b, &e), MP_ERR_NOTFOUND);
    /* Each field broken in turn is named. */
    static const char *const breaks[][3] = {
        {"\"number\":\"0x10\"", "\"number\":16", "number"},
        {"\"gasUsed\":\"0x5208\",", "", "gasUsed is missing"},
        {"\"hash\":\"" H32 "\"", "\"hash\":\"0x11\"", "hash is not 32 bytes"},
        {"\"transactions\":[", "\"transactions\":{\"a\":[", "transactions"},
        {"\"number\":\"0x10\"", "\"number\":\"0x10\\u000000\"", "number contains a NUL"},
    };
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        char buf[1024];
        const char *at = strstr(good_block, breaks[i][0]);
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good_block), good_block, breaks[i][1],
                 at + strlen(breaks[i][0]));
        if (i == 3)
            strcat(buf, "}");
        s.block_json = buf;
        int rc = mp_eth_get_block_by_number(&c, 1, &b, &e);
        CHECK_RC(rc, MP_ERR_PARSE);
        if (!strstr(e.msg, breaks[i][2]))
            printf("# %s\n", e.msg);
        CHECK(strstr(e.msg, breaks[i][2]) != NULL);
        CHECK(strstr(e.msg, "eth_getBlockByNumber") != NULL);
    }
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(receipts)
{
    WITH_STUB(s, c, fast_opts());
    uint8_t h[32] = {0};
    mp_eth_receipt r;
    mp_err e;
    CHECK_RC(mp_eth_get_transaction_receipt(&c, h, &r, &e), MP_ERR_NOTFOUND);
    char buf[2048];
    json_t *log = log_entry(5);
    char *log_text = json_dumps(log, JSON_COMPACT);
    snprintf(buf, sizeof buf,
             "{\"transactionHash\":\"" H32 "\",\"blockHash\":\"" H32 "\",\"blockNumber\":\"0x5\","
             "\"transactionIndex\":\"0x0\",\"gasUsed\":\"0x5208\",\"cumulativeGasUsed\":\"0x5208\","
             "\"status\":\"0x1\",\"from\":\"" A20 "\",\"to\":null,\"contractAddress\":\"" A20 "\","
             "\"effectiveGasPrice\":\"0x7\",\"logs\":[%s]}",
             log_text);
    s.receipt_json = buf;
    CHECK_OK(mp_eth_get_transaction_receipt(&c, h, &r, &e), &e);
    CHECK(r.status && r.block_number == 5 && r.gas_used == 21000 && r.effective_gas_price == 7);
    CHECK(!r.has_to && r.has_contract && r.contract_address[0] == 0x5f);
    CHECK(r.logs.n == 1 && r.logs.v[0].data_len == 2 && r.logs.v[0].ntopics == 1);
    mp_eth_receipt_free(&r);
    /* status 0x2 and a log with five topics are refused. */
    char *p = strstr(buf, "\"status\":\"0x1\"");
    p[12] = '2';
    CHECK_RC(mp_eth_get_transaction_receipt(&c, h, &r, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "status") != NULL);
    p[12] = '1';
    json_t *topics = json_object_get(log, "topics");
    for (int i = 0; i < 4; i++)
        json_array_append(topics, json_array_get(topics, 0));
    free(log_text);
    log_text = json_dumps(log, JSON_COMPACT);
    snprintf(buf, sizeof buf,
             "{\"transactionHash\":\"" H32 "\",\"blockHash\":\"" H32 "\",\"blockNumber\":\"0x5\","
             "\"transactionIndex\":\"0x0\",\"gasUsed\":\"0x5208\",\"cumulativeGasUsed\":\"0x5208\","
             "\"status\":\"0x1\",\"from\":\"" A20 "\",\"to\":null,\"contractAddress\":null,"
             "\"logs\":[%s]}",
             log_text);
    CHECK_RC(mp_eth_get_transaction_receipt(&c, h, &r, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "topics") != NULL);
    free(log_text);
    json_decref(log);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(reverts)
{
    WITH_STUB(s, c, fast_opts());
    uint8_t to[20] = {1};
    mp_eth_callmsg m = {.to = to};
    mp_buf out = MP_BUF_INIT, data = MP_BUF_INIT;
    mp_err e;
    CHECK_RC(mp_eth_call(&c, &m, MP_BLOCK_LATEST, &out, &e), MP_ERR_REVERTED);
    CHECK(strstr(e.msg, "Error(\"nope\")") != NULL);
    CHECK(mp_eth_is_revert(&c));
    CHECK_OK(mp_eth_revert_data(&c, &data, &e), &e);
    CHECK(data.len == 100 && data.data[0] == 0x08);
    uint64_t gas;
    CHECK_RC(mp_eth_estimate_gas(&c, &m, &gas, &e), MP_ERR_REVERTED);
    mp_buf_free(&out);
    mp_buf_free(&data);
    mp_rpc_close(&c);
    stub_stop(&s);
}

/* ---- batches ---- */

TEST(batch_answers_in_request_order)
{
    WITH_STUB(s, c, fast_opts());
    json_t *params[3], *res[3];
    mp_err e;
    for (int i = 0; i < 3; i++)
        params[i] = json_pack("[i]", 10 + i);
    CHECK_OK(mp_rpc_call_batch(&c, "test_echo", params, 3, res, &e), &e);
    for (int i = 0; i < 3; i++) {
        CHECK(json_integer_value(json_array_get(res[i], 0)) == 10 + i);
        json_decref(res[i]);
    }
    CHECK(s.requests == 1);
    /* One error object fails the whole batch and names the member. */
    params[0] = NULL;
    params[1] = NULL;
    int rc = mp_rpc_call_batch(&c, "test_error", params, 2, res, &e);
    CHECK(mp_rc_detail(rc) == MP_RPC_ERROR_OBJECT && res[0] == NULL && res[1] == NULL);
    CHECK(strstr(e.msg, "batch member") != NULL && c.last_error.code == -32000);
    CHECK_RC(mp_rpc_call_batch(&c, "test_echo", params, 0, res, &e), MP_ERR_INVALID);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(batch_rejects_malformed_answers)
{
    static const struct {
        const char *body;
        const char *msg;
    } cases[] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}", "array of 2"},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}]", "array of 2"},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},{\"jsonrpc\":\"2.0\",\"id\":1,"
         "\"result\":2}]",
         "two answers"},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},{\"jsonrpc\":\"2.0\",\"id\":7,"
         "\"result\":2}]",
         "matches no request"},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},{\"jsonrpc\":\"2.0\",\"id\":2}]",
         "exactly one"},
        {"[1,2]", "not a JSON-RPC 2.0 object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WITH_STUB(s, c, fast_opts());
        s.raw = cases[i].body;
        s.raw_status = 200;
        json_t *params[2] = {NULL, NULL}, *res[2];
        mp_err e;
        int rc = mp_rpc_call_batch(&c, "test_echo", params, 2, res, &e);
        if (rc == MP_OK || !strstr(e.msg, cases[i].msg))
            printf("# case %zu: %s \"%s\"\n", i, mp_rc_name(rc), e.msg);
        CHECK_RC(rc, MP_ERR_PARSE);
        CHECK(strstr(e.msg, cases[i].msg) != NULL && res[0] == NULL && res[1] == NULL);
        mp_rpc_close(&c);
        stub_stop(&s);
    }
}

TEST(eth_call_batch)
{
    WITH_STUB(s, c, fast_opts());
    uint8_t echo[20], other[20] = {1}, data[2][3] = {{1, 2, 3}, {4, 5, 6}};
    memset(echo, 0x02, 20);
    mp_eth_callmsg m[2] = {{.to = echo, .data = data[0], .data_len = 3},
                           {.to = echo, .data = data[1], .data_len = 3}};
    mp_buf out[2] = {MP_BUF_INIT, MP_BUF_INIT};
    mp_err e;
    CHECK_OK(mp_eth_call_batch(&c, m, 2, MP_BLOCK_LATEST, out, &e), &e);
    CHECK(out[0].len == 3 && memcmp(out[0].data, data[0], 3) == 0);
    CHECK(out[1].len == 3 && memcmp(out[1].data, data[1], 3) == 0);
    CHECK(s.requests == 1);
    /* A revert of one call is the batch's. */
    m[1].to = other;
    CHECK_RC(mp_eth_call_batch(&c, m, 2, MP_BLOCK_LATEST, out, &e), MP_ERR_REVERTED);
    CHECK(strstr(e.msg, "Error(\"nope\")") != NULL);
    mp_buf_free(&out[0]);
    mp_buf_free(&out[1]);
    mp_rpc_close(&c);
    stub_stop(&s);
}

TEST(revert_describe)
{
    char out[200];
    uint8_t d[100];
    size_t n = mp_test_unhex(d, sizeof d,
                             "4e487b71"
                             "0000000000000000000000000000000000000000000000000000000000000011");
    mp_eth_revert_describe(out, sizeof out, d, n);
    CHECK_STR(out, "Panic(0x11: arithmetic overflow or underflow)");
    n = mp_test_unhex(d, sizeof d, "deadbeef0102");
    mp_eth_revert_describe(out, sizeof out, d, n);
    CHECK_STR(out, "custom error 0xdeadbeef (data 0x0102)");
    mp_eth_revert_describe(out, sizeof out, d, 0);
    CHECK_STR(out, "no revert data");
    mp_eth_revert_describe(out, sizeof out, d, 2);
    CHECK(strstr(out, "shorter than a selector") != NULL);
    /* A malformed Error(string) falls back to the custom-error form. */
    n = mp_test_unhex(d, sizeof d, "08c379a0ff");
    mp_eth_revert_describe(out, sizeof out, d, n);
    CHECK_STR(out, "custom error 0x08c379a0 (data 0xff)");
    char tiny[8];
    mp_eth_revert_describe(tiny, sizeof tiny, d, n);
    CHECK(strlen(tiny) == 7);
}

static bool logs_in_order(const mp_eth_logs *l, uint64_t from, uint64_t to)
{
    if (l->n != to - from + 1)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].block_number != from + i || l->v[i].data[1] != (uint8_t)(from + i))
            return false;
    return true;
}

TEST(get_logs_splitting)
{
    WITH_STUB(s, c, fast_opts());
    mp_eth_filter f = {.from_block = 0, .to_block = 99};
    mp_eth_logs logs = {0};
    mp_err e;
    /* No limit: one call. */
    CHECK_OK(mp_eth_get_logs(&c, &f, &logs, &e), &e);
    CHECK(logs_in_order(&logs, 0, 99) && s.logs_calls == 1);
    mp_eth_logs_free(&logs);
    /* The node refuses more than 10 blocks: halves until it accepts. */
    s.logs_max_range = 10;
    s.logs_calls = 0;
    CHECK_OK(mp_eth_get_logs(&c, &f, &logs, &e), &e);
    CHECK(logs_in_order(&logs, 0, 99));
    CHECK(s.logs_calls > 10 && s.logs_calls < 40);
    mp_eth_logs_free(&logs);
    /* max_range chunks up front, and chunks still split when refused. */
    f.max_range = 7;
    s.logs_calls = 0;
    CHECK_OK(mp_eth_get_logs(&c, &f, &logs, &e), &e);
    CHECK(logs_in_order(&logs, 0, 99) && s.logs_calls == 15);
    mp_eth_logs_free(&logs);
    f.max_range = 0;
    f.from_block = 5;
    f.to_block = 5;
    CHECK_OK(mp_eth_get_logs(&c, &f, &logs, &e), &e);
    CHECK(logs_in_order(&logs, 5, 5));
    /* Not even one block fits: the error comes back and nothing is appended. */
    s.logs_max_range = 0;
    f.from_block = 0;
    f.to_block = 3;
    CHECK_RC(mp_eth_get_logs(&c, &f, &logs, &e), MP_ERR_RPC);
    CHECK(logs.n == 1 && strstr(e.msg, "more than 10000") != NULL);
    mp_eth_logs_free(&logs);
    f.from_block = 9;
    f.to_block = 3;
    f.max_range = 5;
    CHECK_RC(mp_eth_get_logs(&c, &f, &logs, &e), MP_ERR_INVALID);
    mp_rpc_close(&c);
    stub_stop(&s);
}

static const mp_test_case tests[] = {
    MP_TEST(call_and_echo),
    MP_TEST(retries_on_503),
    MP_TEST(no_retry_on_error_object),
    MP_TEST(timeouts),
    MP_TEST(connection_refused),
    MP_TEST(malformed_bodies),
    MP_TEST(response_too_large),
    MP_TEST(log_redacts_url),
    MP_TEST(parse_is_bounded),
    MP_TEST(real_bodies_pass_the_bound),
    MP_TEST(blocks),
    MP_TEST(receipts),
    MP_TEST(reverts),
    MP_TEST(batch_answers_in_request_order),
    MP_TEST(batch_rejects_malformed_answers),
    MP_TEST(eth_call_batch),
    MP_TEST(revert_describe),
    MP_TEST(get_logs_splitting),
};

/* libcurl's global init is the program's job (see rpc.h). */
int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = mp_test_main("rpc", tests, sizeof tests / sizeof tests[0], argc, argv);
    curl_global_cleanup();
    return rc;
}
