/*
** test_rpcserver.c: the JSON-RPC server over real HTTP on loopback: round
** trip with the library's client, ids, notifications, parse errors, invalid
** requests, unknown methods, batches and their limit, the error mapping,
** oversized bodies, parameter helpers, and long polls (answered by an event;
** empty at the cap while other requests are served; answered on shutdown).
*/
#include "mpavs/clock.h"
#include "mpavs/rpc.h"
#include "mpavs/rpcserver.h"
#include "httpc.h"
#include "test.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>

enum { MAX_LATER = 16 };

typedef struct app {
    pthread_mutex_t mu;
    long long value; /* the "event" long polls wait for */
    int calls_ok, calls_failed;
    /* deferred calls for the answering thread (later) */
    pthread_cond_t cv;
    mp_rpcs_call *later[MAX_LATER];
    long long later_x[MAX_LATER];
    int n_later;
    bool quit;
} app;

static int m_echo(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)err;
    /* an object's echo also tells who asked */
    *result = json_is_object(params)
                  ? json_pack("{s:O, s:s}", "params", params, "remote", mp_rpcs_remote(call))
                  : json_incref(params);
    return MP_OK;
}

/* fail([kind]): the ways a handler can fail */
static int m_fail(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)result;
    const char *kind = json_string_value(json_array_get(params, 0));
    if (kind && strcmp(kind, "app") == 0)
        return mp_rpcs_fail(call, err, -32010, "unknown identifier 7");
    if (kind && strcmp(kind, "rpc") == 0)
        return MP_FAIL(err, MP_RC(MP_ERR_RPC, 1), "L2 node unreachable");
    if (kind && strcmp(kind, "io") == 0)
        return MP_FAIL(err, MP_ERR_IO, "disk full");
    return MP_FAIL(err, MP_ERR_INVALID, "bad thing");
}

/* typed([{n, data}]): the parameter helpers */
static int m_typed(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)call;
    static const char *const keys[] = {"n", "data", NULL};
    json_t *o;
    uint64_t n;
    mp_buf data = MP_BUF_INIT;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
    MP_TRY(mp_rpcs_field_u64(o, "params[0]", "n", &n, err));
    int rc = mp_rpcs_field_hex(o, "params[0]", "data", 4, &data, err);
    if (rc == MP_OK)
        *result = json_pack("{s:I, s:i}", "n", (json_int_t)n, "len", (int)data.len);
    mp_buf_free(&data);
    return rc;
}

/* next([{after, waitMs}]): value when it exceeds after; a long poll otherwise. */
static int m_next(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    app *a = user;
    json_t *o;
    uint64_t after, wait_ms;
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_field_u64(o, "params[0]", "after", &after, err));
    MP_TRY(mp_rpcs_field_u64(o, "params[0]", "waitMs", &wait_ms, err));
    pthread_mutex_lock(&a->mu);
    long long v = a->value;
    pthread_mutex_unlock(&a->mu);
    uint64_t slow = 0;
    if (json_object_get(o, "slowMs") && !mp_rpcs_final(call) &&
        mp_rpcs_field_u64(o, "params[0]", "slowMs", &slow, err) == MP_OK)
        mp_clock_sleep_ms((long)slow); /* widens the gap between check and wait */
    if (v > (long long)after)
        *result = json_pack("{s:I}", "value", (json_int_t)v);
    else if (mp_rpcs_final(call))
        *result = json_object();
    else
        mp_rpcs_wait(call, "value", (uint32_t)wait_ms);
    return MP_OK;
}

/* The answer to later([x]): {"twice": 2x, "deferred": d}, or error -32011 for x < 0. */
static int later_result(mp_rpcs_call *call, long long x, bool deferred, json_t **result,
                        mp_err *err)
{
    if (x < 0)
        return mp_rpcs_fail(call, err, -32011, "x is negative");
    *result = json_pack("{s:I, s:b}", "twice", (json_int_t)(2 * x), "deferred", deferred);
    return MP_OK;
}

