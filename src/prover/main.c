/*
** main.c: mpavs-prover, the TEE prover daemon (docs/prover.md).
**
** The daemon skeleton (mpavs/daemon.h) loads the configuration, takes the
** pid file and handles SIGTERM; here: the option table, the checks that tie
** options together (fault injection only under profile devnet or test), and
** the start-up order: metrics, enclave key, attestation backend (a first
** quote), executor (the L2 node's chain id), then the HTTP server with
** JSON-RPC on POST /, Prometheus text on GET /metrics and a JSON status on
** GET /. JSON-RPC handlers run on the HTTP server's threads; proving blocks
** on the L2 node, so http_threads bounds the proofs in progress.
*/
#include "prover.h"

#include "mpavs/clock.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/version.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define OPT(name, type, field, def, min, max, flags, help)                                         \
    {                                                                                              \
        name, type, offsetof(prv_cfg, field), def, min, max, flags, help                           \
    }

static const mp_cfg_opt prv_opts[] = {
    OPT("listen", MP_CFG_LISTEN, listen, "127.0.0.1:8550", 0, 0, 0,
        "host:port of the JSON-RPC server (port 0: any free port, logged)"),
    OPT("http_threads", MP_CFG_INT, http_threads, "4", 1, 64, 0,
        "HTTP worker threads, also the most proofs in progress at once"),
    OPT("max_conns", MP_CFG_INT, max_conns, "64", 1, 10000, 0, "HTTP connections at once"),
    OPT("max_body", MP_CFG_INT, max_body, "65536", 1024, 16 << 20, 0,
        "largest request body in bytes (larger: HTTP 413)"),
    OPT("request_timeout", MP_CFG_DURATION, request_timeout_ms, "30s", 1000, 3600000, 0,
        "idle HTTP connections are closed after this"),
    OPT("l2_rpc_url", MP_CFG_URL, l2_rpc_url, NULL, 0, 0, MP_CFG_REQUIRED,
        "JSON-RPC endpoint of the L2 node whose blocks are proved"),
    OPT("l2_chain_id", MP_CFG_INT, l2_chain_id, "0", 0, (1LL << 53) - 1, 0,
        "the L2's chain id; 0 takes the node's (a mismatch stops start-up)"),
    OPT("l2_timeout", MP_CFG_DURATION, l2_timeout_ms, "10s", 100, 600000, 0,
        "one call to the L2 node"),
    OPT("executor", MP_CFG_STRING, executor, "headers", 0, 0, 0,
        "how states are obtained: headers (header chain checked; reexec: later)"),
    OPT("confirmations", MP_CFG_INT, confirmations, "0", 0, 100000, 0,
        "blocks the L2 head must be past a task's last block before it is proved"),
    OPT("max_link_span", MP_CFG_INT, max_link_span, "256", 0, 100000, 0,
        "blocks fetched at most to link a task to the last proven block"),
    OPT("max_batch_blocks", MP_CFG_INT, max_batch_blocks, "1024", 1, 100000, 0,
        "blocks in one identifier-2 batch at most"),
    OPT("attestation", MP_CFG_STRING, attestation, "sim", 0, 0, 0,
        "attestation backend: sim (dev CA directory) or gramine (/dev/attestation)"),
    OPT("sim_ca_dir", MP_CFG_STRING, sim_ca_dir, NULL, 0, 0, 0,
        "sim: a directory made by `mpavs sim-ca init`"),
    OPT("mrenclave", MP_CFG_HEX, mrenclave, NULL, 32, 32, 0,
        "sim: MRENCLAVE of the simulated enclave (default: the sim CA's default)"),
    OPT("mrsigner", MP_CFG_HEX, mrsigner, NULL, 32, 32, 0,
        "sim: MRSIGNER of the simulated enclave (default: the sim CA's default)"),
    OPT("attestation_dir", MP_CFG_STRING, attestation_dir, "/dev/attestation", 0, 0, 0,
        "gramine: the attestation pseudo-file directory"),
    OPT("sealed_key_file", MP_CFG_STRING, sealed_key_file, NULL, 0, 0, 0,
        "keep the enclave key in this file (under Gramine: an encrypted mount); unset: "
        "memory only"),
    OPT("cache_size", MP_CFG_INT, cache_size, "1024", 0, 1000000, 0, "proven results kept (LRU)"),
    OPT("profile", MP_CFG_STRING, profile, "production", 0, 0, 0,
        "production, devnet or test (fault injection needs devnet or test)"),
    OPT("fault_wrong_state", MP_CFG_BOOL, fault_wrong_state, "false", 0, 0, 0,
        "fault: return (and sign) a wrong state"),
    OPT("fault_delay", MP_CFG_DURATION, fault_delay_ms, "0ms", 0, 600000, 0,
        "fault: wait this long before each proof"),
    OPT("fault_crash_after", MP_CFG_INT, fault_crash_after, "0", 0, 1000000, 0,
        "fault: exit abruptly on proof request N+1 (0: never)"),
    OPT("fault_refuse_attestation", MP_CFG_BOOL, fault_refuse_attestation, "false", 0, 0, 0,
        "fault: refuse every attestation"),
};

