/*
** checksig.h: what an aggregator submits with a confirmation: EigenLayer's
** NonSignerStakesAndSignature for BLSSignatureChecker.checkSignatures, built
** from the operator sets of the committee's quorums at the reference block,
** the operators' keys and the verified signatures of live signers
** (docs/protocol.md sections 2 and 3), and the calldata of confirmState.
**
** Build in three steps:
**
**   1. mp_avs_get_operator_state (avschain.h): the operator sets at the block;
**   2. mp_checksig_build: non-signers sorted by operatorId (as a big-endian
**      uint256, strictly ascending, as checkSignatures requires), quorum APKs
**      (the sum of each quorum's G1 keys at the block), and the signers'
**      aggregate G2 key and signature, each signer counted once per committee
**      quorum it is in (the contract's G1 APK is the sum of the quorum APKs);
**   3. mp_avs_get_check_signatures_indices (avschain.h): the history indices.
**
** mp_checksig_verify then runs the contract's pairing check locally, and
** mp_checksig_confirm_calldata encodes confirmState(header, params).
*/
#ifndef MPAVS_CHECKSIG_H
#define MPAVS_CHECKSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/bn254.h"
#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/stateheader.h"

/* Quorum numbers are below 192 (EigenLayer's bitmap is a uint192). */
#define MP_CHECKSIG_MAX_QUORUMS 192

/** An operator of a quorum at a block (OperatorStateRetriever.Operator). */
typedef struct mp_avs_operator {
    uint8_t address[20];
    uint8_t id[32];    /* operatorId = keccak256(G1.X || G1.Y) */
    uint8_t stake[32]; /* uint96 stake in the quorum, as a big-endian word */
} mp_avs_operator;

/** The operators of one quorum at a block, in the IndexRegistry's order. */
typedef struct mp_avs_quorum_set {
    uint8_t quorum;
    mp_avs_operator *ops;
    size_t n;
} mp_avs_quorum_set;

/** The operator sets of quorums at a block. */
typedef struct mp_avs_operator_state {
    uint32_t block;
    mp_avs_quorum_set *sets; /* one per quorum, in the order asked for */
    size_t n_sets;
} mp_avs_operator_state;

/** Frees what a state owns; it is zeroed. */
void mp_avs_operator_state_free(mp_avs_operator_state *s);

/** An operator's registered BLS keys. */
typedef struct mp_checksig_key {
    uint8_t id[32];
    mp_bn254_g1 g1;
    mp_bn254_g2 g2;
} mp_checksig_key;

/** A signer: an operator whose signature verified and that is live. */
typedef struct mp_checksig_signer {
    uint8_t id[32];
    mp_bn254_g1 sig; /* sk * hashToG1(digest) */
} mp_checksig_signer;

/** IBLSSignatureChecker.NonSignerStakesAndSignature with what built it. */
typedef struct mp_checksig_params {
    uint32_t reference_block;
    size_t n_quorums;
    uint8_t quorums[MP_CHECKSIG_MAX_QUORUMS]; /* the committee's, ascending */
    size_t n_nonsigners;
    uint8_t (*nonsigner_ids)[32];       /* ascending */
    mp_bn254_g1 *nonsigner_pubkeys;     /* in the same order */
    uint32_t *nonsigner_multiplicity;   /* committee quorums each is in (not encoded) */
    mp_bn254_g1 *quorum_apks;           /* per quorum */
    mp_bn254_g2 apk_g2;                 /* sum of signer G2 keys, with multiplicity */
    mp_bn254_g1 sigma;                  /* sum of signatures, with multiplicity */
    uint8_t (*signed_stake)[32];        /* per quorum: total minus non-signers (not encoded) */
    uint8_t (*total_stake)[32];         /* per quorum (not encoded) */
    bool have_indices;                  /* the four index arrays below are filled */
    uint32_t *nonsigner_bitmap_indices; /* per non-signer */
    uint32_t *quorum_apk_indices;       /* per quorum */
    uint32_t *total_stake_indices;      /* per quorum */
    uint32_t **nonsigner_stake_indices; /* per quorum, per non-signer in it */
    size_t *n_nonsigner_stake_indices;  /* per quorum */
} mp_checksig_params;

/** Frees what params own; it is zeroed. */
void mp_checksig_params_free(mp_checksig_params *p);
/** Frees only the history indices and clears have_indices (before they are
 ** fetched again, or when fetching them failed). */
void mp_checksig_indices_free(mp_checksig_params *p);

/** Builds everything but the history indices. state holds the committee's
 ** quorums (ascending) at the reference block; keys must include every
 ** operator of state (each key's id must be hashG1Point of its G1 key); signers
 ** (at least one) must be operators of state, each once. MP_ERR_INVALID names
 ** the problem. */
MP_WUR int mp_checksig_build(mp_checksig_params *out, const mp_avs_operator_state *state,
                             const mp_checksig_key *keys, size_t n_keys,
                             const mp_checksig_signer *signers, size_t n_signers, mp_err *err);

/** The contract's signature check, locally: apk = sum of quorum APKs minus each
 ** non-signer's key times its multiplicity, then
 ** e(sigma + gamma apk, -G2) e(H(digest) + gamma G1, apkG2) = 1.
 ** MP_OK or MP_ERR_VERIFY. */
MP_WUR int mp_checksig_verify(const mp_checksig_params *p, const uint8_t digest[32], mp_err *err);

/** True when signed * 100 >= total * percent and signed > 0 (the service
 ** manager's threshold rule) for stakes as big-endian words below 2^96. */
bool mp_checksig_meets_threshold(const uint8_t signed_stake[32], const uint8_t total_stake[32],
                                 unsigned percent);

/** Appends abi.encode(params) as a standalone tuple. MP_ERR_MISUSE without indices. */
MP_WUR int mp_checksig_encode(mp_buf *out, const mp_checksig_params *p, mp_err *err);

/** Calldata of MultiProverServiceManager.confirmState(StateHeader,
 ** NonSignerStakesAndSignature) (selector 0xcb9b065e). */
MP_WUR int mp_checksig_confirm_calldata(mp_buf *out, const mp_state_header *h,
                                        const mp_checksig_params *p, mp_err *err);

#endif /* MPAVS_CHECKSIG_H */