/* later([x, now]): hands the call to the answering thread, or, with now true,
 * answers it before the handler returns (the answer that beats the return). */
static int m_later(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    app *a = user;
    long long x = json_integer_value(json_array_get(params, 0));
    bool now = json_is_true(json_array_get(params, 1));
    if (!mp_rpcs_defer(call))
        return later_result(call, x, false, result, err);
    if (now) {
        json_t *r = NULL;
        mp_err e = {0};
        int rc = later_result(call, x, true, &r, &e);
        mp_rpcs_answer(call, rc, r, &e);
        return MP_OK;
    }
    pthread_mutex_lock(&a->mu);
    a->later[a->n_later] = call;
    a->later_x[a->n_later++] = x;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return MP_OK;
}

static void *answerer(void *arg)
{
    app *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->n_later == 0 && !a->quit)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->n_later == 0)
            break;
        mp_rpcs_call *call = a->later[--a->n_later];
        long long x = a->later_x[a->n_later];
        pthread_mutex_unlock(&a->mu);
        json_t *r = NULL;
        mp_err e = {0};
        int rc = later_result(call, x, true, &r, &e);
        mp_rpcs_answer(call, rc, r, &e);
        pthread_mutex_lock(&a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void observer(void *user, const char *method, int code, long long ms)
{
    (void)method, (void)ms;
    app *a = user;
    pthread_mutex_lock(&a->mu);
    if (code == 0)
        a->calls_ok++;
    else
        a->calls_failed++;
    pthread_mutex_unlock(&a->mu);
}

typedef struct server {
    app a;
    mp_rpcs *rpcs;
    mp_http *http;
    uint16_t port;
} server;

static const mp_rpcs_code codes[] = {{MP_ERR_RPC, -32012}};

static bool server_start(server *s, unsigned threads, uint32_t max_wait_ms)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->a.mu, NULL);
    pthread_cond_init(&s->a.cv, NULL);
    mp_rpcs_method methods[] = {
        {"echo", m_echo, NULL},  {"fail", m_fail, NULL},    {"typed", m_typed, NULL},
        {"next", m_next, &s->a}, {"later", m_later, &s->a},
    };
    mp_rpcs_opts ro = MP_RPCS_OPTS_DEFAULT;
    ro.max_batch = 3;
    ro.max_wait_ms = max_wait_ms;
    ro.codes = codes;
    ro.ncodes = 1;
    ro.observer = observer;
    ro.observer_user = &s->a;
    mp_err e;
    if (mp_rpcs_new(&s->rpcs, methods, 5, &ro, NULL, &e) != MP_OK)
        return false;
    mp_http_route routes[] = {{"POST", "/", mp_rpcs_http, s->rpcs}};
    mp_http_opts ho = MP_HTTP_OPTS_DEFAULT;
    ho.threads = threads;
    ho.max_body = 4096;
    if (mp_http_start(&s->http, &ho, routes, 1, NULL, &e) != MP_OK)
        return false;
    s->port = mp_http_port(s->http);
    return true;
}

static void server_stop(server *s)
{
    if (s->rpcs)
        mp_rpcs_shutdown(s->rpcs);
    mp_http_stop(s->http);
    mp_rpcs_free(s->rpcs);
    pthread_cond_destroy(&s->a.cv);
    pthread_mutex_destroy(&s->a.mu);
}

static void set_value(server *s, long long v)
{
    pthread_mutex_lock(&s->a.mu);
    s->a.value = v;
    pthread_mutex_unlock(&s->a.mu);
    mp_rpcs_notify(s->rpcs, "value");
}

/* POSTs body and parses the answer (NULL when there is none or it is not JSON). */
static json_t *post(server *s, const char *body, long *status)
{
    httpc_reply r = httpc_send(s->port, "POST", "/", body, strlen(body), false);
    *status = r.status;
    json_t *j = r.len ? json_loads(r.body, JSON_DECODE_ANY, NULL) : NULL;
    httpc_free(&r);
    return j;
}

