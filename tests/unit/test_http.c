/*
** test_http.c: the HTTP server on a real loopback socket: ephemeral port,
** routing (exact, prefix, 404, 405), body limits (Content-Length and chunked),
** suspending a request and answering it from another thread, and shutdown
** answering a still-parked request with 503.
*/
#include "mpavs/http.h"
#include "mpavs/clock.h"
#include "httpc.h"
#include "test.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct parker {
    pthread_mutex_t mu;
    mp_http_conn *conn; /* the parked request */
} parker;

static int on_hello(void *user, mp_http_conn *conn, const mp_http_request *req,
                    mp_http_response *resp)
{
    (void)user, (void)conn;
    char text[128];
    snprintf(text, sizeof text, "hello %s from %s", req->path, req->remote);
    mp_http_text(resp, 200, "text/plain", text);
    return MP_HTTP_DONE;
}

static int on_echo(void *user, mp_http_conn *conn, const mp_http_request *req,
                   mp_http_response *resp)
{
    (void)user, (void)conn;
    resp->body = malloc(req->body_len + 1);
    memcpy(resp->body, req->body, req->body_len);
    resp->body_len = req->body_len;
    return MP_HTTP_DONE;
}

static int on_park(void *user, mp_http_conn *conn, const mp_http_request *req,
                   mp_http_response *resp)
{
    (void)req, (void)resp;
    parker *p = user;
    pthread_mutex_lock(&p->mu);
    p->conn = conn;
    pthread_mutex_unlock(&p->mu);
    return MP_HTTP_SUSPENDED;
}

static mp_http *start(parker *p, size_t max_body)
{
    mp_http_route routes[] = {
        {"GET", "/hello", on_hello, NULL},
        {"GET", "/api/*", on_hello, NULL},
        {"POST", "/echo", on_echo, NULL},
        {"POST", "/park", on_park, p},
    };
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    o.threads = 2;
    o.max_body = max_body;
    o.drain_ms = 500;
    mp_http *h = NULL;
    mp_err e;
    if (mp_http_start(&h, &o, routes, 4, NULL, &e) != MP_OK)
        fprintf(stderr, "# %s\n", e.msg);
    return h;
}

TEST(http_routes)
{
    mp_http *h = start(NULL, 1024);
    CHECK(h != NULL && mp_http_port(h) != 0);
    uint16_t port = mp_http_port(h);
    httpc_reply r = httpc_send(port, "GET", "/hello", NULL, 0, false);
    CHECK(r.status == 200 && strcmp(r.body, "hello /hello from 127.0.0.1") == 0);
    httpc_free(&r);
    r = httpc_send(port, "GET", "/api/v1/x", NULL, 0, false);
    CHECK(r.status == 200 && strstr(r.body, "/api/v1/x") != NULL);
    httpc_free(&r);
    r = httpc_send(port, "GET", "/nothing", NULL, 0, false);
    CHECK(r.status == 404 && strstr(r.body, "no such path") != NULL);
    httpc_free(&r);
    r = httpc_send(port, "POST", "/hello", "{}", 2, false);
    CHECK(r.status == 405);
    httpc_free(&r);
    r = httpc_send(port, "POST", "/echo", "abc\0def", 7, false);
    CHECK(r.status == 200 && r.len == 7 && memcmp(r.body, "abc\0def", 7) == 0);
    httpc_free(&r);
    mp_http_stop(h);
}

