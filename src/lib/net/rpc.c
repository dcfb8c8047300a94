/*
** rpc.c: JSON-RPC 2.0 over libcurl (see include/mpavs/rpc.h).
**
** Each call: build the request, then up to 1 + retries attempts; an attempt
** ends as an answer (parsed strictly), a retryable transport failure, or a
** final failure. Only transport failures sleep and try again.
*/
#include "mpavs/rpc.h"
#include "mpavs/buf.h"
#include "mpavs/clock.h"
#include "mpavs/jsonscan.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

typedef enum attempt_result { ANSWERED, RETRY, FINAL } attempt_result;

/* Reads an answered body (one response, or a batch's array). */
typedef int (*body_parser)(mp_rpc *c, const char *method, const mp_buf *body, void *ctx,
                           mp_err *err);

/* One call: what every attempt sends, the cap on what it accepts, how to read it. */
typedef struct call {
    const char *method;
    const char *req;
    size_t max_response;
    body_parser parse;
    void *ctx;
} call;

typedef struct body_sink {
    mp_buf buf;
    size_t max;
    bool too_large;
} body_sink;

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    body_sink *s = user;
    size_t bytes = size * n;
    if (s->buf.len + bytes > s->max) {
        s->too_large = true;
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    return mp_buf_append(&s->buf, p, bytes) == MP_OK ? bytes : 0;
}

/* scheme://host[:port] only: paths and userinfo may carry API keys. */
static void redact_url(char *out, size_t cap, const char *url)
{
    const char *sep = strstr(url, "://");
    size_t scheme = sep ? (size_t)(sep + 3 - url) : 0;
    const char *host = url + scheme;
    size_t hlen = strcspn(host, "/?#");
    const char *at = memchr(host, '@', hlen);
    if (at) {
        hlen -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    snprintf(out, cap, "%.*s%.*s", (int)scheme, url, (int)hlen, host);
}

int mp_rpc_init(mp_rpc *c, const char *url, const mp_rpc_opts *opts, const mp_log *log, mp_err *err)
{
    memset(c, 0, sizeof *c);
    if (url == NULL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return MP_FAIL(err, MP_ERR_INVALID, "RPC URL must start with http:// or https://");
    c->opts = opts ? *opts : MP_RPC_OPTS_DEFAULT;
    c->log = log;
    c->next_id = 1;
    c->url = strdup(url);
    c->curl = curl_easy_init();
    c->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->url == NULL || c->curl == NULL || c->headers == NULL) {
        mp_rpc_close(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot create an HTTP client");
    }
    return MP_OK;
}

void mp_rpc_close(mp_rpc *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    json_decref(c->last_error.data);
    free(c->url);
    memset(c, 0, sizeof *c);
}

static void set_error(mp_rpc *c, long long code, const char *msg, json_t *data)
{
    json_decref(c->last_error.data);
    c->last_error.code = code;
    snprintf(c->last_error.message, sizeof c->last_error.message, "%s", msg);
    c->last_error.data = data ? json_incref(data) : NULL;
}

/* Checks the error member and records it; returns the ERROR_OBJECT failure. */
static int error_object(mp_rpc *c, const char *method, json_t *e, mp_err *err)
{
    json_t *code = json_object_get(e, "code"), *msg = json_object_get(e, "message");
    if (!json_is_object(e) || !json_is_integer(code) || !json_is_string(msg))
        return MP_FAIL(err, MP_ERR_PARSE, "%s: malformed JSON-RPC error object", method);
    set_error(c, json_integer_value(code), json_string_value(msg), json_object_get(e, "data"));
    return MP_FAIL(err, MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT), "%s: node error %lld: %.200s",
                   method, json_integer_value(code), json_string_value(msg));
}

/* Refuses a body whose tree would cost more than MP_RPC_PARSE_FACTOR times its
 * length: memory for parsing stays proportional to the byte cap. */
static int bound_parse(const char *method, const mp_buf *body, mp_err *err)
{
    mp_err why;
    size_t budget = MP_RPC_PARSE_FACTOR * body->len + MP_RPC_PARSE_SLACK;
    if (mp_jsonscan_bound((const char *)body->data, body->len, budget, MP_RPC_MAX_DEPTH, NULL,
                          &why) == MP_OK)
        return MP_OK;
    return MP_FAIL(err, MP_RC(MP_ERR_RPC, MP_RPC_TOO_LARGE), "%s: response refused: %s", method,
                   why.msg);
}

/* A response must be {"jsonrpc":"2.0","id":<ours>} with exactly one of result/error. */
static int parse_response(mp_rpc *c, const char *method, uint64_t id, const mp_buf *body,
                          json_t **result, mp_err *err)
{
    MP_TRY(bound_parse(method, body, err));
    json_error_t je;
    /* NUL is allowed: nodes escape the NUL bytes of a revert reason they tried to print as
     * text (\u0000 in error messages, e.g. anvil for custom errors with string arguments).
     * Fields that are parsed reject embedded NULs themselves (ethrpc.c j_hex_text). */
    json_t *root = json_loadb(body->data ? (char *)body->data : "", body->len, JSON_ALLOW_NUL, &je);
    if (root == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: response is not JSON (%s)", method, je.text);
    int rc = MP_OK;
    json_t *ver = json_object_get(root, "jsonrpc"), *jid = json_object_get(root, "id");
    json_t *res = json_object_get(root, "result"), *e = json_object_get(root, "error");
    if (!json_is_object(root) || !json_is_string(ver) || json_string_length(ver) != 3 ||
        strcmp(json_string_value(ver), "2.0"))
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s: response is not a JSON-RPC 2.0 object", method);
    else if (!json_is_integer(jid) || (uint64_t)json_integer_value(jid) != id)
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s: response id does not match the request", method);
    else if ((res == NULL) == (e == NULL))
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s: response needs exactly one of result and error",
                     method);
    else if (e != NULL)
        rc = error_object(c, method, e, err);
    else
        *result = json_incref(res);
    json_decref(root);
    return rc;
}

static bool retryable_status(long status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

static attempt_result attempt(mp_rpc *c, const call *k, int *rc, mp_err *err)
{
    const char *method = k->method;
    body_sink sink = {MP_BUF_INIT, k->max_response, false};
    CURL *h = c->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, (struct curl_slist *)c->headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, k->req);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    attempt_result ar = FINAL;
    if (sink.too_large) {
        *rc = MP_FAIL(err, MP_RC(MP_ERR_RPC, MP_RPC_TOO_LARGE),
                      "%s: response too large (over %zu bytes)", method, k->max_response);
    } else if (cc != CURLE_OK) {
        *rc = MP_FAIL(err,
                      cc == CURLE_OPERATION_TIMEDOUT ? MP_ERR_TIMEOUT
                                                     : MP_RC(MP_ERR_RPC, MP_RPC_TRANSPORT),
                      "%s: %s", method, curl_easy_strerror(cc));
        ar = RETRY;
    } else if (retryable_status(status)) {
        *rc = MP_FAIL(err, MP_RC(MP_ERR_RPC, MP_RPC_TRANSPORT), "%s: HTTP %ld", method, status);
        ar = RETRY;
    } else {
        *rc = k->parse(c, method, &sink.buf, k->ctx, err);
        if (*rc != MP_OK && status != 200 && mp_rc_class(*rc) == MP_ERR_PARSE)
            *rc = MP_FAIL(err, MP_RC(MP_ERR_RPC, MP_RPC_HTTP), "%s: HTTP %ld", method, status);
        ar = ANSWERED;
    }
    mp_buf_free(&sink.buf);
    return ar;
}

static char *build_request(const char *method, json_t *params, uint64_t id)
{
    json_t *req = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", (json_int_t)id,
                            "method", method, "params", params ? params : json_array());
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    return text;
}

