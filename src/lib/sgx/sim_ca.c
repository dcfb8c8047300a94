/*
** sim_ca.c: creates the simulated SGX PKI and its collateral in a directory
** (layout in sim.h and docs/dcap.md), in Intel's formats so that the one
** verifier checks simulated quotes exactly as it checks real ones.
**
** Keys are fresh P-256 keys written as PKCS#8 PEM with mode 0600; they are
** development keys and never leave the directory except through the
** simulated QE's signatures.
*/
#include "mpavs/dcap.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/sgxsim.h"
#include "sgx/sgx_util.h"
#include "sgx/sim.h"

#include <errno.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CERT_YEARS 10

static const uint8_t SIM_CPUSVN[16] = {16, 16, 3, 3, 255, 255, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0};

void mp_sgxsim_opts_init(mp_sgxsim_opts *o)
{
    memset(o, 0, sizeof *o);
    o->days = 365;
    o->tcb_status = MP_TCB_UP_TO_DATE;
    o->qe_status = MP_TCB_UP_TO_DATE;
}

int mp_sim_path(char *out, const char *dir, const char *name, mp_err *err)
{
    int n = snprintf(out, SIM_MAX_PATH, "%s/%s", dir, name);
    if (n < 0 || n >= SIM_MAX_PATH)
        return MP_FAIL(err, MP_ERR_INVALID, "path too long: %s/%s", dir, name);
    return MP_OK;
}

static int write_file(const char *dir, const char *name, const void *data, size_t len,
                      unsigned mode, mp_err *err)
{
    char path[SIM_MAX_PATH];
    MP_TRY(mp_sim_path(path, dir, name, err));
    return mp_file_write_atomic(path, data, len, mode, err);
}

static int write_key(const char *dir, const char *name, EVP_PKEY *key, mp_err *err)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    char *pem = NULL;
    long len = 0;
    int rc = MP_OK;
    if (bio == NULL || PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1 ||
        (len = BIO_get_mem_data(bio, &pem)) <= 0)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "cannot encode a private key");
    else
        rc = write_file(dir, name, pem, (size_t)len, 0600, err);
    BIO_free(bio); /* secure memory BIO: wiped when freed */
    return rc;
}

int mp_sim_read_key(EVP_PKEY **out, const char *dir, const char *name, mp_err *err)
{
    char path[SIM_MAX_PATH];
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_sim_path(path, dir, name, err));
    MP_TRY(mp_file_read(path, 1 << 16, &data, &len, err));
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    mp_memzero(data, len);
    free(data);
    if (key == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s is not a PEM private key", path);
    *out = key;
    return MP_OK;
}

/* ---- certificates ---------------------------------------------------------- */

static int set_name(X509_NAME *name, const char *cn)
{
    return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                      0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                      (const unsigned char *)"mpavs development PKI (not Intel)",
                                      -1, -1, 0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1,
                                      0) == 1;
}

/* A random positive 20-byte serial number, as Intel's. */
static ASN1_INTEGER *random_serial(void)
{
    uint8_t raw[20];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return NULL;
    raw[0] = (uint8_t)((raw[0] & 0x7f) | 0x40);
    BIGNUM *bn = BN_bin2bn(raw, sizeof raw, NULL);
    ASN1_INTEGER *serial = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    BN_free(bn);
    return serial;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

static int add_sgx_ext(X509 *cert, const mp_buf *der)
{
    ASN1_OBJECT *obj = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    int ok = obj && val && ASN1_OCTET_STRING_set(val, der->data, (int)der->len) == 1 &&
             (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, val)) != NULL &&
             X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(val);
    ASN1_OBJECT_free(obj);
    return ok;
}

typedef struct cert_spec {
    const char *cn;
    EVP_PKEY *key; /* the subject's key */
    X509 *issuer;  /* NULL: self-signed */
    EVP_PKEY *issuer_key;
    int64_t not_before, not_after;
    bool ca;
    const mp_buf *sgx_ext; /* PCK certificates only */
} cert_spec;