static long long err_code(const json_t *resp)
{
    return json_integer_value(json_object_get(json_object_get(resp, "error"), "code"));
}

static const char *err_msg(const json_t *resp)
{
    const char *m = json_string_value(json_object_get(json_object_get(resp, "error"), "message"));
    return m ? m : "";
}

TEST(rpcs_round_trip_client)
{
    server s;
    CHECK(server_start(&s, 2, 1000));
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)s.port);
    mp_rpc c;
    mp_err e;
    CHECK_OK(mp_rpc_init(&c, url, NULL, NULL, &e), &e);
    json_t *res = NULL;
    CHECK_OK(mp_rpc_call(&c, "echo", json_pack("[i, s]", 7, "x"), &res, &e), &e);
    CHECK(json_is_array(res) && json_integer_value(json_array_get(res, 0)) == 7);
    json_decref(res);
    int rc = mp_rpc_call(&c, "fail", json_pack("[s]", "app"), &res, &e);
    CHECK(rc == MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT) && c.last_error.code == -32010);
    CHECK(strcmp(c.last_error.message, "unknown identifier 7") == 0);
    mp_rpc_close(&c);
    server_stop(&s);
    CHECK(s.a.calls_ok == 1 && s.a.calls_failed == 1);
}

TEST(rpcs_ids_and_notifications)
{
    server s;
    CHECK(server_start(&s, 2, 1000));
    long st;
    json_t *r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"echo\"}", &st);
    CHECK(st == 200 && strcmp(json_string_value(json_object_get(r, "id")), "abc") == 0);
    CHECK(json_array_size(json_object_get(r, "result")) == 0); /* params absent: [] */
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"echo\",\"params\":{\"a\":1}}", &st);
    CHECK(json_is_null(json_object_get(r, "id")) && json_object_get(r, "result") != NULL);
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(r, "result"), "remote")),
                 "127.0.0.1") == 0);
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":12345678901,\"method\":\"echo\"}", &st);
    CHECK(json_integer_value(json_object_get(r, "id")) == 12345678901LL);
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1]}", &st);
    CHECK(st == 204 && r == NULL);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"echo\"}", &st);
    CHECK(err_code(r) == -32600 && strstr(err_msg(r), "id must be") != NULL);
    json_decref(r);
    server_stop(&s);
}

TEST(rpcs_bad_requests)
{
    server s;
    CHECK(server_start(&s, 2, 1000));
    long st;
    json_t *r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", &st);
    CHECK(st == 200 && err_code(r) == -32700 && strstr(err_msg(r), "parse error") != NULL);
    CHECK(json_is_null(json_object_get(r, "id")));
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"echo\"}", &st);
    CHECK(err_code(r) == -32600 && strstr(err_msg(r), "\"2.0\"") != NULL);
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":3}", &st);
    CHECK(err_code(r) == -32600 && strstr(err_msg(r), "params") != NULL);
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}", &st);
    CHECK(err_code(r) == -32601 && strstr(err_msg(r), "\"nope\"") != NULL);
    CHECK(json_integer_value(json_object_get(r, "id")) == 1);
    json_decref(r);
    r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"echo\"}", &st);
    CHECK(err_code(r) == -32700); /* duplicate keys are refused */
    json_decref(r);
    r = post(&s, "[]", &st);
    CHECK(err_code(r) == -32600 && strstr(err_msg(r), "empty batch") != NULL);
    json_decref(r);
    char big[5000];
    memset(big, ' ', sizeof big - 1);
    big[sizeof big - 1] = 0;
    r = post(&s, big, &st);
    CHECK(st == 413 && strstr(json_string_value(json_object_get(r, "error")), "4096") != NULL);
    json_decref(r);
    server_stop(&s);
    CHECK(s.a.calls_failed == 6 && s.a.calls_ok == 0); /* refused requests are observed too */
}