static void log_call(const mp_rpc *c, const char *method, int attempt_no, int rc, const mp_err *err)
{
    if (!mp_log_on(c->log, MP_LOG_DEBUG))
        return;
    char url[128];
    redact_url(url, sizeof url, c->url);
    MP_DEBUG(c->log, "rpc call", "method", method, "url", url, MP_LI64("attempt", attempt_no),
             "result", rc == MP_OK ? "ok" : (err ? err->msg : mp_rc_name(rc)));
}

bool mp_rpc_error_mentions(const mp_rpc *c, int rc, const char *text)
{
    if (rc != MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT))
        return false;
    char msg[sizeof c->last_error.message];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (char)tolower((unsigned char)c->last_error.message[i]);
    return strstr(msg, text) != NULL;
}

/* Sends k->req with the retry policy of rpc.h. */
static int exchange(mp_rpc *c, const call *k, mp_err *err)
{
    int rc = MP_OK;
    long wait = c->opts.backoff_ms;
    attempt_result ar = FINAL;
    int i = 0;
    for (; i <= c->opts.retries; i++) {
        if (i > 0) {
            mp_clock_sleep_ms(wait);
            wait = wait * 2 > c->opts.backoff_max_ms ? c->opts.backoff_max_ms : wait * 2;
            c->retries++;
        }
        c->calls++;
        ar = attempt(c, k, &rc, err);
        log_call(c, k->method, i + 1, rc, err);
        if (ar != RETRY)
            break;
    }
    if (ar == RETRY && i > 1)
        mp_err_wrap(err, "after %d attempts", i);
    return rc;
}

typedef struct single_ctx {
    uint64_t id;
    json_t **result;
} single_ctx;

static int parse_single(mp_rpc *c, const char *method, const mp_buf *body, void *ctx, mp_err *err)
{
    single_ctx *s = ctx;
    return parse_response(c, method, s->id, body, s->result, err);
}