static int build_cert(X509 **out, const cert_spec *s, mp_err *err)
{
    X509 *x = X509_new();
    ASN1_INTEGER *serial = random_serial();
    int ok = x && serial && X509_set_version(x, 2) == 1 && X509_set_serialNumber(x, serial) == 1 &&
             set_name(X509_get_subject_name(x), s->cn) &&
             X509_set_issuer_name(x, s->issuer ? X509_get_subject_name(s->issuer)
                                               : X509_get_subject_name(x)) == 1 &&
             ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before) != NULL &&
             ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after) != NULL &&
             X509_set_pubkey(x, s->key) == 1;
    X509 *iss = s->issuer ? s->issuer : x;
    ok = ok && add_ext(x, iss, NID_subject_key_identifier, "hash") &&
         add_ext(x, iss, NID_authority_key_identifier, "keyid:always") &&
         add_ext(x, iss, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
         add_ext(x, iss, NID_key_usage,
                 s->ca ? "critical,keyCertSign,cRLSign"
                       : "critical,digitalSignature,nonRepudiation");
    if (ok && s->sgx_ext)
        ok = add_sgx_ext(x, s->sgx_ext);
    ok = ok && X509_sign(x, s->issuer_key, EVP_sha256()) > 0;
    ASN1_INTEGER_free(serial);
    if (!ok) {
        X509_free(x);
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot build the certificate \"%s\"", s->cn);
    }
    *out = x;
    return MP_OK;
}

/* The SGX extension value for the simulated platform (docs/dcap.md, check 50). */
static void sgx_extension(mp_buf *out, const uint8_t fmspc[6], const uint8_t ppid[16])
{
    mp_buf items = MP_BUF_INIT, tcb = MP_BUF_INIT, one = MP_BUF_INIT;
    uint8_t o[MP_SGX_EXT_OID_LEN + 2];
    memcpy(o, MP_SGX_EXT_OID, MP_SGX_EXT_OID_LEN);
    uint8_t pceid[2] = {0, 0};
    for (int k = 1; k <= 18; k++) {
        one.len = 0;
        o[MP_SGX_EXT_OID_LEN] = 2;
        o[MP_SGX_EXT_OID_LEN + 1] = (uint8_t)k;
        mp_der_put_tlv(&one, MP_DER_OID, o, sizeof o);
        if (k <= 16)
            mp_der_put_uint(&one, MP_DER_INTEGER, SIM_CPUSVN[k - 1]);
        else if (k == 17)
            mp_der_put_uint(&one, MP_DER_INTEGER, SIM_PCESVN);
        else
            mp_der_put_tlv(&one, MP_DER_OCTET_STRING, SIM_CPUSVN, 16);
        mp_der_put_tlv(&tcb, MP_DER_SEQUENCE, one.data, one.len);
    }
    for (int k = 1; k <= 5; k++) {
        one.len = 0;
        o[MP_SGX_EXT_OID_LEN] = (uint8_t)k;
        mp_der_put_tlv(&one, MP_DER_OID, o, MP_SGX_EXT_OID_LEN + 1);
        if (k == 1)
            mp_der_put_tlv(&one, MP_DER_OCTET_STRING, ppid, 16);
        else if (k == 2)
            mp_der_put_tlv(&one, MP_DER_SEQUENCE, tcb.data, tcb.len);
        else if (k == 3)
            mp_der_put_tlv(&one, MP_DER_OCTET_STRING, pceid, 2);
        else if (k == 4)
            mp_der_put_tlv(&one, MP_DER_OCTET_STRING, fmspc, 6);
        else
            mp_der_put_uint(&one, MP_DER_ENUMERATED, 0);
        mp_der_put_tlv(&items, MP_DER_SEQUENCE, one.data, one.len);
    }
    mp_der_put_tlv(out, MP_DER_SEQUENCE, items.data, items.len);
    out->oom |= items.oom || tcb.oom || one.oom;
    mp_buf_free(&items);
    mp_buf_free(&tcb);
    mp_buf_free(&one);
}

/* ---- CRLs ------------------------------------------------------------------ */

static int build_crl(X509_CRL **out, X509 *issuer, EVP_PKEY *key, int64_t this_update,
                     int64_t next_update, X509 *const *revoked, size_t n, mp_err *err)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *tu = ASN1_TIME_set(NULL, (time_t)this_update);
    ASN1_TIME *nu = ASN1_TIME_set(NULL, (time_t)next_update);
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    int ok = crl && tu && nu && number && X509_CRL_set_version(crl, 1) == 1 &&
             X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) == 1 &&
             X509_CRL_set1_lastUpdate(crl, tu) == 1 && X509_CRL_set1_nextUpdate(crl, nu) == 1 &&
             ASN1_INTEGER_set(number, 1) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ok = r &&
             X509_REVOKED_set_serialNumber(r, (ASN1_INTEGER *)X509_get0_serialNumber(revoked[i])) ==
                 1 &&
             X509_REVOKED_set_revocationDate(r, tu) == 1 && X509_CRL_add0_revoked(crl, r) == 1;
        if (!ok)
            X509_REVOKED_free(r);
    }
    ok = ok && X509_CRL_sort(crl) == 1 &&
         X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) == 1 &&
         X509_CRL_sign(crl, key, EVP_sha256()) > 0;
    ASN1_TIME_free(tu);
    ASN1_TIME_free(nu);
    ASN1_INTEGER_free(number);
    if (!ok) {
        X509_CRL_free(crl);
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot build a CRL");
    }
    *out = crl;
    return MP_OK;
}

