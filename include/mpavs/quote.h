/*
** quote.h: the byte layout of Intel SGX DCAP ECDSA quotes, version 3.
**
** mp_quote_parse reads a quote without copying it: the parsed struct points
** into the caller's buffer, which must outlive it. Every offset and length is
** checked against the buffer before it is read; a quote that does not have the
** v3 SGX P-256 shape fails with MP_RC(MP_ERR_QUOTE, check) naming the first
** format check it breaks (checks 10-18 of dcap.h).
*/
#ifndef MPAVS_QUOTE_H
#define MPAVS_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

#define MP_QUOTE_HEADER_LEN     48
#define MP_SGX_REPORT_LEN       384
#define MP_QUOTE_SIGNED_LEN     432 /* header || ISV report body: what the attestation key signs */
#define MP_QUOTE_QE_REPORT_AT   564 /* offset of the QE report body */
#define MP_QUOTE_MIN_LEN        1020
#define MP_QUOTE_MAX_LEN        65536
#define MP_QUOTE_CERT_PCK_CHAIN 5 /* certification data type: PEM PCK chain */

/** Intel's QE vendor id. */
extern const uint8_t MP_QUOTE_INTEL_QE_VENDOR_ID[16];

/** The fields of a 384-byte SGX report body that verifiers use. */
typedef struct mp_sgx_report {
    uint8_t cpusvn[16];
    uint32_t miscselect;
    uint8_t miscselect_raw[4]; /* as stored (little-endian) */
    uint8_t attributes[16];    /* flags u64 LE || xfrm u64 LE; flags bit 1 = DEBUG */
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint16_t isvprodid;
    uint16_t isvsvn;
    uint8_t report_data[64];
    const uint8_t *raw; /* the 384 bytes, inside the quote */
} mp_sgx_report;

/** A parsed v3 quote. Pointers point into the parsed buffer. */
typedef struct mp_quote {
    const uint8_t *data; /* the whole quote */
    size_t len;
    uint16_t version;
    uint16_t att_key_type;
    uint32_t tee_type;
    uint16_t qe_svn;
    uint16_t pce_svn;
    uint8_t qe_vendor_id[16];
    uint8_t user_data[20];
    mp_sgx_report isv; /* the enclave's report (offset 48) */
    uint32_t sig_data_len;
    const uint8_t *isv_sig; /* 64 bytes r||s (offset 436) */
    const uint8_t *att_key; /* 64 bytes x||y (offset 500) */
    mp_sgx_report qe;       /* the QE's report (offset 564) */
    const uint8_t *qe_sig;  /* 64 bytes r||s (offset 948) */
    const uint8_t *qe_auth; /* QE authentication data (offset 1014) */
    uint16_t qe_auth_len;
    uint16_t cert_type;
    const uint8_t *cert_data; /* certification data (PEM chain for type 5) */
    uint32_t cert_data_len;
} mp_quote;

/** Decodes a 384-byte report body. Cannot fail. */
void mp_sgx_report_decode(mp_sgx_report *r, const uint8_t raw[MP_SGX_REPORT_LEN]);
/** True if the report's ATTRIBUTES.DEBUG flag is set. */
bool mp_sgx_report_is_debug(const mp_sgx_report *r);

/**
 * Parses and checks the format of a v3 quote (checks 10-18, in order).
 * Returns MP_OK or MP_RC(MP_ERR_QUOTE, check); q is fully set only on MP_OK,
 * but q->isv is set as soon as the length check passed.
 */
MP_WUR int mp_quote_parse(mp_quote *q, const uint8_t *data, size_t len, mp_err *err);

#endif /* MPAVS_QUOTE_H */
