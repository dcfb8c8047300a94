/*
** op.h: the operator daemon's context, shared by its parts: main.c (config,
** keys, start and stop), liveness.c (keeps the prover attested), tasks.c
** (fetch, prove, sign, submit), clients.c (prover and aggregator JSON-RPC,
** docs/protocol.md section 8) and nodeapi.c (EigenLayer node API, /metrics).
**
** Threads: the liveness loop and the task loop each run as one long job on
** a worker of the daemon's loop, with their own RPC clients and store
** connection; they meet only in op_status (under mu) and the wakeup below.
*/
#ifndef MPAVS_OP_H
#define MPAVS_OP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mpavs/avschain.h"
#include "mpavs/bls.h"
#include "mpavs/buf.h"
#include "mpavs/cfg.h"
#include "mpavs/collateral.h"
#include "mpavs/daemon.h"
#include "mpavs/dcap.h"
#include "mpavs/http.h"
#include "mpavs/metrics.h"
#include "mpavs/rpc.h"

#define OP_MAX_IDENTIFIERS 8

typedef struct op_cfg {
    mp_daemon_cfg common;
    char *eth_rpc_url, *aggregator_url, *prover_url, *deployment, *collateral_dir;
    char *ecdsa_keystore, *ecdsa_password_file, *ecdsa_password_env;
    char *bls_keystore, *bls_password_file, *bls_password_env;
    mp_cfg_strlist identifiers;
    mp_cfg_listen node_api, metrics;
    long long liveness_margin_ms, liveness_check_ms;
    long long backoff_initial_ms, backoff_max_ms;
    long long fetch_wait_ms, retry_ms;
} op_cfg;

/* The health of a backing service, as the node API reports it. */
enum { OP_SVC_INIT = 0, OP_SVC_UP = 1, OP_SVC_DOWN = 2 };
enum { OP_SVC_L1, OP_SVC_AGGREGATOR, OP_SVC_PROVER, OP_SVC_LIVENESS, OP_SVC_COUNT };

/** What the loops found last (guarded by op_ctx.mu). */
typedef struct op_status {
    int svc[OP_SVC_COUNT];
    bool registered;
    bool live;           /* live on chain with the prover's current enclave */
    uint64_t live_until; /* chain time */
    bool have_attested;
    uint8_t attested[20];     /* the enclave the chain has for us */
    uint64_t last_task_acked; /* task id */
} op_status;

typedef struct op_metrics {
    mp_metrics *reg;
    mp_metric *tasks;          /* mpavs_operator_tasks_total{event} */
    mp_metric *liveness;       /* mpavs_operator_liveness_proofs_total{result} */
    mp_metric *liveness_left;  /* mpavs_operator_liveness_expiry_seconds */
    mp_metric *errors;         /* mpavs_operator_errors_total{source} */
    mp_metric *eigen_score;    /* eigen_performance_score */
    mp_metric *eigen_stakes;   /* eigen_registered_stakes{quorum_number} */
    mp_metric *eigen_rpc;      /* eigen_rpc_request_total{method,client_version} */
    mp_metric *eigen_rpc_time; /* eigen_rpc_request_duration_seconds{method,client_version} */
} op_metrics;

typedef struct op_ctx {
    mp_daemon *d;
    const op_cfg *cfg;
    mp_avs_deployment dep;
    mp_dcap_collateral col;
    bool have_col;
    mp_dcap_policy pol;
    uint8_t ecdsa[32]; /* the operator's transaction key; wiped by fini */
    uint8_t addr[20];
    mp_bls_secret bls; /* wiped by fini */
    mp_bls_pubkey pub;
    uint8_t operator_id[32];
    uint64_t identifiers[OP_MAX_IDENTIFIERS];
    size_t n_identifiers;
    char client_version[96]; /* web3_clientVersion of the L1 node, for eigen_rpc_* (under mu) */

    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool mu_ready;
    bool stopping;      /* stop() was called */
    bool wake_liveness; /* the task loop asks for a liveness check now */
    int jobs;           /* loops still running */
    op_status st;

    op_metrics m;
    mp_http *api, *metrics_http;
} op_ctx;

/* ---- main.c ---- */
/** True once the daemon is stopping. */
bool op_stopping(op_ctx *c);
/** Waits up to ms, returning early when stopping or (wakeable = true, the
 ** liveness loop) when woken by op_wake_liveness. A wakeup that comes while
 ** the loop is not waking up is kept for its next wakeable wait. */
void op_wait(op_ctx *c, long long ms, bool wakeable);
/** Asks the liveness loop to look at the chain and the prover now. */
void op_wake_liveness(op_ctx *c);
/** Sets a service's health. */
void op_set_svc(op_ctx *c, int svc, int state);
/** A random number for backoff jitter (0 if the OS has none). */
uint64_t op_random(void);
/** Counts one event in a labelled counter (NULL-safe). */
void op_count(mp_metric *m, const char *label);
/** Records an L1 operation for the eigen_rpc_* metrics: calls made (the
 ** client's call counter before and after) and time taken. */
void op_rpc_observe(op_ctx *c, const char *method, uint64_t calls, long long ms);

/* ---- liveness.c, tasks.c: the two loops (worker jobs) ---- */
void op_liveness_work(void *arg);
void op_task_work(void *arg);

/* ---- nodeapi.c ---- */
/** Starts the node API and metrics servers of the configuration. */
MP_WUR int op_nodeapi_start(op_ctx *c, mp_err *err);
/** Stops them (NULL-safe). */
void op_nodeapi_stop(op_ctx *c);

#endif /* MPAVS_OP_H */
