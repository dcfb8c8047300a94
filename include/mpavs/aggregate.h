/*
** aggregate.h: the aggregator's steps between operator responses and a
** confirmState transaction (docs/protocol.md sections 2, 3 and 8.2), shared by
** the aggregator daemon and the end-to-end tests:
**
**   1. mp_agg_committee_load: the committee's operator sets at the task's
**      reference block, with every operator's BLS keys read in JSON-RPC batches
**      (not one call per operator) and each quorum's total stake;
**   2. mp_agg_check_response: one response is counted only when the operator
**      is in the committee at the reference block, its BLS signature verifies
**      against its registered key, the prover signature recovers to the
**      enclave it names, and that enclave is live for the operator
**      (verifyLivenessProof);
**   3. mp_agg_signed_stake / mp_agg_meets_thresholds: progress per quorum;
**   4. mp_agg_build_params: NonSignerStakesAndSignature for the accepted
**      signers (everyone else of the committee is a non-signer), with the
**      history indices, ready for mp_checksig_confirm_calldata.
*/
#ifndef MPAVS_AGGREGATE_H
#define MPAVS_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/avschain.h"
#include "mpavs/bn254.h"
#include "mpavs/checksig.h"
#include "mpavs/err.h"
#include "mpavs/rpc.h"
#include "mpavs/stateheader.h"

/** Why a response is not counted (MP_AGG_ACCEPTED when it is). */
typedef enum mp_agg_verdict {
    MP_AGG_ACCEPTED = 0,
    MP_AGG_NOT_IN_COMMITTEE, /* not in the committee's quorums at the reference block */
    MP_AGG_BAD_BLS,          /* BLS signature invalid for the registered key */
    MP_AGG_BAD_PROVER_SIG,   /* prover signature malformed or from another key */
    MP_AGG_NOT_LIVE,         /* the enclave is not live for the operator */
} mp_agg_verdict;

/** A short lower-case name of v ("accepted", "bad_bls", ...), for logs and metrics. */
const char *mp_agg_verdict_name(mp_agg_verdict v);

/** The two digests of one (task, state): what operators BLS-sign (section 1)
 ** and what the prover's enclave signs (section 8.1). */
typedef struct mp_agg_digests {
    uint8_t header[32];
    uint8_t prover[32];
} mp_agg_digests;

/** Computes both digests of h for the deployment on chain_id at service_manager. */
void mp_agg_digests_of(mp_agg_digests *out, const mp_state_header *h, uint64_t chain_id,
                       const uint8_t service_manager[20]);

/** What an operator sends for a task (the signature parts of a submission). */
typedef struct mp_agg_response {
    uint8_t operator_addr[20];
    mp_bn254_g1 bls_sig;    /* over mp_agg_digests.header */
    uint8_t prover_sig[65]; /* r || s || v over mp_agg_digests.prover */
    uint8_t enclave[20];    /* the enclave address the operator claims */
} mp_agg_response;

/** A committee's operators at a reference block. members/keys are sorted by
 ** address, one entry per operator however many quorums it is in. */
typedef struct mp_agg_committee_state {
    mp_avs_committee committee;
    uint32_t reference_block;
    mp_avs_operator_state state; /* one set per committee quorum */
    uint8_t (*total_stake)[32];  /* per set */
    uint8_t (*members)[20];      /* operator addresses, ascending */
    mp_checksig_key *keys;       /* keys[i] of members[i] */
    size_t n_members;
} mp_agg_committee_state;

/** Reads the operator sets of c's quorums at reference_block and the keys of
 ** every operator in them at that block (batched). Free with
 ** mp_agg_committee_free. */
MP_WUR int mp_agg_committee_load(mp_agg_committee_state *out, mp_rpc *rpc,
                                 const mp_avs_deployment *d, const mp_avs_committee *c,
                                 uint32_t reference_block, mp_err *err);

/** Builds a committee state from data already read (the offline half of
 ** mp_agg_committee_load; state is moved into out, keys are copied; every
 ** operator of state needs a key whose id matches). MP_ERR_INVALID names a
 ** missing key. */
MP_WUR int mp_agg_committee_from(mp_agg_committee_state *out, const mp_avs_committee *c,
                                 mp_avs_operator_state *state, const uint8_t (*addrs)[20],
                                 const mp_checksig_key *keys, size_t n_keys, mp_err *err);

/** Frees what cs owns; it is zeroed. */
void mp_agg_committee_free(mp_agg_committee_state *cs);

