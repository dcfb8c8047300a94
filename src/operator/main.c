/*
** main.c: mpavs-operator, the daemon an EigenLayer operator of mpavs runs
** next to its TEE prover (docs/operator.md). Configuration, keys and the
** deployment are loaded here; the liveness loop and the task loop run as two
** long jobs on the daemon loop's workers; the node API and /metrics are HTTP
** servers. SIGTERM: the loops finish the step they are in (every step's
** outcome is already in the store) and return; the daemon exits 0.
*/
#include "op.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/password.h"
#include "mpavs/rand.h"
#include "mpavs/secp.h"
#include "mpavs/sgxsim.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPT(name, type, field, def, lo, hi, flags, help)                                           \
    {                                                                                              \
        name, type, offsetof(op_cfg, field), def, lo, hi, flags, help                              \
    }

static const mp_cfg_opt op_opts[] = {
    OPT("eth_rpc_url", MP_CFG_URL, eth_rpc_url, NULL, 0, 0, MP_CFG_REQUIRED,
        "L1 Ethereum JSON-RPC endpoint (the chain of the deployment)"),
    OPT("aggregator_url", MP_CFG_URL, aggregator_url, NULL, 0, 0, MP_CFG_REQUIRED,
        "the aggregator's JSON-RPC endpoint"),
    OPT("prover_url", MP_CFG_URL, prover_url, NULL, 0, 0, MP_CFG_REQUIRED,
        "this operator's TEE prover (mpavs-prover) JSON-RPC endpoint"),
    OPT("deployment", MP_CFG_STRING, deployment, NULL, 0, 0, MP_CFG_REQUIRED,
        "deployment JSON written by scripts/deploy-contracts.sh (docs/protocol.md section 6)"),
    OPT("collateral_dir", MP_CFG_STRING, collateral_dir, NULL, 0, 0, MP_CFG_REQUIRED,
        "DCAP collateral (sim-ca layout: tcbinfo.json, qe_identity.json, root_ca.der, "
        "tcb_signing.der, root_ca_crl.der, pck_crl.der) to check quotes before sending"),
    OPT("ecdsa_keystore", MP_CFG_STRING, ecdsa_keystore, NULL, 0, 0, MP_CFG_REQUIRED,
        "the operator's Ethereum key file (v3); sends the liveness proofs"),
    OPT("ecdsa_password_file", MP_CFG_STRING, ecdsa_password_file, NULL, 0, 0, 0,
        "file holding the ECDSA keystore's password"),
    OPT("ecdsa_password_env", MP_CFG_STRING, ecdsa_password_env, NULL, 0, 0, 0,
        "or the environment variable holding it"),
    OPT("bls_keystore", MP_CFG_STRING, bls_keystore, NULL, 0, 0, MP_CFG_REQUIRED,
        "the operator's EigenLayer BLS keystore"),
    OPT("bls_password_file", MP_CFG_STRING, bls_password_file, NULL, 0, 0, 0,
        "file holding the BLS keystore's password"),
    OPT("bls_password_env", MP_CFG_STRING, bls_password_env, NULL, 0, 0, 0,
        "or the environment variable holding it"),
    OPT("identifiers", MP_CFG_STRLIST, identifiers, "1,2", 0, 0, 0,
        "committees (StateHeader identifiers) to serve"),
    OPT("node_api", MP_CFG_LISTEN, node_api, "127.0.0.1:9010", 0, 0, 0,
        "EigenLayer node API address (/eigen/node...)"),
    OPT("metrics", MP_CFG_LISTEN, metrics, "127.0.0.1:9090", 0, 0, 0,
        "Prometheus /metrics address"),
    OPT("liveness_margin", MP_CFG_DURATION, liveness_margin_ms, "10m", 1000, 0, 0,
        "re-attest when liveness runs out within this time"),
    OPT("liveness_check", MP_CFG_DURATION, liveness_check_ms, "30s", 100, 3600000, 0,
        "look at the chain and the prover's enclave at least this often"),
    OPT("backoff_initial", MP_CFG_DURATION, backoff_initial_ms, "1s", 10, 3600000, 0,
        "first wait after a failed step (doubles up to backoff_max)"),
    OPT("backoff_max", MP_CFG_DURATION, backoff_max_ms, "60s", 10, 3600000, 0,
        "ceiling of the wait between retries"),
    OPT("fetch_wait", MP_CFG_DURATION, fetch_wait_ms, "5s", 0, 60000, 0,
        "long-poll wait of aggregator_fetchTask (keep below shutdown_grace)"),
    OPT("retry", MP_CFG_DURATION, retry_ms, "1s", 10, 600000, 0,
        "wait before asking again for a task whose L2 block is not ready or whose submission "
        "failed"),
};

