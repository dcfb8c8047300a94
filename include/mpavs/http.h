/*
** http.h: the HTTP server of the daemons, a thin layer over libmicrohttpd.
**
** One server listens on host:port (port 0: an ephemeral port, read it back
** with mp_http_port) and answers from a small thread pool. It enforces a
** connection limit, a request-body limit (413 with a JSON message), an idle
** timeout per connection, and dispatches by method and path to a route table:
**
**   {"POST", "/",        rpc_handler,     rpcs}    JSON-RPC
**   {"GET",  "/metrics", metrics_handler, ctx}
**
** A route path that ends in a star matches every path with that prefix.
** Unknown paths get 404, a known path with another method 405.
**
** A handler answers at once (fills the response, returns MP_HTTP_DONE) or
** suspends the request (returns MP_HTTP_SUSPENDED) and answers later, from
** any thread, with mp_http_resume: the connection is parked with
** MHD_suspend_connection, so a waiting client holds no worker thread.
** Every suspended request must be resumed exactly once; mp_http_stop resumes
** those still parked with 503 so no client hangs on shutdown.
*/
#ifndef MPAVS_HTTP_H
#define MPAVS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/log.h"

typedef struct mp_http mp_http;
/** One request in flight; valid from the handler call until it is answered. */
typedef struct mp_http_conn mp_http_conn;

typedef struct mp_http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* without the query string */
    const uint8_t *body;
    size_t body_len;
    const char *remote; /* client address as text */
} mp_http_request;

/** What a handler fills. body is heap memory that the server frees. */
typedef struct mp_http_response {
    unsigned status;          /* 200 unless set */
    const char *content_type; /* static string; "application/json" unless set */
    char *body;               /* malloc'd or NULL (empty body) */
    size_t body_len;
} mp_http_response;

enum { MP_HTTP_DONE = 0, MP_HTTP_SUSPENDED = 1 };

/** Handles one complete request. Returns MP_HTTP_DONE with resp filled, or
 ** MP_HTTP_SUSPENDED having kept conn to pass to mp_http_resume later (resp
 ** is then ignored). Runs on a server thread: must not block for long. */
typedef int (*mp_http_handler)(void *user, mp_http_conn *conn, const mp_http_request *req,
                               mp_http_response *resp);

typedef struct mp_http_route {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* exact, or a prefix when it ends in '*' */
    mp_http_handler fn;
    void *user;
} mp_http_route;

typedef struct mp_http_opts {
    const char *host;       /* numeric address or name to bind, e.g. "127.0.0.1" */
    uint16_t port;          /* 0 = ephemeral */
    unsigned threads;       /* worker threads (thread pool size) */
    unsigned max_conns;     /* connections accepted at once */
    size_t max_body;        /* larger request bodies get 413 */
    unsigned timeout_s;     /* idle connections are closed after this */
    unsigned drain_ms;      /* on stop, wait this long for answers in flight */
    const char *server_tag; /* "Server:" header value; static; NULL = none */
} mp_http_opts;

#define MP_HTTP_OPTS_DEFAULT ((mp_http_opts){"127.0.0.1", 0, 4, 256, 1u << 20, 30, 2000, NULL})

/** Starts a server with the routes (copied; their user pointers must outlive
 ** the server). Fails with MP_ERR_IO when the address cannot be bound,
 ** MP_ERR_INVALID on bad options. lg may be NULL. */
MP_WUR int mp_http_start(mp_http **out, const mp_http_opts *opts, const mp_http_route *routes,
                         size_t nroutes, const mp_log *lg, mp_err *err);
/** The bound TCP port (the real one when opts.port was 0). */
uint16_t mp_http_port(const mp_http *h);
/** Answers a suspended request (any thread): takes ownership of resp->body. */
void mp_http_resume(mp_http_conn *conn, mp_http_response *resp);
/** Stops accepting, resumes still-suspended requests with 503, waits up to
 ** drain_ms for answers in flight, then stops and frees. NULL is a no-op. */
void mp_http_stop(mp_http *h);

/** Fills resp with a JSON body {"error": message} and status; for handlers. */
void mp_http_json_error(mp_http_response *resp, unsigned status, const char *message);
/** Fills resp with a copy of text (content type static, e.g. "text/plain"). */
void mp_http_text(mp_http_response *resp, unsigned status, const char *content_type,
                  const char *text);

#endif /* MPAVS_HTTP_H */
