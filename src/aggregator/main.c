/*
** main.c: mpavs-aggregator (docs/aggregator.md): configuration, start-up
** (deployment, committees, submitter key, database, reload of open tasks,
** HTTP/JSON-RPC server) and the periodic tick (task sources, expiry,
** confirmations). Everything else is in the files listed in agg.h.
*/
#include "agg.h"

#include "mpavs/clock.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/password.h"
#include "mpavs/secp.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const mp_cfg_opt agg_opts[] = {
    {"rpc_url", MP_CFG_URL, offsetof(agg_cfg, rpc_url), NULL, 0, 0, MP_CFG_REQUIRED,
     "L1 Ethereum JSON-RPC endpoint"},
    {"deployment", MP_CFG_STRING, offsetof(agg_cfg, deployment), NULL, 0, 0, MP_CFG_REQUIRED,
     "deployment JSON written by scripts/deploy-contracts.sh"},
    {"keystore", MP_CFG_STRING, offsetof(agg_cfg, keystore), NULL, 0, 0, MP_CFG_REQUIRED,
     "Ethereum keystore of the account that sends confirmState"},
    {"keystore_password_file", MP_CFG_STRING, offsetof(agg_cfg, password_file), NULL, 0, 0, 0,
     "file holding the keystore password"},
    {"keystore_password_env", MP_CFG_STRING, offsetof(agg_cfg, password_env), NULL, 0, 0, 0,
     "environment variable holding the keystore password"},
    {"listen", MP_CFG_LISTEN, offsetof(agg_cfg, listen), "127.0.0.1:8090", 0, 0, 0,
     "JSON-RPC, status page, node API and /metrics"},
    {"l2_rpc_url", MP_CFG_URL, offsetof(agg_cfg, l2_rpc_url), NULL, 0, 0, 0,
     "L2 node for identifier 1 tasks (unset: no identifier 1 tasks)"},
    {"block_interval", MP_CFG_INT, offsetof(agg_cfg, block_interval), "10", 1, 1000000, 0,
     "identifier 1: one task every this many L2 blocks"},
    {"poll_interval", MP_CFG_DURATION, offsetof(agg_cfg, poll_ms), "1s", 10, 600000, 0,
     "how often chains are polled and tasks checked"},
    {"task_ttl", MP_CFG_DURATION, offsetof(agg_cfg, task_ttl_ms), "10m", 1000, 86400000, 0,
     "a task expires this long after it was issued"},
    {"min_wait", MP_CFG_DURATION, offsetof(agg_cfg, min_wait_ms), "0s", 0, 0, 0,
     "never confirm a task younger than this (to collect more signatures)"},
    {"reference_lag", MP_CFG_INT, offsetof(agg_cfg, reference_lag), "1", 1, 500, 0,
     "reference block = L1 head minus this"},
    {"liveness_cache", MP_CFG_DURATION, offsetof(agg_cfg, liveness_cache_ms), "30s", 0, 0, 0,
     "how long a positive verifyLivenessProof answer is reused"},
    {"max_body", MP_CFG_INT, offsetof(agg_cfg, max_body), "262144", 1024, 16777216, 0,
     "largest HTTP request body in bytes"},
    {"rate_limit", MP_CFG_INT, offsetof(agg_cfg, rate_limit), "0", 0, 1000000, 0,
     "JSON-RPC requests per second per client address (0: unlimited)"},
    {"http_threads", MP_CFG_INT, offsetof(agg_cfg, http_threads), "4", 1, 256, 0,
     "HTTP server threads"},
    {"max_connections", MP_CFG_INT, offsetof(agg_cfg, max_connections), "2048", 16, 65536, 0,
     "HTTP connections at once (each operator keeps one open)"},
    {"batch_confirmations", MP_CFG_INT, offsetof(agg_cfg, batch_confirmations), "2", 0, 64, 0,
     "identifier 2: blocks a BatchCommitted event must be deep before its task is issued"},
    {"batch_max_range", MP_CFG_INT, offsetof(agg_cfg, batch_max_range), "1000", 1, 100000, 0,
     "identifier 2: L1 blocks per eth_getLogs request"},
};

int64_t agg_now_s(void)
{
    return (int64_t)time(NULL);
}

int64_t agg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void agg_count(mp_metric *m, const char *label, double v)
{
    if (m)
        mp_series_add(mp_metric_series(m, label ? MP_LABELS(label) : NULL), v);
}

mp_rpc *agg_rpc_get(agg_ctx *c)
{
    pthread_mutex_lock(&c->mu);
    while (true) {
        for (size_t i = 0; i < c->n_rpc; i++)
            if (!c->rpc_busy[i]) {
                c->rpc_busy[i] = true;
                pthread_mutex_unlock(&c->mu);
                return &c->rpcs[i];
            }
        pthread_cond_wait(&c->rpc_free, &c->mu);
    }
}