/* ---- shared helpers (op.h) ---- */

bool op_stopping(op_ctx *c)
{
    pthread_mutex_lock(&c->mu);
    bool s = c->stopping;
    pthread_mutex_unlock(&c->mu);
    return s;
}

void op_wait(op_ctx *c, long long ms, bool wakeable)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->mu);
    while (!c->stopping && !(wakeable && c->wake_liveness))
        if (pthread_cond_timedwait(&c->cond, &c->mu, &until) != 0)
            break;
    if (wakeable)
        c->wake_liveness = false;
    pthread_mutex_unlock(&c->mu);
}

void op_wake_liveness(op_ctx *c)
{
    pthread_mutex_lock(&c->mu);
    c->wake_liveness = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

void op_set_svc(op_ctx *c, int svc, int state)
{
    pthread_mutex_lock(&c->mu);
    c->st.svc[svc] = state;
    pthread_mutex_unlock(&c->mu);
}

uint64_t op_random(void)
{
    uint64_t r = 0;
    if (mp_rand_bytes(&r, sizeof r, NULL) != MP_OK)
        return 0;
    return r;
}

void op_count(mp_metric *m, const char *label)
{
    if (m)
        mp_series_inc(mp_metric_series(m, MP_LABELS(label)));
}

void op_rpc_observe(op_ctx *c, const char *method, uint64_t calls, long long ms)
{
    char version[sizeof c->client_version];
    pthread_mutex_lock(&c->mu);
    memcpy(version, c->client_version, sizeof version);
    pthread_mutex_unlock(&c->mu);
    const char *const labels[] = {method, version, NULL};
    if (calls)
        mp_series_add(mp_metric_series(c->m.eigen_rpc, labels), (double)calls);
    mp_series_observe(mp_metric_series(c->m.eigen_rpc_time, labels), (double)ms / 1000.0);
}

/* ---- configuration ---- */

static int op_validate(const void *cfgp, mp_err *err)
{
    const op_cfg *cfg = cfgp;
    if (cfg->common.workers < 2)
        return MP_FAIL(err, MP_ERR_INVALID, "workers must be at least 2 (one per loop)");
    if (cfg->fetch_wait_ms + 2000 > cfg->common.shutdown_grace_ms)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "shutdown_grace must exceed fetch_wait by 2s, so a stop can wait for an "
                       "open long poll");
    if (cfg->backoff_max_ms < cfg->backoff_initial_ms)
        return MP_FAIL(err, MP_ERR_INVALID, "backoff_max is below backoff_initial");
    if (!cfg->ecdsa_password_file == !cfg->ecdsa_password_env)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "give one of ecdsa_password_file and ecdsa_password_env");
    if (!cfg->bls_password_file == !cfg->bls_password_env)
        return MP_FAIL(err, MP_ERR_INVALID, "give one of bls_password_file and bls_password_env");
    if (cfg->identifiers.n == 0 || cfg->identifiers.n > OP_MAX_IDENTIFIERS)
        return MP_FAIL(err, MP_ERR_INVALID, "identifiers must list 1 to %d committees",
                       OP_MAX_IDENTIFIERS);
    for (size_t i = 0; i < cfg->identifiers.n; i++) {
        char *end;
        const char *s = cfg->identifiers.items[i];
        unsigned long long v = strtoull(s, &end, 10);
        if (*s < '0' || *s > '9' || *end || v == 0 || v > UINT32_MAX)
            return MP_FAIL(err, MP_ERR_INVALID, "identifiers: \"%s\" is not a committee number", s);
    }
    return MP_OK;
}