/** The index in cs->members of an operator, or -1 when it is not in the committee. */
long mp_agg_committee_find(const mp_agg_committee_state *cs, const uint8_t operator_addr[20]);

/** The checks that need no chain: r's BLS signature against key->g2 over
 ** dg->header, r's prover signature recovering to r->enclave over dg->prover. */
mp_agg_verdict mp_agg_check_signatures(const mp_agg_digests *dg, const mp_checksig_key *key,
                                       const mp_agg_response *r);

/** Checks BLS signatures for many threads at once, batched per digest (the
 ** operators answering one task's state sign the same digest): a caller that
 ** finds no batch running on its digest verifies every queued signature on it
 ** with one mp_bls_batch_verify_same, bisecting with
 ** mp_bls_batch_find_invalid_same when the batch fails; the callers it took
 ** wait for their answer; other digests are verified in parallel. One
 ** signature alone is a plain mp_bls_verify. */
typedef struct mp_agg_verifier mp_agg_verifier;

/** A verifier whose batches hold at most max_batch signatures (0: 256). */
MP_WUR int mp_agg_verifier_new(mp_agg_verifier **out, size_t max_batch, mp_err *err);
/** Frees v (no call may be running). NULL is a no-op. */
void mp_agg_verifier_free(mp_agg_verifier *v);
/** *valid tells whether sig is pk's signature of digest; returns when its
 ** batch ran. Errors only for memory or randomness failures. Thread-safe. */
MP_WUR int mp_agg_verify(mp_agg_verifier *v, const uint8_t digest[32], const mp_bn254_g2 *pk,
                         const mp_bn254_g1 *sig, bool *valid, mp_err *err);
/** From now on a caller that leads a batch first waits up to gather_us
 ** microseconds for more signatures on its digest (0, the default: none): a
 ** little latency for fewer pairings when many operators answer one task at once. */
void mp_agg_verifier_set_gather(mp_agg_verifier *v, unsigned gather_us);
/** Batches run and signatures checked so far. */
void mp_agg_verifier_stats(mp_agg_verifier *v, uint64_t *batches, uint64_t *sigs);

/** mp_agg_check_signatures with the BLS part through verifier v. */
MP_WUR int mp_agg_check_signatures_with(mp_agg_verifier *v, const mp_agg_digests *dg,
                                        const mp_checksig_key *key, const mp_agg_response *r,
                                        mp_agg_verdict *verdict, mp_err *err);

/** Every check of a response: committee membership in cs, the signatures, and
 ** verifyLivenessProof(operator, enclave) read at liveness_block (usually
 ** MP_BLOCK_LATEST: liveness is about now). *verdict says whether it counts; the
 ** return value is about the reads (RPC failures). */
MP_WUR int mp_agg_check_response(mp_rpc *rpc, const mp_avs_deployment *d,
                                 const mp_agg_committee_state *cs, const mp_agg_digests *dg,
                                 const mp_agg_response *r, uint64_t liveness_block,
                                 mp_agg_verdict *verdict, mp_err *err);

/** Signed stake per committee quorum (out[i] for cs->state.sets[i]) of the
 ** members m with signed_mask[m] (cs->n_members entries). */
void mp_agg_signed_stake(const mp_agg_committee_state *cs, const bool *signed_mask,
                         uint8_t (*out)[32]);

/** Adds member m's stake (m < cs->n_members) to signed_stake[i] for every set i
 ** of cs it belongs to: a running sum, one signer at a time (the caller makes
 ** sure each member is added once). */
void mp_agg_add_signer(const mp_agg_committee_state *cs, size_t m, uint8_t (*signed_stake)[32]);

/** True when signed stake (as from mp_agg_signed_stake) meets every quorum's threshold. */
bool mp_agg_meets_thresholds(const mp_agg_committee_state *cs, const uint8_t (*signed_stake)[32]);

/** NonSignerStakesAndSignature for signers (accepted responses: operator ids
 ** of cs with their BLS signatures; at least one) with the history indices read
 ** from the chain. Free with mp_checksig_params_free. */
MP_WUR int mp_agg_build_params(mp_checksig_params *out, mp_rpc *rpc, const mp_avs_deployment *d,
                               const mp_agg_committee_state *cs, const mp_checksig_signer *signers,
                               size_t n_signers, mp_err *err);

#endif /* MPAVS_AGGREGATE_H */