void agg_rpc_put(agg_ctx *c, mp_rpc *r)
{
    pthread_mutex_lock(&c->mu);
    c->rpc_busy[r - c->rpcs] = false;
    pthread_cond_signal(&c->rpc_free);
    pthread_mutex_unlock(&c->mu);
}

static int validate(const void *cfgp, mp_err *err)
{
    const agg_cfg *cfg = cfgp;
    if ((cfg->password_file == NULL) == (cfg->password_env == NULL))
        return MP_FAIL(err, MP_ERR_INVALID,
                       "set exactly one of keystore_password_file and keystore_password_env");
    return MP_OK;
}

static int metrics_init(agg_ctx *c, mp_err *err)
{
    agg_metrics *m = &c->m;
    double b[12];
    MP_TRY(mp_metrics_new(&m->reg, true, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_submissions_total",
                              "Signature submissions by result (accepted, duplicate, or the "
                              "rejection reason).",
                              MP_LABELS("result"), &m->submissions, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_confirmations_total",
                              "Confirmation outcomes.", MP_LABELS("outcome"), &m->confirmations,
                              err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_tasks_total", "Tasks issued and expired.",
                              MP_LABELS("event"), &m->tasks, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_gas_spent_total",
                              "Gas used by confirmState transactions.", NULL, &m->gas, err));
    MP_TRY(mp_metrics_exp_buckets(b, 0.5, 2, 12, err));
    MP_TRY(mp_metrics_histogram(m->reg, "mpavs_aggregator_time_to_quorum_seconds",
                                "Seconds from a task's issue until one state met every threshold.",
                                NULL, b, 12, &m->to_quorum, err));
    MP_TRY(mp_metrics_gauge(m->reg, "mpavs_aggregator_open_tasks", "Tasks open or being confirmed.",
                            NULL, &m->open_tasks, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_rpc_requests_total",
                              "JSON-RPC calls served by method and code (0: success).",
                              MP_LABELS("method", "code"), &m->rpc, err));
    MP_TRY(
        mp_metrics_counter(m->reg, "mpavs_aggregator_batches_total",
                           "Group commits of responses (commit), BLS batch verifications (bls) and "
                           "signatures of suspect operators checked alone (bls_alone).",
                           MP_LABELS("kind"), &m->batches, err));
    MP_TRY(mp_metrics_counter(m->reg, "mpavs_aggregator_batched_total",
                              "Responses committed (commit) and signatures verified (bls) in "
                              "those batches.",
                              MP_LABELS("kind"), &m->batched, err));
    MP_TRY(mp_metrics_exp_buckets(b, 0.0005, 4, 10, err));
    return mp_metrics_histogram(m->reg, "mpavs_aggregator_rpc_seconds",
                                "JSON-RPC call handling time.", MP_LABELS("method"), b, 10,
                                &m->rpc_seconds, err);
}

/* The submitter's key into the transaction sender. */
static int load_submitter(agg_ctx *c, mp_err *err)
{
    mp_buf pw = MP_BUF_INIT;
    uint8_t sk[32];
    MP_TRY(mp_password_load(c->cfg->password_file, c->cfg->password_env, 0, &c->d->log, &pw, err));
    int rc = mp_keystore_eth_read(sk, c->cfg->keystore, (const char *)pw.data, err);
    mp_buf_clear(&pw);
    if (rc == MP_OK)
        rc = mp_rpc_init(&c->tx_rpc, c->cfg->rpc_url, NULL, &c->d->log, err);
    c->tx_rpc_ready = rc == MP_OK;
    if (rc == MP_OK)
        rc = mp_txsend_init(&c->tx, &c->tx_rpc, sk, NULL, &c->d->log, err);
    c->tx_ready = rc == MP_OK;
    if (rc == MP_OK)
        memcpy(c->submitter, c->tx.from, 20);
    mp_memzero(sk, sizeof sk);
    return rc;
}

/* Committees 1 and 2 as they are now; a missing one just issues no tasks. */
static int load_committees(agg_ctx *c, mp_err *err)
{
    for (int k = 0; k < 2; k++) {
        int rc = mp_avs_get_committee(&c->rpcs[0], &c->dep, (uint64_t)k + 1, MP_BLOCK_LATEST,
                                      &c->committees[k], err);
        if (rc == MP_OK)
            c->have_committee[k] = true;
        else if (mp_rc_class(rc) != MP_ERR_NOTFOUND)
            return rc;
    }
    return MP_OK;
}

