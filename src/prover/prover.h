/*
** prover.h: the parts of mpavs-prover (docs/prover.md) and the context that
** ties them together.
**
**   enclave.c   the enclave key: made at start (or loaded from a sealed file), signs states
**   attest.c    attestation backends behind prv_attester: sim (dev CA) and gramine
**   exec.c      executors behind prv_executor: headers, and the choice among them
**   reexec.c    the reexec executor: stateless re-execution (mpavs/reexec.h)
**   methods.c   the JSON-RPC methods of docs/protocol.md 8.1, the result cache, faults
**   main.c      configuration, the daemon skeleton, HTTP routes, metrics
*/
#ifndef MPAVS_PROVER_H
#define MPAVS_PROVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/cfg.h"
#include "mpavs/daemon.h"
#include "mpavs/http.h"
#include "mpavs/log.h"
#include "mpavs/metrics.h"
#include "mpavs/rpc.h"
#include "mpavs/rpcserver.h"
#include "mpavs/secp.h"
#include "mpavs/wire.h"

typedef struct prv_cfg {
    mp_daemon_cfg common;
    mp_cfg_listen listen;
    long long http_threads, max_conns, max_body, request_timeout_ms;
    char *l2_rpc_url;
    long long l2_chain_id; /* 0: take the node's */
    long long l2_timeout_ms;
    char *executor;
    bool reexec_anvil_trie; /* reexec on anvil's non-standard trie (devnet/test only) */
    long long confirmations;
    long long max_link_span;
    long long max_batch_blocks;
    char *attestation;
    char *sim_ca_dir;
    mp_buf mrenclave, mrsigner; /* sim backend: the simulated enclave's measurements */
    char *attestation_dir;
    char *sealed_key_file;
    long long cache_size;
    char *profile;
    bool fault_wrong_state;
    bool fault_wrong_execution; /* reexec: execute from a wrong pre-state and sign that root */
    long long fault_delay_ms;
    long long fault_crash_after;
    bool fault_refuse_attestation;
} prv_cfg;

/* ---- enclave key ---- */

typedef struct prv_enclave {
    mp_secp *secp;
    pthread_mutex_t mu;
    uint8_t sk[32];
    uint8_t address[20];
} prv_enclave;

/** Makes the key (or loads/creates sealed_path when not NULL). */
MP_WUR int prv_enclave_init(prv_enclave *e, const char *sealed_path, const mp_log *lg, mp_err *err);
/** Wipes the key. */
void prv_enclave_free(prv_enclave *e);
/** proverSignature over (identifier, metadata, state): 65 bytes r || s || v. */
MP_WUR int prv_enclave_sign_state(prv_enclave *e, uint64_t identifier, const uint8_t *metadata,
                                  size_t metadata_len, const uint8_t *state, size_t state_len,
                                  uint8_t sig[65], mp_err *err);

/* ---- attestation ---- */

typedef struct prv_attester prv_attester;
struct prv_attester {
    const char *name; /* "sim" or "gramine" */
    /** Appends a DCAP quote whose REPORTDATA is report_data. MP_ERR_QUOTE on failure. */
    int (*quote)(prv_attester *a, const uint8_t report_data[64], mp_buf *out, mp_err *err);
    void (*free)(prv_attester *a);
    uint8_t mrenclave[32], mrsigner[32]; /* read from a first quote at start */
    pthread_mutex_t mu;                  /* one quote at a time */
};

/** Creates the backend cfg->attestation names and takes a first quote (its
 ** measurements go into mrenclave/mrsigner). */
MP_WUR int prv_attester_new(prv_attester **out, const prv_cfg *cfg, mp_err *err);
/** Report data of docs/protocol.md 8.1: user bytes right-aligned in 64 zero
 ** bytes, then [12:32] = the enclave address. */
void prv_report_data(uint8_t out[64], const uint8_t *user, size_t len, const uint8_t enclave[20]);
/** A quote for report_data through a's lock. */
MP_WUR int prv_attest(prv_attester *a, const uint8_t report_data[64], mp_buf *out, mp_err *err);
void prv_attester_free(prv_attester *a);

/* ---- executors ---- */

/** A task as docs/protocol.md section 1 describes it, decoded. */
typedef struct prv_task {
    uint64_t identifier; /* MP_STATE_L2_BLOCK or MP_STATE_L2_BATCH */
    uint64_t chain_id;
    uint64_t block;                    /* identifier 1 */
    uint64_t batch_index, first, last; /* identifier 2 */
    uint8_t metadata[128];
    size_t metadata_len;
} prv_task;

typedef struct prv_proof {
    bool not_ready;
    uint8_t state[96];
    size_t state_len;
} prv_proof;

typedef struct prv_executor prv_executor;
struct prv_executor {
    const char *name;   /* "headers" */
    const char *proves; /* "consistency" or "execution" */
    uint64_t chain_id;  /* the L2's, checked at start */
    /** Proves t. MP_ERR_RPC/MP_ERR_TIMEOUT: L2 unreachable or garbage;
     ** MP_ERR_VERIFY: L2 chain inconsistent. */
    int (*prove)(prv_executor *x, const prv_task *t, prv_proof *out, mp_err *err);
    void (*free)(prv_executor *x);
    /** What prover_metadata reports about the executor under "execution"
     ** (a new JSON object), or NULL when there is nothing to say. */
    json_t *(*describe)(prv_executor *x);
};

/** Creates cfg->executor ("headers" or "reexec") and checks the L2 node's chain id. */
MP_WUR int prv_executor_new(prv_executor **out, const prv_cfg *cfg, const mp_log *lg, mp_err *err);
/** The L2 node's chain id through c, refused when cfg names another one. */
MP_WUR int prv_l2_chain_id(mp_rpc *c, const prv_cfg *cfg, uint64_t *out, mp_err *err);
/** The reexec executor (reexec.c). */
MP_WUR int prv_reexec_new(prv_executor **out, const prv_cfg *cfg, const mp_log *lg, mp_err *err);
void prv_executor_free(prv_executor *x);

/* ---- the daemon ---- */

typedef struct prv_cache prv_cache;

typedef struct prv_ctx {
    mp_daemon *d;
    const prv_cfg *cfg;
    const mp_log *log;
    prv_enclave enclave;
    prv_attester *attester;
    prv_executor *executor;
    prv_cache *cache;
    mp_metrics *metrics;
    mp_metric *m_requests;      /* {method, result} */
    mp_metric *m_attestations;  /* {result} */
    mp_metric *m_proofs;        /* {result}: proved, not_ready, cached, refused */
    mp_metric *m_prove_seconds; /* histogram */
    mp_rpcs *rpcs;
    mp_http *http;
    long long started_ms;
    pthread_mutex_t fault_mu;
    long long prove_calls; /* for fault_crash_after */
} prv_ctx;

#define PRV_NMETHODS 3
/** Fills the method table of docs/protocol.md 8.1 (user = ctx). */
void prv_methods(prv_ctx *ctx, mp_rpcs_method out[PRV_NMETHODS]);
/** The mp_rc class to JSON-RPC code overrides of the prover. */
size_t prv_codes(const mp_rpcs_code **out);
MP_WUR int prv_cache_new(prv_cache **out, size_t cap, mp_err *err);
void prv_cache_free(prv_cache *c);

#endif /* MPAVS_PROVER_H */
