/*
** agg.h: the aggregator daemon's context and the functions its files share
** (docs/aggregator.md). One mutex (agg_ctx.mu) guards the in-memory tasks and
** the main database connection; chain reads happen outside it, and so do the
** writes of the connections that fsync often (the pipeline's group commits,
** the loop thread's confirmation records, checkpoints: db.c).
**
**   main.c     configuration, daemon callbacks, timers
**   db.c       the SQLite schema and every statement
**   tasks.c    task sources (identifier 1 from an L2 node), expiry, loading
**   submit.c   aggregator_submitTask: the checks one submission needs alone
**   pipeline.c the checks and the commit of many submissions at once
**   confirm.c  the confirmation job: parameters, dry run, confirmState
**   api.c      JSON-RPC methods, node API, /metrics, the status page
*/
#ifndef AGG_H
#define AGG_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mpavs/aggregate.h"
#include "mpavs/avschain.h"
#include "mpavs/cfg.h"
#include "mpavs/daemon.h"
#include "mpavs/http.h"
#include "mpavs/metrics.h"
#include "mpavs/rpc.h"
#include "mpavs/rpcserver.h"
#include "mpavs/store.h"
#include "mpavs/txsend.h"
#include "mpavs/wire.h"

#define AGG_MAX_METADATA 256 /* bytes of task metadata */
#define AGG_MAX_STATE    1024
#define AGG_RPC_POOL     8    /* L1 clients shared by server threads and workers */
#define AGG_LIVE_CACHE   4096 /* slots of the liveness table (a power of 2; live.c) */

typedef struct agg_cfg {
    mp_daemon_cfg common;
    char *rpc_url;            /* L1 */
    char *deployment;         /* deployment JSON path */
    char *keystore;           /* submitter's Ethereum keystore */
    char *password_file;      /* its password, or */
    char *password_env;       /* the variable holding it */
    mp_cfg_listen listen;     /* JSON-RPC, node API, /metrics, status page */
    char *l2_rpc_url;         /* identifier 1 source; unset: no identifier 1 tasks */
    long long block_interval; /* identifier 1: one task every N L2 blocks */
    long long poll_ms;        /* task sources, expiry, confirmation checks */
    long long task_ttl_ms;    /* a task expires this long after it is issued */
    long long min_wait_ms;    /* do not confirm a task younger than this */
    long long reference_lag;  /* reference block = L1 head - this (>= 1) */
    long long liveness_cache_ms;
    long long max_body;   /* HTTP request body limit */
    long long rate_limit; /* submissions per second per client address; 0 = none */
    long long http_threads;
    long long max_connections;
    long long batch_confirmations; /* identifier 2: blocks a BatchCommitted event must be deep */
    long long batch_max_range;     /* identifier 2: blocks per eth_getLogs */
} agg_cfg;

typedef enum agg_status {
    AGG_OPEN = 0,
    AGG_CONFIRMING,
    AGG_CONFIRMED,           /* by us */
    AGG_CONFIRMED_ELSEWHERE, /* someone else's confirmState got there first */
    AGG_EXPIRED,
    AGG_FAILED,
    AGG_REORGED, /* identifier 2: its BatchCommitted event was reorged out */
} agg_status;

const char *agg_status_name(agg_status s);
/** -1 for an unknown name. */
int agg_status_parse(const char *name);

/* One operator's accepted response. */
typedef struct agg_resp {
    uint8_t operator_addr[20];
    uint8_t enclave[20];
    mp_bn254_g1 sig;
    uint8_t sig_enc[64]; /* as submitted, for duplicate detection */
    size_t state;        /* index into the task's states */
    int64_t at_ms;
} agg_resp;

/* One distinct state of a task with its progress. */
typedef struct agg_state {
    uint8_t hash[32];
    uint8_t *bytes;
    size_t len;
    size_t n_signers;
    /* per committee quorum, kept up to date as responses come (once the committee is known) */
    uint8_t signed_stake[MP_CHECKSIG_MAX_QUORUMS][32];
} agg_state;

typedef struct agg_task {
    uint64_t id;
    uint64_t identifier;
    uint8_t metadata[AGG_MAX_METADATA];
    size_t metadata_len;
    uint32_t reference_block;
    int64_t created_at, expires_at; /* unix seconds */
    agg_status status;
    char reason[200];
    uint8_t confirmed_hash[32];
    uint8_t tx_hash[32];
    bool has_tx;
    uint64_t gas_used;
    int64_t threshold_ms;       /* when some state first met every threshold (0: never) */
    int64_t retry_after_ms;     /* no confirmation attempt before this */
    mp_agg_committee_state *cs; /* loaded at the first submission; NULL before */
    bool cs_loading;            /* one thread reads the committee, the others wait (cs_cv) */
    agg_state *states;
    size_t n_states;
    agg_resp *resps;
    size_t n_resps;
} agg_task;

