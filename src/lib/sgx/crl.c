/*
** crl.c: X.509 CRLs (root CA CRL, PCK CRLs) on OpenSSL: parsed once as
** collateral; issuers compared as raw DER names with certificates (cert.c);
** signatures checked with the issuer's key; revocation by serial number.
*/
#include "mpavs/crl.h"
#include "mpavs/file.h"
#include "mpavs/mem.h"
#include "sgx/sgx_util.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#define CRL_MAX (1u << 20)

struct mp_crl {
    X509_CRL *c;
    int64_t this_update, next_update;
};

static bool asn1_time_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = mp_tm_to_unix(&tm);
    return *out >= 0; /* before 1970: refused, as certificate dates are */
}

/* The CRL issuer's DER equals the given raw name. */
static bool issuer_is(const mp_crl *crl, const uint8_t *name, size_t len)
{
    const unsigned char *der = NULL;
    size_t dlen = 0;
    if (X509_NAME_get0_der(X509_CRL_get_issuer(crl->c), &der, &dlen) != 1)
        return false;
    return dlen == len && memcmp(der, name, len) == 0;
}

int mp_crl_load(mp_crl **out, const uint8_t *data, size_t len, mp_err *err)
{
    if (len == 0 || len > CRL_MAX)
        return MP_FAIL(err, MP_ERR_PARSE, "CRL of %zu bytes", len);
    X509_CRL *x = NULL;
    if (mp_pem_sniff(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        x = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        x = d2i_X509_CRL(NULL, &p, (long)len);
        if (x != NULL && p != data + len) {
            X509_CRL_free(x);
            return MP_FAIL(err, MP_ERR_PARSE, "bytes after the DER CRL");
        }
    }
    if (x == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "not a DER or PEM X.509 CRL");
    /* (The TBS copy of the algorithm is covered by the signature itself.) */
    if (X509_CRL_get_signature_nid(x) != NID_ecdsa_with_SHA256) {
        X509_CRL_free(x);
        return MP_FAIL(err, MP_ERR_PARSE, "CRL is not signed with ecdsa-with-SHA256");
    }
    mp_crl *crl = calloc(1, sizeof *crl);
    if (crl == NULL) {
        X509_CRL_free(x);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    crl->c = x;
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(x);
    if (!asn1_time_unix(X509_CRL_get0_lastUpdate(x), &crl->this_update) ||
        (next != NULL && !asn1_time_unix(next, &crl->next_update))) {
        mp_crl_free(crl);
        return MP_FAIL(err, MP_ERR_PARSE, "CRL dates do not parse");
    }
    *out = crl;
    return MP_OK;
}

static int parse_file(void *out, const uint8_t *data, size_t len, mp_err *err)
{
    return mp_crl_load(out, data, len, err);
}

int mp_crl_load_file(mp_crl **out, const char *path, mp_err *err)
{
    return mp_file_parse(path, CRL_MAX, parse_file, out, err);
}

void mp_crl_free(mp_crl *crl)
{
    if (crl == NULL)
        return;
    X509_CRL_free(crl->c);
    free(crl);
}

int64_t mp_crl_this_update(const mp_crl *crl)
{
    return crl->this_update;
}

int64_t mp_crl_next_update(const mp_crl *crl)
{
    return crl->next_update;
}

bool mp_crl_valid_at(const mp_crl *crl, int64_t at)
{
    return crl->next_update != 0 && crl->this_update <= at && at <= crl->next_update;
}

bool mp_crl_issued_by_name(const mp_crl *crl, const mp_x509 *issuer)
{
    size_t len;
    const uint8_t *name = mp_x509_raw_name(issuer, true, &len);
    return issuer_is(crl, name, len);
}

bool mp_crl_same_issuer_as(const mp_crl *crl, const mp_x509 *cert)
{
    size_t len;
    const uint8_t *name = mp_x509_raw_name(cert, false, &len);
    return issuer_is(crl, name, len);
}

int mp_crl_verify_signature(const mp_crl *crl, const mp_x509 *issuer, mp_err *err)
{
    if (X509_CRL_verify(crl->c, mp_x509_evp_key(issuer)) != 1)
        return MP_FAIL(err, MP_ERR_VERIFY, "CRL signature does not verify under \"%s\"",
                       mp_x509_subject_cn(issuer));
    return MP_OK;
}

bool mp_crl_lists(const mp_crl *crl, const mp_x509 *cert)
{
    size_t len;
    const uint8_t *serial = mp_x509_serial(cert, &len);
    STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl->c);
    int n = revs ? sk_X509_REVOKED_num(revs) : 0;
    /* Any entry counts (Intel's CRLs list revocations only); serials compare as magnitudes. */
    for (int i = 0; i < n; i++) {
        const ASN1_INTEGER *s = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revs, i));
        if (s != NULL && ASN1_STRING_type(s) == V_ASN1_INTEGER &&
            (size_t)ASN1_STRING_length(s) == len &&
            memcmp(ASN1_STRING_get0_data(s), serial, len) == 0)
            return true;
    }
    return false;
}

size_t mp_crl_count(const mp_crl *crl)
{
    STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl->c);
    return revs ? (size_t)sk_X509_REVOKED_num(revs) : 0;
}
