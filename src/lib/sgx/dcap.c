/*
** dcap.c: full verification of a v3 quote in Intel's order (docs/dcap.md
** lists the checks; their numbers are in include/mpavs/dcap.h).
**
** Each step function runs a group of checks in numeric order and stops at the
** first failure, which is recorded in the result and in err with the check's
** stable name as the message prefix. The quote's own certificate chain is
** parsed per call; collateral is parsed once by the caller and only read here
** (so one collateral can serve many verifications, also from several threads).
*/
#include "mpavs/dcap.h"
#include "mpavs/crl.h"
#include "mpavs/mem.h"
#include "mpavs/x509.h"
#include "sgx/sgx_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { LEAF, INTERMEDIATE, ROOT, CHAIN_LEN };

typedef struct vctx {
    mp_dcap_result *res;
    const mp_dcap_collateral *col;
    const mp_dcap_policy *pol;
    int64_t at;
    mp_err *err;
    mp_quote q;
    mp_x509 *chain[CHAIN_LEN];
    bool root_borrowed; /* chain[ROOT] is the collateral's root CA, not ours to free */
    mp_pck_ext ext;
    EVP_PKEY *att_key;
    const mp_tcb_level *tcb_level;
    const mp_qe_level *qe_level;
} vctx;

/* Fails check `check` with a message; the message starts with the check's name. */
static int fail(vctx *v, int check, const char *fmt, ...) MP_PRINTF(3, 4);
static int fail(vctx *v, int check, const char *fmt, ...)
{
    char msg[MP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->res->check = check;
    v->res->verified = false;
    return MP_FAIL(v->err, MP_RC(MP_ERR_QUOTE, check), "%s: %s", mp_dcap_check_name(check), msg);
}

/* Fails check `check` after a lower-level function explained why in v->err. */
static int refail(vctx *v, int check)
{
    char why[MP_ERR_MSG_MAX];
    snprintf(why, sizeof why, "%s", v->err->msg);
    return fail(v, check, "%s", why);
}

static void copy_report(mp_dcap_result *res, const mp_sgx_report *r)
{
    memcpy(res->mrenclave, r->mrenclave, 32);
    memcpy(res->mrsigner, r->mrsigner, 32);
    memcpy(res->report_data, r->report_data, 64);
    res->isvprodid = r->isvprodid;
    res->isvsvn = r->isvsvn;
    res->debug = mp_sgx_report_is_debug(r);
}

/* Checks 10-18. */
static int step_format(vctx *v, const uint8_t *quote, size_t len)
{
    int rc = mp_quote_parse(&v->q, quote, len, v->err);
    if (v->q.isv.raw != NULL)
        copy_report(v->res, &v->q.isv);
    if (rc != MP_OK) {
        v->res->check = mp_dcap_check_of(rc);
        return rc;
    }
    v->res->parsed = true;
    return MP_OK;
}

static bool cn_has(const mp_x509 *c, const char *phrase)
{
    return strstr(mp_x509_subject_cn(c), phrase) != NULL;
}

/* The collateral's root CA if its DER equals der (identical bytes parse identically:
 ** reusing it saves parsing the root of every quote), else NULL. */
static mp_x509 *same_root(const vctx *v, const mp_buf *der)
{
    size_t len;
    const uint8_t *root = v->col->root_ca ? mp_x509_der(v->col->root_ca, &len) : NULL;
    return root && len == der->len && memcmp(root, der->data, len) == 0 ? v->col->root_ca : NULL;
}

/* Check 20: exactly three strict PEM certificates with the SGX roles. */
static int step_chain_parse(vctx *v)
{
    mp_buf ders[MP_PEM_MAX_CERTS] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    size_t n = 0;
    int rc =
        mp_pem_chain_decode(ders, MP_PEM_MAX_CERTS, &n, v->q.cert_data, v->q.cert_data_len, v->err);
    if (rc != MP_OK)
        rc = refail(v, MP_DCAP_PCK_CHAIN);
    else if (n != CHAIN_LEN)
        rc = fail(v, MP_DCAP_PCK_CHAIN, "%zu certificates, the chain must have 3", n);
    for (int i = 0; rc == MP_OK && i < CHAIN_LEN; i++) {
        mp_x509 *borrowed = i == ROOT ? same_root(v, &ders[i]) : NULL;
        if (borrowed != NULL) {
            v->chain[i] = borrowed;
            v->root_borrowed = true;
        } else if (mp_x509_from_der(&v->chain[i], ders[i].data, ders[i].len, v->err) != MP_OK) {
            rc = refail(v, MP_DCAP_PCK_CHAIN);
        }
    }
    for (size_t i = 0; i < MP_PEM_MAX_CERTS; i++)
        mp_buf_free(&ders[i]);
    MP_TRY(rc);
    if (!cn_has(v->chain[LEAF], "SGX PCK Certificate"))
        return fail(v, MP_DCAP_PCK_CHAIN, "leaf CN \"%s\" is not an SGX PCK Certificate",
                    mp_x509_subject_cn(v->chain[LEAF]));
    if (!cn_has(v->chain[INTERMEDIATE], "SGX PCK Platform CA") &&
        !cn_has(v->chain[INTERMEDIATE], "SGX PCK Processor CA"))
        return fail(v, MP_DCAP_PCK_CHAIN, "intermediate CN \"%s\" is not an SGX PCK CA",
                    mp_x509_subject_cn(v->chain[INTERMEDIATE]));
    if (!cn_has(v->chain[ROOT], "SGX Root CA"))
        return fail(v, MP_DCAP_PCK_CHAIN, "root CN \"%s\" is not an SGX Root CA",
                    mp_x509_subject_cn(v->chain[ROOT]));
    return MP_OK;
}

/* Check "child issued by issuer": name match, then signature. */
static int issued(vctx *v, int check, const mp_x509 *child, const mp_x509 *issuer)
{
    if (!mp_x509_issued_by_name(child, issuer))
        return fail(v, check, "issuer of \"%s\" is not the subject of \"%s\"",
                    mp_x509_subject_cn(child), mp_x509_subject_cn(issuer));
    if (mp_x509_verify_signature(child, issuer, v->err) != MP_OK)
        return refail(v, check);
    return MP_OK;
}

/* Checks 20-25. */
static int step_chain(vctx *v)
{
    MP_TRY(step_chain_parse(v));
    if (memcmp(mp_x509_pubkey(v->chain[ROOT]), v->pol->root_pubkey, 64) != 0)
        return fail(v, MP_DCAP_PCK_ROOT_KEY, "the chain's root key is not the pinned root key");
    MP_TRY(issued(v, MP_DCAP_PCK_ROOT_SIG, v->chain[ROOT], v->chain[ROOT]));
    MP_TRY(issued(v, MP_DCAP_PCK_INTERMEDIATE_SIG, v->chain[INTERMEDIATE], v->chain[ROOT]));
    MP_TRY(issued(v, MP_DCAP_PCK_LEAF_SIG, v->chain[LEAF], v->chain[INTERMEDIATE]));
    static const char *const role[] = {"PCK certificate", "intermediate CA", "root CA"};
    for (int i = ROOT; i >= LEAF; i--)
        if (!mp_x509_valid_at(v->chain[i], v->at))
            return fail(v, MP_DCAP_PCK_VALIDITY, "%s not valid at %lld (valid %lld..%lld)", role[i],
                        (long long)v->at, (long long)mp_x509_not_before(v->chain[i]),
                        (long long)mp_x509_not_after(v->chain[i]));
    return MP_OK;
}

static int crl_valid(vctx *v, int check, const mp_crl *crl, const char *what)
{
    if (!mp_crl_valid_at(crl, v->at))
        return fail(v, check, "%s not valid at %lld (thisUpdate %lld, nextUpdate %lld)", what,
                    (long long)v->at, (long long)mp_crl_this_update(crl),
                    (long long)mp_crl_next_update(crl));
    return MP_OK;
}

/* Checks 30-37. */
static int step_crls(vctx *v)
{
    const mp_dcap_collateral *col = v->col;
    if (col->root_ca == NULL)
        return fail(v, MP_DCAP_ROOT_CA, "no root CA certificate given");
    if (memcmp(mp_x509_pubkey(col->root_ca), v->pol->root_pubkey, 64) != 0)
        return fail(v, MP_DCAP_ROOT_CA, "the root CA certificate's key is not the pinned key");
    if (!mp_x509_valid_at(col->root_ca, v->at))
        return fail(v, MP_DCAP_ROOT_CA, "root CA certificate not valid at %lld", (long long)v->at);
    if (v->pol->skip_revocation)
        return MP_OK;
    if (col->root_crl == NULL)
        return fail(v, MP_DCAP_ROOT_CRL_SIG, "no root CA CRL given; revocation cannot be checked");
    if (!mp_crl_issued_by_name(col->root_crl, col->root_ca))
        return fail(v, MP_DCAP_ROOT_CRL_SIG, "root CA CRL is not issued by the root CA");
    if (mp_crl_verify_signature(col->root_crl, col->root_ca, v->err) != MP_OK)
        return refail(v, MP_DCAP_ROOT_CRL_SIG);
    MP_TRY(crl_valid(v, MP_DCAP_ROOT_CRL_VALIDITY, col->root_crl, "root CA CRL"));
    if (col->pck_crl == NULL)
        return fail(v, MP_DCAP_PCK_CRL_ISSUER, "no PCK CRL given; revocation cannot be checked");
    if (!mp_crl_same_issuer_as(col->pck_crl, v->chain[LEAF]))
        return fail(v, MP_DCAP_PCK_CRL_ISSUER,
                    "the PCK CRL is not issued by the PCK certificate's issuer (\"%s\")",
                    mp_x509_subject_cn(v->chain[INTERMEDIATE]));
    if (mp_crl_verify_signature(col->pck_crl, v->chain[INTERMEDIATE], v->err) != MP_OK)
        return refail(v, MP_DCAP_PCK_CRL_SIG);
    MP_TRY(crl_valid(v, MP_DCAP_PCK_CRL_VALIDITY, col->pck_crl, "PCK CRL"));
    if (mp_crl_lists(col->root_crl, v->chain[INTERMEDIATE]))
        return fail(v, MP_DCAP_INTERMEDIATE_REVOKED, "the PCK CA certificate is revoked");
    if (mp_crl_lists(col->pck_crl, v->chain[LEAF]))
        return fail(v, MP_DCAP_PCK_REVOKED, "the PCK certificate is revoked");
    v->res->revocation_checked = true;
    return MP_OK;
}

static int signed_json(vctx *v, int check, const uint8_t *body, size_t len, const uint8_t sig[64])
{
    EVP_PKEY *key = mp_x509_evp_key(v->col->tcb_signing);
    if (mp_p256_verify_raw(key, body, len, sig, v->err) != MP_OK)
        return refail(v, check);
    return MP_OK;
}

static int dated(vctx *v, int check, int64_t issue, int64_t next, const char *what)
{
    if (!(issue <= v->at && v->at <= next))
        return fail(v, check, "%s not valid at %lld (issueDate %lld, nextUpdate %lld)", what,
                    (long long)v->at, (long long)issue, (long long)next);
    return MP_OK;
}

/* Checks 40-45. */
static int step_collateral(vctx *v)
{
    const mp_dcap_collateral *col = v->col;
    const mp_x509 *ts = col->tcb_signing;
    if (ts == NULL)
        return fail(v, MP_DCAP_TCB_SIGNING_CHAIN, "no TCB signing certificate given");
    MP_TRY(issued(v, MP_DCAP_TCB_SIGNING_CHAIN, ts, col->root_ca));
    if (!cn_has(ts, "SGX TCB Signing"))
        return fail(v, MP_DCAP_TCB_SIGNING_CHAIN, "CN \"%s\" is not an SGX TCB Signing cert",
                    mp_x509_subject_cn(ts));
    if (!mp_x509_valid_at(ts, v->at))
        return fail(v, MP_DCAP_TCB_SIGNING_CHAIN, "TCB signing certificate not valid at %lld",
                    (long long)v->at);
    if (!v->pol->skip_revocation && mp_crl_lists(col->root_crl, ts))
        return fail(v, MP_DCAP_TCB_SIGNING_REVOKED, "the TCB signing certificate is revoked");
    const mp_tcb_info *ti = &col->tcb_info;
    const mp_qe_identity *qi = &col->qe_identity;
    MP_TRY(signed_json(v, MP_DCAP_TCB_INFO_SIG, ti->body, ti->body_len, ti->signature));
    MP_TRY(dated(v, MP_DCAP_TCB_INFO_VALIDITY, ti->issue_date, ti->next_update, "TCB info"));
    MP_TRY(signed_json(v, MP_DCAP_QE_IDENTITY_SIG, qi->body, qi->body_len, qi->signature));
    MP_TRY(dated(v, MP_DCAP_QE_IDENTITY_VALIDITY, qi->issue_date, qi->next_update, "QE identity"));
    return MP_OK;
}

static bool masked_eq(const uint8_t *value, const uint8_t *mask, const uint8_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((value[i] & mask[i]) != want[i])
            return false;
    return true;
}

/* Checks 53-58: the QE report, certified by the PCK key, and the QE's identity. */
static int step_qe(vctx *v)
{
    const mp_quote *q = &v->q;
    if (mp_p256_verify_raw(mp_x509_evp_key(v->chain[LEAF]), q->qe.raw, MP_SGX_REPORT_LEN, q->qe_sig,
                           v->err) != MP_OK)
        return refail(v, MP_DCAP_QE_REPORT_SIG);
    uint8_t want[64] = {0};
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, q->att_key, 64) == 1 &&
             EVP_DigestUpdate(md, q->qe_auth, q->qe_auth_len) == 1 &&
             EVP_DigestFinal_ex(md, want, &n) == 1;
    EVP_MD_CTX_free(md);
    if (!ok || memcmp(want, q->qe.report_data, 64) != 0)
        return fail(v, MP_DCAP_QE_REPORT_DATA,
                    "QE report data is not SHA-256(attestation key || QE auth data) || zeros");
    const mp_qe_identity *qi = &v->col->qe_identity;
    if (!masked_eq(q->qe.miscselect_raw, qi->miscselect_mask, qi->miscselect, 4))
        return fail(v, MP_DCAP_QE_MISCSELECT, "QE MISCSELECT does not match the QE identity");
    if (!masked_eq(q->qe.attributes, qi->attributes_mask, qi->attributes, 16))
        return fail(v, MP_DCAP_QE_ATTRIBUTES, "QE ATTRIBUTES do not match the QE identity");
    if (memcmp(q->qe.mrsigner, qi->mrsigner, 32) != 0)
        return fail(v, MP_DCAP_QE_MRSIGNER, "QE MRSIGNER is not the QE identity's");
    if (q->qe.isvprodid != qi->isvprodid)
        return fail(v, MP_DCAP_QE_ISVPRODID, "QE ISVPRODID %u, the QE identity says %u",
                    q->qe.isvprodid, qi->isvprodid);
    return MP_OK;
}

