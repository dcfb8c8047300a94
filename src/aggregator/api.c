/*
** api.c: what the aggregator serves on its one listen address:
**
**   POST /                    JSON-RPC (docs/protocol.md 8.2), rate-limited per
**                             client address (-32009)
**   GET  /                    the status page (one HTML page, no scripts or
**                             external assets, refreshed by a meta tag)
**   GET  /metrics             Prometheus
**   GET  /eigen/node, /eigen/node/health, /eigen/node/services
**                             EigenLayer's node API
*/
#include "agg.h"

#include "mpavs/address.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/u256.h"
#include "mpavs/version.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define FETCH_MAX      32
#define LIST_MAX       200
#define PAGE_REFRESH_S 5

/* ---- JSON-RPC methods ---- */

static int m_fetch(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg_ctx *c = user;
    static const char *const keys[] = {"identifiers", "afterTaskId", "maxWaitSeconds", NULL};
    json_t *o = NULL, *ids = NULL;
    uint64_t after = 0, wait_s = 30;
    bool has = false, want[3] = {false, true, true};
    size_t n_ids = 0;
    MP_TRY(mp_rpcs_params(params, 0, 1, err));
    if (json_array_size(params) == 1) {
        MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
        MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
        MP_TRY(mp_json_opt_u64(o, "afterTaskId", 0, INT64_MAX, &after, &has, err));
        MP_TRY(mp_json_opt_u64(o, "maxWaitSeconds", 0, 3600, &wait_s, &has, err));
        if (mp_json_present(o, "identifiers")) {
            MP_TRY(mp_json_get_array(o, "identifiers", 8, &ids, &n_ids, err));
            want[1] = want[2] = false;
            for (size_t i = 0; i < n_ids; i++) {
                uint64_t id;
                MP_TRY(mp_json_as_u64(json_array_get(ids, i), "identifiers[]", 0, INT64_MAX, &id,
                                      err));
                if (id == 1 || id == 2)
                    want[id] = true;
            }
        }
    }
    json_t *arr = json_array();
    int64_t now = agg_now_s();
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tasks && json_array_size(arr) < FETCH_MAX; i++) {
        const agg_task *t = &c->tasks[i];
        if (t->id > after && t->status == AGG_OPEN && now < t->expires_at && t->identifier <= 2 &&
            want[t->identifier])
            json_array_append_new(arr, agg_task_json(t, false));
    }
    pthread_mutex_unlock(&c->mu);
    if (json_array_size(arr) == 0 && !mp_rpcs_final(call) && wait_s > 0) {
        json_decref(arr);
        mp_rpcs_wait(call, "task", (uint32_t)(wait_s > 60 ? 60000 : wait_s * 1000));
        return MP_OK;
    }
    *result = json_pack("{s:o}", "tasks", arr);
    return MP_OK;
}

static int m_submit(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    return agg_submit(user, call, params, result, err);
}

static int m_get(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg_ctx *c = user;
    static const char *const keys[] = {"taskId", NULL};
    json_t *o;
    uint64_t id;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
    MP_TRY(mp_json_get_u64(o, "taskId", 0, INT64_MAX, &id, err));
    pthread_mutex_lock(&c->mu);
    agg_task *t = agg_task_find(c, id);
    if (t)
        *result = agg_task_json(t, true);
    json_t *old = NULL;
    if (t == NULL) { /* an older task: its record from the database */
        json_t *all = agg_db_list_tasks(c, -1, 100000);
        for (size_t i = 0; i < json_array_size(all) && old == NULL; i++) {
            json_t *x = json_array_get(all, i);
            if ((uint64_t)json_integer_value(json_object_get(x, "taskId")) == id)
                old = json_incref(x);
        }
        json_decref(all);
    }
    pthread_mutex_unlock(&c->mu);
    if (t == NULL && old == NULL)
        return mp_rpcs_fail(call, err, MP_WIRE_UNKNOWN_TASK, "task %llu was not issued",
                            (unsigned long long)id);
    if (old)
        *result = old;
    return MP_OK;
}