TEST(rpcs_batches)
{
    server s;
    CHECK(server_start(&s, 2, 1000));
    long st;
    json_t *r = post(&s,
                     "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]},"
                     " {\"jsonrpc\":\"2.0\",\"method\":\"echo\"},"
                     " 5]",
                     &st);
    CHECK(st == 200 && json_array_size(r) == 2); /* the notification gets nothing */
    CHECK(json_integer_value(json_object_get(json_array_get(r, 0), "id")) == 1);
    CHECK(err_code(json_array_get(r, 1)) == -32600);
    json_decref(r);
    r = post(&s, "[{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}]", &st);
    CHECK(st == 204 && r == NULL);
    r = post(&s, "[1,2,3,4]", &st);
    CHECK(json_is_object(r) && err_code(r) == -32600);
    CHECK(strstr(err_msg(r), "batch of 4 requests exceeds the limit of 3") != NULL);
    json_decref(r);
    /* a long poll inside a batch answers at once */
    r = post(&s,
             "[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"next\","
             "\"params\":[{\"after\":0,\"waitMs\":60000}]}]",
             &st);
    CHECK(json_object_size(json_object_get(json_array_get(r, 0), "result")) == 0);
    json_decref(r);
    server_stop(&s);
}

TEST(rpcs_error_mapping)
{
    server s;
    CHECK(server_start(&s, 2, 1000));
    struct {
        const char *body;
        long long code;
        const char *msg;
    } cases[] = {
        {"[\"invalid\"]", -32602, "bad thing"},
        {"[\"app\"]", -32010, "unknown identifier 7"},
        {"[\"rpc\"]", -32012, "L2 node unreachable"},
        {"[\"io\"]", -32603, "disk full"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[160];
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\",\"params\":%s}", cases[i].body);
        long st;
        json_t *r = post(&s, body, &st);
        CHECK(err_code(r) == cases[i].code && strcmp(err_msg(r), cases[i].msg) == 0);
        json_decref(r);
    }
    server_stop(&s);
}

TEST(rpcs_param_helpers)
{
    mp_rpcs *s;
    mp_rpcs_method m[] = {{"typed", m_typed, NULL}};
    mp_err e;
    CHECK_OK(mp_rpcs_new(&s, m, 1, NULL, NULL, &e), &e);
    struct {
        const char *params;
        const char *want; /* substring of the answer */
    } cases[] = {
        {"[{\"n\":5,\"data\":\"0x0102\"}]", "\"len\":2"},
        {"[{\"n\":\"0x10\",\"data\":\"0x\"}]", "\"n\":16"},
        {"[]", "expected 1 params, got 0"},
        {"[1]", "params[0] must be an object"},
        {"[{\"n\":-1,\"data\":\"0x\"}]", "params[0].n must be an integer"},
        {"[{\"data\":\"0x\"}]", "params[0].n is missing"},
        {"[{\"n\":1,\"data\":\"0x0102030405\"}]", "5 bytes, more than the limit of 4"},
        {"[{\"n\":1,\"data\":\"0102\"}]", "lacks the 0x prefix"},
        {"[{\"n\":1,\"data\":\"0x012\"}]", "odd number"},
        {"[{\"n\":1,\"data\":\"0x01zz\"}]", "params[0].data"},
        {"[{\"n\":1,\"data\":\"0x\",\"x\":1}]", "unknown field \\\"x\\\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[200];
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"typed\",\"params\":%s}",
                 cases[i].params);
        char *out = mp_rpcs_handle(s, body, strlen(body));
        CHECK(out && strstr(out, cases[i].want) != NULL);
        if (!out || !strstr(out, cases[i].want))
            fprintf(stderr, "# case %zu: %s\n", i, out ? out : "(null)");
        free(out);
    }
    mp_rpcs_free(s);
}