/* Checks 50-58. */
static int step_pck(vctx *v)
{
    if (mp_pck_ext_from_cert(&v->ext, v->chain[LEAF], v->err) != MP_OK)
        return refail(v, MP_DCAP_PCK_EXTENSION);
    mp_dcap_result *res = v->res;
    res->have_pck = true;
    memcpy(res->fmspc, v->ext.fmspc, 6);
    memcpy(res->pceid, v->ext.pceid, 2);
    memcpy(res->pck_cpusvn, v->ext.cpusvn, 16);
    res->pck_pcesvn = v->ext.pcesvn;
    const mp_tcb_info *ti = &v->col->tcb_info;
    if (memcmp(ti->fmspc, v->ext.fmspc, 6) != 0)
        return fail(v, MP_DCAP_TCB_INFO_FMSPC, "TCB info is for another FMSPC");
    if (memcmp(ti->pceid, v->ext.pceid, 2) != 0)
        return fail(v, MP_DCAP_TCB_INFO_PCEID, "TCB info is for another PCEID");
    return step_qe(v);
}

static const mp_tcb_level *match_tcb(const mp_tcb_info *ti, const mp_pck_ext *ext)
{
    for (size_t i = 0; i < ti->n_levels; i++) {
        const mp_tcb_level *lv = &ti->levels[i];
        bool ok = ext->pcesvn >= lv->pcesvn;
        for (int c = 0; ok && c < 16; c++)
            ok = ext->cpusvn[c] >= lv->sgx_svn[c];
        if (ok)
            return lv;
    }
    return NULL;
}

