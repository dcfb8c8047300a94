/*
** rpcserver.c: JSON-RPC 2.0 over mp_http (see include/mpavs/rpcserver.h).
**
** A request is parsed into calls; each call runs its handler on the HTTP
** worker thread. A single (non-batch) call whose handler asks to wait becomes
** a waiter: it keeps its id, params and parked connection, and the server's
** one waker thread runs the handler again when its topic is notified or its
** deadline passes. The generation counter closes the gap between a handler's
** check and its registration as a waiter: a notify in between marks the new
** waiter dirty, so no event is lost.
**
** A deferred call (mp_rpcs_defer) is answered by its owner's thread. The
** handler's thread and that answer both hold a reference to the call, as
** the answer may come before the handler has returned.
*/
#include "mpavs/rpcserver.h"
#include "mpavs/clock.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mp_rpcs_call {
    mp_rpcs *s;
    const mp_rpcs_method *m;
    json_t *id; /* NULL for a notification */
    json_t *params;
    bool final;
    bool wants_wait;
    char *topic;
    uint32_t wait_ms;
    int app_code;
    char remote[64]; /* client address ("" without HTTP) */
    /* as a waiter */
    mp_http_conn *conn;
    long long started_ms, deadline_ms;
    uint64_t gen;
    bool dirty;
    mp_rpcs_call *next;
    bool deferred; /* answered later by mp_rpcs_answer */
    int refs;      /* under s->mu */
};

struct mp_rpcs {
    mp_rpcs_method *methods;
    size_t nmethods;
    mp_rpcs_opts opts;
    mp_rpcs_code *codes;
    const mp_log *lg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t waker;
    bool waker_started;
    bool closing; /* no new waits */
    bool quit;    /* the waker thread ends */
    uint64_t gen; /* notifies so far */
    mp_rpcs_call *waiters;
    size_t nwaiters;
    size_t running;  /* taken off the list by the waker, not answered yet */
    size_t deferred; /* deferred calls not answered yet */
};

/* ---- errors ---- */

int mp_rpcs_fail(mp_rpcs_call *call, mp_err *err, int code, const char *fmt, ...)
{
    call->app_code = code;
    char msg[MP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return MP_FAIL(err, MP_ERR_INVALID, "%s", msg);
}

json_t *mp_rpcs_error_object(const mp_rpcs *s, int app_code, int rc, const mp_err *err)
{
    int cls = mp_rc_class(rc), code = app_code;
    for (size_t i = 0; code == 0 && s && i < s->opts.ncodes; i++)
        if (s->codes[i].rc_class == cls)
            code = s->codes[i].code;
    if (code == 0)
        code = (cls == MP_ERR_INVALID || cls == MP_ERR_PARSE) ? MP_RPCS_INVALID_PARAMS
                                                              : MP_RPCS_INTERNAL;
    char msg[MP_ERR_MSG_MAX + 32];
    if (err && err->msg[0])
        snprintf(msg, sizeof msg, "%s", err->msg);
    else
        snprintf(msg, sizeof msg, "%s error", mp_rc_name(rc));
    return json_pack("{s:i, s:s}", "code", code, "message", msg);
}

static json_t *error_new(int code, const char *fmt, ...) MP_PRINTF(2, 3);
static json_t *error_new(int code, const char *fmt, ...)
{
    char msg[MP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return json_pack("{s:i, s:s}", "code", code, "message", msg);
}

/* {"jsonrpc":"2.0","id":id,"result"|"error":value}; steals value. */
static json_t *envelope(json_t *id, bool is_error, json_t *value)
{
    json_t *r = json_pack("{s:s, s:O}", "jsonrpc", "2.0", "id", id ? id : json_null());
    if (r == NULL || value == NULL) {
        json_decref(r);
        json_decref(value);
        return NULL;
    }
    json_object_set_new(r, is_error ? "error" : "result", value);
    return r;
}

/* ---- calls ---- */

static void call_unref(mp_rpcs_call *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->s->mu);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&c->s->mu);
    if (!last)
        return;
    json_decref(c->id);
    json_decref(c->params);
    free(c->topic);
    free(c);
}

void mp_rpcs_wait(mp_rpcs_call *call, const char *topic, uint32_t wait_ms)
{
    call->wants_wait = true;
    free(call->topic);
    call->topic = topic ? strdup(topic) : NULL;
    call->wait_ms = wait_ms;
}

bool mp_rpcs_final(const mp_rpcs_call *call)
{
    return call->final;
}

const char *mp_rpcs_method_name(const mp_rpcs_call *call)
{
    return call->m->name;
}