TEST(http_body_limit)
{
    mp_http *h = start(NULL, 1024);
    CHECK(h != NULL);
    uint16_t port = h ? mp_http_port(h) : 0;
    char *big = malloc(4096);
    memset(big, 'x', 4096);
    httpc_reply r = httpc_send(port, "POST", "/echo", big, 1024, false);
    CHECK(r.status == 200 && r.len == 1024); /* exactly the limit passes */
    httpc_free(&r);
    r = httpc_send(port, "POST", "/echo", big, 1025, false);
    CHECK(r.status == 413 && strstr(r.body, "limit of 1024 bytes") != NULL);
    httpc_free(&r);
    r = httpc_send(port, "POST", "/echo", big, 4096, true); /* no Content-Length */
    CHECK(r.status == 413);
    httpc_free(&r);
    char *huge = calloc(1, 64 * 1024);
    r = httpc_send(port, "POST", "/echo", huge, 64 * 1024, true); /* drained no further */
    CHECK(r.status == 0 || r.status == 413);
    httpc_free(&r);
    free(huge);
    r = httpc_send(port, "GET", "/hello", NULL, 0, false);
    CHECK(r.status == 200); /* and the server goes on */
    httpc_free(&r);
    r = httpc_send(port, "POST", "/echo", big, 100, true);
    CHECK(r.status == 200 && r.len == 100);
    httpc_free(&r);
    free(big);
    mp_http_stop(h);
}

typedef struct call_arg {
    uint16_t port;
    httpc_reply reply;
} call_arg;

static void *post_park(void *arg)
{
    call_arg *a = arg;
    a->reply = httpc_send(a->port, "POST", "/park", "{}", 2, false);
    return NULL;
}

static mp_http_conn *wait_parked(parker *p)
{
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&p->mu);
        mp_http_conn *c = p->conn;
        pthread_mutex_unlock(&p->mu);
        if (c)
            return c;
        mp_clock_sleep_ms(5);
    }
    return NULL;
}

TEST(http_suspend_resume)
{
    parker p = {PTHREAD_MUTEX_INITIALIZER, NULL};
    mp_http *h = start(&p, 1024);
    CHECK(h != NULL);
    call_arg a = {mp_http_port(h), {0}};
    pthread_t t;
    pthread_create(&t, NULL, post_park, &a);
    mp_http_conn *c = wait_parked(&p);
    CHECK(c != NULL);
    /* while that client waits, the server answers others */
    httpc_reply r = httpc_send(a.port, "GET", "/hello", NULL, 0, false);
    CHECK(r.status == 200);
    httpc_free(&r);
    mp_http_response resp = {0};
    mp_http_text(&resp, 202, "text/plain", "later");
    if (c)
        mp_http_resume(c, &resp);
    pthread_join(t, NULL);
    CHECK(a.reply.status == 202 && strcmp(a.reply.body, "later") == 0);
    httpc_free(&a.reply);
    mp_http_stop(h);
}

TEST(http_stop_answers_parked)
{
    parker p = {PTHREAD_MUTEX_INITIALIZER, NULL};
    mp_http *h = start(&p, 1024);
    CHECK(h != NULL);
    call_arg a = {mp_http_port(h), {0}};
    pthread_t t;
    pthread_create(&t, NULL, post_park, &a);
    CHECK(wait_parked(&p) != NULL);
    mp_http_stop(h);
    pthread_join(t, NULL);
    CHECK(a.reply.status == 503 && strstr(a.reply.body, "shutting down") != NULL);
    httpc_free(&a.reply);
}

TEST(http_bad_options)
{
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    mp_http *h = NULL;
    mp_err e;
    o.host = "not a host name..";
    CHECK_RC(mp_http_start(&h, &o, NULL, 0, NULL, &e), MP_ERR_INVALID);
    o = MP_HTTP_OPTS_DEFAULT;
    o.threads = 0;
    CHECK_RC(mp_http_start(&h, &o, NULL, 0, NULL, &e), MP_ERR_INVALID);
    /* a port already taken */
    o = MP_HTTP_OPTS_DEFAULT;
    mp_http *first = NULL;
    CHECK_OK(mp_http_start(&first, &o, NULL, 0, NULL, &e), &e);
    o.port = first ? mp_http_port(first) : 1;
    CHECK_RC(mp_http_start(&h, &o, NULL, 0, NULL, &e), MP_ERR_IO);
    mp_http_stop(first);
}

static const mp_test_case cases[] = {
    MP_TEST(http_routes),         MP_TEST(http_body_limit),
    MP_TEST(http_suspend_resume), MP_TEST(http_stop_answers_parked),
    MP_TEST(http_bad_options),
};

static int run_all(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = mp_test_main("http", cases, sizeof cases / sizeof cases[0], argc, argv);
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    return run_all(argc, argv);
}
