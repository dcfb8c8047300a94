/*
** sgx_util.h: internal helpers of the SGX module (not a public API).
**
**   p256.c  raw P-256 keys (x||y) and signatures (r||s) over OpenSSL's EVP API
**   der.c   a bounded DER reader (definite lengths, minimal encodings only)
**   pem.c   the strict PEM chain format of quote certification data, base64
**   time.c  UTC calendar times to Unix seconds without the C library's time zone
*/
#ifndef MPAVS_SGX_UTIL_H
#define MPAVS_SGX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/types.h>

#include "mpavs/buf.h"
#include "mpavs/x509.h"
#include "mpavs/err.h"
#include "mpavs/json.h"

/* ---- p256.c ---- */

/** Imports x||y as a P-256 public key; MP_ERR_INVALID if it is not a curve point. */
MP_WUR int mp_p256_key_from_raw(EVP_PKEY **out, const uint8_t xy[64], mp_err *err);
/** Exports a P-256 public key as x||y; MP_ERR_INVALID if the key is not P-256. */
MP_WUR int mp_p256_key_to_raw(uint8_t xy[64], const EVP_PKEY *key, mp_err *err);
/** Verifies a raw r||s ECDSA signature over SHA-256(msg). MP_OK or MP_ERR_VERIFY. */
MP_WUR int mp_p256_verify_raw(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t sig[64],
                              mp_err *err);
/** Signs SHA-256(msg) and writes r||s. */
MP_WUR int mp_p256_sign_raw(uint8_t sig[64], EVP_PKEY *key, const uint8_t *msg, size_t len,
                            mp_err *err);
/** Generates a P-256 key pair. */
MP_WUR int mp_p256_generate(EVP_PKEY **out, mp_err *err);
/** SHA-256. */
void mp_sha256(uint8_t out[32], const void *data, size_t len);

/* ---- der.c ---- */

typedef struct mp_der {
    const uint8_t *p; /* unread bytes */
    size_t n;
} mp_der;

#define MP_DER_INTEGER      0x02
#define MP_DER_OCTET_STRING 0x04
#define MP_DER_OID          0x06
#define MP_DER_ENUMERATED   0x0a
#define MP_DER_SEQUENCE     0x30
#define MP_DER_BOOLEAN      0x01

/** Reads one TLV (single-byte tag, definite minimal length) into *tag and *val. */
MP_WUR int mp_der_next(mp_der *in, uint8_t *tag, mp_der *val, mp_err *err);
/** Reads one TLV that must have the given tag. */
MP_WUR int mp_der_expect(mp_der *in, uint8_t tag, mp_der *val, mp_err *err);
/** Decodes a DER INTEGER's content as a non-negative value <= max. */
MP_WUR int mp_der_uint(const mp_der *val, uint64_t max, uint64_t *out, mp_err *err);

/* Writers used by the simulation: append TLVs to a buffer. */
void mp_der_put_tlv(mp_buf *b, uint8_t tag, const uint8_t *content, size_t len);
void mp_der_put_uint(mp_buf *b, uint8_t tag, uint64_t v);

/* ---- pem.c ---- */

#define MP_PEM_MAX_CERTS 4

/**
 * Splits quote certification data in the strict format of docs/dcap.md
 * (check "pck.chain") into DER certificates appended to ders[0..*n).
 * Accepts at most max blocks; the caller frees the buffers.
 */
MP_WUR int mp_pem_chain_decode(mp_buf *ders, size_t max, size_t *n, const uint8_t *data, size_t len,
                               mp_err *err);
/** Appends one certificate in that format. */
void mp_pem_cert_encode(mp_buf *out, const uint8_t *der, size_t len);
/** Base64 (standard alphabet, padded) of in, appended to out without line breaks. */
void mp_base64_encode(mp_buf *out, const uint8_t *in, size_t len);
/** True when a "-----BEGIN" line starts within the first 64 bytes: collateral
 ** files (certificates, CRLs) may be PEM or DER. */
bool mp_pem_sniff(const uint8_t *data, size_t len);

/* ---- pckext.c ---- */

#define MP_SGX_EXT_OID_LEN 9
/** DER content of OID 1.2.840.113741.1.13.1: Intel's SGX extension of PCK
 ** certificates, and the prefix of the OIDs of its items. */
extern const uint8_t MP_SGX_EXT_OID[MP_SGX_EXT_OID_LEN];

/* ---- cert.c ---- */

/** The raw DER of the subject (subject = true) or issuer Name. */
const uint8_t *mp_x509_raw_name(const mp_x509 *c, bool subject, size_t *len);
/** The certificate's public key as an OpenSSL key (borrowed). */
EVP_PKEY *mp_x509_evp_key(const mp_x509 *c);

/* ---- pcs_json.c ---- */

/**
 * Parses a PCS document {"<key>": {...}, "signature": "<128 hex>"}: the whole
 * document with jansson (duplicate keys rejected), the exact bytes of the
 * key's value (copied to *body_bytes, caller frees) and those bytes parsed
 * again as *body, so what is interpreted is exactly what is signed.
 */
MP_WUR int mp_collateral_signed_parse(const uint8_t *json, size_t len, const char *key,
                                      json_t **body, uint8_t sig[64], uint8_t **body_bytes,
                                      size_t *body_len, mp_err *err);
/** ISO 8601 UTC date member. */
MP_WUR int mp_collateral_date(const json_t *obj, const char *key, int64_t *out, mp_err *err);
/** Optional "advisoryIDs" array of strings (each < MP_DCAP_ADVISORY_LEN bytes). */
MP_WUR int mp_collateral_advisories(const json_t *obj, char ***ids, size_t *n, mp_err *err);
/** Frees an advisory ID list. */
void mp_collateral_advisories_free(char **ids, size_t n);

/* ---- time.c ---- */

/** Unix seconds of a UTC calendar time (proleptic Gregorian); no range surprises. */
int64_t mp_utc_seconds(int year, int month, int day, int hour, int min, int sec);
/** True if the calendar date exists (month length and leap years) and is not
 ** before 1970. */
bool mp_utc_date_valid(int year, int month, int day);
/** Unix seconds of a struct tm read as UTC. */
int64_t mp_tm_to_unix(const struct tm *tm);
/** Parses "YYYY-MM-DDTHH:MM:SSZ" (optional fraction .ddd before Z) strictly. */
MP_WUR int mp_iso8601_parse(const char *s, int64_t *out, mp_err *err);
/** Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (out >= 21 bytes). */
void mp_iso8601_format(char out[21], int64_t t);

#endif /* MPAVS_SGX_UTIL_H */