/* ---- the PKI --------------------------------------------------------------- */

typedef struct pki {
    EVP_PKEY *root_key, *ca_key, *pck_key, *tcb_key, *att_key;
    X509 *root, *ca, *pck, *tcb;
    X509_CRL *root_crl, *pck_crl;
    uint8_t fmspc[6], ppid[16], qe_id[16];
} pki;

static void pki_free(pki *p)
{
    EVP_PKEY_free(p->root_key);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->pck_key);
    EVP_PKEY_free(p->tcb_key);
    EVP_PKEY_free(p->att_key);
    X509_free(p->root);
    X509_free(p->ca);
    X509_free(p->pck);
    X509_free(p->tcb);
    X509_CRL_free(p->root_crl);
    X509_CRL_free(p->pck_crl);
}

static int build_pki(pki *p, const mp_sgxsim_opts *o, int64_t now, mp_err *err)
{
    MP_TRY(mp_p256_generate(&p->root_key, err));
    MP_TRY(mp_p256_generate(&p->ca_key, err));
    MP_TRY(mp_p256_generate(&p->pck_key, err));
    MP_TRY(mp_p256_generate(&p->tcb_key, err));
    MP_TRY(mp_p256_generate(&p->att_key, err));
    MP_TRY(mp_hex_decode_exact(p->fmspc, 6, SIM_FMSPC, err));
    if (RAND_bytes(p->ppid, 16) != 1 || RAND_bytes(p->qe_id, 16) != 1)
        return MP_FAIL(err, MP_ERR_NOMEM, "no random bytes");
    int64_t nb = now - 3600, na = now + (int64_t)CERT_YEARS * 365 * 86400;
    int64_t root_na = now + (int64_t)2 * CERT_YEARS * 365 * 86400;
    cert_spec root = {
        "mpavs Dev SGX Root CA", p->root_key, NULL, p->root_key, nb, root_na, true, NULL};
    MP_TRY(build_cert(&p->root, &root, err));
    cert_spec ca = {
        "mpavs Dev SGX PCK Platform CA", p->ca_key, p->root, p->root_key, nb, na, true, NULL};
    MP_TRY(build_cert(&p->ca, &ca, err));
    mp_buf ext = MP_BUF_INIT;
    sgx_extension(&ext, p->fmspc, p->ppid);
    cert_spec pck = {
        "mpavs Dev SGX PCK Certificate", p->pck_key, p->ca, p->ca_key, nb, na, false, &ext};
    int rc = ext.oom ? MP_FAIL(err, MP_ERR_NOMEM, "out of memory") : build_cert(&p->pck, &pck, err);
    mp_buf_free(&ext);
    MP_TRY(rc);
    cert_spec tcb = {
        "mpavs Dev SGX TCB Signing", p->tcb_key, p->root, p->root_key, nb, na, false, NULL};
    MP_TRY(build_cert(&p->tcb, &tcb, err));
    int64_t next = now + (int64_t)o->days * 86400;
    MP_TRY(build_crl(&p->root_crl, p->root, p->root_key, nb, next, NULL, 0, err));
    X509 *revoked[] = {p->pck};
    return build_crl(&p->pck_crl, p->ca, p->ca_key, nb, next, revoked, o->revoke_pck ? 1 : 0, err);
}

/* ---- files ----------------------------------------------------------------- */

static int write_der(const char *dir, const char *name, int len, unsigned char *der, mp_err *err)
{
    if (len <= 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "cannot encode %s", name);
    int rc = write_file(dir, name, der, (size_t)len, 0644, err);
    OPENSSL_free(der);
    return rc;
}

static int write_cert(const char *dir, const char *name, X509 *x, mp_err *err)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    return write_der(dir, name, len, der, err);
}