static int call_capped(mp_rpc *c, const char *method, json_t *params, size_t max_response,
                       json_t **result, mp_err *err)
{
    single_ctx s = {c->next_id++, result};
    char *req = build_request(method, params, s.id);
    if (req == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "%s: cannot build the request", method);
    call k = {method, req, max_response, parse_single, &s};
    int rc = exchange(c, &k, err);
    free(req);
    return rc;
}

int mp_rpc_call(mp_rpc *c, const char *method, json_t *params, json_t **result, mp_err *err)
{
    return call_capped(c, method, params, c->opts.max_response, result, err);
}

int mp_rpc_call_large(mp_rpc *c, const char *method, json_t *params, json_t **result, mp_err *err)
{
    return call_capped(c, method, params, c->opts.max_large_response, result, err);
}

/* ---- batches ---- */

typedef struct batch_ctx {
    uint64_t first_id;
    size_t n;
    json_t **results;
} batch_ctx;

/* Checks one member of a batch answer and stores its result at its id's slot. */
static int batch_member(mp_rpc *c, const char *method, batch_ctx *b, json_t *m, mp_err *err)
{
    json_t *ver = json_object_get(m, "jsonrpc"), *jid = json_object_get(m, "id");
    json_t *res = json_object_get(m, "result"), *e = json_object_get(m, "error");
    if (!json_is_object(m) || !json_is_string(ver) || strcmp(json_string_value(ver), "2.0"))
        return MP_FAIL(err, MP_ERR_PARSE, "%s batch: a member is not a JSON-RPC 2.0 object",
                       method);
    json_int_t id = json_is_integer(jid) ? json_integer_value(jid) : -1;
    if (id < 0 || (uint64_t)id < b->first_id || (uint64_t)id - b->first_id >= b->n)
        return MP_FAIL(err, MP_ERR_PARSE, "%s batch: a member's id matches no request", method);
    size_t k = (size_t)((uint64_t)id - b->first_id);
    if (b->results[k] != NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s batch: two answers to request %zu", method, k);
    if ((res == NULL) == (e == NULL))
        return MP_FAIL(err, MP_ERR_PARSE,
                       "%s batch: member %zu needs exactly one of result and error", method, k);
    if (e != NULL) {
        int rc = error_object(c, method, e, err);
        mp_err_wrap(err, "batch member %zu", k);
        return rc;
    }
    b->results[k] = json_incref(res);
    return MP_OK;
}

static void drop_results(json_t **results, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(results[i]);
        results[i] = NULL;
    }
}

static int parse_batch(mp_rpc *c, const char *method, const mp_buf *body, void *ctx, mp_err *err)
{
    batch_ctx *b = ctx;
    MP_TRY(bound_parse(method, body, err));
    json_error_t je;
    json_t *root = json_loadb(body->data ? (char *)body->data : "", body->len, JSON_ALLOW_NUL, &je);
    if (root == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s batch: response is not JSON (%s)", method, je.text);
    int rc = MP_OK;
    if (json_is_object(root) && json_object_get(root, "error") != NULL)
        rc = error_object(c, method, json_object_get(root, "error"), err); /* refused whole */
    else if (!json_is_array(root) || json_array_size(root) != b->n)
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s batch: expected an array of %zu answers", method, b->n);
    for (size_t i = 0; rc == MP_OK && i < b->n; i++)
        rc = batch_member(c, method, b, json_array_get(root, i), err);
    if (rc != MP_OK)
        drop_results(b->results, b->n);
    json_decref(root);
    return rc;
}

static char *build_batch(const char *method, json_t **params, size_t n, uint64_t first_id)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *r = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id",
                              (json_int_t)(first_id + i), "method", method, "params",
                              params[i] ? json_incref(params[i]) : json_array());
        if (r == NULL || json_array_append_new(arr, r) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    char *text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    return text;
}

int mp_rpc_call_batch(mp_rpc *c, const char *method, json_t **params, size_t n, json_t **results,
                      mp_err *err)
{
    char *req = NULL;
    int rc = MP_OK;
    for (size_t i = 0; i < n; i++)
        results[i] = NULL;
    if (n == 0 || n > MP_RPC_MAX_BATCH) {
        rc = MP_FAIL(err, MP_ERR_INVALID, "%s batch: %zu requests (1 to %d allowed)", method, n,
                     MP_RPC_MAX_BATCH);
        goto done;
    }
    batch_ctx b = {c->next_id, n, results};
    c->next_id += n;
    req = build_batch(method, params, n, b.first_id);
    if (req == NULL) {
        rc = MP_FAIL(err, MP_ERR_NOMEM, "%s batch: cannot build the request", method);
        goto done;
    }
    call k = {method, req, c->opts.max_response, parse_batch, &b};
    rc = exchange(c, &k, err);
done:
    for (size_t i = 0; i < n; i++)
        json_decref(params[i]);
    free(req);
    return rc;
}
