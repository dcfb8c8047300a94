/*
** sgxsim.h: simulated SGX DCAP attestation for development and tests.
**
** A development PKI in Intel's exact formats (root CA, PCK Platform CA, a PCK
** certificate with the SGX extension, TCB signing certificate, root and PCK
** CRLs, TCB info v3 and QE identity v2 JSON signed by the TCB signing key) is
** created in a directory; quotes are then produced through a simulated QE
** (attestation key certified by a QE report that the PCK key signs). Such
** quotes pass mp_dcap_verify with no check skipped when the directory's root
** key is pinned, and fail at "pck.root_key" when Intel's root is pinned.
**
** The private keys in the directory are for development only (files *.key,
** mode 0600). The directory layout is stable and documented in docs/dcap.md
** ("Simulated attestation"); the on-chain verifier's simulation mode uploads
** the same collateral.
*/
#ifndef MPAVS_SGXSIM_H
#define MPAVS_SGXSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/collateral.h"
#include "mpavs/err.h"

#define MP_SGXSIM_FORMAT "mpavs-sgx-sim-ca/1"

/** What a new simulated CA looks like. */
typedef struct mp_sgxsim_opts {
    int64_t now;     /* issue time, Unix seconds (0: the current time) */
    uint32_t days;   /* validity of TCB info, QE identity and CRLs in days */
    int tcb_status;  /* status of the TCB level the simulated platform matches */
    int qe_status;   /* status of the simulated QE's level (UpToDate, OutOfDate, Revoked) */
    bool revoke_pck; /* list the PCK certificate's serial in the PCK CRL */
} mp_sgxsim_opts;

/** Defaults: now, 365 days, UpToDate platform and QE, nothing revoked. */
void mp_sgxsim_opts_init(mp_sgxsim_opts *o);

/** Creates a simulated CA in dir (created if missing; refused if it already holds one). */
MP_WUR int mp_sgxsim_init(const char *dir, const mp_sgxsim_opts *opts, mp_err *err);

/** A loaded simulated CA (keys and the PCK chain), ready to produce quotes. */
typedef struct mp_sgxsim mp_sgxsim;

MP_WUR int mp_sgxsim_open(mp_sgxsim **out, const char *dir, mp_err *err);
/** Frees the CA, wiping its private keys. */
void mp_sgxsim_close(mp_sgxsim *sim);

/** The enclave a simulated quote describes. */
typedef struct mp_sgxsim_enclave {
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint16_t isvprodid;
    uint16_t isvsvn;
    bool debug; /* set ATTRIBUTES.DEBUG */
} mp_sgxsim_enclave;

/** The default simulated enclave: MRENCLAVE = SHA-256("mpavs simulated enclave"),
 ** MRSIGNER = SHA-256("mpavs simulated enclave signer"), ISVPRODID 0, ISVSVN 0, not debug. */
void mp_sgxsim_enclave_default(mp_sgxsim_enclave *e);

/** Appends a v3 quote for the enclave with the given REPORTDATA to out. */
MP_WUR int mp_sgxsim_quote(const mp_sgxsim *sim, const mp_sgxsim_enclave *enclave,
                           const uint8_t report_data[64], mp_buf *out, mp_err *err);

/** The simulated root CA's public key x||y (to pin). */
const uint8_t *mp_sgxsim_root_pubkey(const mp_sgxsim *sim);

/** Loads the collateral in dir (TCB info, QE identity, root CA, TCB signing, CRLs). */
MP_WUR int mp_sgxsim_collateral(mp_dcap_collateral *col, const char *dir, mp_err *err);

/**
 * Signs arbitrary collateral with the CA's TCB signing key: appends
 * {"<member>":<body>,"signature":"<r||s hex>"} with body copied byte for byte.
 * For tests and for custom TCB info / QE identity in simulation deployments.
 */
MP_WUR int mp_sgxsim_sign_collateral(const mp_sgxsim *sim, const char *member, const uint8_t *body,
                                     size_t len, mp_buf *out, mp_err *err);

#endif /* MPAVS_SGXSIM_H */
