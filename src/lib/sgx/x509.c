/*
** x509.c: X.509 certificates and CRLs for DCAP, on OpenSSL. Each wrapper
** caches what verification reads repeatedly (validity as Unix seconds, the
** raw x||y key, raw DER names), so a verification does no conversions twice.
**
** Only P-256 keys are accepted: every certificate in Intel's SGX PKI has one.
*/
#include "mpavs/collateral.h"
#include "mpavs/mem.h"
#include "sgx/sgx_util.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#define CERT_FILE_MAX (1u << 20)

struct mp_x509 {
    X509 *x;
    EVP_PKEY *key; /* owned by x */
    uint8_t pub[64];
    int64_t not_before, not_after;
    char cn[256];
    uint8_t serial[32];
    size_t serial_len;
    const uint8_t *der;
    size_t der_len;
    uint8_t *der_copy;
};

struct mp_crl {
    X509_CRL *c;
    int64_t this_update, next_update;
};

static int asn1_time_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    *out = mp_tm_to_unix(&tm);
    return 1;
}

static const uint8_t *name_der(const X509_NAME *name, size_t *len)
{
    const unsigned char *der = NULL;
    if (name == NULL || X509_NAME_get0_der((X509_NAME *)name, &der, len) != 1) {
        *len = 0;
        return NULL;
    }
    return der;
}

static bool names_equal(const X509_NAME *a, const X509_NAME *b)
{
    size_t la, lb;
    const uint8_t *da = name_der(a, &la), *db = name_der(b, &lb);
    return da != NULL && db != NULL && la == lb && memcmp(da, db, la) == 0;
}

