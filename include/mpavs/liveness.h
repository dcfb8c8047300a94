/*
** liveness.h: what an operator sends to TEELivenessVerifier.submitLivenessProof
** (docs/protocol.md section 4): the ReportData struct, the 64-byte REPORTDATA
** its enclave binds into the attestation quote, the quote's replay id and the
** call's calldata.
**
**   REPORTDATA[0:12]  = 0
**   REPORTDATA[12:32] = the enclave's secp256k1 address
**   REPORTDATA[32:64] = keccak256(abi.encode(pubkey.X, pubkey.Y, referenceBlockNumber,
**                                            referenceBlockHash, proverUrlHash))
**
** The reference block must be a recent block (at most maxBlockAge, <= 256, old)
** of the chain the verifier runs on, so a proof cannot be prepared in advance.
*/
#ifndef MPAVS_LIVENESS_H
#define MPAVS_LIVENESS_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/bn254.h"
#include "mpavs/buf.h"
#include "mpavs/err.h"

/* Bytes an attestation key signs: header + enclave report (TEE.sol). */
#define MP_LIVENESS_SGX_SIGNED_LEN 432
#define MP_LIVENESS_TDX_SIGNED_LEN 632

/** ITEELivenessVerifier.ReportData. */
typedef struct mp_liveness_report {
    mp_bn254_g1 pubkey;          /* the operator's registered BLS G1 key */
    uint64_t reference_block;    /* a recent block number (uint256 on chain) */
    uint8_t reference_hash[32];  /* its hash */
    uint8_t prover_url_hash[32]; /* mp_liveness_url_hash of the prover's URL */
} mp_liveness_report;

/** keccak256 of the prover URL's bytes (recorded in the event only). */
void mp_liveness_url_hash(uint8_t out[32], const char *url);
/** keccak256(abi.encode(ReportData)): REPORTDATA[32:64]. */
void mp_liveness_report_hash(uint8_t out[32], const mp_liveness_report *r);
/** The 64-byte REPORTDATA an enclave with address `enclave` puts in its quote. */
void mp_liveness_report_data(uint8_t out[64], const uint8_t enclave[20],
                             const mp_liveness_report *r);
/** Checks REPORTDATA as the contract does (zero prefix, nonzero enclave address,
 ** binding to r) and returns the enclave address. MP_ERR_VERIFY names what differs. */
MP_WUR int mp_liveness_check_report_data(uint8_t enclave[20], const uint8_t report_data[64],
                                         const mp_liveness_report *r, mp_err *err);

/** The quote's replay id as TEELivenessVerifier keys it (quoteId): keccak256 of
 ** the signed part, quote[0:432] for SGX and quote[0:632] for TDX (the TEE type
 ** from header bytes 4..8). Every re-encoding of a quote has the same id.
 ** MP_ERR_INVALID for a quote too short or of an unknown TEE type. */
MP_WUR int mp_liveness_quote_id(uint8_t out[32], const uint8_t *quote, size_t len, mp_err *err);

/** Calldata of submitLivenessProof(((uint256,uint256),uint256,bytes32,bytes32),bytes). */
MP_WUR int mp_liveness_submit_calldata(mp_buf *out, const mp_liveness_report *r,
                                       const uint8_t *quote, size_t len, mp_err *err);
/** Calldata of verifyLivenessProof(address operator, address enclave) (a view). */
MP_WUR int mp_liveness_verify_calldata(mp_buf *out, const uint8_t operator_addr[20],
                                       const uint8_t enclave[20], mp_err *err);

#endif /* MPAVS_LIVENESS_H */
