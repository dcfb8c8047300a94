/*
** collateral.h: what a DCAP verifier needs besides the quote, parsed: Intel's
** TCB info (v2, v3) and QE identity (v2) JSON documents as served by the PCS
** ({"tcbInfo": {...}, "signature": "..."}), keeping the exact bytes of the
** signed value, since the signature covers them and not a re-serialisation;
** and the set of files (certificates, CRLs, documents) a verification loads.
** Certificates are in x509.h, CRLs in crl.h.
**
** Parsers reject anything that is not well formed with MP_ERR_PARSE and a
** message naming the field; they never read past the given length.
*/
#ifndef MPAVS_COLLATERAL_H
#define MPAVS_COLLATERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/crl.h"
#include "mpavs/err.h"
#include "mpavs/x509.h"

/* ---- TCB info and QE identity ------------------------------------------------ */

#define MP_TCB_MAX_LEVELS      512
#define MP_TCB_MAX_ADVISORIES  32
#define MP_COLLATERAL_MAX_JSON (1u << 20)

typedef struct mp_tcb_level {
    uint8_t sgx_svn[16];
    uint16_t pcesvn;
    int64_t tcb_date;
    int status; /* enum mp_tcb_status */
    size_t n_advisory_ids;
    char **advisory_ids; /* NUL-terminated, in JSON order */
} mp_tcb_level;

typedef struct mp_tcb_info {
    int version; /* 2 or 3 */
    int64_t issue_date;
    int64_t next_update;
    uint8_t fmspc[6];
    uint8_t pceid[2];
    uint32_t tcb_eval_num;
    size_t n_levels;
    mp_tcb_level *levels;  /* sorted in Intel's order (see docs/dcap.md) */
    uint8_t signature[64]; /* r||s */
    uint8_t *body;         /* the exact signed bytes of the "tcbInfo" value */
    size_t body_len;
} mp_tcb_info;

typedef struct mp_qe_level {
    uint16_t isvsvn;
    int64_t tcb_date;
    int status; /* UpToDate, OutOfDate or Revoked */
    size_t n_advisory_ids;
    char **advisory_ids;
} mp_qe_level;

typedef struct mp_qe_identity {
    int version; /* 2 */
    int64_t issue_date;
    int64_t next_update;
    uint32_t tcb_eval_num;
    uint8_t miscselect[4];
    uint8_t miscselect_mask[4];
    uint8_t attributes[16];
    uint8_t attributes_mask[16];
    uint8_t mrsigner[32];
    uint16_t isvprodid;
    size_t n_levels;
    mp_qe_level *levels; /* sorted by isvsvn, descending */
    uint8_t signature[64];
    uint8_t *body; /* the exact signed bytes of the "enclaveIdentity" value */
    size_t body_len;
} mp_qe_identity;

/** Parses a PCS TCB info response {"tcbInfo":{...},"signature":"..."} (v2 or v3, id "SGX"). */
MP_WUR int mp_tcb_info_parse(mp_tcb_info *ti, const uint8_t *json, size_t len, mp_err *err);
/** Frees what a parsed TCB info holds; it is zeroed afterwards. */
void mp_tcb_info_free(mp_tcb_info *ti);

/** Parses a PCS QE identity response {"enclaveIdentity":{...},"signature":"..."} (v2, id "QE"). */
MP_WUR int mp_qe_identity_parse(mp_qe_identity *qi, const uint8_t *json, size_t len, mp_err *err);
/** Frees what a parsed QE identity holds; it is zeroed afterwards. */
void mp_qe_identity_free(mp_qe_identity *qi);

/**
 * Finds the exact bytes of the value of a top-level member of a JSON object
 * (e.g. "tcbInfo") without decoding it. Fails if the document is not an
 * object, the key is missing or appears twice, or any top-level key contains
 * an escape (so what is found is what a JSON parser would find).
 */
MP_WUR int mp_collateral_member_span(const uint8_t *json, size_t len, const char *key, size_t *off,
                                     size_t *vlen, mp_err *err);

/* ---- everything a verification needs ----------------------------------------- */

typedef struct mp_dcap_collateral {
    mp_tcb_info tcb_info;
    mp_qe_identity qe_identity;
    mp_x509 *root_ca;     /* Intel SGX Root CA (or the simulation's) */
    mp_x509 *tcb_signing; /* signs TCB info and QE identity */
    mp_crl *root_crl;     /* issued by the root CA */
    mp_crl *pck_crl;      /* issued by the PCK Platform or Processor CA */
} mp_dcap_collateral;

/** Paths of collateral files; NULL entries stay NULL in the collateral. */
typedef struct mp_dcap_collateral_files {
    const char *tcb_info;
    const char *qe_identity;
    const char *root_ca;
    const char *tcb_signing;
    const char *root_crl;
    const char *pck_crl;
} mp_dcap_collateral_files;

/** Loads and parses the named files (TCB info and QE identity are required). */
MP_WUR int mp_dcap_collateral_load(mp_dcap_collateral *col, const mp_dcap_collateral_files *f,
                                   mp_err *err);
/** Frees everything a collateral holds; it is zeroed afterwards. */
void mp_dcap_collateral_free(mp_dcap_collateral *col);

#endif /* MPAVS_COLLATERAL_H */