static int agg_init(mp_daemon *d, mp_err *err)
{
    agg_ctx *c = d->ctx;
    c->d = d;
    c->cfg = d->cfg;
    c->started_ms = agg_now_ms();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->rpc_free, NULL);
    pthread_cond_init(&c->cs_cv, NULL);
    c->mu_ready = true;
    MP_TRY(metrics_init(c, err));
    MP_TRY(mp_avs_deployment_load(&c->dep, c->cfg->deployment, err));
    for (size_t i = 0; i < AGG_RPC_POOL; i++) {
        MP_TRY(mp_rpc_init(&c->rpcs[i], c->cfg->rpc_url, NULL, &d->log, err));
        c->n_rpc = i + 1;
    }
    uint64_t chain = 0;
    MP_TRY(mp_eth_chain_id(&c->rpcs[0], &chain, err));
    if (chain != c->dep.chain_id)
        return MP_FAIL(err, MP_ERR_INVALID, "rpc_url serves chain %llu, the deployment is on %llu",
                       (unsigned long long)chain, (unsigned long long)c->dep.chain_id);
    MP_TRY(load_committees(c, err));
    if (c->cfg->l2_rpc_url) {
        MP_TRY(mp_rpc_init(&c->l2, c->cfg->l2_rpc_url, NULL, &d->log, err));
        c->l2_ready = true;
    }
    MP_TRY(load_submitter(c, err));
    MP_TRY(agg_db_open(c, err));
    bool found = false;
    MP_TRY(agg_db_get_u64(c, "l2_block_task", &c->last_l2_task, &found, err));
    MP_TRY(agg_db_load(c, err));
    if (c->have_committee[1])
        MP_TRY(agg_batches_init(c, err));
    MP_INFO(&d->log, "started", MP_LU64("open_tasks", c->n_tasks),
            MP_LBOOL("identifier1", c->have_committee[0] && c->l2_ready),
            MP_LBOOL("identifier2", c->have_committee[1]));
    return MP_OK;
}

static void tick(mp_loop *loop, void *arg)
{
    (void)loop;
    agg_ctx *c = arg;
    agg_tasks_poll(c);
    agg_batches_poll(c);
    agg_submit_load_committees(c);
    pthread_mutex_lock(&c->mu);
    agg_tasks_expire(c);
    agg_tasks_trim(c);
    pthread_mutex_unlock(&c->mu);
    agg_confirm_next(c);
    agg_db_checkpoint(c);
}

static int agg_start(mp_daemon *d, mp_err *err)
{
    agg_ctx *c = d->ctx;
    MP_TRY(agg_pipe_start(c, err));
    MP_TRY(agg_api_start(c, err));
    mp_loop_timer_start(d->loop, &c->tick, 0, c->cfg->poll_ms, tick, c);
    return MP_OK;
}

static void agg_stop(mp_daemon *d)
{
    agg_ctx *c = d->ctx;
    mp_loop_timer_stop(d->loop, &c->tick);
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    pthread_mutex_unlock(&c->mu);
    agg_pipe_stop(c); /* answers every submission in it: before the server's shutdown */
    if (c->rpcs_server)
        mp_rpcs_shutdown(c->rpcs_server);
}

static bool agg_idle(mp_daemon *d)
{
    agg_ctx *c = d->ctx;
    pthread_mutex_lock(&c->mu);
    bool idle = !c->confirming && !c->watching && !c->checkpointing;
    pthread_mutex_unlock(&c->mu);
    return idle;
}

static void agg_fini(mp_daemon *d)
{
    agg_ctx *c = d->ctx;
    agg_pipe_stop(c); /* when agg_stop did not run (a failed start) */
    agg_api_stop(c);
    agg_pipe_free(c);
    for (size_t i = 0; i < c->n_tasks; i++)
        agg_task_free(&c->tasks[i]);
    free(c->tasks);
    agg_batches_fini(c);
    agg_db_close(c);
    if (c->tx_ready)
        mp_txsend_close(&c->tx);
    if (c->tx_rpc_ready)
        mp_rpc_close(&c->tx_rpc);
    if (c->l2_ready)
        mp_rpc_close(&c->l2);
    for (size_t i = 0; i < c->n_rpc; i++)
        mp_rpc_close(&c->rpcs[i]);
    mp_metrics_free(c->m.reg);
    if (c->mu_ready) {
        pthread_cond_destroy(&c->rpc_free);
        pthread_cond_destroy(&c->cs_cv);
        pthread_mutex_destroy(&c->mu);
    }
    curl_global_cleanup();
}

static const mp_daemon_def agg_def = {
    .prog = "mpavs-aggregator",
    .summary = "issues tasks, checks and aggregates operator signatures, confirms states on chain",
    .env_prefix = "MPAVS_AGGREGATOR",
    .opts = agg_opts,
    .nopts = sizeof agg_opts / sizeof agg_opts[0],
    .common_offset = offsetof(agg_cfg, common),
    .validate = validate,
    .init = agg_init,
    .start = agg_start,
    .stop = agg_stop,
    .idle = agg_idle,
    .fini = agg_fini,
};

int main(int argc, char **argv)
{
    agg_cfg cfg;
    agg_ctx *ctx = calloc(1, sizeof *ctx);
    memset(&cfg, 0, sizeof cfg);
    if (ctx == NULL)
        return 1;
    int rc = mp_daemon_main(&agg_def, &cfg, ctx, argc, argv);
    free(ctx);
    return rc;
}
