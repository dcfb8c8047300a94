/*
** cert.c: X.509 certificates of Intel's SGX PKI, parsed with the bounded DER
** reader (der.c) rather than OpenSSL's d2i_X509, whose provider-based key
** decoding costs ~80 us per certificate: two certificates are parsed per
** verified quote. Only the profile Intel uses is accepted, strictly:
**
**   Certificate ::= SEQUENCE { tbs, AlgorithmIdentifier ecdsa-with-SHA256, BIT STRING }
**   tbs ::= SEQUENCE { [0] version 3, serial, ecdsa-with-SHA256 (same bytes as outside),
**                      issuer, validity, subject, SPKI id-ecPublicKey prime256v1
**                      uncompressed point, [1]/[2] unique ids (skipped), [3] extensions }
**
** Signatures are verified by OpenSSL over the raw TBS bytes with the issuer's
** key (imported from x||y, which checks the point is on the curve).
*/
#include "mpavs/file.h"
#include "mpavs/mem.h"
#include "mpavs/x509.h"
#include "sgx/sgx_util.h"

#include <openssl/pem.h>
#include <string.h>

#define CERT_MAX (1u << 20)

struct mp_x509 {
    uint8_t *der; /* owned copy */
    size_t der_len;
    mp_der tbs;    /* the signed bytes (whole TLV) */
    mp_der sig;    /* ECDSA-Sig-Value DER from the BIT STRING */
    mp_der issuer; /* raw Name TLVs */
    mp_der subject;
    mp_der sgx_ext; /* value of the SGX extension (empty if absent) */
    int n_sgx_ext;  /* how many SGX extensions there are */
    uint8_t serial[32];
    size_t serial_len;
    int64_t not_before, not_after;
    char cn[256];
    uint8_t pub[64];
    EVP_PKEY *key;
};

/* DER of AlgorithmIdentifier { ecdsa-with-SHA256 } (no parameters), as Intel encodes it. */
static const uint8_t ALG_ECDSA_SHA256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
/* DER of AlgorithmIdentifier { id-ecPublicKey, prime256v1 }. */
static const uint8_t ALG_EC_P256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                      0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
                                      0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_CN[] = {0x55, 0x04, 0x03};

#define PFAIL(...) MP_FAIL(err, MP_ERR_PARSE, __VA_ARGS__)

/* Reads one element with its header kept: *tlv spans tag..end. */
static int next_tlv(mp_der *in, uint8_t tag, mp_der *tlv, mp_der *val, mp_err *err)
{
    const uint8_t *start = in->p;
    MP_TRY(mp_der_expect(in, tag, val, err));
    tlv->p = start;
    tlv->n = (size_t)(in->p - start);
    return MP_OK;
}

static bool der_is(const mp_der *d, const uint8_t *bytes, size_t n)
{
    return d->n == n && memcmp(d->p, bytes, n) == 0;
}

static bool two_digits(const uint8_t *p, int *out)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return false;
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return true;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 forms only). */
static int parse_time(mp_der *in, int64_t *out, mp_err *err)
{
    uint8_t tag;
    mp_der v;
    MP_TRY(mp_der_next(in, &tag, &v, err));
    int y, hi, mo, d, h, mi, s;
    const uint8_t *p = v.p;
    if (tag == 0x17 && v.n == 13 && two_digits(p, &y)) {
        y += y < 50 ? 2000 : 1900;
        p += 2;
    } else if (tag == 0x18 && v.n == 15 && two_digits(p, &hi) && two_digits(p + 2, &y)) {
        y += hi * 100;
        p += 4;
    } else {
        return PFAIL("certificate time is not UTCTime or GeneralizedTime in Z form");
    }
    if (!two_digits(p, &mo) || !two_digits(p + 2, &d) || !two_digits(p + 4, &h) ||
        !two_digits(p + 6, &mi) || !two_digits(p + 8, &s) || p[10] != 'Z' ||
        !mp_utc_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 59)
        return PFAIL("certificate time out of range");
    *out = mp_utc_seconds(y, mo, d, h, mi, s);
    return MP_OK;
}

/* The first (and only) common name of a Name, as text without NULs. */
static int name_cn(const mp_der *name_val, char *cn, size_t cap, mp_err *err)
{
    mp_der rdns = *name_val;
    bool found = false;
    cn[0] = 0;
    while (rdns.n > 0) {
        mp_der set, atv, oid, str;
        uint8_t tag;
        MP_TRY(mp_der_expect(&rdns, 0x31, &set, err));
        while (set.n > 0) {
            MP_TRY(mp_der_expect(&set, MP_DER_SEQUENCE, &atv, err));
            MP_TRY(mp_der_expect(&atv, MP_DER_OID, &oid, err));
            MP_TRY(mp_der_next(&atv, &tag, &str, err));
            if (atv.n != 0)
                return PFAIL("name attribute has extra bytes");
            if (!der_is(&oid, OID_CN, sizeof OID_CN))
                continue;
            if (found)
                return PFAIL("name has two common names");
            if (tag != 0x0c && tag != 0x13 && tag != 0x14 && tag != 0x16)
                return PFAIL("common name has an unsupported string type");
            if (str.n >= cap || memchr(str.p, 0, str.n) != NULL)
                return PFAIL("common name too long or contains a NUL");
            memcpy(cn, str.p, str.n);
            cn[str.n] = 0;
            found = true;
        }
    }
    return MP_OK;
}