static int load_keys(op_ctx *c, mp_err *err)
{
    const op_cfg *cfg = c->cfg;
    mp_buf pw = MP_BUF_INIT;
    char *pub = NULL;
    uint8_t b[32];
    MP_TRY(mp_password_load(cfg->ecdsa_password_file, cfg->ecdsa_password_env, 0, &c->d->log, &pw,
                            err));
    int rc = mp_keystore_eth_read(c->ecdsa, cfg->ecdsa_keystore, (const char *)pw.data, err);
    mp_buf_clear(&pw);
    if (rc == MP_OK)
        rc = mp_secp_address(NULL, c->addr, c->ecdsa, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "ECDSA keystore %s", cfg->ecdsa_keystore);
        return rc;
    }
    MP_TRY(
        mp_password_load(cfg->bls_password_file, cfg->bls_password_env, 0, &c->d->log, &pw, err));
    rc = mp_keystore_bls_read(b, &pub, cfg->bls_keystore, (const char *)pw.data, err);
    mp_buf_clear(&pw);
    if (rc == MP_OK)
        rc = mp_bls_secret_from_bytes(&c->bls, b, err);
    if (rc == MP_OK)
        rc = mp_bls_check_gnark_pubkey(pub, &c->bls, err);
    mp_memzero(b, sizeof b);
    free(pub);
    if (rc != MP_OK) {
        mp_err_wrap(err, "BLS keystore %s", cfg->bls_keystore);
        return rc;
    }
    mp_bls_pubkey_from_secret(&c->pub, &c->bls);
    mp_bls_operator_id(c->operator_id, &c->pub.g1);
    return MP_OK;
}

