/*
** http.c: the daemons' HTTP server over libmicrohttpd (see include/mpavs/http.h).
**
** Tuned for few, small requests (JSON-RPC, metrics scrapes) and many idle
** long-poll clients: a small internal thread pool polls the sockets, and a
** long-poll parks its connection with MHD_suspend_connection instead of
** holding a thread. A request's state (mp_http_conn) lives from MHD's first
** call for it until its completion callback.
*/
#include "mpavs/http.h"
#include "mpavs/buf.h"
#include "mpavs/clock.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* An oversized chunked body is drained up to this many times the limit, then
 ** the connection is closed without an answer. */
#define DISCARD_FACTOR 4

struct mp_http_conn {
    mp_http *h;
    struct MHD_Connection *mc;
    mp_buf body;
    bool too_large;
    size_t received; /* body bytes so far, kept or not */
    bool responded;  /* a response was queued before the body was read */
    bool parked;     /* MHD_suspend_connection was called, no resume yet */
    bool answered;   /* resp holds the answer to queue */
    mp_http_response resp;
    mp_http_conn *prev, *next; /* in h->parked while parked */
    char remote[64];
};

struct mp_http {
    struct MHD_Daemon *d;
    mp_http_opts opts;
    mp_http_route *routes;
    size_t nroutes;
    const mp_log *lg;
    uint16_t port;
    pthread_mutex_t mu; /* guards the parked list and every conn's flags */
    mp_http_conn *parked;
    unsigned requests; /* between a request's first call and its completion */
};

void mp_http_text(mp_http_response *resp, unsigned status, const char *content_type,
                  const char *text)
{
    resp->status = status;
    resp->content_type = content_type;
    resp->body = strdup(text);
    resp->body_len = resp->body ? strlen(text) : 0;
}

void mp_http_json_error(mp_http_response *resp, unsigned status, const char *message)
{
    mp_buf b = MP_BUF_INIT;
    mp_buf_puts(&b, "{\"error\":\"");
    for (const char *p = message; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            mp_buf_printf(&b, "\\%c", c);
        else if (c < 0x20)
            mp_buf_printf(&b, "\\u%04x", c);
        else
            mp_buf_push(&b, c);
    }
    mp_buf_puts(&b, "\"}\n");
    mp_buf_push(&b, 0);
    resp->status = status;
    resp->content_type = "application/json";
    resp->body_len = b.oom ? 0 : b.len - 1;
    resp->body = b.oom ? NULL : (char *)mp_buf_take(&b, NULL);
    mp_buf_free(&b);
}

static enum MHD_Result queue(mp_http *h, struct MHD_Connection *mc, mp_http_response *resp)
{
    struct MHD_Response *r =
        resp->body
            ? MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE)
            : MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        free(resp->body);
        resp->body = NULL;
        return MHD_NO;
    }
    resp->body = NULL; /* owned by r now */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type : "application/json");
    if (h->opts.server_tag)
        MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, h->opts.server_tag);
    enum MHD_Result ret = MHD_queue_response(mc, resp->status ? resp->status : 200, r);
    MHD_destroy_response(r);
    return ret;
}

static bool path_matches(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

/* The route for method and path; *known_path tells 405 from 404 when NULL. */
static const mp_http_route *find_route(const mp_http *h, const char *method, const char *path,
                                       bool *known_path)
{
    *known_path = false;
    for (size_t i = 0; i < h->nroutes; i++) {
        if (!path_matches(h->routes[i].path, path))
            continue;
        *known_path = true;
        if (strcmp(h->routes[i].method, method) == 0)
            return &h->routes[i];
    }
    return NULL;
}

static void client_address(mp_http_conn *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c->mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(c->remote, sizeof c->remote, "?");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in);
    getnameinfo(ci->client_addr, len, c->remote, sizeof c->remote, NULL, 0, NI_NUMERICHOST);
}

static void too_large(mp_http *h, mp_http_response *resp)
{
    char msg[128];
    snprintf(msg, sizeof msg, "request body larger than the limit of %zu bytes", h->opts.max_body);
    mp_http_json_error(resp, 413, msg);
}