static int prv_validate(const void *p, mp_err *err)
{
    const prv_cfg *c = p;
    const char *prof = c->profile;
    if (strcmp(prof, "production") && strcmp(prof, "devnet") && strcmp(prof, "test"))
        return MP_FAIL(err, MP_ERR_INVALID,
                       "profile must be production, devnet or test, not \"%s\"", prof);
    bool faults = c->fault_wrong_state || c->fault_delay_ms > 0 || c->fault_crash_after > 0 ||
                  c->fault_refuse_attestation;
    if (faults && strcmp(prof, "production") == 0)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "fault injection options are refused unless profile is devnet or test");
    if (strcmp(c->executor, "reexec") == 0)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "executor \"reexec\" (stateless re-execution) is not built yet; use "
                       "\"headers\"");
    if (strcmp(c->executor, "headers") != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "executor must be \"headers\", not \"%s\"",
                       c->executor);
    if (strcmp(c->attestation, "sim") == 0 && (c->sim_ca_dir == NULL || !c->sim_ca_dir[0]))
        return MP_FAIL(err, MP_ERR_INVALID, "attestation \"sim\" needs sim_ca_dir");
    if (strcmp(c->attestation, "sim") && strcmp(c->attestation, "gramine"))
        return MP_FAIL(err, MP_ERR_INVALID, "attestation must be sim or gramine, not \"%s\"",
                       c->attestation);
    if (c->mrenclave.len && strcmp(c->attestation, "sim"))
        return MP_FAIL(err, MP_ERR_INVALID,
                       "mrenclave/mrsigner apply to attestation sim only (an enclave's "
                       "measurements come from its quote)");
    return MP_OK;
}

/* ---- metrics ---- */

static void on_call(void *user, const char *method, int code, long long ms)
{
    (void)ms;
    prv_ctx *ctx = user;
    char result[16];
    snprintf(result, sizeof result, "%d", code);
    mp_series_inc(mp_metric_series(ctx->m_requests, MP_LABELS(method, code ? result : "ok")));
}

static int metrics_init(prv_ctx *ctx, mp_err *err)
{
    static const double bounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30};
    MP_TRY(mp_metrics_new(&ctx->metrics, true, err));
    MP_TRY(mp_metrics_counter(ctx->metrics, "mpavs_prover_requests_total",
                              "JSON-RPC calls answered, by method and result (ok or error code).",
                              MP_LABELS("method", "result"), &ctx->m_requests, err));
    MP_TRY(mp_metrics_counter(ctx->metrics, "mpavs_prover_attestations_total",
                              "Quotes produced (ok) or not (failed).", MP_LABELS("result"),
                              &ctx->m_attestations, err));
    MP_TRY(mp_metrics_counter(ctx->metrics, "mpavs_prover_proofs_total",
                              "prover_proveTask outcomes: proved, cached, not_ready, refused.",
                              MP_LABELS("result"), &ctx->m_proofs, err));
    return mp_metrics_histogram(ctx->metrics, "mpavs_prover_prove_seconds",
                                "Time to answer prover_proveTask.", NULL, bounds,
                                sizeof bounds / sizeof bounds[0], &ctx->m_prove_seconds, err);
}

static int on_metrics(void *user, mp_http_conn *conn, const mp_http_request *req,
                      mp_http_response *resp)
{
    (void)conn, (void)req;
    prv_ctx *ctx = user;
    mp_buf page = MP_BUF_INIT;
    mp_err err;
    if (mp_metrics_render(ctx->metrics, &page, &err) != MP_OK || mp_buf_push(&page, 0) != MP_OK) {
        mp_buf_free(&page);
        mp_http_json_error(resp, 500, "cannot render metrics");
        return MP_HTTP_DONE;
    }
    resp->status = 200;
    resp->content_type = MP_METRICS_CONTENT_TYPE;
    resp->body_len = page.len - 1;
    resp->body = (char *)mp_buf_take(&page, NULL);
    return MP_HTTP_DONE;
}

/* GET /: who this prover is, for an operator at a browser or curl. */
static int on_status(void *user, mp_http_conn *conn, const mp_http_request *req,
                     mp_http_response *resp)
{
    (void)conn, (void)req;
    prv_ctx *ctx = user;
    json_t *s = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:I}", "service", "mpavs-prover", "version",
        MPAVS_VERSION, "attestation", ctx->attester->name, "enclaveAddress",
        mp_json_hex_new(ctx->enclave.address, 20, MP_JSON_0X), "mrEnclave",
        mp_json_hex_new(ctx->attester->mrenclave, 32, MP_JSON_0X), "executor", ctx->executor->name,
        "proves", ctx->executor->proves, "l2ChainId", mp_json_u64_new(ctx->executor->chain_id),
        "uptimeSeconds", (json_int_t)((mp_clock_now_ms() - ctx->started_ms) / 1000));
    char *text = s ? json_dumps(s, JSON_INDENT(2)) : NULL;
    json_decref(s);
    if (text == NULL) {
        mp_http_json_error(resp, 500, "out of memory");
        return MP_HTTP_DONE;
    }
    resp->status = 200;
    resp->body = text;
    resp->body_len = strlen(text);
    return MP_HTTP_DONE;
}

