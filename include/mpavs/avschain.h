/*
** avschain.h: what the aggregator and the operators read from an mpavs
** deployment through eth_call: the deployment file, operator sets and history
** indices from OperatorStateRetriever, registered BLS keys, committees, the
** on-chain StateHeader digest, liveness and confirmed states. Every read takes
** the block to read at (a number, or MP_BLOCK_LATEST).
**
** The contract ABIs are EigenLayer's (docs/protocol.md), so the same calls work
** against a real EigenLayer middleware deployment when the addresses in
** mp_avs_deployment are filled in by hand.
*/
#ifndef MPAVS_AVSCHAIN_H
#define MPAVS_AVSCHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/checksig.h"
#include "mpavs/dcap.h"
#include "mpavs/err.h"
#include "mpavs/rpc.h"
#include "mpavs/stateheader.h"

/* Longest MRENCLAVE / MRSIGNER allow-list read from a deployment file. */
#define MP_AVS_MAX_ALLOWED 16

/** The deployment JSON of contracts/script/Deploy.s.sol (docs/protocol.md section 6). */
typedef struct mp_avs_deployment {
    uint64_t chain_id;
    uint64_t start_block; /* scan events from here */
    uint64_t l2_chain_id;
    uint8_t stake_token[20], restaking_vault[20], avs_directory[20];
    uint8_t registry_coordinator[20], stake_registry[20], bls_apk_registry[20];
    uint8_t index_registry[20], operator_state_retriever[20];
    uint8_t service_manager[20]; /* the proxy: what operators sign for */
    uint8_t tee_liveness_verifier[20], sgx_attestation_verifier[20], mock_rollup[20];
    uint8_t dcap_collateral_store[20]; /* zero when an existing verifier was used */
    char attestation_mode[16];         /* "simulation", "intel" or "existing" */
    /* The on-chain DCAP verifier's trust anchor and policy, so a quote can be checked
     * off-chain exactly as it will be on chain (absent in mode "existing"). */
    bool has_dcap_policy;
    uint8_t dcap_root_key[64];        /* pinned root public key x || y */
    unsigned accepted_statuses;       /* bit i: TCB status i accepted */
    size_t n_mrenclaves, n_mrsigners; /* 0: any */
    uint8_t mrenclaves[MP_AVS_MAX_ALLOWED][32];
    uint8_t mrsigners[MP_AVS_MAX_ALLOWED][32];
} mp_avs_deployment;

/** A committee of MultiProverServiceManager. */
typedef struct mp_avs_committee {
    size_t n_quorums;
    uint8_t quorums[MP_CHECKSIG_MAX_QUORUMS];    /* ascending */
    uint8_t thresholds[MP_CHECKSIG_MAX_QUORUMS]; /* percent per quorum */
    uint8_t tee_types[MP_CHECKSIG_MAX_QUORUMS];
} mp_avs_committee;

/** Reads a deployment JSON; MP_ERR_PARSE names a missing or malformed field. */
MP_WUR int mp_avs_deployment_load(mp_avs_deployment *d, const char *path, mp_err *err);

/** The DCAP policy of a deployment with has_dcap_policy: its pinned root,
 ** accepted statuses and allow-lists (pointers into d), debug enclaves
 ** rejected. MP_ERR_NOTFOUND when the deployment file had none. */
MP_WUR int mp_avs_deployment_dcap_policy(const mp_avs_deployment *d, mp_dcap_policy *pol,
                                         mp_err *err);

/** An operator's liveness as TEELivenessVerifier records it, with the time it
 ** runs out (getLivenessRecord, validitySeconds). */
typedef struct mp_avs_liveness {
    bool attested;        /* a record exists (enclave nonzero) */
    uint8_t enclave[20];  /* the attested enclave address */
    uint64_t attested_at; /* block timestamp of the accepted proof */
    uint64_t validity;    /* validitySeconds of the verifier */
    uint64_t live_until;  /* attested_at + validity (0 when not attested) */
    uint8_t tee_type;
    uint64_t reference_block;
} mp_avs_liveness;