/* First call for a request: state, and an early 413 when Content-Length says so. */
static enum MHD_Result begin(mp_http *h, struct MHD_Connection *mc, void **state)
{
    mp_http_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return MHD_NO;
    c->h = h;
    c->mc = mc;
    client_address(c);
    *state = c;
    pthread_mutex_lock(&h->mu);
    h->requests++;
    pthread_mutex_unlock(&h->mu);
    const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > h->opts.max_body) {
        /* answer before reading the body: MHD then closes the connection */
        c->too_large = true;
        c->responded = true;
        mp_http_response resp = {0};
        too_large(h, &resp);
        return queue(h, mc, &resp);
    }
    return MHD_YES;
}

/* The body is complete: run the route's handler, or park the connection. */
static enum MHD_Result dispatch(mp_http *h, mp_http_conn *c, const char *method, const char *url)
{
    mp_http_response resp = {0};
    if (c->too_large) {
        too_large(h, &resp);
        return queue(h, c->mc, &resp);
    }
    bool known;
    const mp_http_route *r = find_route(h, method, url, &known);
    if (r == NULL) {
        mp_http_json_error(&resp, known ? 405 : 404,
                           known ? "method not allowed on this path" : "no such path");
        return queue(h, c->mc, &resp);
    }
    mp_http_request req = {method, url, c->body.data, c->body.len, c->remote};
    int how = r->fn(r->user, c, &req, &resp);
    /* a resume may already have come (from another thread): then answer now */
    pthread_mutex_lock(&h->mu);
    if (how == MP_HTTP_SUSPENDED && !c->answered) {
        c->parked = true;
        c->next = h->parked;
        if (h->parked)
            h->parked->prev = c;
        h->parked = c;
        MHD_suspend_connection(c->mc);
        pthread_mutex_unlock(&h->mu);
        return MHD_YES;
    }
    if (how == MP_HTTP_SUSPENDED) { /* resumed while the handler still ran */
        free(resp.body);
        resp = c->resp;
        c->resp = (mp_http_response){0};
        c->answered = false;
    }
    pthread_mutex_unlock(&h->mu);
    return queue(h, c->mc, &resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    (void)version;
    mp_http *h = cls;
    if (*state == NULL)
        return begin(h, mc, state);
    mp_http_conn *c = *state;
    if (c->responded) { /* MHD drops the rest; nothing more to do */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!c->too_large && c->body.len + *upload_size > h->opts.max_body) {
            c->too_large = true;
            mp_buf_free(&c->body);
        }
        /* A chunked body without Content-Length is read and dropped to answer
         * 413 at its end (MHD cannot answer mid-body), up to a bound. */
        c->received += *upload_size;
        if (c->too_large && c->received > DISCARD_FACTOR * h->opts.max_body)
            return MHD_NO;
        if (!c->too_large && mp_buf_append(&c->body, upload, *upload_size) != MP_OK)
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&h->mu);
    bool resumed = c->answered;
    mp_http_response resp = c->resp;
    c->resp = (mp_http_response){0};
    c->answered = false;
    pthread_mutex_unlock(&h->mu);
    if (resumed)
        return queue(h, mc, &resp);
    return dispatch(h, c, method, url);
}

static void unpark_locked(mp_http *h, mp_http_conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        h->parked = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    c->parked = false;
}

static void resume_locked(mp_http *h, mp_http_conn *c, mp_http_response *resp)
{
    free(c->resp.body);
    c->resp = *resp;
    *resp = (mp_http_response){0};
    c->answered = true;
    if (c->parked) {
        unpark_locked(h, c);
        MHD_resume_connection(c->mc);
    }
}

void mp_http_resume(mp_http_conn *c, mp_http_response *resp)
{
    mp_http *h = c->h;
    pthread_mutex_lock(&h->mu);
    resume_locked(h, c, resp);
    pthread_mutex_unlock(&h->mu);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)mc, (void)code;
    mp_http *h = cls;
    mp_http_conn *c = *state;
    if (c == NULL)
        return;
    pthread_mutex_lock(&h->mu);
    if (c->parked) /* only when MHD tears down a parked connection itself */
        unpark_locked(h, c);
    h->requests--;
    pthread_mutex_unlock(&h->mu);
    free(c->resp.body);
    mp_buf_free(&c->body);
    free(c);
    *state = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    const mp_http *h = cls;
    if (!mp_log_on(h->lg, MP_LOG_WARN))
        return;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = 0;
    MP_WARN(h->lg, "http server", "detail", msg);
}

