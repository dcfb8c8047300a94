/*
** quote.c: the v3 quote layout (see include/mpavs/quote.h and
** ../shared/reference/sgx-dcap.md section 1). Checks 10-18 run in order and
** every length is compared with the bytes that remain before anything at its
** offset is read.
*/
#include "mpavs/dcap.h"
#include "mpavs/quote.h"

#include <string.h>

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
    memcpy(r->cpusvn, raw, 16);
    memcpy(r->miscselect_raw, raw + 16, 4);
    r->miscselect = le32(raw + 16);
    memcpy(r->attributes, raw + 48, 16);
    memcpy(r->mrenclave, raw + 64, 32);
    memcpy(r->mrsigner, raw + 128, 32);
    r->isvprodid = le16(raw + 256);
    r->isvsvn = le16(raw + 258);
    memcpy(r->report_data, raw + 320, 64);
}

bool mp_sgx_report_is_debug(const mp_sgx_report *r)
{
    return (r->attributes[0] & 0x02) != 0;
}

#define QFAIL(check, ...) MP_FAIL(err, MP_RC(MP_ERR_QUOTE, check), __VA_ARGS__)

static int parse_header(mp_quote *q, const uint8_t *d, mp_err *err)
{
    q->version = le16(d);
    q->att_key_type = le16(d + 2);
    q->tee_type = le32(d + 4);
    q->qe_svn = le16(d + 8);
    q->pce_svn = le16(d + 10);
    memcpy(q->qe_vendor_id, d + 12, 16);
    memcpy(q->user_data, d + 28, 20);
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
    mp_sgx_report_decode(&q->isv, d + MP_QUOTE_HEADER_LEN);
    MP_TRY(parse_header(q, d, err));
    q->sig_data_len = le32(d + 432);
    if (q->sig_data_len != len - 436)
        return QFAIL(MP_DCAP_SIG_DATA_LEN,
                     "quote.sig_data_len: signature data length %u, but %zu bytes follow it",
                     (unsigned)q->sig_data_len, len - 436);
    q->isv_sig = d + 436;
    q->att_key = d + 500;
    mp_sgx_report_decode(&q->qe, d + MP_QUOTE_QE_REPORT_AT);
    q->qe_sig = d + 948;
    q->qe_auth_len = le16(d + 1012);
    /* The auth data and the 6 bytes after it (type, size) must fit. */
    if ((size_t)MP_QUOTE_MIN_LEN + q->qe_auth_len > len)
        return QFAIL(MP_DCAP_QE_AUTH_DATA,
                     "quote.qe_auth_data: %u bytes of QE auth data do not fit", q->qe_auth_len);
    q->qe_auth = d + 1014;
    size_t at = 1014 + (size_t)q->qe_auth_len;
    q->cert_type = le16(d + at);
    if (q->cert_type != MP_QUOTE_CERT_PCK_CHAIN)
        return QFAIL(MP_DCAP_CERT_TYPE,
                     "quote.cert_type: certification data type %u, only 5 (PCK chain)",
                     q->cert_type);
    q->cert_data_len = le32(d + at + 2);
    if (len - (at + 6) != q->cert_data_len)
        return QFAIL(MP_DCAP_CERT_DATA_SIZE,
                     "quote.cert_data_size: certification data size %u, but %zu bytes remain",
                     (unsigned)q->cert_data_len, len - (at + 6));
    q->cert_data = d + at + 6;
    return MP_OK;
}