const char *mp_rpcs_remote(const mp_rpcs_call *call)
{
    return call->remote;
}

static const mp_rpcs_method *find_method(const mp_rpcs *s, const char *name)
{
    for (size_t i = 0; i < s->nmethods; i++)
        if (strcmp(s->methods[i].name, name) == 0)
            return &s->methods[i];
    return NULL;
}

/* Requests refused before a method ran count under a fixed name, so label
 ** values stay few whatever clients send. */
static void observe_refused(mp_rpcs *s, const char *what, int code)
{
    if (s->opts.observer)
        s->opts.observer(s->opts.observer_user, what, code, 0);
}

static void observe(mp_rpcs *s, const mp_rpcs_call *c, int code)
{
    if (s->opts.observer)
        s->opts.observer(s->opts.observer_user, c->m->name, code,
                         mp_clock_now_ms() - c->started_ms);
}

/* The response to c for a handler's outcome (NULL for a notification);
 ** steals result. */
static json_t *respond(mp_rpcs *s, mp_rpcs_call *c, int rc, json_t *result, const mp_err *errp)
{
    mp_err err = *errp;
    json_t *resp;
    if (rc != MP_OK) {
        json_decref(result);
        json_t *e = mp_rpcs_error_object(s, c->app_code, rc, &err);
        int code = (int)json_integer_value(json_object_get(e, "code"));
        observe(s, c, code);
        if (code == MP_RPCS_INTERNAL) /* the server's fault, not the caller's: say so */
            MP_WARN(s->lg, "rpc call failed", "method", c->m->name, "error", err.msg);
        else
            MP_DEBUG(s->lg, "rpc call failed", "method", c->m->name, "error", err.msg);
        resp = envelope(c->id, true, e);
    } else {
        observe(s, c, 0);
        resp = envelope(c->id, false, result ? result : json_null());
    }
    if (c->id == NULL) { /* a notification: no answer */
        json_decref(resp);
        return NULL;
    }
    return resp;
}

/* Runs the handler once. Returns the response (NULL when it asked to wait
 ** and may, when it deferred the call, or for a notification). */
static json_t *run(mp_rpcs *s, mp_rpcs_call *c, bool may_wait)
{
    json_t *result = NULL;
    mp_err err = {0};
    c->wants_wait = false;
    c->app_code = 0;
    int rc = c->m->fn(c->m->user, c, c->params, &result, &err);
    if (c->deferred) { /* mp_rpcs_answer answers, maybe already did */
        json_decref(result);
        return NULL;
    }
    if (rc == MP_OK && result == NULL && c->wants_wait && !c->final) {
        if (may_wait)
            return NULL;
        c->final = true; /* cannot wait: the last run answers now */
        return run(s, c, false);
    }
    return respond(s, c, rc, result, &err);
}

