/*
** quote.c: the v3 quote layout (see include/mpavs/quote.h and
** ../shared/reference/sgx-dcap.md section 1). Checks 10-18 run in order and
** every length is compared with the bytes that remain before anything at its
** offset is read.
*/
#include "mpavs/dcap.h"
#include "mpavs/quote.h"

#include <assert.h>
#include <string.h>

/* The v3 layout. Field offsets inside the header and report body are Intel's
** (with reserved gaps); the quote's sections follow one another, so each is
** derived from the one before it, and the static asserts tie the result to
** the lengths quote.h publishes. */

/* Header (48 bytes). */
enum {
    HDR_VERSION = 0,             /* u16 */
    HDR_ATT_KEY_TYPE = 2,        /* u16 */
    HDR_TEE_TYPE = 4,            /* u32 */
    HDR_QE_SVN = 8,              /* u16 */
    HDR_PCE_SVN = 10,            /* u16 */
    HDR_QE_VENDOR_ID = 12,       /* 16 bytes */
    HDR_USER_DATA = 28,          /* 20 bytes */
    HDR_END = HDR_USER_DATA + 20 /* = MP_QUOTE_HEADER_LEN */
};

/* Report body (384 bytes), for the ISV and the QE report alike. */
enum {
    REP_CPUSVN = 0,                /* 16 bytes */
    REP_MISCSELECT = 16,           /* u32 */
    REP_ATTRIBUTES = 48,           /* 16 bytes */
    REP_MRENCLAVE = 64,            /* 32 bytes */
    REP_MRSIGNER = 128,            /* 32 bytes */
    REP_ISVPRODID = 256,           /* u16 */
    REP_ISVSVN = 258,              /* u16 */
    REP_REPORT_DATA = 320,         /* 64 bytes */
    REP_END = REP_REPORT_DATA + 64 /* = MP_SGX_REPORT_LEN */
};

/* The quote: header, ISV report, then the ECDSA signature data. */
enum {
    Q_ISV_REPORT = HDR_END,
    Q_SIG_DATA_LEN = Q_ISV_REPORT + REP_END, /* u32; = MP_QUOTE_SIGNED_LEN */
    Q_ISV_SIG = Q_SIG_DATA_LEN + 4,          /* 64 bytes, r||s over header||ISV report */
    Q_ATT_KEY = Q_ISV_SIG + 64,              /* 64 bytes, x||y */
    Q_QE_REPORT = Q_ATT_KEY + 64,            /* 384 bytes; = MP_QUOTE_QE_REPORT_AT */
    Q_QE_SIG = Q_QE_REPORT + REP_END,        /* 64 bytes, PCK signature of the QE report */
    Q_QE_AUTH_LEN = Q_QE_SIG + 64,           /* u16 */
    Q_QE_AUTH = Q_QE_AUTH_LEN + 2,           /* qe_auth_len bytes */
};

/* After the QE auth data: the certification data header, then the data. */
enum {
    CERT_TYPE = 0, /* u16 */
    CERT_SIZE = 2, /* u32 */
    CERT_DATA = CERT_SIZE + 4,
};

static_assert(HDR_END == MP_QUOTE_HEADER_LEN, "header length");
static_assert(REP_END == MP_SGX_REPORT_LEN, "report body length");
static_assert(Q_SIG_DATA_LEN == MP_QUOTE_SIGNED_LEN, "signed bytes");
static_assert(Q_QE_REPORT == MP_QUOTE_QE_REPORT_AT, "QE report offset");
static_assert(Q_QE_AUTH + CERT_DATA == MP_QUOTE_MIN_LEN, "shortest quote");