/* ---- long polls ---- */

typedef struct poll_arg {
    server *s;
    long long after, wait_ms;
    json_t *resp;
    int done; /* set under s->a.mu when the answer arrived */
} poll_arg;

static void *poll_thread(void *arg)
{
    poll_arg *p = arg;
    char body[160];
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"next\","
             "\"params\":[{\"after\":%lld,\"waitMs\":%lld}]}",
             p->after, p->wait_ms);
    long st;
    p->resp = post(p->s, body, &st);
    pthread_mutex_lock(&p->s->a.mu);
    p->done = 1;
    pthread_mutex_unlock(&p->s->a.mu);
    return NULL;
}

static int done_count(server *s, poll_arg *p, int n)
{
    int k = 0;
    pthread_mutex_lock(&s->a.mu);
    for (int i = 0; i < n; i++)
        k += p[i].done;
    pthread_mutex_unlock(&s->a.mu);
    return k;
}

TEST(rpcs_long_poll_event)
{
    server s;
    CHECK(server_start(&s, 1, 60000));
    set_value(&s, 3);
    poll_arg now = {&s, 2, 60000, NULL, 0};
    poll_thread(&now); /* already there: at once */
    CHECK(json_integer_value(json_object_get(json_object_get(now.resp, "result"), "value")) == 3);
    json_decref(now.resp);
    poll_arg p = {&s, 3, 60000, NULL, 0};
    pthread_t t;
    pthread_create(&t, NULL, poll_thread, &p);
    mp_clock_sleep_ms(200); /* let it park; the answer is right whether or not it did */
    set_value(&s, 4);
    pthread_join(t, NULL);
    CHECK(json_integer_value(json_object_get(json_object_get(p.resp, "result"), "value")) == 4);
    json_decref(p.resp);
    server_stop(&s);
}

TEST(rpcs_long_poll_cap_while_serving)
{
    enum { N = 6 };
    server s;
    /* one worker thread and six waiting clients: waits must not hold it */
    CHECK(server_start(&s, 1, 1500));
    poll_arg p[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        p[i] = (poll_arg){&s, 0, 600000, NULL, 0}; /* asks for 10 min, capped to 1.5 s */
        pthread_create(&t[i], NULL, poll_thread, &p[i]);
    }
    mp_clock_sleep_ms(300);
    long st;
    json_t *r = post(&s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\",\"params\":[1]}", &st);
    CHECK(st == 200 && json_is_array(json_object_get(r, "result")));
    json_decref(r);
    CHECK(done_count(&s, p, N) == 0); /* still waiting after the echo was answered */
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        json_t *res = json_object_get(p[i].resp, "result");
        CHECK(json_is_object(res) && json_object_size(res) == 0);
        json_decref(p[i].resp);
    }
    server_stop(&s);
}

TEST(rpcs_long_poll_shutdown)
{
    server s;
    CHECK(server_start(&s, 1, 60000));
    poll_arg p = {&s, 0, 60000, NULL, 0};
    pthread_t t;
    pthread_create(&t, NULL, poll_thread, &p);
    mp_clock_sleep_ms(200);
    server_stop(&s); /* the waiter gets its final (empty) answer, not a hang */
    pthread_join(t, NULL);
    CHECK(json_is_object(json_object_get(p.resp, "result")));
    json_decref(p.resp);
}

/* An event between a handler's check and its wait must not be lost: the
 ** handler is slowed down (slowMs) so the notify lands in that gap. */
typedef struct slow_arg {
    server *s;
    json_t *resp;
} slow_arg;

static void *slow_poll(void *arg)
{
    slow_arg *a = arg;
    long st;
    a->resp = post(a->s,
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"next\","
                   "\"params\":[{\"after\":0,\"waitMs\":60000,\"slowMs\":300}]}",
                   &st);
    return NULL;
}