/* A response on its way to the database (group commit, db.c). */
typedef struct agg_row {
    uint64_t task_id;
    uint8_t operator_addr[20], operator_id[32], enclave[20];
    const uint8_t *state;
    size_t state_len;
    uint8_t state_hash[32], bls[64], prover_sig[65];
    int64_t at_ms;
    /* filled by the commit */
    uint64_t seq;
    bool inserted; /* false: a row for (task, operator) was already there */
    int rc;
    mp_err err;
} agg_row;

/* One submission on its way through the pipeline (pipeline.c): filled by
 * the server thread (submit.c), checked and committed in batches, answered
 * from the pipeline's threads (a deferred call) or by the waiting server
 * thread (a call inside a JSON-RPC batch). */
typedef struct agg_job {
    uint64_t task_id, identifier, reference_block;
    uint8_t metadata[AGG_MAX_METADATA];
    size_t metadata_len;
    uint8_t state[AGG_MAX_STATE];
    size_t state_len;
    uint8_t operator_id[32], bls[64], prover_sig[65];
    mp_agg_response r;
    uint8_t state_hash[32];
    mp_agg_digests dg;
    mp_checksig_key key; /* the operator's registered key */
    bool prover_ok;      /* the prover signature recovers to r.enclave */
    agg_row row;
    /* the outcome */
    mp_rpcs_call *call;
    bool deferred; /* answered with mp_rpcs_answer; else a server thread waits for done */
    bool done;
    bool dup;
    int rc;
    mp_err err;
    struct agg_job *next;
} agg_job;

#define AGG_SUSPECTS                                                                               \
    1024 /* slots of the checker's suspect table (2^10: pipeline.c takes 10 hash bits) */

/* The pipeline's two stages, each a thread with a queue (pipeline.c). */
typedef struct agg_pipe {
    pthread_mutex_t mu;
    pthread_cond_t check_cv, commit_cv, done_cv;
    agg_job *check_head, *check_tail, *commit_head, *commit_tail;
    pthread_t checker, committer;
    bool ready, checker_started, committer_started;
    bool running;      /* takes jobs */
    bool closing;      /* the checker ends when its queue is empty */
    bool checker_done; /* then the committer ends when its queue is empty */
    /* checker thread only: operators whose BLS signature failed lately, by a salted hash of
     * their address (a collision only makes an honest operator's signature checked alone;
     * the salt keeps anyone from aiming one at a chosen operator) */
    int64_t suspect_until[AGG_SUSPECTS];
    uint64_t suspect_salt;
} agg_pipe;

/* A positive liveness answer kept for a while (per operator and enclave); until_ms 0: empty. */
typedef struct agg_live {
    uint8_t operator_addr[20], enclave[20];
    int64_t until_ms;
} agg_live;

/* The daemon's Prometheus families (docs/aggregator.md, "Metrics"). */
typedef struct agg_metrics {
    mp_metrics *reg;
    mp_metric *submissions;   /* {result}: accepted, duplicate, or the rejection reason */
    mp_metric *confirmations; /* {outcome}: confirmed, confirmed_elsewhere, failed */
    mp_metric *tasks;         /* {event}: issued, expired */
    mp_metric *gas;           /* gas spent on confirmState */
    mp_metric *to_quorum;     /* seconds from issue to every threshold met */
    mp_metric *open_tasks;    /* gauge */
    mp_metric *rpc;           /* {method, code} */
    mp_metric *rpc_seconds;   /* {method} */
    mp_metric *batches;       /* {kind}: group commits ("commit"), BLS batches ("bls") */
    mp_metric *batched;       /* {kind}: rows committed, signatures verified in those batches */
} agg_metrics;