static int m_list(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg_ctx *c = user;
    static const char *const keys[] = {"status", "limit", NULL};
    json_t *o;
    const char *status = NULL;
    uint64_t limit = 50;
    bool has = false;
    int st = -1;
    MP_TRY(mp_rpcs_params(params, 0, 1, err));
    if (json_array_size(params) == 1) {
        MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
        MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
        MP_TRY(mp_json_opt_str(o, "status", &status, err));
        MP_TRY(mp_json_opt_u64(o, "limit", 1, LIST_MAX, &limit, &has, err));
        if (status && (st = agg_status_parse(status)) < 0)
            return mp_rpcs_fail(call, err, MP_RPCS_INVALID_PARAMS,
                                "params[0].status: unknown status \"%.40s\"", status);
    }
    pthread_mutex_lock(&c->mu);
    json_t *arr = agg_db_list_tasks(c, st, (size_t)limit);
    pthread_mutex_unlock(&c->mu);
    *result = json_pack("{s:o}", "tasks", arr);
    return MP_OK;
}

void agg_api_notify_task(agg_ctx *c)
{
    if (c->rpcs_server)
        mp_rpcs_notify(c->rpcs_server, "task");
}

/* ---- rate limit: a token bucket per client address ---- */

typedef struct bucket {
    char addr[64];
    double tokens;
    int64_t at_ms;
} bucket;

typedef struct limiter {
    agg_ctx *c;
    pthread_mutex_t mu;
    bucket b[512];
    size_t n;
} limiter;

static bool allow(limiter *l, const char *addr)
{
    double rate = (double)l->c->cfg->rate_limit;
    if (rate <= 0)
        return true;
    int64_t now = agg_now_ms();
    pthread_mutex_lock(&l->mu);
    bucket *b = NULL;
    for (size_t i = 0; i < l->n && b == NULL; i++)
        if (strcmp(l->b[i].addr, addr) == 0)
            b = &l->b[i];
    if (b == NULL) {
        b = &l->b[l->n < 512 ? l->n++ : (size_t)now % 512];
        snprintf(b->addr, sizeof b->addr, "%s", addr);
        b->tokens = rate;
        b->at_ms = now;
    }
    b->tokens += rate * (double)(now - b->at_ms) / 1000.0;
    if (b->tokens > rate)
        b->tokens = rate; /* a burst of one second's worth */
    b->at_ms = now;
    bool ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    pthread_mutex_unlock(&l->mu);
    return ok;
}

static int h_rpc(void *user, mp_http_conn *conn, const mp_http_request *req, mp_http_response *resp)
{
    limiter *l = user;
    if (!allow(l, req->remote ? req->remote : "?")) {
        agg_count(l->c->m.submissions, "rate_limited", 1);
        mp_http_text(resp, 200, "application/json",
                     "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32009,\"message\":"
                     "\"rate limited: too many requests from this address\"}}");
        return MP_HTTP_DONE;
    }
    return mp_rpcs_http(l->c->rpcs_server, conn, req, resp);
}

static void observe(void *user, const char *method, int code, long long ms)
{
    agg_ctx *c = user;
    char k[16];
    snprintf(k, sizeof k, "%d", code);
    mp_series_inc(mp_metric_series(c->m.rpc, MP_LABELS(method, k)));
    mp_series_observe(mp_metric_series(c->m.rpc_seconds, MP_LABELS(method)), (double)ms / 1000.0);
}

/* ---- GET routes ---- */

static void json_reply(mp_http_response *resp, unsigned status, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (text == NULL) {
        mp_http_json_error(resp, 500, "out of memory");
        return;
    }
    resp->status = status;
    resp->body = text;
    resp->body_len = strlen(text);
}