static bool valid_id(const json_t *id)
{
    return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* Checks one request object: *call, or an error response (or NULL for a
 ** notification of an unknown method). */
static json_t *check_request(mp_rpcs *s, json_t *req, const char *remote, mp_rpcs_call **call)
{
    *call = NULL;
    json_t *id = json_object_get(req, "id");
    if (!json_is_object(req))
        return envelope(NULL, true,
                        error_new(MP_RPCS_INVALID_REQUEST, "invalid request: not a JSON object"));
    if (id && !valid_id(id))
        return envelope(NULL, true,
                        error_new(MP_RPCS_INVALID_REQUEST, "invalid request: id must be a number, "
                                                           "string or null"));
    const char *ver = json_string_value(json_object_get(req, "jsonrpc"));
    json_t *method = json_object_get(req, "method"), *params = json_object_get(req, "params");
    const char *problem = NULL;
    if (ver == NULL || strcmp(ver, "2.0") != 0)
        problem = "invalid request: \"jsonrpc\" must be \"2.0\"";
    else if (!json_is_string(method))
        problem = "invalid request: \"method\" must be a string";
    else if (params && !json_is_array(params) && !json_is_object(params))
        problem = "invalid request: \"params\" must be an array or an object";
    if (problem)
        return envelope(id, true, error_new(MP_RPCS_INVALID_REQUEST, "%s", problem));
    const mp_rpcs_method *m = find_method(s, json_string_value(method));
    if (m == NULL) {
        if (id == NULL)
            return NULL;
        return envelope(id, true,
                        error_new(MP_RPCS_UNKNOWN_METHOD, "unknown method \"%.64s\"",
                                  json_string_value(method)));
    }
    mp_rpcs_call *c = calloc(1, sizeof *c);
    if (c == NULL)
        return envelope(id, true, error_new(MP_RPCS_INTERNAL, "out of memory"));
    c->s = s;
    c->refs = 1;
    c->m = m;
    c->id = id ? json_incref(id) : NULL;
    c->params = params ? json_incref(params) : json_array();
    c->started_ms = mp_clock_now_ms();
    snprintf(c->remote, sizeof c->remote, "%s", remote ? remote : "");
    *call = c;
    return NULL;
}

/* Checks one request object; on success *call is set, else an error response
 ** (counted as "(invalid)" or "(unknown)"). */
static json_t *prepare(mp_rpcs *s, json_t *req, const char *remote, mp_rpcs_call **call)
{
    json_t *resp = check_request(s, req, remote, call);
    if (*call == NULL) {
        int code = MP_RPCS_UNKNOWN_METHOD;
        json_t *e = json_object_get(resp, "error");
        if (e)
            code = (int)json_integer_value(json_object_get(e, "code"));
        observe_refused(s, code == MP_RPCS_UNKNOWN_METHOD ? "(unknown)" : "(invalid)", code);
    }
    return resp;
}

static json_t *run_batch(mp_rpcs *s, json_t *reqs, const char *remote)
{
    size_t n = json_array_size(reqs);
    if (n == 0 || n > s->opts.max_batch)
        observe_refused(s, "(invalid)", MP_RPCS_INVALID_REQUEST);
    if (n == 0)
        return envelope(NULL, true,
                        error_new(MP_RPCS_INVALID_REQUEST, "invalid request: empty batch"));
    if (n > s->opts.max_batch)
        return envelope(NULL, true,
                        error_new(MP_RPCS_INVALID_REQUEST,
                                  "batch of %zu requests exceeds the limit of %zu", n,
                                  s->opts.max_batch));
    json_t *out = json_array();
    for (size_t i = 0; out && i < n; i++) {
        mp_rpcs_call *c;
        json_t *r = prepare(s, json_array_get(reqs, i), remote, &c);
        if (c) {
            c->final = true;
            r = run(s, c, false);
            call_unref(c);
        }
        if (r)
            json_array_append_new(out, r);
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *parse(mp_rpcs *s, const char *body, size_t len, json_t **req)
{
    json_error_t je;
    *req = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (*req)
        return NULL;
    observe_refused(s, "(invalid)", MP_RPCS_PARSE_ERROR);
    return envelope(NULL, true,
                    error_new(MP_RPCS_PARSE_ERROR, "parse error at line %d column %d: %s", je.line,
                              je.column, je.text));
}

char *mp_rpcs_handle(mp_rpcs *s, const char *body, size_t len)
{
    json_t *req, *resp = parse(s, body, len, &req);
    if (req && json_is_array(req)) {
        resp = run_batch(s, req, NULL);
    } else if (req) {
        mp_rpcs_call *c;
        resp = prepare(s, req, NULL, &c);
        if (c) {
            c->final = true;
            resp = run(s, c, false);
            call_unref(c);
        }
    }
    json_decref(req);
    char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;
    json_decref(resp);
    return text;
}

/* ---- HTTP and waiters ---- */

static void to_http(json_t *resp, mp_http_response *out)
{
    char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;
    if (resp && text == NULL) {
        mp_http_json_error(out, 500, "cannot encode the response");
        return;
    }
    out->status = text ? 200 : 204;
    out->content_type = "application/json";
    out->body = text;
    out->body_len = text ? strlen(text) : 0;
}

static void waiter_answer(mp_rpcs_call *c, json_t *resp)
{
    mp_http_response out = {0};
    to_http(resp, &out);
    json_decref(resp);
    mp_http_resume(c->conn, &out);
    call_unref(c);
}

bool mp_rpcs_defer(mp_rpcs_call *call)
{
    mp_rpcs *s = call->s;
    if (call->conn == NULL || call->id == NULL)
        return false;
    pthread_mutex_lock(&s->mu);
    bool ok = !s->closing;
    if (ok) {
        s->deferred++;
        call->refs++;
        call->deferred = true;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

void mp_rpcs_answer(mp_rpcs_call *call, int rc, json_t *result, const mp_err *err)
{
    mp_rpcs *s = call->s;
    mp_err none = {0};
    waiter_answer(call, respond(s, call, rc, result, err ? err : &none));
    pthread_mutex_lock(&s->mu);
    s->deferred--;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Registers c as a waiter; false when it may not wait (caller runs it final). */
static bool park(mp_rpcs *s, mp_rpcs_call *c)
{
    pthread_mutex_lock(&s->mu);
    bool ok = !s->closing && s->nwaiters < s->opts.max_waiters;
    if (ok) {
        uint32_t w = c->wait_ms < s->opts.max_wait_ms ? c->wait_ms : s->opts.max_wait_ms;
        c->deadline_ms = mp_clock_now_ms() + w;
        c->dirty = c->gen != s->gen;
        c->next = s->waiters;
        s->waiters = c;
        s->nwaiters++;
        pthread_cond_signal(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

static uint64_t generation(mp_rpcs *s)
{
    pthread_mutex_lock(&s->mu);
    uint64_t g = s->gen;
    pthread_mutex_unlock(&s->mu);
    return g;
}

int mp_rpcs_http(void *user, mp_http_conn *conn, const mp_http_request *req, mp_http_response *out)
{
    mp_rpcs *s = user;
    json_t *body, *resp = parse(s, (const char *)req->body, req->body_len, &body);
    if (body && json_is_array(body)) {
        resp = run_batch(s, body, req->remote);
    } else if (body) {
        mp_rpcs_call *c;
        resp = prepare(s, body, req->remote, &c);
        if (c) {
            c->conn = conn;
            c->final = c->id == NULL; /* a notification never waits */
            c->gen = generation(s);
            resp = run(s, c, true);
            if (c->deferred) {
                json_decref(body);
                call_unref(c);
                return MP_HTTP_SUSPENDED;
            }
            while (resp == NULL && c->id != NULL && c->wants_wait && !c->final) {
                if (park(s, c)) {
                    json_decref(body);
                    return MP_HTTP_SUSPENDED;
                }
                c->final = true;
                resp = run(s, c, false);
            }
            call_unref(c);
        }
    }
    json_decref(body);
    to_http(resp, out);
    json_decref(resp);
    return MP_HTTP_DONE;
}

void mp_rpcs_notify(mp_rpcs *s, const char *topic)
{
    pthread_mutex_lock(&s->mu);
    s->gen++;
    for (mp_rpcs_call *c = s->waiters; c; c = c->next)
        if (topic == NULL || c->topic == NULL || strcmp(topic, c->topic) == 0)
            c->dirty = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Takes the waiters due now (dirty, expired, or all when closing) off the
 ** list; returns them and sets *next_ms to the earliest remaining deadline. */
static mp_rpcs_call *take_due(mp_rpcs *s, long long now, long long *next_ms)
{
    mp_rpcs_call *due = NULL, **pp = &s->waiters;
    *next_ms = now + 1000;
    while (*pp) {
        mp_rpcs_call *c = *pp;
        bool expired = c->deadline_ms <= now || s->closing;
        if (c->dirty || expired) {
            *pp = c->next;
            s->nwaiters--;
            c->final = expired;
            c->dirty = false;
            c->gen = s->gen;
            c->next = due;
            due = c;
            s->running++;
        } else {
            if (c->deadline_ms < *next_ms)
                *next_ms = c->deadline_ms;
            pp = &c->next;
        }
    }
    return due;
}

static void rerun(mp_rpcs *s, mp_rpcs_call *due)
{
    while (due) {
        mp_rpcs_call *c = due;
        due = c->next;
        c->next = NULL;
        json_t *resp = run(s, c, !c->final);
        bool parked = false;
        if (c->deferred) {
            parked = true; /* its owner answers */
            call_unref(c);
        } else if (resp == NULL && c->wants_wait && !c->final) {
            parked = park(s, c);
            if (!parked) {
                c->final = true;
                resp = run(s, c, false);
            }
        }
        if (!parked)
            waiter_answer(c, resp);
        pthread_mutex_lock(&s->mu);
        s->running--;
        pthread_mutex_unlock(&s->mu);
    }
}

static void timed_wait(mp_rpcs *s, long long until_ms)
{
    long long ms = until_ms - mp_clock_now_ms();
    if (ms <= 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

static void *waker_main(void *arg)
{
    mp_rpcs *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->quit) {
        long long next;
        mp_rpcs_call *due = take_due(s, mp_clock_now_ms(), &next);
        if (due) {
            pthread_mutex_unlock(&s->mu);
            rerun(s, due);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        if (s->closing && s->waiters == NULL && s->running == 0)
            pthread_cond_broadcast(&s->cv); /* mp_rpcs_shutdown waits for this */
        timed_wait(s, next);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void mp_rpcs_shutdown(mp_rpcs *s)
{
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_broadcast(&s->cv);
    while (s->waiters != NULL || s->running > 0 || s->deferred > 0)
        timed_wait(s, mp_clock_now_ms() + 100);
    pthread_mutex_unlock(&s->mu);
}

void mp_rpcs_free(mp_rpcs *s)
{
    if (s == NULL)
        return;
    if (s->waker_started) {
        mp_rpcs_shutdown(s);
        pthread_mutex_lock(&s->mu);
        s->quit = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->waker, NULL);
    }
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->methods);
    free(s->codes);
    free(s);
}

static int init_sync(mp_rpcs *s, mp_err *err)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->mu, NULL);
    if (rc != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot create a condition variable");
    if (pthread_create(&s->waker, NULL, waker_main, s) != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot start the long-poll thread");
    s->waker_started = true;
    return MP_OK;
}

int mp_rpcs_new(mp_rpcs **out, const mp_rpcs_method *methods, size_t n, const mp_rpcs_opts *opts,
                const mp_log *lg, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && (methods != NULL || n == 0));
    *out = NULL;
    mp_rpcs_opts o = opts ? *opts : MP_RPCS_OPTS_DEFAULT;
    if (o.max_batch == 0 || o.max_waiters == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "batch and waiter limits must be positive");
    mp_rpcs *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    s->opts = o;
    s->lg = lg;
    s->methods = calloc(n ? n : 1, sizeof *methods);
    s->codes = calloc(o.ncodes ? o.ncodes : 1, sizeof *o.codes);
    if (s->methods == NULL || s->codes == NULL) {
        free(s->methods);
        free(s->codes);
        free(s);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    if (n)
        memcpy(s->methods, methods, n * sizeof *methods);
    if (o.ncodes)
        memcpy(s->codes, o.codes, o.ncodes * sizeof *o.codes);
    s->nmethods = n;
    int rc = init_sync(s, err);
    if (rc != MP_OK) {
        mp_rpcs_free(s);
        return rc;
    }
    *out = s;
    return MP_OK;
}

/* ---- parameter validation ---- */

int mp_rpcs_params(const json_t *params, size_t min, size_t max, mp_err *err)
{
    if (!json_is_array(params))
        return MP_FAIL(err, MP_ERR_INVALID, "params must be an array");
    size_t n = json_array_size(params);
    if (n < min || n > max) {
        if (min == max)
            return MP_FAIL(err, MP_ERR_INVALID, "expected %zu params, got %zu", min, n);
        return MP_FAIL(err, MP_ERR_INVALID, "expected %zu to %zu params, got %zu", min, max, n);
    }
    return MP_OK;
}

int mp_rpcs_param_object(const json_t *params, size_t i, json_t **obj, mp_err *err)
{
    json_t *v = json_array_get(params, i);
    if (!json_is_object(v))
        return MP_FAIL(err, MP_ERR_INVALID, "params[%zu] must be an object", i);
    *obj = v;
    return MP_OK;
}

/* Hex through json.h with the full parameter name in its messages; the
 ** length is checked first so the message says how long it was. */
static int hex_value(const json_t *v, const char *what, size_t max_len, mp_buf *out, mp_err *err)
{
    const char *t = json_string_value(v);
    if (t && mp_hex_has_0x(t) && (strlen(t) - 2) / 2 > max_len)
        return MP_FAIL(err, MP_ERR_INVALID, "%s is %zu bytes, more than the limit of %zu", what,
                       (strlen(t) - 2) / 2, max_len);
    out->len = 0;
    return mp_json_as_hex_buf(v, what, MP_JSON_0X, max_len, out, err);
}

int mp_rpcs_param_hex(const json_t *params, size_t i, size_t max_len, mp_buf *out, mp_err *err)
{
    char what[32];
    snprintf(what, sizeof what, "params[%zu]", i);
    return hex_value(json_array_get(params, i), what, max_len, out, err);
}

int mp_rpcs_check_keys(const json_t *obj, const char *where, const char *const *allowed,
                       mp_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        (void)v;
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (allowed[i] == NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "%s: unknown field \"%.48s\"", where, key);
    }
    return MP_OK;
}

int mp_rpcs_field_u64(const json_t *obj, const char *where, const char *key, uint64_t *out,
                      mp_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "%s.%s", where, key);
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return mp_json_as_quantity(v, what, out, err);
    return mp_json_as_u64(v, what, 0, (1ull << 53) - 1, out, err);
}

int mp_rpcs_field_hex(const json_t *obj, const char *where, const char *key, size_t max_len,
                      mp_buf *out, mp_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "%s.%s", where, key);
    return hex_value(json_object_get(obj, key), what, max_len, out, err);
}