/* The key must be an uncompressed P-256 point; read from the SPKI directly (fast). */
static int fill_key(mp_x509 *c, mp_err *err)
{
    ASN1_OBJECT *alg = NULL;
    const unsigned char *bits = NULL;
    int blen = 0, ptype = 0;
    X509_ALGOR *pa = NULL;
    const void *pval = NULL;
    if (X509_PUBKEY_get0_param(&alg, &bits, &blen, &pa, X509_get_X509_PUBKEY(c->x)) != 1 ||
        pa == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate has no public key");
    X509_ALGOR_get0(NULL, &ptype, &pval, pa);
    if (OBJ_obj2nid(alg) != NID_X9_62_id_ecPublicKey || ptype != V_ASN1_OBJECT ||
        OBJ_obj2nid(pval) != NID_X9_62_prime256v1 || blen != 65 || bits[0] != 0x04)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate key is not an uncompressed P-256 key");
    memcpy(c->pub, bits + 1, 64);
    /* Decoded by d2i_X509, which rejects points off the curve. */
    c->key = X509_get0_pubkey(c->x);
    if (c->key == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate public key is not a valid P-256 point");
    return MP_OK;
}

static int fill_fields(mp_x509 *c, mp_err *err)
{
    MP_TRY(fill_key(c, err));
    if (!asn1_time_unix(X509_get0_notBefore(c->x), &c->not_before) ||
        !asn1_time_unix(X509_get0_notAfter(c->x), &c->not_after))
        return MP_FAIL(err, MP_ERR_PARSE, "certificate validity dates do not parse");
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(c->x), NID_commonName, c->cn,
                                      (int)sizeof c->cn);
    if (n < 0)
        c->cn[0] = 0;
    else if ((size_t)n != strlen(c->cn))
        return MP_FAIL(err, MP_ERR_PARSE, "certificate common name contains a NUL");
    const ASN1_INTEGER *serial = X509_get0_serialNumber(c->x);
    int len = serial ? ASN1_STRING_length(serial) : -1;
    if (serial == NULL || ASN1_STRING_type(serial) != V_ASN1_INTEGER || len <= 0 ||
        len > (int)sizeof c->serial)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate serial number is unusable");
    c->serial_len = (size_t)len;
    memcpy(c->serial, ASN1_STRING_get0_data(serial), c->serial_len);
    return MP_OK;
}

int mp_x509_from_der(mp_x509 **out, const uint8_t *der, size_t len, mp_err *err)
{
    if (len == 0 || len > CERT_FILE_MAX)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate of %zu bytes", len);
    mp_x509 *c = calloc(1, sizeof *c);
    if (c == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    c->der_copy = malloc(len);
    if (c->der_copy == NULL) {
        free(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    memcpy(c->der_copy, der, len);
    const unsigned char *p = c->der_copy;
    c->x = d2i_X509(NULL, &p, (long)len);
    int rc = MP_OK;
    if (c->x == NULL)
        rc = MP_FAIL(err, MP_ERR_PARSE, "not a DER X.509 certificate");
    else if (p != c->der_copy + len)
        rc = MP_FAIL(err, MP_ERR_PARSE, "%zu bytes after the certificate",
                     (size_t)(c->der_copy + len - p));
    else
        rc = fill_fields(c, err);
    if (rc != MP_OK) {
        mp_x509_free(c);
        return rc;
    }
    c->der = c->der_copy;
    c->der_len = len;
    *out = c;
    return MP_OK;
}

static bool looks_pem(const uint8_t *data, size_t len)
{
    static const char tag[] = "-----BEGIN";
    for (size_t i = 0; i + sizeof tag - 1 <= len && i < 64; i++)
        if (memcmp(data + i, tag, sizeof tag - 1) == 0)
            return true;
    return false;
}

int mp_x509_load(mp_x509 **out, const uint8_t *data, size_t len, mp_err *err)
{
    if (!looks_pem(data, len))
        return mp_x509_from_der(out, data, len, err);
    if (len > CERT_FILE_MAX)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate file too large");
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (x == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "not a PEM certificate");
    unsigned char *der = NULL;
    int dlen = i2d_X509(x, &der);
    X509_free(x);
    if (dlen <= 0)
        return MP_FAIL(err, MP_ERR_PARSE, "certificate does not re-encode");
    int rc = mp_x509_from_der(out, der, (size_t)dlen, err);
    OPENSSL_free(der);
    return rc;
}

int mp_x509_load_file(mp_x509 **out, const char *path, mp_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_file_read(path, CERT_FILE_MAX, &data, &len, err));
    int rc = mp_x509_load(out, data, len, err);
    free(data);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", path);
    return rc;
}

void mp_x509_free(mp_x509 *c)
{
    if (c == NULL)
        return;
    X509_free(c->x);
    free(c->der_copy);
    free(c);
}

const uint8_t *mp_x509_pubkey(const mp_x509 *c)
{
    return c->pub;
}

const char *mp_x509_subject_cn(const mp_x509 *c)
{
    return c->cn;
}

const uint8_t *mp_x509_serial(const mp_x509 *c, size_t *len)
{
    *len = c->serial_len;
    return c->serial;
}

int64_t mp_x509_not_before(const mp_x509 *c)
{
    return c->not_before;
}

int64_t mp_x509_not_after(const mp_x509 *c)
{
    return c->not_after;
}

bool mp_x509_valid_at(const mp_x509 *c, int64_t at)
{
    return c->not_before <= at && at <= c->not_after;
}

bool mp_x509_issued_by_name(const mp_x509 *c, const mp_x509 *issuer)
{
    return names_equal(X509_get_issuer_name(c->x), X509_get_subject_name(issuer->x));
}

int mp_x509_verify_signature(const mp_x509 *c, const mp_x509 *issuer, mp_err *err)
{
    if (X509_verify(c->x, issuer->key) != 1)
        return MP_FAIL(err, MP_ERR_VERIFY, "signature of \"%s\" does not verify under \"%s\"",
                       c->cn, issuer->cn);
    return MP_OK;
}

EVP_PKEY *mp_x509_evp_key(const mp_x509 *c)
{
    return c->key;
}

const uint8_t *mp_x509_der(const mp_x509 *c, size_t *len)
{
    *len = c->der_len;
    return c->der;
}

X509 *mp_x509_handle(const mp_x509 *c)
{
    return c->x;
}

/* ---- CRLs ---- */

int mp_crl_load(mp_crl **out, const uint8_t *data, size_t len, mp_err *err)
{
    if (len == 0 || len > CERT_FILE_MAX)
        return MP_FAIL(err, MP_ERR_PARSE, "CRL of %zu bytes", len);
    X509_CRL *x = NULL;
    if (looks_pem(data, len)) {
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

int mp_crl_load_file(mp_crl **out, const char *path, mp_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_file_read(path, CERT_FILE_MAX, &data, &len, err));
    int rc = mp_crl_load(out, data, len, err);
    free(data);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", path);
    return rc;
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
    return names_equal(X509_CRL_get_issuer(crl->c), X509_get_subject_name(issuer->x));
}

bool mp_crl_same_issuer_as(const mp_crl *crl, const mp_x509 *cert)
{
    return names_equal(X509_CRL_get_issuer(crl->c), X509_get_issuer_name(cert->x));
}

int mp_crl_verify_signature(const mp_crl *crl, const mp_x509 *issuer, mp_err *err)
{
    if (X509_CRL_verify(crl->c, issuer->key) != 1)
        return MP_FAIL(err, MP_ERR_VERIFY, "CRL signature does not verify under \"%s\"",
                       issuer->cn);
    return MP_OK;
}

bool mp_crl_lists(const mp_crl *crl, const mp_x509 *cert)
{
    X509_REVOKED *rev = NULL;
    /* Any entry counts, including removeFromCRL (return value 2): Intel lists only revocations. */
    return X509_CRL_get0_by_serial(crl->c, &rev, (ASN1_INTEGER *)X509_get0_serialNumber(cert->x)) !=
           0;
}

size_t mp_crl_count(const mp_crl *crl)
{
    STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl->c);
    return revs ? (size_t)sk_X509_REVOKED_num(revs) : 0;
}