static int h_metrics(void *user, mp_http_conn *conn, const mp_http_request *req,
                     mp_http_response *resp)
{
    (void)conn, (void)req;
    agg_ctx *c = user;
    size_t open = 0;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tasks; i++)
        open += c->tasks[i].status == AGG_OPEN || c->tasks[i].status == AGG_CONFIRMING;
    pthread_mutex_unlock(&c->mu);
    mp_series_set(mp_metric_series(c->m.open_tasks, NULL), (double)open);
    mp_buf out = MP_BUF_INIT;
    mp_err err;
    if (mp_metrics_render(c->m.reg, &out, &err) != MP_OK || mp_buf_append(&out, "", 1) != MP_OK) {
        mp_buf_free(&out);
        mp_http_json_error(resp, 500, "cannot render metrics");
        return MP_HTTP_DONE;
    }
    resp->content_type = MP_METRICS_CONTENT_TYPE;
    resp->body = (char *)out.data;
    resp->body_len = out.len - 1;
    return MP_HTTP_DONE;
}

static int h_node(void *user, mp_http_conn *conn, const mp_http_request *req,
                  mp_http_response *resp)
{
    (void)conn, (void)user;
    if (strcmp(req->path, "/eigen/node") == 0)
        json_reply(resp, 200,
                   json_pack("{s:s, s:s, s:s}", "node_name", "mpavs-aggregator", "spec_version",
                             "v0.0.1", "node_version", MPAVS_VERSION));
    else if (strcmp(req->path, "/eigen/node/health") == 0)
        mp_http_text(resp, 200, "text/plain", "");
    else if (strcmp(req->path, "/eigen/node/services") == 0)
        json_reply(resp, 200,
                   json_pack("{s:[{s:s, s:s, s:s, s:s}]}", "services", "id", "aggregator-rpc",
                             "name", "JSON-RPC", "description",
                             "tasks and signature submissions (docs/protocol.md 8.2)", "status",
                             "Up"));
    else
        mp_http_json_error(resp, 404, "unknown node API path");
    return MP_HTTP_DONE;
}

/* ---- the status page ---- */

static void esc(mp_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            mp_buf_printf(b, "&lt;");
            break;
        case '>':
            mp_buf_printf(b, "&gt;");
            break;
        case '&':
            mp_buf_printf(b, "&amp;");
            break;
        case '"':
            mp_buf_printf(b, "&quot;");
            break;
        default:
            mp_buf_append(b, s, 1);
        }
    }
}

static void hex_short(mp_buf *b, const uint8_t *p, size_t n)
{
    char h[2 * 32 + 3];
    mp_hex_encode0x(h, p, n > 32 ? 32 : n);
    mp_buf_printf(b, "<code>%s</code>", h);
}

static void task_progress(mp_buf *b, const agg_task *t)
{
    if (t->n_states == 0) {
        mp_buf_printf(b, "no responses");
        return;
    }
    for (size_t s = 0; s < t->n_states; s++) {
        mp_buf_printf(b, "<div class=\"state\">state ");
        hex_short(b, t->states[s].hash, 4);
        mp_buf_printf(b, "&hellip; %zu signer(s)", t->states[s].n_signers);
        if (t->cs) {
            uint8_t stake[MP_CHECKSIG_MAX_QUORUMS][32];
            bool mask[4096] = {false};
            for (size_t i = 0; i < t->n_resps; i++) {
                long m = mp_agg_committee_find(t->cs, t->resps[i].operator_addr);
                if (t->resps[i].state == s && m >= 0 && m < 4096)
                    mask[m] = true;
            }
            mp_agg_signed_stake(t->cs, mask, stake);
            for (size_t q = 0; q < t->cs->state.n_sets; q++) {
                uint64_t sg = 0, tot = 0;
                mp_u256_to_u64(&sg, stake[q]);
                mp_u256_to_u64(&tot, t->cs->total_stake[q]);
                double pct = tot ? 100.0 * (double)sg / (double)tot : 0;
                mp_buf_printf(b,
                              "; quorum %u: <span class=\"pct\">%.1f%%</span> of %u%% "
                              "<meter min=\"0\" max=\"100\" value=\"%.1f\"></meter>",
                              t->cs->state.sets[q].quorum, pct, t->cs->committee.thresholds[q],
                              pct);
            }
        }
        if (t->n_states > 1)
            mp_buf_printf(b, " <b class=\"conflict\">conflict</b>");
        mp_buf_printf(b, "</div>");
    }
}