/* PEM of certificates in the strict quote format, concatenated. */
static int write_pem_chain(const char *dir, const char *name, X509 *const *certs, size_t n,
                           mp_err *err)
{
    mp_buf pem = MP_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char *der = NULL;
        int len = i2d_X509(certs[i], &der);
        if (len > 0)
            mp_pem_cert_encode(&pem, der, (size_t)len);
        else
            pem.oom = true;
        OPENSSL_free(der);
    }
    int rc = mp_buf_check(&pem, err);
    if (rc == MP_OK)
        rc = write_file(dir, name, pem.data, pem.len, 0644, err);
    mp_buf_free(&pem);
    return rc;
}

/* {"<member>":<body>,"signature":"<hex>"} signed with key, written to name. */
static int write_signed_json(const char *dir, const char *name, const char *member,
                             const mp_buf *body, EVP_PKEY *key, mp_err *err)
{
    uint8_t sig[64];
    char hex[129];
    MP_TRY(mp_p256_sign_raw(sig, key, body->data, body->len, err));
    mp_hex_encode(hex, sig, 64);
    mp_buf doc = MP_BUF_INIT;
    mp_buf_printf(&doc, "{\"%s\":", member);
    mp_buf_append(&doc, body->data, body->len);
    mp_buf_printf(&doc, ",\"signature\":\"%s\"}", hex);
    int rc = mp_buf_check(&doc, err);
    if (rc == MP_OK)
        rc = write_file(dir, name, doc.data, doc.len, 0644, err);
    mp_buf_free(&doc);
    return rc;
}

static void put_date(mp_buf *b, const char *key, int64_t t)
{
    char d[21];
    mp_iso8601_format(d, t);
    mp_buf_printf(b, "\"%s\":\"%s\"", key, d);
}

/* One TCB info v3 level: component SVNs, PCESVN, status, optional advisory ID. */
static void put_tcb_level(mp_buf *b, const uint8_t svn[16], int pcesvn, int64_t date, int status,
                          const char *advisory)
{
    mp_buf_puts(b, "{\"tcb\":{\"sgxtcbcomponents\":[");
    for (int i = 0; i < 16; i++)
        mp_buf_printf(b, "%s{\"svn\":%u}", i ? "," : "", svn[i]);
    mp_buf_printf(b, "],\"pcesvn\":%d},", pcesvn);
    put_date(b, "tcbDate", date);
    mp_buf_printf(b, ",\"tcbStatus\":\"%s\"", mp_tcb_status_name(status));
    if (advisory)
        mp_buf_printf(b, ",\"advisoryIDs\":[\"%s\"]", advisory);
    mp_buf_puts(b, "}");
}

/* TCB info v3 with four levels, in Intel's order, the first matching the simulated PCK. */
static void tcb_info_body(mp_buf *b, const mp_sgxsim_opts *o, int64_t now)
{
    int64_t issue = now - 3600, next = now + (int64_t)o->days * 86400;
    mp_buf_puts(b, "{\"id\":\"SGX\",\"version\":3,");
    put_date(b, "issueDate", issue);
    mp_buf_puts(b, ",");
    put_date(b, "nextUpdate", next);
    mp_buf_printf(b,
                  ",\"fmspc\":\"%s\",\"pceId\":\"%s\",\"tcbType\":0,"
                  "\"tcbEvaluationDataNumber\":1,\"tcbLevels\":[",
                  SIM_FMSPC, SIM_PCEID);
    uint8_t svn[16];
    memcpy(svn, SIM_CPUSVN, 16);
    put_tcb_level(b, svn, SIM_PCESVN, issue - 86400, o->tcb_status,
                  o->tcb_status == MP_TCB_UP_TO_DATE ? NULL : "SIM-SA-00001");
    mp_buf_puts(b, ",");
    svn[6] = 0; /* a lower configuration component */
    put_tcb_level(b, svn, SIM_PCESVN, issue - 86400, MP_TCB_CONFIGURATION_NEEDED, "SIM-SA-00002");
    mp_buf_puts(b, ",");
    svn[0] = svn[1] = 15;
    put_tcb_level(b, svn, SIM_PCESVN - 1, issue - 400 * 86400, MP_TCB_OUT_OF_DATE, "SIM-SA-00003");
    mp_buf_puts(b, ",");
    memset(svn, 1, 16);
    put_tcb_level(b, svn, 5, issue - 800 * 86400, MP_TCB_REVOKED, "SIM-SA-00004");
    mp_buf_puts(b, "]}");
}

