/*
** x509.h: X.509 certificates as a DCAP verifier reads them (DER or PEM), with
** the fields the verifier needs (raw subject/issuer names, CN, serial,
** validity, P-256 key), and the SGX extension of PCK certificates (FMSPC,
** PCEID, TCB components).
**
** Parsers reject anything that is not well formed with MP_ERR_PARSE and a
** message naming the field; they never read past the given length.
*/
#ifndef MPAVS_X509_H
#define MPAVS_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/** A parsed X.509 certificate of Intel's profile with a P-256 key (opaque; own DER parser). */
typedef struct mp_x509 mp_x509;

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

#endif /* MPAVS_X509_H */