const uint8_t MP_QUOTE_INTEL_QE_VENDOR_ID[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                                 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void mp_sgx_report_decode(mp_sgx_report *r, const uint8_t raw[MP_SGX_REPORT_LEN])
{
    r->raw = raw;
    memcpy(r->cpusvn, raw + REP_CPUSVN, 16);
    memcpy(r->miscselect_raw, raw + REP_MISCSELECT, 4);
    r->miscselect = le32(raw + REP_MISCSELECT);
    memcpy(r->attributes, raw + REP_ATTRIBUTES, 16);
    memcpy(r->mrenclave, raw + REP_MRENCLAVE, 32);
    memcpy(r->mrsigner, raw + REP_MRSIGNER, 32);
    r->isvprodid = le16(raw + REP_ISVPRODID);
    r->isvsvn = le16(raw + REP_ISVSVN);
    memcpy(r->report_data, raw + REP_REPORT_DATA, 64);
}

bool mp_sgx_report_is_debug(const mp_sgx_report *r)
{
    return (r->attributes[0] & 0x02) != 0;
}

#define QFAIL(check, ...) MP_FAIL(err, MP_RC(MP_ERR_QUOTE, check), __VA_ARGS__)

static int parse_header(mp_quote *q, const uint8_t *d, mp_err *err)
{
    q->version = le16(d + HDR_VERSION);
    q->att_key_type = le16(d + HDR_ATT_KEY_TYPE);
    q->tee_type = le32(d + HDR_TEE_TYPE);
    q->qe_svn = le16(d + HDR_QE_SVN);
    q->pce_svn = le16(d + HDR_PCE_SVN);
    memcpy(q->qe_vendor_id, d + HDR_QE_VENDOR_ID, 16);
    memcpy(q->user_data, d + HDR_USER_DATA, 20);
    if (q->version != 3)
        return QFAIL(MP_DCAP_HEADER_VERSION,
                     "header.version: quote version %u, only 3 is supported", q->version);
    if (q->att_key_type != 2)
        return QFAIL(MP_DCAP_HEADER_KEY_TYPE,
                     "header.att_key_type: attestation key type %u, only 2 (ECDSA P-256)",
                     q->att_key_type);
    if (q->tee_type != 0)
        return QFAIL(MP_DCAP_HEADER_TEE_TYPE,
                     "header.tee_type: TEE type 0x%x, a v3 quote is SGX (0)",
                     (unsigned)q->tee_type);
    if (memcmp(q->qe_vendor_id, MP_QUOTE_INTEL_QE_VENDOR_ID, 16) != 0)
        return QFAIL(MP_DCAP_HEADER_QE_VENDOR, "header.qe_vendor_id: not Intel's QE vendor id");
    return MP_OK;
}

int mp_quote_parse(mp_quote *q, const uint8_t *d, size_t len, mp_err *err)
{
    memset(q, 0, sizeof *q);
    q->data = d;
    q->len = len;
    if (d == NULL || len < MP_QUOTE_MIN_LEN || len > MP_QUOTE_MAX_LEN)
        return QFAIL(MP_DCAP_QUOTE_SIZE, "quote.size: %zu bytes, a v3 quote has %d to %d", len,
                     MP_QUOTE_MIN_LEN, MP_QUOTE_MAX_LEN);
    mp_sgx_report_decode(&q->isv, d + Q_ISV_REPORT);
    MP_TRY(parse_header(q, d, err));
    q->sig_data_len = le32(d + Q_SIG_DATA_LEN);
    if (q->sig_data_len != len - Q_ISV_SIG)
        return QFAIL(MP_DCAP_SIG_DATA_LEN,
                     "quote.sig_data_len: signature data length %u, but %zu bytes follow it",
                     (unsigned)q->sig_data_len, len - Q_ISV_SIG);
    q->isv_sig = d + Q_ISV_SIG;
    q->att_key = d + Q_ATT_KEY;
    mp_sgx_report_decode(&q->qe, d + Q_QE_REPORT);
    q->qe_sig = d + Q_QE_SIG;
    q->qe_auth_len = le16(d + Q_QE_AUTH_LEN);
    /* The auth data and the certification data header after it must fit. */
    if ((size_t)Q_QE_AUTH + q->qe_auth_len + CERT_DATA > len)
        return QFAIL(MP_DCAP_QE_AUTH_DATA,
                     "quote.qe_auth_data: %u bytes of QE auth data do not fit", q->qe_auth_len);
    q->qe_auth = d + Q_QE_AUTH;
    size_t at = Q_QE_AUTH + (size_t)q->qe_auth_len;
    q->cert_type = le16(d + at + CERT_TYPE);
    if (q->cert_type != MP_QUOTE_CERT_PCK_CHAIN)
        return QFAIL(MP_DCAP_CERT_TYPE,
                     "quote.cert_type: certification data type %u, only 5 (PCK chain)",
                     q->cert_type);
    q->cert_data_len = le32(d + at + CERT_SIZE);
    if (len - (at + CERT_DATA) != q->cert_data_len)
        return QFAIL(MP_DCAP_CERT_DATA_SIZE,
                     "quote.cert_data_size: certification data size %u, but %zu bytes remain",
                     (unsigned)q->cert_data_len, len - (at + CERT_DATA));
    q->cert_data = d + at + CERT_DATA;
    return MP_OK;
}