static void page_tasks(mp_buf *b, const agg_ctx *c)
{
    mp_buf_printf(b, "<h2>Tasks</h2><table id=\"tasks\"><tr><th>task</th><th>identifier</th>"
                     "<th>reference block</th><th>status</th><th>progress</th><th>reason</th>"
                     "</tr>");
    for (size_t i = c->n_tasks; i-- > 0;) {
        const agg_task *t = &c->tasks[i];
        mp_buf_printf(b,
                      "<tr class=\"task\" id=\"task-%llu\"><td>%llu</td><td>%llu</td><td>%u</td>"
                      "<td class=\"status\">%s</td><td>",
                      (unsigned long long)t->id, (unsigned long long)t->id,
                      (unsigned long long)t->identifier, t->reference_block,
                      agg_status_name(t->status));
        task_progress(b, t);
        mp_buf_printf(b, "</td><td>");
        esc(b, t->reason);
        mp_buf_printf(b, "</td></tr>");
    }
    mp_buf_printf(b, "</table>");
}

/* Per member of cs: live (some enclave's answer cached) and the newest task it
 * answered, in one pass over the liveness table and the responses (a page
 * with 1,000 operators must not compare every pair under the lock). */
static void operator_facts(const agg_ctx *c, const mp_agg_committee_state *cs, bool *live,
                           uint64_t *last)
{
    int64_t now = agg_now_ms();
    for (size_t i = 0; i < AGG_LIVE_CACHE; i++) {
        long m =
            now < c->live[i].until_ms ? mp_agg_committee_find(cs, c->live[i].operator_addr) : -1;
        if (m >= 0)
            live[m] = true;
    }
    for (size_t i = 0; i < c->n_tasks; i++) /* ascending ids: the newest wins */
        for (size_t k = 0; k < c->tasks[i].n_resps; k++) {
            long m = mp_agg_committee_find(cs, c->tasks[i].resps[k].operator_addr);
            if (m >= 0)
                last[m] = c->tasks[i].id;
        }
}

/* Member m's stake in every quorum of cs. */
static void operator_stakes(mp_buf *b, const mp_agg_committee_state *cs, const uint8_t *addr)
{
    for (size_t q = 0; q < cs->state.n_sets; q++)
        for (size_t j = 0; j < cs->state.sets[q].n; j++)
            if (memcmp(cs->state.sets[q].ops[j].address, addr, 20) == 0) {
                char d[MP_U256_DEC_MAX];
                mp_u256_to_dec(d, cs->state.sets[q].ops[j].stake);
                mp_buf_printf(b, "q%u: %s ", cs->state.sets[q].quorum, d);
            }
}