static int parse_serial(mp_x509 *c, mp_der *tbs, mp_err *err)
{
    mp_der v;
    MP_TRY(mp_der_expect(tbs, MP_DER_INTEGER, &v, err));
    if (v.n == 0 || (v.p[0] & 0x80))
        return PFAIL("certificate serial number is empty or negative");
    if (v.n > 1 && v.p[0] == 0 && !(v.p[1] & 0x80))
        return PFAIL("certificate serial number is not minimally encoded");
    if (v.p[0] == 0) {
        v.p++;
        v.n--;
    }
    if (v.n > 20)
        return PFAIL("certificate serial number longer than 20 bytes");
    memcpy(c->serial, v.p, v.n);
    c->serial_len = v.n;
    return MP_OK;
}

static int parse_spki(mp_x509 *c, mp_der *tbs, mp_err *err)
{
    mp_der spki, alg_tlv, alg, bits;
    MP_TRY(mp_der_expect(tbs, MP_DER_SEQUENCE, &spki, err));
    MP_TRY(next_tlv(&spki, MP_DER_SEQUENCE, &alg_tlv, &alg, err));
    MP_TRY(mp_der_expect(&spki, 0x03, &bits, err));
    if (!der_is(&alg_tlv, ALG_EC_P256, sizeof ALG_EC_P256) || spki.n != 0)
        return PFAIL("certificate key is not an ECDSA P-256 key");
    if (bits.n != 66 || bits.p[0] != 0 || bits.p[1] != 0x04)
        return PFAIL("certificate key is not an uncompressed P-256 point");
    memcpy(c->pub, bits.p + 2, 64);
    if (mp_p256_key_from_raw(&c->key, c->pub, err) != MP_OK)
        return PFAIL("certificate key is not a point on P-256");
    return MP_OK;
}

/* [3] EXPLICIT Extensions: remembers the SGX extension's value. */
static int parse_extensions(mp_x509 *c, mp_der *tbs, mp_err *err)
{
    mp_der wrap, list;
    MP_TRY(mp_der_expect(tbs, 0xa3, &wrap, err));
    MP_TRY(mp_der_expect(&wrap, MP_DER_SEQUENCE, &list, err));
    if (wrap.n != 0)
        return PFAIL("bytes after the certificate extensions");
    while (list.n > 0) {
        mp_der ext, oid, val;
        uint8_t tag;
        MP_TRY(mp_der_expect(&list, MP_DER_SEQUENCE, &ext, err));
        MP_TRY(mp_der_expect(&ext, MP_DER_OID, &oid, err));
        MP_TRY(mp_der_next(&ext, &tag, &val, err));
        if (tag == MP_DER_BOOLEAN)
            MP_TRY(mp_der_expect(&ext, MP_DER_OCTET_STRING, &val, err));
        else if (tag != MP_DER_OCTET_STRING)
            return PFAIL("certificate extension value is not an OCTET STRING");
        if (ext.n != 0)
            return PFAIL("bytes after a certificate extension");
        if (der_is(&oid, MP_SGX_EXT_OID, MP_SGX_EXT_OID_LEN)) {
            c->sgx_ext = val;
            c->n_sgx_ext++;
        }
    }
    return MP_OK;
}

static int parse_tbs(mp_x509 *c, mp_der tbs, const mp_der *outer_alg, mp_err *err)
{
    mp_der ver, ver_int, alg_tlv, alg, validity, name;
    uint64_t version;
    MP_TRY(mp_der_expect(&tbs, 0xa0, &ver, err));
    MP_TRY(mp_der_expect(&ver, MP_DER_INTEGER, &ver_int, err));
    if (ver.n != 0 || mp_der_uint(&ver_int, 2, &version, err) != MP_OK || version != 2)
        return PFAIL("certificate is not X.509 version 3");
    MP_TRY(parse_serial(c, &tbs, err));
    MP_TRY(next_tlv(&tbs, MP_DER_SEQUENCE, &alg_tlv, &alg, err));
    if (!der_is(&alg_tlv, outer_alg->p, outer_alg->n))
        return PFAIL("certificate signature algorithms differ inside and outside");
    MP_TRY(next_tlv(&tbs, MP_DER_SEQUENCE, &c->issuer, &name, err));
    MP_TRY(mp_der_expect(&tbs, MP_DER_SEQUENCE, &validity, err));
    MP_TRY(parse_time(&validity, &c->not_before, err));
    MP_TRY(parse_time(&validity, &c->not_after, err));
    if (validity.n != 0)
        return PFAIL("bytes after the certificate validity");
    MP_TRY(next_tlv(&tbs, MP_DER_SEQUENCE, &c->subject, &name, err));
    MP_TRY(name_cn(&name, c->cn, sizeof c->cn, err));
    MP_TRY(parse_spki(c, &tbs, err));
    while (tbs.n > 0 &&
           (tbs.p[0] == 0x81 || tbs.p[0] == 0x82 || tbs.p[0] == 0xa1 || tbs.p[0] == 0xa2)) {
        uint8_t tag;
        mp_der skip;
        MP_TRY(mp_der_next(&tbs, &tag, &skip, err)); /* unique identifiers: unused */
    }
    if (tbs.n > 0)
        MP_TRY(parse_extensions(c, &tbs, err));
    if (tbs.n != 0)
        return PFAIL("bytes after the certificate's TBS fields");
    return MP_OK;
}