static const mp_qe_level *match_qe(const mp_qe_identity *qi, uint16_t isvsvn)
{
    for (size_t i = 0; i < qi->n_levels; i++)
        if (qi->levels[i].isvsvn <= isvsvn)
            return &qi->levels[i];
    return NULL;
}

static void add_advisories(mp_dcap_result *res, char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < res->n_advisory_ids && !dup; j++)
            dup = strcmp(res->advisory_ids[j], ids[i]) == 0;
        if (!dup && res->n_advisory_ids < MP_DCAP_MAX_ADVISORIES)
            snprintf(res->advisory_ids[res->n_advisory_ids++], MP_DCAP_ADVISORY_LEN, "%s", ids[i]);
    }
}

/* Checks 60-64. */
static int step_report(vctx *v)
{
    mp_dcap_result *res = v->res;
    if (mp_p256_key_from_raw(&v->att_key, v->q.att_key, v->err) != MP_OK)
        return refail(v, MP_DCAP_ATT_KEY);
    if (mp_p256_verify_raw(v->att_key, v->q.data, MP_QUOTE_SIGNED_LEN, v->q.isv_sig, v->err) !=
        MP_OK)
        return refail(v, MP_DCAP_ISV_REPORT_SIG);
    v->qe_level = match_qe(&v->col->qe_identity, v->q.qe.isvsvn);
    if (v->qe_level == NULL)
        return fail(v, MP_DCAP_QE_TCB, "no QE identity level for QE ISVSVN %u", v->q.qe.isvsvn);
    res->qe_status = v->qe_level->status;
    v->tcb_level = match_tcb(&v->col->tcb_info, &v->ext);
    if (v->tcb_level == NULL)
        return fail(v, MP_DCAP_TCB_LEVEL, "no TCB level matches the PCK certificate's TCB");
    res->platform_status = v->tcb_level->status;
    res->status = mp_tcb_status_converge(res->platform_status, res->qe_status);
    add_advisories(res, v->tcb_level->advisory_ids, v->tcb_level->n_advisory_ids);
    add_advisories(res, v->qe_level->advisory_ids, v->qe_level->n_advisory_ids);
    if (res->status == MP_TCB_REVOKED)
        return fail(v, MP_DCAP_TCB_REVOKED, "the %s TCB level is Revoked",
                    res->platform_status == MP_TCB_REVOKED ? "platform" : "QE");
    return MP_OK;
}