/* ---- daemon callbacks ---- */

static int prv_init(mp_daemon *d, mp_err *err)
{
    prv_ctx *ctx = d->ctx;
    const prv_cfg *cfg = d->cfg;
    ctx->d = d;
    ctx->cfg = cfg;
    ctx->log = &d->log;
    ctx->started_ms = mp_clock_now_ms();
    pthread_mutex_init(&ctx->fault_mu, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (strcmp(cfg->profile, "production") != 0)
        MP_WARN(ctx->log, "not a production profile", "profile", cfg->profile);
    MP_TRY(metrics_init(ctx, err));
    MP_TRY(prv_enclave_init(&ctx->enclave, cfg->sealed_key_file, ctx->log, err));
    MP_TRY(prv_attester_new(&ctx->attester, cfg, err));
    MP_TRY(prv_executor_new(&ctx->executor, cfg, ctx->log, err));
    MP_TRY(prv_cache_new(&ctx->cache, (size_t)cfg->cache_size, err));
    char addr[43];
    mp_hex_encode0x(addr, ctx->enclave.address, 20);
    MP_INFO(ctx->log, "prover ready", "enclave", addr, "attestation", ctx->attester->name,
            "executor", ctx->executor->name, MP_LU64("l2ChainId", ctx->executor->chain_id));
    return MP_OK;
}

static int prv_start(mp_daemon *d, mp_err *err)
{
    prv_ctx *ctx = d->ctx;
    const prv_cfg *cfg = d->cfg;
    mp_rpcs_method methods[PRV_NMETHODS];
    prv_methods(ctx, methods);
    mp_rpcs_opts ro = MP_RPCS_OPTS_DEFAULT;
    ro.ncodes = prv_codes(&ro.codes);
    ro.observer = on_call;
    ro.observer_user = ctx;
    MP_TRY(mp_rpcs_new(&ctx->rpcs, methods, PRV_NMETHODS, &ro, ctx->log, err));
    mp_http_route routes[] = {
        {"POST", "/", mp_rpcs_http, ctx->rpcs},
        {"GET", "/metrics", on_metrics, ctx},
        {"GET", "/", on_status, ctx},
    };
    mp_http_opts ho = MP_HTTP_OPTS_DEFAULT;
    ho.host = cfg->listen.host;
    ho.port = (uint16_t)cfg->listen.port;
    ho.threads = (unsigned)cfg->http_threads;
    ho.max_conns = (unsigned)cfg->max_conns;
    ho.max_body = (size_t)cfg->max_body;
    ho.timeout_s = (unsigned)((cfg->request_timeout_ms + 999) / 1000);
    ho.server_tag = "mpavs-prover/" MPAVS_VERSION;
    MP_TRY(mp_http_start(&ctx->http, &ho, routes, sizeof routes / sizeof routes[0], ctx->log, err));
    MP_INFO(ctx->log, "listening", "host", cfg->listen.host,
            MP_LU64("port", mp_http_port(ctx->http)));
    return MP_OK;
}

static void prv_stop(mp_daemon *d)
{
    prv_ctx *ctx = d->ctx;
    MP_INFO(ctx->log, "stopping: finishing requests in flight");
    if (ctx->rpcs)
        mp_rpcs_shutdown(ctx->rpcs);
    mp_http_stop(ctx->http);
    ctx->http = NULL;
}

static void prv_fini(mp_daemon *d)
{
    prv_ctx *ctx = d->ctx;
    mp_http_stop(ctx->http);
    mp_rpcs_free(ctx->rpcs);
    prv_cache_free(ctx->cache);
    prv_executor_free(ctx->executor);
    prv_attester_free(ctx->attester);
    if (ctx->enclave.secp)
        prv_enclave_free(&ctx->enclave);
    mp_metrics_free(ctx->metrics);
    if (ctx->d)
        pthread_mutex_destroy(&ctx->fault_mu);
    curl_global_cleanup();
}

static const mp_daemon_def prv_def = {
    .prog = "mpavs-prover",
    .summary = "TEE prover: proves L2 states over JSON-RPC, attested by SGX (sim or Gramine)",
    .env_prefix = "MPAVS_PROVER",
    .opts = prv_opts,
    .nopts = sizeof prv_opts / sizeof prv_opts[0],
    .common_offset = offsetof(prv_cfg, common),
    .validate = prv_validate,
    .init = prv_init,
    .start = prv_start,
    .stop = prv_stop,
    .fini = prv_fini,
};

int main(int argc, char **argv)
{
    prv_cfg cfg;
    prv_ctx ctx;
    memset(&cfg, 0, sizeof cfg);
    memset(&ctx, 0, sizeof ctx);
    return mp_daemon_main(&prv_def, &cfg, &ctx, argc, argv);
}
