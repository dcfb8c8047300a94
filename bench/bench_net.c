/*
** bench_net.c: the serving layer's costs: one JSON-RPC call handled in
** process (parse, dispatch, encode), and a full round trip over loopback HTTP
** (libcurl client with a kept-alive connection, libmicrohttpd server), single
** and as a batch of 32.
*/
#include "bench.h"
#include "mpavs/rpc.h"
#include "mpavs/rpcserver.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int m_echo(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)call, (void)err;
    *result = json_incref(params);
    return MP_OK;
}

typedef struct net_arg {
    mp_rpcs *rpcs;
    mp_rpc client;
    const char *body;
} net_arg;

static void handle_loop(void *arg, size_t iters)
{
    net_arg *a = arg;
    for (size_t i = 0; i < iters; i++) {
        char *out = mp_rpcs_handle(a->rpcs, a->body, strlen(a->body));
        if (out == NULL)
            abort();
        free(out);
    }
}

static void call_loop(void *arg, size_t iters)
{
    net_arg *a = arg;
    for (size_t i = 0; i < iters; i++) {
        json_t *res = NULL;
        if (mp_rpc_call(&a->client, "echo", json_pack("[i, s]", 1, "x"), &res, NULL) != MP_OK)
            abort();
        json_decref(res);
    }
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    net_arg a;
    memset(&a, 0, sizeof a);
    mp_rpcs_method m[] = {{"echo", m_echo, NULL}};
    mp_http *h = NULL;
    if (mp_rpcs_new(&a.rpcs, m, 1, NULL, NULL, NULL) != MP_OK)
        return 1;
    mp_http_route r[] = {{"POST", "/", mp_rpcs_http, a.rpcs}};
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    o.threads = 2;
    if (mp_http_start(&h, &o, r, 1, NULL, NULL) != MP_OK)
        return 1;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)mp_http_port(h));
    if (mp_rpc_init(&a.client, url, NULL, NULL, NULL) != MP_OK)
        return 1;

    mp_bench_header("HTTP and JSON-RPC server");
    a.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1,\"x\"]}";
    mp_bench_row("JSON-RPC call handled in process (parse, dispatch, encode)",
                 mp_bench_ns(handle_loop, &a, 5, 50), NULL);
    static char batch[4096];
    size_t n = (size_t)snprintf(batch, sizeof batch, "[");
    for (int i = 0; i < 32; i++)
        n += (size_t)snprintf(batch + n, sizeof batch - n,
                              "%s{\"jsonrpc\":\"2.0\",\"id\":%d,"
                              "\"method\":\"echo\",\"params\":[%d]}",
                              i ? "," : "", i, i);
    snprintf(batch + n, sizeof batch - n, "]");
    a.body = batch;
    mp_bench_row("JSON-RPC batch of 32 handled in process", mp_bench_ns(handle_loop, &a, 5, 50),
                 NULL);
    mp_bench_row("JSON-RPC round trip over loopback HTTP (keep-alive)",
                 mp_bench_ns(call_loop, &a, 5, 200), NULL);

    mp_rpc_close(&a.client);
    mp_rpcs_shutdown(a.rpcs);
    mp_http_stop(h);
    mp_rpcs_free(a.rpcs);
    curl_global_cleanup();
    return 0;
}