static void qe_identity_body(mp_buf *b, const mp_sgxsim_opts *o, int64_t now,
                             const char *qe_mrsigner)
{
    int64_t issue = now - 3600, next = now + (int64_t)o->days * 86400;
    mp_buf_puts(b, "{\"id\":\"QE\",\"version\":2,");
    put_date(b, "issueDate", issue);
    mp_buf_puts(b, ",");
    put_date(b, "nextUpdate", next);
    mp_buf_printf(b,
                  ",\"tcbEvaluationDataNumber\":1,\"miscselect\":\"00000000\","
                  "\"miscselectMask\":\"FFFFFFFF\",\"attributes\":\"%s\",\"attributesMask\":\"%s\","
                  "\"mrsigner\":\"%s\",\"isvprodid\":%d,\"tcbLevels\":[",
                  SIM_QE_ATTR, SIM_QE_MASK, qe_mrsigner, SIM_QE_PRODID);
    mp_buf_printf(b, "{\"tcb\":{\"isvsvn\":%d},", SIM_QE_ISVSVN);
    put_date(b, "tcbDate", issue - 86400);
    mp_buf_printf(b, ",\"tcbStatus\":\"%s\"%s},", mp_tcb_status_name(o->qe_status),
                  o->qe_status == MP_TCB_UP_TO_DATE ? "" : ",\"advisoryIDs\":[\"SIM-SA-00010\"]");
    mp_buf_printf(b, "{\"tcb\":{\"isvsvn\":%d},", SIM_QE_ISVSVN - 2);
    put_date(b, "tcbDate", issue - 400 * 86400);
    mp_buf_puts(b, ",\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"SIM-SA-00011\"]}]}");
}

/* SHA-256 of a label, in upper-case hex when hex != NULL. */
static void label_hash(uint8_t out[32], const char *label, char *upper_hex)
{
    mp_sha256(out, label, strlen(label));
    if (upper_hex) {
        mp_hex_encode(upper_hex, out, 32);
        for (char *c = upper_hex; *c; c++)
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 32);
    }
}

static int write_meta(const char *dir, const pki *p, int64_t now, const mp_sgxsim_opts *o,
                      mp_err *err)
{
    uint8_t root_xy[64], h[32], kec[32];
    char hex[129], qe_mrsigner[65];
    MP_TRY(mp_p256_key_to_raw(root_xy, p->root_key, err));
    mp_buf m = MP_BUF_INIT;
    mp_buf_printf(&m, "{\n  \"format\": \"%s\",\n  \"createdAt\": %lld,\n  \"days\": %u,\n",
                  MP_SGXSIM_FORMAT, (long long)now, (unsigned)o->days);
    mp_hex_encode(hex, root_xy, 64);
    mp_keccak256(kec, root_xy, 64);
    mp_buf_printf(&m, "  \"rootPublicKey\": \"%s\",\n", hex);
    mp_hex_encode(hex, kec, 32);
    mp_buf_printf(&m, "  \"rootPublicKeyKeccak\": \"0x%s\",\n", hex);
    mp_buf_printf(&m, "  \"fmspc\": \"%s\",\n  \"pceId\": \"%s\",\n  \"pckCpusvn\": \"", SIM_FMSPC,
                  SIM_PCEID);
    mp_hex_encode(hex, SIM_CPUSVN, 16);
    mp_buf_printf(&m, "%s\",\n  \"pckPcesvn\": %d,\n", hex, SIM_PCESVN);
    mp_buf_printf(&m, "  \"tcbStatus\": \"%s\",\n  \"qeStatus\": \"%s\",\n  \"pckRevoked\": %s,\n",
                  mp_tcb_status_name(o->tcb_status), mp_tcb_status_name(o->qe_status),
                  o->revoke_pck ? "true" : "false");
    label_hash(h, "mpavs simulated QE signer", qe_mrsigner);
    mp_buf_printf(&m, "  \"qeIsvsvn\": %d,\n  \"qeIsvprodid\": %d,\n  \"qeMrsigner\": \"%s\",\n",
                  SIM_QE_ISVSVN, SIM_QE_PRODID, qe_mrsigner);
    label_hash(h, "mpavs simulated QE", NULL);
    mp_hex_encode(hex, h, 32);
    mp_buf_printf(&m, "  \"qeMrenclave\": \"%s\",\n  \"qeAttributes\": \"%s\",\n", hex,
                  SIM_QE_ATTR);
    mp_hex_encode(hex, p->qe_id, 16);
    mp_buf_printf(&m, "  \"qeId\": \"%s\"\n}\n", hex);
    int rc = mp_buf_check(&m, err);
    if (rc == MP_OK)
        rc = write_file(dir, SIM_META, m.data, m.len, 0644, err);
    mp_buf_free(&m);
    return rc;
}