static int parse_cert(mp_x509 *c, mp_err *err)
{
    mp_der in = {c->der, c->der_len}, cert, tbs_val, alg_tlv, alg, bits;
    MP_TRY(mp_der_expect(&in, MP_DER_SEQUENCE, &cert, err));
    if (in.n != 0)
        return PFAIL("%zu bytes after the certificate", in.n);
    MP_TRY(next_tlv(&cert, MP_DER_SEQUENCE, &c->tbs, &tbs_val, err));
    MP_TRY(next_tlv(&cert, MP_DER_SEQUENCE, &alg_tlv, &alg, err));
    MP_TRY(mp_der_expect(&cert, 0x03, &bits, err));
    if (cert.n != 0)
        return PFAIL("bytes after the certificate signature");
    if (!der_is(&alg_tlv, ALG_ECDSA_SHA256, sizeof ALG_ECDSA_SHA256))
        return PFAIL("certificate is not signed with ecdsa-with-SHA256");
    if (bits.n < 2 || bits.p[0] != 0)
        return PFAIL("certificate signature BIT STRING is malformed");
    c->sig.p = bits.p + 1;
    c->sig.n = bits.n - 1;
    return parse_tbs(c, tbs_val, &alg_tlv, err);
}

int mp_x509_from_der(mp_x509 **out, const uint8_t *der, size_t len, mp_err *err)
{
    if (der == NULL || len == 0 || len > CERT_MAX)
        return PFAIL("certificate of %zu bytes", len);
    mp_x509 *c = calloc(1, sizeof *c);
    if (c == NULL || (c->der = malloc(len)) == NULL) {
        free(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    memcpy(c->der, der, len);
    c->der_len = len;
    int rc = parse_cert(c, err);
    if (rc != MP_OK) {
        mp_x509_free(c);
        return rc;
    }
    *out = c;
    return MP_OK;
}

/* PEM files (collateral) are read leniently with OpenSSL, then parsed strictly as DER. */
int mp_x509_load(mp_x509 **out, const uint8_t *data, size_t len, mp_err *err)
{
    if (!mp_pem_sniff(data, len))
        return mp_x509_from_der(out, data, len, err);
    if (len > CERT_MAX)
        return PFAIL("certificate file too large");
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long dlen = 0;
    int ok = bio != NULL && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1 &&
             strcmp(name, "CERTIFICATE") == 0 && dlen > 0;
    int rc = ok ? mp_x509_from_der(out, der, (size_t)dlen, err) : PFAIL("not a PEM certificate");
    BIO_free(bio);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    return rc;
}

static int parse_file(void *out, const uint8_t *data, size_t len, mp_err *err)
{
    return mp_x509_load(out, data, len, err);
}

int mp_x509_load_file(mp_x509 **out, const char *path, mp_err *err)
{
    return mp_file_parse(path, CERT_MAX, parse_file, out, err);
}

void mp_x509_free(mp_x509 *c)
{
    if (c == NULL)
        return;
    EVP_PKEY_free(c->key);
    free(c->der);
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
    return c->issuer.n == issuer->subject.n &&
           memcmp(c->issuer.p, issuer->subject.p, c->issuer.n) == 0;
}

int mp_x509_verify_signature(const mp_x509 *c, const mp_x509 *issuer, mp_err *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, issuer->key) == 1 &&
             EVP_DigestVerify(md, c->sig.p, c->sig.n, c->tbs.p, c->tbs.n) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return MP_FAIL(err, MP_ERR_VERIFY, "signature of \"%s\" does not verify under \"%s\"",
                       c->cn, issuer->cn);
    return MP_OK;
}

const uint8_t *mp_x509_der(const mp_x509 *c, size_t *len)
{
    *len = c->der_len;
    return c->der;
}

EVP_PKEY *mp_x509_evp_key(const mp_x509 *c)
{
    return c->key;
}

const uint8_t *mp_x509_raw_name(const mp_x509 *c, bool subject, size_t *len)
{
    const mp_der *n = subject ? &c->subject : &c->issuer;
    *len = n->n;
    return n->p;
}

int mp_pck_ext_from_cert(mp_pck_ext *ext, const mp_x509 *pck, mp_err *err)
{
    if (pck->n_sgx_ext == 0)
        return PFAIL("PCK certificate has no SGX extension");
    if (pck->n_sgx_ext > 1)
        return PFAIL("PCK certificate has %d SGX extensions", pck->n_sgx_ext);
    return mp_pck_ext_parse(ext, pck->sgx_ext.p, pck->sgx_ext.n, err);
}
