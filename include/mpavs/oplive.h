/*
** oplive.h: an operator's liveness upkeep (docs/protocol.md section 4,
** docs/operator.md): when to attest, the ReportData to bind, and the local
** check of the prover's quote before it goes on chain.
**
** The decision: attest when the operator is not live, when its liveness
** runs out within a margin, and at once when the prover's enclave address
** differs from the attested one (the prover restarted with a new key: every
** state it signs would count for nothing until it is attested). A quote is
** sent only after the C DCAP verifier accepted it against the deployment's
** pinned root and policy, and its REPORTDATA binds the enclave to this
** ReportData: a quote that would revert is never paid for.
*/
#ifndef MPAVS_OPLIVE_H
#define MPAVS_OPLIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/avschain.h"
#include "mpavs/bn254.h"
#include "mpavs/collateral.h"
#include "mpavs/dcap.h"
#include "mpavs/err.h"
#include "mpavs/liveness.h"
#include "mpavs/rpc.h"

enum mp_oplive_reason {
    MP_OPLIVE_OK = 0,          /* live with the prover's enclave; nothing to do */
    MP_OPLIVE_NOT_LIVE,        /* never attested, or expired */
    MP_OPLIVE_EXPIRING,        /* live, but not for longer than the margin */
    MP_OPLIVE_ENCLAVE_CHANGED, /* live with an enclave other than the prover's */
};

/** A stable lower-case name of a reason ("enclave_changed"). */
const char *mp_oplive_reason_name(int reason);

/** Decides for the record lv at chain time now: the reason to attest (or
 ** MP_OPLIVE_OK), and in *next_check_s how many seconds until it must be
 ** looked at again when nothing is to be done (the time until live_until -
 ** margin, at most max_interval_s; 0 when attesting). prover_enclave is the
 ** prover's current enclave address, or NULL if it is unknown (prover down):
 ** then only the chain record counts. */
int mp_oplive_decide(const mp_avs_liveness *lv, const uint8_t *prover_enclave, uint64_t now,
                     uint64_t margin_s, uint64_t max_interval_s, uint64_t *next_check_s);

/** The ReportData for the operator's G1 key at the latest block of l1 (its
 ** number and hash; the proof must be mined in a later block, and within
 ** maxBlockAge of it) and the prover URL. *head_time receives the block's
 ** timestamp (may be NULL). */
MP_WUR int mp_oplive_report_make(mp_rpc *l1, const mp_bn254_g1 *pubkey, const char *prover_url,
                                 mp_liveness_report *r, uint64_t *head_time, mp_err *err);

/** The report data an operator asks the prover to put in its quote: the
 ** 32-byte keccak256(abi.encode(r)) (the prover sets the enclave address). */
void mp_oplive_request_data(uint8_t out[32], const mp_liveness_report *r);

/** Checks a quote before sending it: full DCAP verification against col and
 ** pol at unix time at (MP_ERR_QUOTE naming the failed check), then that its
 ** REPORTDATA binds r (MP_ERR_VERIFY). Like the on-chain verifier, a policy
 ** with neither an MRENCLAVE nor an MRSIGNER allow-list accepts nothing
 ** (MP_RC(MP_ERR_QUOTE, 72), the DCAP library's rule). enclave receives the
 ** enclave address the quote attests. */
MP_WUR int mp_oplive_check_quote(const uint8_t *quote, size_t len, const mp_liveness_report *r,
                                 const mp_dcap_collateral *col, const mp_dcap_policy *pol,
                                 int64_t at, uint8_t enclave[20], mp_err *err);

#endif /* MPAVS_OPLIVE_H */