/* Operators of the newest task with a loaded committee. */
static void page_operators(mp_buf *b, const agg_ctx *c)
{
    const agg_task *ref = NULL;
    for (size_t i = c->n_tasks; i-- > 0 && ref == NULL;)
        if (c->tasks[i].cs)
            ref = &c->tasks[i];
    mp_buf_printf(b, "<h2>Operators</h2><table id=\"operators\"><tr><th>operator</th>"
                     "<th>stake per quorum</th><th>live</th><th>last response</th></tr>");
    size_t n = ref ? ref->cs->n_members : 0;
    bool *live = calloc(n ? n : 1, sizeof *live);
    uint64_t *last = calloc(n ? n : 1, sizeof *last);
    if (live && last && n)
        operator_facts(c, ref->cs, live, last);
    for (size_t m = 0; live && last && m < n; m++) {
        char a[MP_ADDRESS_TEXT_LEN];
        mp_address_to_checksum(a, ref->cs->members[m]);
        mp_buf_printf(b, "<tr class=\"operator\"><td><code>%s</code></td><td>", a);
        operator_stakes(b, ref->cs, ref->cs->members[m]);
        mp_buf_printf(b, "</td><td class=\"live\">%s</td><td>", live[m] ? "yes" : "unknown");
        if (last[m])
            mp_buf_printf(b, "task %llu", (unsigned long long)last[m]);
        else
            mp_buf_printf(b, "none");
        mp_buf_printf(b, "</td></tr>");
    }
    free(live);
    free(last);
    mp_buf_printf(b, "</table>");
}

static void page_confirmations(mp_buf *b, const agg_ctx *c)
{
    mp_buf_printf(b, "<h2>Recent confirmations</h2><table id=\"confirmations\"><tr><th>task</th>"
                     "<th>outcome</th><th>state hash</th><th>transaction</th><th>gas</th></tr>");
    for (size_t i = c->n_tasks; i-- > 0;) {
        const agg_task *t = &c->tasks[i];
        if (t->status != AGG_CONFIRMED && t->status != AGG_CONFIRMED_ELSEWHERE)
            continue;
        mp_buf_printf(b, "<tr class=\"confirmation\"><td>%llu</td><td>%s</td><td>",
                      (unsigned long long)t->id, agg_status_name(t->status));
        hex_short(b, t->confirmed_hash, 32);
        mp_buf_printf(b, "</td><td class=\"tx\">");
        if (t->has_tx)
            hex_short(b, t->tx_hash, 32);
        mp_buf_printf(b, "</td><td>%llu</td></tr>", (unsigned long long)t->gas_used);
    }
    mp_buf_printf(b, "</table>");
}

static void page_equivocations(mp_buf *b, agg_ctx *c)
{
    json_t *eq = agg_db_equivocations(c, 20);
    mp_buf_printf(b, "<h2>Equivocations</h2><table id=\"equivocations\"><tr><th>task</th>"
                     "<th>operator</th><th>first state</th><th>second state</th></tr>");
    for (size_t i = 0; i < json_array_size(eq); i++) {
        json_t *x = json_array_get(eq, i);
        mp_buf_printf(b, "<tr class=\"equivocation\"><td>%lld</td><td><code>",
                      (long long)json_integer_value(json_object_get(x, "taskId")));
        esc(b, json_string_value(json_object_get(x, "operator")));
        mp_buf_printf(b, "</code></td><td><code>");
        esc(b, json_string_value(json_object_get(x, "firstStateHash")));
        mp_buf_printf(b, "</code></td><td><code>");
        esc(b, json_string_value(json_object_get(x, "secondStateHash")));
        mp_buf_printf(b, "</code></td></tr>");
    }
    mp_buf_printf(b, "</table>");
    json_decref(eq);
}

