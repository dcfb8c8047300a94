/*
** nodeapi.c: the EigenLayer AVS node API (spec v0.0.1; reference notes in
** ../shared/reference/ecosystem.md section 1.1) and the Prometheus /metrics
** page, each on its own listen address. Health is what the loops last saw:
**
**   service     Up                         Down                     Initializing
**   l1-rpc      last read succeeded        last read failed         no read yet
**   aggregator  last call answered         unreachable              no call yet
**   prover      last call answered         unreachable              no call yet
**   liveness    live with the prover's     not live, not registered,  not checked yet
**               current enclave            or another enclave
**
** /eigen/node/health: 200 when all are Up, 503 when liveness is Down (nothing
** the operator signs counts then), 206 otherwise.
*/
#include "op.h"
#include "mpavs/version.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *id, *name, *description;
} services[OP_SVC_COUNT] = {
    {"l1-rpc", "L1 RPC", "the Ethereum node of the deployment"},
    {"aggregator", "aggregator", "the mpavs aggregator's JSON-RPC endpoint"},
    {"prover", "TEE prover", "this operator's mpavs-prover"},
    {"liveness", "liveness", "the prover's enclave attested and live on chain"},
};

static const char *const svc_names[] = {"Initializing", "Up", "Down"};
static const unsigned svc_codes[] = {206, 200, 503};

static void snapshot(op_ctx *c, op_status *st)
{
    pthread_mutex_lock(&c->mu);
    *st = c->st;
    pthread_mutex_unlock(&c->mu);
}

static void json_reply(mp_http_response *resp, unsigned status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL) {
        mp_http_json_error(resp, 500, "Internal server error");
        return;
    }
    resp->status = status;
    resp->body = text;
    resp->body_len = strlen(text);
}

static int h_node(void *user, mp_http_conn *conn, const mp_http_request *req,
                  mp_http_response *resp)
{
    (void)user;
    (void)conn;
    (void)req;
    json_reply(resp, 200,
               json_pack("{s:s,s:s,s:s}", "node_name", "mpavs-operator", "spec_version", "v0.0.1",
                         "node_version", "v" MPAVS_VERSION));
    return MP_HTTP_DONE;
}

static int h_health(void *user, mp_http_conn *conn, const mp_http_request *req,
                    mp_http_response *resp)
{
    (void)conn;
    (void)req;
    op_status st;
    snapshot(user, &st);
    bool all_up = true;
    for (int i = 0; i < OP_SVC_COUNT; i++)
        all_up &= st.svc[i] == OP_SVC_UP;
    resp->status = all_up ? 200 : st.svc[OP_SVC_LIVENESS] == OP_SVC_DOWN ? 503 : 206;
    return MP_HTTP_DONE;
}

static int h_services(void *user, mp_http_conn *conn, const mp_http_request *req,
                      mp_http_response *resp)
{
    (void)conn;
    (void)req;
    op_status st;
    snapshot(user, &st);
    json_t *list = json_array();
    for (int i = 0; i < OP_SVC_COUNT; i++)
        json_array_append_new(list,
                              json_pack("{s:s,s:s,s:s,s:s}", "id", services[i].id, "name",
                                        services[i].name, "description", services[i].description,
                                        "status", svc_names[st.svc[i]]));
    json_reply(resp, 200, json_pack("{s:o}", "services", list));
    return MP_HTTP_DONE;
}

/* /eigen/node/services/{id}/health */
static int h_service_health(void *user, mp_http_conn *conn, const mp_http_request *req,
                            mp_http_response *resp)
{
    (void)conn;
    static const char prefix[] = "/eigen/node/services/", suffix[] = "/health";
    const char *id = req->path + sizeof prefix - 1;
    size_t len = strlen(id);
    op_status st;
    snapshot(user, &st);
    if (len > sizeof suffix - 1 && strcmp(id + len - (sizeof suffix - 1), suffix) == 0) {
        len -= sizeof suffix - 1;
        for (int i = 0; i < OP_SVC_COUNT; i++)
            if (strlen(services[i].id) == len && strncmp(services[i].id, id, len) == 0) {
                resp->status = svc_codes[st.svc[i]];
                return MP_HTTP_DONE;
            }
    }
    json_reply(resp, 404, json_pack("{s:s}", "message", "unknown service"));
    return MP_HTTP_DONE;
}

static int h_metrics(void *user, mp_http_conn *conn, const mp_http_request *req,
                     mp_http_response *resp)
{
    (void)conn;
    (void)req;
    op_ctx *c = user;
    mp_buf page = MP_BUF_INIT;
    mp_err err;
    if (mp_metrics_render(c->m.reg, &page, &err) != MP_OK || mp_buf_append(&page, "", 1) != 0) {
        mp_buf_free(&page);
        mp_http_json_error(resp, 500, "Internal server error");
        return MP_HTTP_DONE;
    }
    mp_http_text(resp, 200, "text/plain; version=0.0.4; charset=utf-8", (const char *)page.data);
    mp_buf_free(&page);
    return MP_HTTP_DONE;
}

static int serve(op_ctx *c, mp_http **out, const mp_cfg_listen *l, const mp_http_route *routes,
                 size_t n, mp_err *err)
{
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    o.host = l->host;
    o.port = (uint16_t)l->port;
    o.threads = 2;
    o.max_body = 4096;
    o.timeout_s = 5;
    MP_TRY(mp_http_start(out, &o, routes, n, &c->d->log, err));
    MP_INFO(&c->d->log, "listening", "address", l->host, MP_LU64("port", mp_http_port(*out)),
            "serves", n == 1 ? "/metrics" : "/eigen/node", NULL);
    return MP_OK;
}

int op_nodeapi_start(op_ctx *c, mp_err *err)
{
    const mp_http_route api[] = {
        {"GET", "/eigen/node", h_node, c},
        {"GET", "/eigen/node/health", h_health, c},
        {"GET", "/eigen/node/services", h_services, c},
        {"GET", "/eigen/node/services/*", h_service_health, c},
    };
    const mp_http_route metrics[] = {{"GET", "/metrics", h_metrics, c}};
    MP_TRY(serve(c, &c->api, &c->cfg->node_api, api, sizeof api / sizeof api[0], err));
    return serve(c, &c->metrics_http, &c->cfg->metrics, metrics, 1, err);
}

void op_nodeapi_stop(op_ctx *c)
{
    mp_http_stop(c->api);
    mp_http_stop(c->metrics_http);
    c->api = c->metrics_http = NULL;
}