typedef struct agg_ctx {
    mp_daemon *d;
    const agg_cfg *cfg;
    mp_avs_deployment dep;
    pthread_mutex_t mu;
    pthread_cond_t cs_cv; /* with mu: a task's committee was loaded (or failed to) */
    bool mu_ready;
    mp_store *db;
    mp_store *gdb;      /* the pipeline's committer's own connection */
    mp_store *ckdb;     /* checkpoints (a worker job) */
    mp_store *ldb;      /* confirmation records, written by the loop thread without mu */
    bool checkpointing; /* that job is running (loop thread only) */
    agg_pipe pipe;
    /* L1 clients: a pool so server threads and the worker never share one */
    mp_rpc rpcs[AGG_RPC_POOL];
    bool rpc_busy[AGG_RPC_POOL];
    size_t n_rpc;
    pthread_cond_t rpc_free;
    mp_rpc l2;
    bool l2_ready;
    mp_rpc tx_rpc; /* the transaction sender's own client */
    bool tx_rpc_ready;
    mp_txsend tx; /* used by the confirmation job only (one at a time) */
    bool tx_ready;
    uint8_t submitter[20];
    mp_avs_committee committees[2]; /* identifiers 1 and 2 */
    bool have_committee[2];
    mp_rpcs *rpcs_server;
    void *limiter; /* api.c's per-client rate limiter */
    mp_http *http;
    mp_timer tick;
    /* identifier 2: the watcher, its own connection and client (worker thread) */
    struct mp_watcher *watcher;
    mp_store *wdb;
    mp_rpc wrpc;
    bool wrpc_ready;
    bool watching; /* a watcher poll job is running (loop thread only) */
    uint8_t batch_topic[32];
    bool confirming; /* a confirmation job is running */
    bool stopping;
    agg_task *tasks; /* ascending id: open ones and recent closed ones */
    size_t n_tasks, cap_tasks;
    agg_live live[AGG_LIVE_CACHE]; /* live.c, under mu */
    agg_metrics m;
    uint64_t last_l2_task; /* identifier 1: last L2 block a task was issued for */
    uint64_t l1_head;
    int64_t started_ms;
} agg_ctx;

/* ---- main.c ---- */
/** Adds v to series (label value) of family m; a no-op when metrics are off. */
void agg_count(mp_metric *m, const char *label, double v);
/** Borrows an L1 client (waits for a free one); give it back with agg_rpc_put. */
mp_rpc *agg_rpc_get(agg_ctx *c);
void agg_rpc_put(agg_ctx *c, mp_rpc *r);
int64_t agg_now_s(void);
int64_t agg_now_ms(void);

/* ---- db.c ---- */
/** Options of every connection to the database (manual checkpoints). */
extern const mp_store_opts agg_db_opts;
MP_WUR int agg_db_open(agg_ctx *c, mp_err *err);
/** Starts a PASSIVE checkpoint on a worker unless one runs (loop thread). */
void agg_db_checkpoint(agg_ctx *c);
MP_WUR int agg_db_insert_task(agg_ctx *c, agg_task *t, mp_err *err);
/** The confirmation columns of t's row (status, reason, hashes, gas) and one
 ** submission record: on c->ldb, from the loop thread, without c->mu (t may be
 ** a copy taken under it). */
MP_WUR int agg_db_update_task(agg_ctx *c, const agg_task *t, mp_err *err);
/** Writes rows[0..n) durably in one transaction (INSERT OR IGNORE, one fsync
 ** for all) on c->gdb; each row gets the outcome, row->inserted tells whether
 ** it was new. The pipeline's committer only, without c->mu. */
void agg_db_commit_rows(agg_ctx *c, agg_row **rows, size_t n);
void agg_db_close(agg_ctx *c);
MP_WUR int agg_db_insert_equivocation(agg_ctx *c, uint64_t task_id, const uint8_t op[20],
                                      const uint8_t first[32], const uint8_t second[32],
                                      mp_err *err);
MP_WUR int agg_db_insert_submission(agg_ctx *c, const agg_task *t, const char *outcome,
                                    mp_err *err);
MP_WUR int agg_db_get_u64(agg_ctx *c, const char *key, uint64_t *v, bool *found, mp_err *err);
MP_WUR int agg_db_set_u64(agg_ctx *c, const char *key, uint64_t v, mp_err *err);
/** Loads open and confirming tasks with their responses into c->tasks. */
MP_WUR int agg_db_load(agg_ctx *c, mp_err *err);
/** Recent equivocations as a JSON array (new reference). */
json_t *agg_db_equivocations(agg_ctx *c, size_t limit);
/** Tasks from the database (any status) as JSON, newest first. */
json_t *agg_db_list_tasks(agg_ctx *c, int status, size_t limit);
/** Brings identifier 2 tasks in memory in line with the database after a
 ** watcher poll: new open tasks added (*added set), reorged ones closed. */
MP_WUR int agg_db_sync_batches(agg_ctx *c, bool *added, mp_err *err);
/** Count of accepted responses in the database (for checks and the bench). */
MP_WUR int agg_db_count_responses(agg_ctx *c, uint64_t *n, mp_err *err);

/* ---- tasks.c ---- */
agg_task *agg_task_find(agg_ctx *c, uint64_t id);
/** Adds a task to memory (c->tasks, kept sorted by id); the pointer is valid
 ** until the next add. */