static const char page_head[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta http-equiv=\"refresh\" content=\"%d\"><title>mpavs aggregator</title><style>"
    "body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "code{font-size:90%%}.conflict{color:#b00}</style></head><body>"
    "<h1>mpavs aggregator</h1><p id=\"summary\">version %s, L1 head %llu, %zu task(s) in "
    "memory, submitter <code>%s</code></p>";

static int h_page(void *user, mp_http_conn *conn, const mp_http_request *req,
                  mp_http_response *resp)
{
    (void)conn, (void)req;
    agg_ctx *c = user;
    mp_buf b = MP_BUF_INIT;
    char sub[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(sub, c->submitter);
    pthread_mutex_lock(&c->mu);
    mp_buf_printf(&b, page_head, PAGE_REFRESH_S, MPAVS_VERSION, (unsigned long long)c->l1_head,
                  c->n_tasks, sub);
    page_tasks(&b, c);
    page_operators(&b, c);
    page_confirmations(&b, c);
    page_equivocations(&b, c);
    pthread_mutex_unlock(&c->mu);
    mp_buf_printf(&b, "</body></html>");
    if (b.oom || mp_buf_append(&b, "", 1) != MP_OK) {
        mp_buf_free(&b);
        mp_http_json_error(resp, 500, "out of memory");
        return MP_HTTP_DONE;
    }
    resp->content_type = "text/html; charset=utf-8";
    resp->body = (char *)b.data;
    resp->body_len = b.len - 1;
    return MP_HTTP_DONE;
}

/* ---- start and stop ---- */

/* The connection limit the process's open-file limit allows: the soft limit is
 * raised toward the hard one when want connections need more (a few dozen
 * descriptors stay for the database, the chain clients and the logs). */
static unsigned open_files_for(agg_ctx *c, unsigned want)
{
    enum { RESERVED = 64 };
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return want;
    rlim_t need = (rlim_t)want + RESERVED;
    if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= need)
        return want;
    unsigned got = rl.rlim_cur > RESERVED + 16 ? (unsigned)(rl.rlim_cur - RESERVED) : 16;
    MP_WARN(&c->d->log, "the open-file limit caps max_connections", MP_LU64("wanted", want),
            MP_LU64("allowed", got));
    return got;
}

int agg_api_start(agg_ctx *c, mp_err *err)
{
    static const mp_rpcs_code codes[] = {{MP_ERR_RPC, MP_RPCS_INTERNAL}};
    mp_rpcs_method methods[] = {
        {"aggregator_fetchTask", m_fetch, c},
        {"aggregator_submitTask", m_submit, c},
        {"aggregator_getTask", m_get, c},
        {"aggregator_listTasks", m_list, c},
    };
    mp_rpcs_opts ro = MP_RPCS_OPTS_DEFAULT;
    ro.codes = codes;
    ro.ncodes = 1;
    ro.observer = observe;
    ro.observer_user = c;
    MP_TRY(mp_rpcs_new(&c->rpcs_server, methods, sizeof methods / sizeof *methods, &ro, &c->d->log,
                       err));
    limiter *l = calloc(1, sizeof *l);
    if (l == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    l->c = c;
    pthread_mutex_init(&l->mu, NULL);
    c->limiter = l;
    mp_http_route routes[] = {
        {"POST", "/", h_rpc, l},
        {"GET", "/", h_page, c},
        {"GET", "/metrics", h_metrics, c},
        {"GET", "/eigen/node*", h_node, c},
    };
    mp_http_opts ho = MP_HTTP_OPTS_DEFAULT;
    ho.host = c->cfg->listen.host;
    ho.port = (uint16_t)c->cfg->listen.port;
    ho.threads = (unsigned)c->cfg->http_threads;
    ho.max_conns = open_files_for(c, (unsigned)c->cfg->max_connections);
    ho.max_body = (size_t)c->cfg->max_body;
    ho.server_tag = "mpavs-aggregator";
    MP_TRY(mp_http_start(&c->http, &ho, routes, sizeof routes / sizeof *routes, &c->d->log, err));
    MP_INFO(&c->d->log, "listening", "host", c->cfg->listen.host,
            MP_LU64("port", mp_http_port(c->http)));
    return MP_OK;
}

void agg_api_stop(agg_ctx *c)
{
    if (c->rpcs_server)
        mp_rpcs_shutdown(c->rpcs_server);
    mp_http_stop(c->http);
    c->http = NULL;
    mp_rpcs_free(c->rpcs_server);
    c->rpcs_server = NULL;
    if (c->limiter) {
        limiter *l = c->limiter;
        pthread_mutex_destroy(&l->mu);
        free(l);
        c->limiter = NULL;
    }
}