TEST(rpcs_long_poll_no_lost_wakeup)
{
    server s;
    CHECK(server_start(&s, 2, 60000));
    slow_arg a = {&s, NULL};
    pthread_t t;
    pthread_create(&t, NULL, slow_poll, &a);
    mp_clock_sleep_ms(100); /* the handler has read 0 and sleeps */
    set_value(&s, 1);
    pthread_join(t, NULL); /* a lost event would hang here for 60 s, then answer {} */
    CHECK(json_integer_value(json_object_get(json_object_get(a.resp, "result"), "value")) == 1);
    json_decref(a.resp);
    server_stop(&s);
}

typedef struct later_arg {
    server *s;
    long long x;
    json_t *resp;
} later_arg;

static void *later_client(void *arg)
{
    later_arg *l = arg;
    char body[120];
    long st;
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"later\",\"params\":[%lld]}", l->x + 100,
             l->x);
    l->resp = post(l->s, body, &st);
    return NULL;
}

TEST(rpcs_deferred_answers)
{
    enum { N = 8 };
    server s;
    pthread_t ans, t[N];
    later_arg l[N];
    long st;
    /* one server thread: the handlers return at once, another thread answers */
    CHECK(server_start(&s, 1, 60000));
    pthread_create(&ans, NULL, answerer, &s.a);
    for (int i = 0; i < N; i++) {
        l[i] = (later_arg){&s, i - 1, NULL};
        pthread_create(&t[i], NULL, later_client, &l[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK(json_integer_value(json_object_get(l[i].resp, "id")) == i - 1 + 100);
        json_t *res = json_object_get(l[i].resp, "result");
        if (i == 0) { /* x = -1: the application's error code comes through */
            CHECK(err_code(l[i].resp) == -32011 && strstr(err_msg(l[i].resp), "negative"));
        } else {
            CHECK(json_integer_value(json_object_get(res, "twice")) == 2 * (i - 1));
            CHECK(json_is_true(json_object_get(res, "deferred")));
        }
        json_decref(l[i].resp);
    }
    /* answered before the handler returned */
    json_t *r =
        post(&s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"later\",\"params\":[21,true]}", &st);
    CHECK(st == 200 &&
          json_integer_value(json_object_get(json_object_get(r, "result"), "twice")) == 42);
    json_decref(r);
    /* inside a batch a call cannot be deferred: the handler answers itself */
    r = post(&s, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"later\",\"params\":[5]}]", &st);
    json_t *res = json_object_get(json_array_get(r, 0), "result");
    CHECK(json_integer_value(json_object_get(res, "twice")) == 10);
    CHECK(json_is_false(json_object_get(res, "deferred")));
    json_decref(r);
    pthread_mutex_lock(&s.a.mu);
    int ok = s.a.calls_ok, failed = s.a.calls_failed;
    s.a.quit = true;
    pthread_cond_signal(&s.a.cv);
    pthread_mutex_unlock(&s.a.mu);
    CHECK(ok == N - 1 + 2 && failed == 1); /* the observer saw every deferred answer */
    pthread_join(ans, NULL);
    server_stop(&s);
}

static const mp_test_case cases[] = {
    MP_TEST(rpcs_round_trip_client),  MP_TEST(rpcs_ids_and_notifications),
    MP_TEST(rpcs_bad_requests),       MP_TEST(rpcs_batches),
    MP_TEST(rpcs_error_mapping),      MP_TEST(rpcs_param_helpers),
    MP_TEST(rpcs_long_poll_event),    MP_TEST(rpcs_long_poll_cap_while_serving),
    MP_TEST(rpcs_long_poll_shutdown), MP_TEST(rpcs_long_poll_no_lost_wakeup),
    MP_TEST(rpcs_deferred_answers),
};

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = mp_test_main("rpcserver", cases, sizeof cases / sizeof cases[0], argc, argv);
    curl_global_cleanup();
    return rc;
}
