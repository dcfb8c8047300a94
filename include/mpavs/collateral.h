/*
** collateral.h: what a DCAP verifier needs besides the quote, parsed.
**
**   - X.509 certificates and CRLs (DER or PEM), wrapped with the fields the
**     verifier reads (raw subject/issuer names, CN, serial, validity, key);
**   - the SGX extension of PCK certificates (FMSPC, PCEID, TCB components);
**   - Intel's TCB info (v2, v3) and QE identity (v2) JSON documents as served
**     by the PCS ({"tcbInfo": {...}, "signature": "..."}), keeping the exact
**     bytes of the signed value, since the signature covers them and not a
**     re-serialisation.
**
** Parsers reject anything that is not well formed with MP_ERR_PARSE and a
** message naming the field; they never read past the given length.
*/
#ifndef MPAVS_COLLATERAL_H
#define MPAVS_COLLATERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/* ---- certificates and CRLs ------------------------------------------------ */

/** A parsed X.509 certificate of Intel's profile with a P-256 key (opaque; own DER parser). */
typedef struct mp_x509 mp_x509;
/** A parsed X.509 CRL (opaque). */
typedef struct mp_crl mp_crl;

/** Parses one DER certificate that spans exactly len bytes; its key must be P-256. */
MP_WUR int mp_x509_from_der(mp_x509 **out, const uint8_t *der, size_t len, mp_err *err);
/** Parses a certificate file's content: DER, or PEM (the first certificate), strictly. */
MP_WUR int mp_x509_load(mp_x509 **out, const uint8_t *data, size_t len, mp_err *err);
/** Reads a certificate file (DER or PEM). */
MP_WUR int mp_x509_load_file(mp_x509 **out, const char *path, mp_err *err);
/** Frees a certificate (NULL allowed). */
void mp_x509_free(mp_x509 *c);

/** Public key x||y (64 bytes). */
const uint8_t *mp_x509_pubkey(const mp_x509 *c);
/** Subject common name ("" if none), NUL-terminated, at most 255 bytes. */
const char *mp_x509_subject_cn(const mp_x509 *c);
/** Serial number as big-endian magnitude bytes; *len set. */
const uint8_t *mp_x509_serial(const mp_x509 *c, size_t *len);
/** Validity window in Unix seconds. */
int64_t mp_x509_not_before(const mp_x509 *c);
int64_t mp_x509_not_after(const mp_x509 *c);
/** True if notBefore <= at <= notAfter. */
bool mp_x509_valid_at(const mp_x509 *c, int64_t at);
/** True if c's raw issuer name equals issuer's raw subject name (DER bytes). */
bool mp_x509_issued_by_name(const mp_x509 *c, const mp_x509 *issuer);
/** Verifies c's signature (over its TBS bytes) with issuer's key. MP_OK or MP_ERR_VERIFY. */
MP_WUR int mp_x509_verify_signature(const mp_x509 *c, const mp_x509 *issuer, mp_err *err);
/**
 * Parses quote certification data of type 5 (a PEM chain in the strict format
 * of docs/dcap.md, check "pck.chain") into at most max certificates, leaf
 * first. On failure nothing is left allocated.
 */
MP_WUR int mp_x509_chain_from_pem(mp_x509 **certs, size_t max, size_t *n, const uint8_t *data,
                                  size_t len, mp_err *err);
/** Raw DER of the certificate. */
const uint8_t *mp_x509_der(const mp_x509 *c, size_t *len);

/** Parses a CRL: DER or PEM. */
MP_WUR int mp_crl_load(mp_crl **out, const uint8_t *data, size_t len, mp_err *err);
/** Reads a CRL file (DER or PEM). */
MP_WUR int mp_crl_load_file(mp_crl **out, const char *path, mp_err *err);
/** Frees a CRL (NULL allowed). */
void mp_crl_free(mp_crl *crl);
/** thisUpdate / nextUpdate in Unix seconds (nextUpdate 0 when absent). */
int64_t mp_crl_this_update(const mp_crl *crl);
int64_t mp_crl_next_update(const mp_crl *crl);
/** True if the CRL has a nextUpdate and thisUpdate <= at <= nextUpdate. */
bool mp_crl_valid_at(const mp_crl *crl, int64_t at);
/** True if the CRL's raw issuer name equals issuer's raw subject name. */
bool mp_crl_issued_by_name(const mp_crl *crl, const mp_x509 *issuer);
/** True if the CRL's raw issuer name equals cert's raw issuer name. */
bool mp_crl_same_issuer_as(const mp_crl *crl, const mp_x509 *cert);
/** Verifies the CRL's signature with issuer's key. MP_OK or MP_ERR_VERIFY. */
MP_WUR int mp_crl_verify_signature(const mp_crl *crl, const mp_x509 *issuer, mp_err *err);
/** True if cert's serial number is listed in the CRL. */
bool mp_crl_lists(const mp_crl *crl, const mp_x509 *cert);
/** Number of revoked entries. */
size_t mp_crl_count(const mp_crl *crl);

/* ---- the SGX extension of PCK certificates ---------------------------------- */

typedef struct mp_pck_ext {
    uint8_t fmspc[6];
    uint8_t pceid[2];
    uint8_t cpusvn[16]; /* TCB components 1..16 (.2.1 - .2.16) */
    uint16_t pcesvn;    /* .2.17 */
    bool have_ppid;
    uint8_t ppid[16];
    int sgx_type; /* .5: 0 Standard, 1 Scalable, 2 Scalable with integrity; -1 absent */
} mp_pck_ext;

/** Parses the DER value (the SEQUENCE inside the extension's OCTET STRING). */
MP_WUR int mp_pck_ext_parse(mp_pck_ext *ext, const uint8_t *der, size_t len, mp_err *err);
/** Finds the SGX extension (OID 1.2.840.113741.1.13.1) of a certificate and parses it. */
MP_WUR int mp_pck_ext_from_cert(mp_pck_ext *ext, const mp_x509 *pck, mp_err *err);

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
MP_WUR int mp_json_member_span(const uint8_t *json, size_t len, const char *key, size_t *off,
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