static int write_collateral(const char *dir, const pki *p, int64_t now, const mp_sgxsim_opts *o,
                            mp_err *err)
{
    uint8_t h[32];
    char qe_mrsigner[65];
    label_hash(h, "mpavs simulated QE signer", qe_mrsigner);
    mp_buf ti = MP_BUF_INIT, qi = MP_BUF_INIT;
    tcb_info_body(&ti, o, now);
    qe_identity_body(&qi, o, now, qe_mrsigner);
    int rc = mp_buf_check(&ti, err);
    if (rc == MP_OK)
        rc = mp_buf_check(&qi, err);
    if (rc == MP_OK)
        rc = write_signed_json(dir, SIM_TCB_INFO, "tcbInfo", &ti, p->tcb_key, err);
    if (rc == MP_OK)
        rc = write_signed_json(dir, SIM_QE_IDENTITY, "enclaveIdentity", &qi, p->tcb_key, err);
    mp_buf_free(&ti);
    mp_buf_free(&qi);
    return rc;
}

static int write_pki(const char *dir, const pki *p, int64_t now, const mp_sgxsim_opts *o,
                     mp_err *err)
{
    MP_TRY(write_key(dir, SIM_ROOT_KEY, p->root_key, err));
    MP_TRY(write_key(dir, SIM_PCK_CA_KEY, p->ca_key, err));
    MP_TRY(write_key(dir, SIM_PCK_KEY, p->pck_key, err));
    MP_TRY(write_key(dir, SIM_TCB_KEY, p->tcb_key, err));
    MP_TRY(write_key(dir, SIM_ATT_KEY, p->att_key, err));
    MP_TRY(write_cert(dir, SIM_ROOT_DER, p->root, err));
    MP_TRY(write_cert(dir, SIM_PCK_CA_DER, p->ca, err));
    MP_TRY(write_cert(dir, SIM_PCK_DER, p->pck, err));
    MP_TRY(write_cert(dir, SIM_TCB_DER, p->tcb, err));
    X509 *root[] = {p->root}, *chain[] = {p->pck, p->ca, p->root}, *tcb[] = {p->tcb, p->root};
    MP_TRY(write_pem_chain(dir, SIM_ROOT_PEM, root, 1, err));
    MP_TRY(write_pem_chain(dir, SIM_PCK_CHAIN, chain, 3, err));
    MP_TRY(write_pem_chain(dir, SIM_TCB_CHAIN, tcb, 2, err));
    unsigned char *der = NULL;
    int len = i2d_X509_CRL(p->root_crl, &der);
    MP_TRY(write_der(dir, SIM_ROOT_CRL, len, der, err));
    der = NULL;
    len = i2d_X509_CRL(p->pck_crl, &der);
    MP_TRY(write_der(dir, SIM_PCK_CRL, len, der, err));
    MP_TRY(write_collateral(dir, p, now, o, err));
    /* Last, so a directory with sim.json is complete. */
    return write_meta(dir, p, now, o, err);
}

int mp_sgxsim_init(const char *dir, const mp_sgxsim_opts *opts, mp_err *err)
{
    MP_ARG_CHECK(err, dir != NULL && opts != NULL);
    if (opts->days == 0 || opts->days > 36500)
        return MP_FAIL(err, MP_ERR_INVALID, "collateral validity must be 1..36500 days");
    if (opts->tcb_status < 0 || opts->tcb_status >= MP_TCB_STATUS_COUNT)
        return MP_FAIL(err, MP_ERR_INVALID, "bad simulated TCB status");
    if (opts->qe_status != MP_TCB_UP_TO_DATE && opts->qe_status != MP_TCB_OUT_OF_DATE &&
        opts->qe_status != MP_TCB_REVOKED)
        return MP_FAIL(err, MP_ERR_INVALID, "the QE status must be UpToDate, OutOfDate or Revoked");
    char meta[SIM_MAX_PATH];
    MP_TRY(mp_sim_path(meta, dir, SIM_META, err));
    if (access(meta, F_OK) == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "%s already holds a simulated CA", dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return MP_FAIL(err, MP_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
    pki p;
    memset(&p, 0, sizeof p);
    int rc = build_pki(&p, opts, now, err);
    if (rc == MP_OK)
        rc = write_pki(dir, &p, now, opts, err);
    pki_free(&p);
    return rc;
}