agg_task *agg_task_add(agg_ctx *c, const agg_task *t, mp_err *err);
void agg_task_free(agg_task *t);
/** The state index for hash in t, adding it; SIZE_MAX when out of memory. */
size_t agg_task_state(agg_task *t, const uint8_t hash[32], const uint8_t *bytes, size_t len);
/** Issues identifier 1 tasks for new L2 blocks (loop thread; reads the chain). */
void agg_tasks_poll(agg_ctx *c);
/** Expires open tasks whose time is over (called under c->mu). */
void agg_tasks_expire(agg_ctx *c);
/** Drops closed tasks beyond the most recent ones from memory (under c->mu). */
void agg_tasks_trim(agg_ctx *c);
/** Recomputes a task's aggregates from its responses (after loading). */
void agg_task_recount(agg_task *t);
/** Every state's signed stake again from the responses (t->cs just arrived). */
void agg_task_restake(agg_task *t);
/** True when state s of t has signed stake meeting every quorum threshold. */
bool agg_task_state_ready(const agg_task *t, size_t s);
/** A task as the wire protocol's task object (new reference). */
json_t *agg_task_json(const agg_task *t, bool progress);

/* ---- batches.c ---- */
/** The BatchCommitted watcher (when committee 2 exists). */
MP_WUR int agg_batches_init(agg_ctx *c, mp_err *err);
void agg_batches_fini(agg_ctx *c);
/** Starts a watcher poll on a worker unless one runs (loop thread). */
void agg_batches_poll(agg_ctx *c);

/* ---- submit.c ---- */
/** Handles aggregator_submitTask's params (the JSON-RPC method body): the
 ** checks of one submission, then the pipeline. */
int agg_submit(agg_ctx *c, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err);
/** Membership, operatorId, duplicates and equivocation of j in t (under c->mu):
 ** MP_OK with j->key set (j->dup when this exact response is known), or
 ** MP_ERR_INVALID with *code and msg (an equivocation is recorded). */
int agg_check_operator(agg_ctx *c, agg_task *t, agg_job *j, int *code, char *msg, size_t cap);
/** The task of j checked against its header (under c->mu): MP_OK, or
 ** MP_ERR_INVALID with *code and msg. *out is the task or NULL. */
int agg_find_task(agg_ctx *c, const agg_job *j, agg_task **out, int *code, char *msg, size_t cap);
/** Counts a rejection and names its code for the call's answer; returns the rc. */
int agg_reject(agg_ctx *c, mp_rpcs_call *call, mp_err *err, int code, const char *msg);
/** Moves the aggregate with j, which is on disk (under c->mu). */
MP_WUR int agg_accept(agg_ctx *c, agg_task *t, const agg_job *j, mp_err *err);
/** The success result of j (a new reference). */
json_t *agg_submit_result(const agg_job *j);
/* Loads a task's committee state once (concurrent callers wait for that load); MP_OK also
 * when the task is gone. Without agg_ctx.mu held. */
MP_WUR int agg_task_load_committee(agg_ctx *c, uint64_t task_id, uint64_t identifier, uint32_t ref,
                                   mp_err *err);
/* Queues that load on a worker right after the task is issued, so that its first
 * submissions do not wait for the chain (any thread; failures only logged). */
void agg_task_prefetch_committee(agg_ctx *c, const agg_task *t);
/** Loads the committee state of open tasks that have responses but none loaded
 ** (tasks reloaded from the database after a restart): without it a task whose
 ** signatures all arrived before the restart would never be confirmed. Reads
 ** the chain unlocked; a failure is retried at the next tick (loop thread). */
void agg_submit_load_committees(agg_ctx *c);

/* ---- live.c (under c->mu) ---- */
/** True when verifyLivenessProof(op, enclave) said yes less than liveness_cache ago. */
bool agg_live_get(const agg_ctx *c, const uint8_t op[20], const uint8_t enclave[20], int64_t now);
/** Keeps a yes until until_ms. */
void agg_live_put(agg_ctx *c, const uint8_t op[20], const uint8_t enclave[20], int64_t until_ms);

/* ---- pipeline.c ---- */
MP_WUR int agg_pipe_start(agg_ctx *c, mp_err *err);
/** Finishes every queued job (checked, committed, answered), then stops the
 ** threads; later jobs are refused. */
void agg_pipe_stop(agg_ctx *c);
/** After agg_pipe_stop and once no server thread can submit (agg_api_stop). */
void agg_pipe_free(agg_ctx *c);
/** Hands j over: BLS (batched), prover signature, liveness, commit, aggregate,
 ** answer. j->call deferred: answered from the pipeline; otherwise waits for
 ** the outcome in j. Refused (j->rc set, j finished) when stopping. */
void agg_pipe_submit(agg_ctx *c, agg_job *j);

/* ---- confirm.c ---- */
/** Starts a confirmation job for the first task that is ready (loop thread). */
void agg_confirm_next(agg_ctx *c);

/* ---- api.c ---- */
MP_WUR int agg_api_start(agg_ctx *c, mp_err *err);
void agg_api_stop(agg_ctx *c);
/** Wakes aggregator_fetchTask long polls (a task was issued). */
void agg_api_notify_task(agg_ctx *c);

#endif /* AGG_H */