/* Resolves host (numeric or a name) into a bindable address with port. */
static int resolve(const mp_http_opts *o, struct sockaddr_storage *sa, mp_err *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)o->port);
    int rc = getaddrinfo(o->host, port, &hints, &ai);
    if (rc != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "cannot resolve listen host \"%s\": %s", o->host,
                       gai_strerror(rc));
    memcpy(sa, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return MP_OK;
}

static int check_opts(const mp_http_opts *o, const mp_http_route *routes, size_t n, mp_err *err)
{
    if (o->host == NULL || o->host[0] == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "HTTP listen host is empty");
    if (o->threads == 0 || o->threads > 256)
        return MP_FAIL(err, MP_ERR_INVALID, "HTTP threads must be 1..256, not %u", o->threads);
    if (o->max_conns == 0 || o->max_body == 0 || o->timeout_s == 0)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "HTTP connection limit, body limit and timeout must be positive");
    for (size_t i = 0; i < n; i++)
        if (!routes[i].method || !routes[i].path || !routes[i].fn)
            return MP_FAIL(err, MP_ERR_MISUSE, "HTTP route %zu is incomplete", i);
    return MP_OK;
}

static int start_daemon(mp_http *h, mp_err *err)
{
    struct sockaddr_storage sa;
    MP_TRY(resolve(&h->opts, &sa, err));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
                            on_mhd_log, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_THREAD_POOL_SIZE, h->opts.threads > 1 ? h->opts.threads : 0u,
                            MHD_OPTION_CONNECTION_LIMIT, h->opts.max_conns,
                            MHD_OPTION_CONNECTION_TIMEOUT, h->opts.timeout_s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    if (h->d == NULL)
        return MP_FAIL(err, MP_ERR_IO, "cannot listen on %s:%u (address in use or not local?)",
                       h->opts.host, (unsigned)h->opts.port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : h->opts.port;
    return MP_OK;
}

int mp_http_start(mp_http **out, const mp_http_opts *opts, const mp_http_route *routes,
                  size_t nroutes, const mp_log *lg, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && opts != NULL && (routes != NULL || nroutes == 0));
    *out = NULL;
    MP_TRY(check_opts(opts, routes, nroutes, err));
    mp_http *h = calloc(1, sizeof *h);
    if (h == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    h->opts = *opts;
    h->lg = lg;
    pthread_mutex_init(&h->mu, NULL);
    h->routes = calloc(nroutes ? nroutes : 1, sizeof *routes);
    int rc = MP_OK;
    if (h->routes == NULL) {
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (nroutes)
        memcpy(h->routes, routes, nroutes * sizeof *routes);
    h->nroutes = nroutes;
    rc = start_daemon(h, err);
done:
    if (rc != MP_OK) {
        pthread_mutex_destroy(&h->mu);
        free(h->routes);
        free(h);
        return rc;
    }
    *out = h;
    return MP_OK;
}

uint16_t mp_http_port(const mp_http *h)
{
    return h->port;
}

static unsigned in_flight(mp_http *h)
{
    pthread_mutex_lock(&h->mu);
    unsigned n = h->requests;
    pthread_mutex_unlock(&h->mu);
    return n;
}

void mp_http_stop(mp_http *h)
{
    if (h == NULL)
        return;
    MHD_socket lfd = MHD_quiesce_daemon(h->d);
    pthread_mutex_lock(&h->mu);
    while (h->parked) {
        mp_http_response resp = {0};
        mp_http_json_error(&resp, 503, "server shutting down");
        resume_locked(h, h->parked, &resp);
    }
    pthread_mutex_unlock(&h->mu);
    long long until = mp_clock_now_ms() + h->opts.drain_ms;
    while (in_flight(h) > 0 && mp_clock_now_ms() < until)
        mp_clock_sleep_ms(10);
    MHD_stop_daemon(h->d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    pthread_mutex_destroy(&h->mu);
    free(h->routes);
    free(h);
}