int mp_dcap_verify_quote(mp_dcap_result *res, const uint8_t *quote, size_t len,
                         const mp_dcap_collateral *col, const mp_dcap_policy *pol, int64_t at,
                         mp_err *err)
{
    MP_ARG_CHECK(err, res != NULL && col != NULL && pol != NULL && (quote != NULL || len == 0));
    memset(res, 0, sizeof *res);
    res->status = res->platform_status = res->qe_status = MP_TCB_UNRECOGNIZED;
    mp_err local;
    vctx v = {.res = res, .col = col, .pol = pol, .at = at, .err = err ? err : &local};
    int rc = step_format(&v, quote, len);
    if (rc == MP_OK)
        rc = step_chain(&v);
    if (rc == MP_OK)
        rc = step_crls(&v);
    if (rc == MP_OK)
        rc = step_collateral(&v);
    if (rc == MP_OK)
        rc = step_pck(&v);
    if (rc == MP_OK)
        rc = step_report(&v);
    for (int i = 0; i < CHAIN_LEN; i++)
        if (!(i == ROOT && v.root_borrowed))
            mp_x509_free(v.chain[i]);
    EVP_PKEY_free(v.att_key);
    res->verified = rc == MP_OK;
    return rc;
}

static bool listed(const uint8_t (*list)[32], size_t n, const uint8_t value[32])
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(list[i], value, 32) == 0)
            return true;
    return false;
}