static int metrics_init(op_ctx *c, mp_err *err)
{
    op_metrics *m = &c->m;
    static const double secs[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    MP_TRY(mp_metrics_new(&m->reg, true, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_operator_tasks_total",
                              "Task events: received, signed, resigned (a stored signature "
                              "returned again), acked, expired, failed, equivocation_refused.",
                              MP_LABELS("event"), &m->tasks, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_operator_liveness_proofs_total",
                              "Liveness proofs by result: sent, quote_rejected, reverted, error.",
                              MP_LABELS("result"), &m->liveness, err));
    MP_TRY(mp_metrics_gauge(m->reg, "mpavs_operator_liveness_expiry_seconds",
                            "Seconds of liveness left by the chain's clock (0 when not live).",
                            NULL, &m->liveness_left, err));
    MP_TRY(
        mp_metrics_counter(m->reg, "mpavs_operator_errors_total",
                           "Failures by source: l1, prover, aggregator, store, bad_prover_answer,"
                           " bad_aggregator_answer.",
                           MP_LABELS("source"), &m->errors, err));
    MP_TRY(mp_metrics_gauge(m->reg, "eigen_performance_score",
                            "EigenLayer node spec: 0-100 (100 while live, 0 otherwise).", NULL,
                            &m->eigen_score, err));
    MP_TRY(mp_metrics_gauge(m->reg, "eigen_registered_stakes",
                            "EigenLayer node spec: the operator's stake in each quorum.",
                            MP_LABELS("quorum_number"), &m->eigen_stakes, err));
    MP_TRY(mp_metrics_counter(m->reg, "eigen_rpc_request_total",
                              "EigenLayer node spec: JSON-RPC calls to the L1 node.",
                              MP_LABELS("method", "client_version"), &m->eigen_rpc, err));
    MP_TRY(mp_metrics_histogram(m->reg, "eigen_rpc_request_duration_seconds",
                                "EigenLayer node spec: duration of L1 JSON-RPC operations.",
                                MP_LABELS("method", "client_version"), secs,
                                sizeof secs / sizeof secs[0], &m->eigen_rpc_time, err));
    mp_series_set(mp_metric_series(m->eigen_score, NULL), 0);
    return MP_OK;
}

static int op_init(mp_daemon *d, mp_err *err)
{
    op_ctx *c = d->ctx;
    c->d = d;
    c->cfg = d->cfg;
    if (pthread_mutex_init(&c->mu, NULL) != 0 || pthread_cond_init(&c->cond, NULL) != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot create a mutex");
    c->mu_ready = true;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (size_t i = 0; i < c->cfg->identifiers.n; i++)
        c->identifiers[c->n_identifiers++] = strtoull(c->cfg->identifiers.items[i], NULL, 10);
    MP_TRY(mp_avs_deployment_load(&c->dep, c->cfg->deployment, err));
    MP_TRY(mp_avs_deployment_dcap_policy(&c->dep, &c->pol, err));
    MP_TRY(mp_sgxsim_collateral(&c->col, c->cfg->collateral_dir, err));
    c->have_col = true;
    MP_TRY(load_keys(c, err));
    MP_TRY(metrics_init(c, err));
    snprintf(c->client_version, sizeof c->client_version, "unknown");
    char addr[43], id[67];
    mp_hex_encode0x(addr, c->addr, 20);
    mp_hex_encode0x(id, c->operator_id, 32);
    MP_INFO(&d->log, "operator loaded", "operator", addr, "operator_id", id, NULL);
    return MP_OK;
}

static void job_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop;
    (void)canceled;
    op_ctx *c = arg;
    pthread_mutex_lock(&c->mu);
    c->jobs--;
    pthread_mutex_unlock(&c->mu);
}

static int op_start(mp_daemon *d, mp_err *err)
{
    op_ctx *c = d->ctx;
    MP_TRY(op_nodeapi_start(c, err));
    c->jobs = 2;
    int rc = mp_loop_submit(d->loop, op_liveness_work, job_done, c, err);
    if (rc != MP_OK) {
        c->jobs = 0;
        return rc;
    }
    if ((rc = mp_loop_submit(d->loop, op_task_work, job_done, c, err)) != MP_OK)
        c->jobs = 1;
    return rc;
}

static void op_stop(mp_daemon *d)
{
    op_ctx *c = d->ctx;
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    MP_INFO(&d->log, "stopping: the loops finish their current step");
}

static bool op_idle(mp_daemon *d)
{
    op_ctx *c = d->ctx;
    pthread_mutex_lock(&c->mu);
    bool idle = c->jobs == 0;
    pthread_mutex_unlock(&c->mu);
    return idle;
}

static void op_fini(mp_daemon *d)
{
    op_ctx *c = d->ctx;
    op_nodeapi_stop(c);
    mp_metrics_free(c->m.reg);
    if (c->have_col)
        mp_dcap_collateral_free(&c->col);
    mp_memzero(c->ecdsa, sizeof c->ecdsa);
    mp_bls_secret_clear(&c->bls);
    if (c->mu_ready) {
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->mu);
    }
    curl_global_cleanup();
}

static const mp_daemon_def op_def = {
    .prog = "mpavs-operator",
    .summary = "mpavs operator: keeps its TEE prover attested, signs the aggregator's tasks",
    .env_prefix = "MPAVS_OPERATOR",
    .opts = op_opts,
    .nopts = sizeof op_opts / sizeof op_opts[0],
    .common_offset = offsetof(op_cfg, common),
    .validate = op_validate,
    .init = op_init,
    .start = op_start,
    .stop = op_stop,
    .idle = op_idle,
    .fini = op_fini,
};

int main(int argc, char **argv)
{
    op_cfg cfg = {0};
    op_ctx ctx = {0};
    return mp_daemon_main(&op_def, &cfg, &ctx, argc, argv);
}