/** Reads the liveness record of operatorId at `block`. */
MP_WUR int mp_avs_get_liveness(mp_rpc *rpc, const mp_avs_deployment *d,
                               const uint8_t operator_id[32], uint64_t block, mp_avs_liveness *out,
                               mp_err *err);

/** OperatorStateRetriever.getOperatorState(coordinator, quorums, block): the
 ** operators of each quorum at `block` with their stakes. Free with
 ** mp_avs_operator_state_free. */
MP_WUR int mp_avs_get_operator_state(mp_rpc *rpc, const mp_avs_deployment *d,
                                     const uint8_t *quorums, size_t n_quorums, uint32_t block,
                                     mp_avs_operator_state *out, mp_err *err);

/** OperatorStateRetriever.getCheckSignaturesIndices for p's reference block,
 ** quorums and non-signers (in p's order), read at the latest block; fills p's
 ** four index arrays and sets p->have_indices. */
MP_WUR int mp_avs_get_check_signatures_indices(mp_rpc *rpc, const mp_avs_deployment *d,
                                               mp_checksig_params *p, mp_err *err);

/** The BLS keys an operator registered (BLSApkRegistry.getRegisteredPubkey and
 ** getOperatorPubkeyG2). MP_ERR_REVERTED for an address without a key. */
MP_WUR int mp_avs_get_operator_keys(mp_rpc *rpc, const mp_avs_deployment *d,
                                    const uint8_t operator_addr[20], uint64_t block,
                                    mp_checksig_key *out, mp_err *err);

/* Operators whose keys one JSON-RPC batch reads (two eth_calls each). */
#define MP_AVS_KEYS_PER_BATCH 100

/** The keys of n operators at one block, out[i] for operator_addrs[i]: one
 ** JSON-RPC batch per MP_AVS_KEYS_PER_BATCH operators instead of two calls
 ** each. Fails as a whole (naming the operator) when one has no key. */
MP_WUR int mp_avs_get_operator_keys_batch(mp_rpc *rpc, const mp_avs_deployment *d,
                                          const uint8_t (*operator_addrs)[20], size_t n,
                                          uint64_t block, mp_checksig_key *out, mp_err *err);

/** MultiProverServiceManager.getCommittee(identifier). MP_ERR_NOTFOUND when
 ** the committee does not exist. */
MP_WUR int mp_avs_get_committee(mp_rpc *rpc, const mp_avs_deployment *d, uint64_t identifier,
                                uint64_t block, mp_avs_committee *out, mp_err *err);

/** The digest the deployment computes for h (stateHeaderDigest). */
MP_WUR int mp_avs_state_header_digest(mp_rpc *rpc, const mp_avs_deployment *d,
                                      const mp_state_header *h, uint64_t block, uint8_t out[32],
                                      mp_err *err);

/** TEELivenessVerifier.verifyLivenessProof(operator, enclave). */
MP_WUR int mp_avs_verify_liveness(mp_rpc *rpc, const mp_avs_deployment *d,
                                  const uint8_t operator_addr[20], const uint8_t enclave[20],
                                  uint64_t block, bool *live, mp_err *err);

/** verifyLivenessProof(operator_addrs[i], enclaves[i]) into live[i] for n
 ** pairs, in JSON-RPC batches of MP_RPC_MAX_BATCH calls. */
MP_WUR int mp_avs_verify_liveness_batch(mp_rpc *rpc, const mp_avs_deployment *d,
                                        const uint8_t (*operator_addrs)[20],
                                        const uint8_t (*enclaves)[20], size_t n, uint64_t block,
                                        bool *live, mp_err *err);

/** MultiProverServiceManager.confirmedStateHash(identifier, metadata): the
 ** keccak256 of the confirmed state, zero when none. */
MP_WUR int mp_avs_confirmed_state_hash(mp_rpc *rpc, const mp_avs_deployment *d,
                                       const uint8_t identifier[32], const uint8_t *metadata,
                                       size_t metadata_len, uint64_t block, uint8_t out[32],
                                       mp_err *err);

#endif /* MPAVS_AVSCHAIN_H */
