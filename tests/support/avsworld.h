/*
** avsworld.h: an mpavs devnet for integration tests: a real anvil, the
** contracts deployed by scripts/deploy-contracts.sh with simulated SGX
** attestation (a development CA made by `mpavs sim-ca init`, and a second,
** foreign one), and operators made here: funded, staked, registered with
** proofs of possession, and attested live with simulated quotes sent through
** the C transaction sender.
**
**   mp_avsw w = {0};
**   MP_TRY(mp_avsw_setup(&w, err));           // temp dir, anvil, dev senders
**   MP_TRY(mp_avsw_deploy(&w, NULL, err));    // threshold 67%, validity 3600 s
**   MP_TRY(mp_avsw_operator_new(&w, &w.ops[0], 0, err));   // keys, stake, register
**   MP_TRY(mp_avsw_submit_proof(&w, &w.ops[0], 0, NULL, err));   // live
**   MP_TRY(mp_avsw_operators_live(&w, 1, 999, err));  // or many at once, fast
**   ...
**   mp_avsw_teardown(&w);                     // every path; removes the temp dir
**
** Anvil's first dev account deploys; the second ("anyone") is not an operator.
*/
#ifndef MPAVS_TEST_AVSWORLD_H
#define MPAVS_TEST_AVSWORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anvil.h"
#include "mpavs/avschain.h"
#include "mpavs/bls.h"
#include "mpavs/buf.h"
#include "mpavs/checksig.h"
#include "mpavs/err.h"
#include "mpavs/liveness.h"
#include "mpavs/rpc.h"
#include "mpavs/sgxsim.h"
#include "mpavs/txsend.h"

#include <jansson.h>

#define MP_AVSW_MAX_OPS 1024
#define MP_AVSW_STAKE   "2000000000000000000" /* 2e18 token wei each; quorum minimum 1e18 */

/* anvil's first two dev accounts (public knowledge; test use only). */
extern const char mp_avsw_dev_key0[], mp_avsw_dev_key1[];

typedef struct mp_avsw_op {
    uint8_t ecdsa[32], addr[20];
    mp_bls_secret bls;
    mp_checksig_key key; /* id, G1, G2 */
    uint8_t enclave_sk[32], enclave[20];
    mp_txsend tx;
    bool tx_ready;
    mp_buf quote;              /* its last liveness quote */
    mp_liveness_report report; /* and what that quote binds */
} mp_avsw_op;

typedef struct mp_avsw {
    mp_anvil anvil;
    mp_rpc rpc;
    bool rpc_ready;
    mp_txsend dev, anyone;
    bool dev_ready, anyone_ready;
    char tmp[256], simca[300], other_ca[300], deployment[320];
    mp_avs_deployment d;
    mp_sgxsim *sim, *other_sim;
    mp_avsw_op ops[MP_AVSW_MAX_OPS];
    bool deployed, registered, live; /* stages reached (for tests that depend on them) */
} mp_avsw;

/** A temporary directory, anvil, the JSON-RPC client and the two dev senders. */
MP_WUR int mp_avsw_setup(mp_avsw *w, mp_err *err);
/** Stops and frees everything; removes the temporary directory unless
 ** MPAVS_KEEP_LOGS is set. Safe after a partial setup. */
void mp_avsw_teardown(mp_avsw *w);

/** Runs argv (argv[0] a path) with extra "K=V" environment entries, output to
 ** log_path; returns the exit status (-1 if it did not run). */
int mp_avsw_run(const char *const *argv, const char *const *env, const char *log_path);
/** Prints a file as "#   " lines (TAP comments). */
void mp_avsw_show_log(const char *path);
/** $MPAVS_BIN or build/san/bin. */
const char *mp_avsw_bin_dir(void);

/** Makes both CAs, deploys (threshold 67%, liveness validity 3600 s, plus the
 ** extra environment entries env) and loads the deployment into w->d. */
MP_WUR int mp_avsw_deploy(mp_avsw *w, const char *const *env, mp_err *err);

/** A transaction sender on w->rpc for a hex key or raw key bytes. */
MP_WUR int mp_avsw_sender(mp_avsw *w, mp_txsend *s, const char *hex_key, const uint8_t *raw_key,
                          mp_err *err);
/** Sends calldata cd to `to` and waits; r receives the receipt (free it). */
MP_WUR int mp_avsw_send(mp_txsend *s, const uint8_t to[20], const mp_buf *cd, mp_eth_receipt *r,
                        mp_err *err);
/** Sends and frees cd; MP_ERR_VERIFY when the receipt is not a success. */
MP_WUR int mp_avsw_send_ok(mp_txsend *s, const uint8_t to[20], mp_buf *cd, mp_err *err);

/** New ECDSA, BLS and enclave keys for op, its sender, funds, stake in the
 ** vault. Does not register (see mp_avsw_register). */
MP_WUR int mp_avsw_operator_new(mp_avsw *w, mp_avsw_op *op, mp_err *err);
/** A task as an aggregator issued it, to answer with mp_avsw_submission. */
typedef struct mp_avsw_task {
    uint64_t id, identifier;
    uint32_t ref;
    const uint8_t *metadata;
    size_t metadata_len;
} mp_avsw_task;

/** The params object of aggregator_submitTask for op's answer state to t: BLS
 ** signature over the StateHeader digest, the enclave key's over the prover
 ** digest (docs/protocol.md 8). A new reference; NULL when signing fails. */
json_t *mp_avsw_submission(const mp_avsw *w, const mp_avsw_op *op, const mp_avsw_task *t,
                           const uint8_t *state, size_t state_len);

/** Registers op in quorum 0 with socket "http://operator-<i>:9000". */
MP_WUR int mp_avsw_register(mp_avsw *w, mp_avsw_op *op, int i, mp_err *err);
/** Makes w->ops[first .. first + n) as mp_avsw_operator_new, mp_avsw_register
 ** and mp_avsw_submit_proof would (keys, 1 ETH and stake each, registered, live),
 ** but each step is sent for every operator before any receipt is awaited; then
 ** every receipt is checked (MP_ERR_VERIFY names the operator and the step).
 ** Gas is estimated for the first operator of a step, with a margin. 1,000
 ** operators take about 15 s (one at a time, 0.4 s each and more as anvil's
 ** state grows). Turns anvil's automine off meanwhile, and back on. */
MP_WUR int mp_avsw_operators_live(mp_avsw *w, int first, int n, mp_err *err);
/** A fresh report for op (reference: the latest block) and a quote of sim
 ** binding it (prover URL "http://prover-<i>:9100"). */
MP_WUR int mp_avsw_make_proof(mp_avsw *w, mp_avsw_op *op, int i, const mp_sgxsim *sim,
                              mp_liveness_report *r, mp_buf *quote, mp_err *err);
/** Makes a proof with w->sim into op->report/op->quote and submits it; r (may
 ** be NULL) receives the receipt. MP_ERR_VERIFY if it did not succeed. */
MP_WUR int mp_avsw_submit_proof(mp_avsw *w, mp_avsw_op *op, int i, mp_eth_receipt *r, mp_err *err);
/** evm_increaseTime by seconds, then evm_mine. */
MP_WUR int mp_avsw_advance_time(mp_avsw *w, uint64_t seconds, mp_err *err);

#endif /* MPAVS_TEST_AVSWORLD_H */