int mp_dcap_check_policy(mp_dcap_result *res, const mp_dcap_policy *pol, mp_err *err)
{
    MP_ARG_CHECK(err, res != NULL && pol != NULL && res->verified);
    mp_err local;
    vctx v = {.res = res, .pol = pol, .err = err ? err : &local};
    if (res->status < 0 || res->status >= MP_TCB_STATUS_COUNT ||
        !(pol->accepted_statuses & (1u << res->status)))
        return fail(&v, MP_DCAP_POLICY_STATUS, "TCB status %s is not accepted",
                    mp_tcb_status_name(res->status));
    if (res->debug && !pol->allow_debug)
        return fail(&v, MP_DCAP_POLICY_DEBUG, "the enclave runs in debug mode");
    if (pol->n_mrenclaves == 0 && pol->n_mrsigners == 0 && !pol->any_enclave)
        return fail(&v, MP_DCAP_POLICY_MRENCLAVE,
                    "no MRENCLAVE or MRSIGNER allow-list: every enclave is refused");
    if (pol->n_mrenclaves > 0 && !listed(pol->mrenclaves, pol->n_mrenclaves, res->mrenclave))
        return fail(&v, MP_DCAP_POLICY_MRENCLAVE, "MRENCLAVE is not in the allow-list");
    if (pol->n_mrsigners > 0 && !listed(pol->mrsigners, pol->n_mrsigners, res->mrsigner))
        return fail(&v, MP_DCAP_POLICY_MRSIGNER, "MRSIGNER is not in the allow-list");
    return MP_OK;
}

int mp_dcap_verify(mp_dcap_result *res, const uint8_t *quote, size_t len,
                   const mp_dcap_collateral *col, const mp_dcap_policy *pol, int64_t at,
                   mp_err *err)
{
    MP_TRY(mp_dcap_verify_quote(res, quote, len, col, pol, at, err));
    return mp_dcap_check_policy(res, pol, err);
}
