/*
** status.c: names of checks and TCB statuses, Intel's status convergence and
** the default policy. The tables here are the stable names docs/dcap.md lists.
*/
#include "mpavs/dcap.h"

#include <stdlib.h>
#include <string.h>

const uint8_t MP_DCAP_INTEL_ROOT_PUBKEY[64] = {
    0x0b, 0xa9, 0xc4, 0xc0, 0xc0, 0xc8, 0x61, 0x93, 0xa3, 0xfe, 0x23, 0xd6, 0xb0, 0x2c, 0xda, 0x10,
    0xa8, 0xbb, 0xd4, 0xe8, 0x8e, 0x48, 0xb4, 0x45, 0x85, 0x61, 0xa3, 0x6e, 0x70, 0x55, 0x25, 0xf5,
    0x67, 0x91, 0x8e, 0x2e, 0xdc, 0x88, 0xe4, 0x0d, 0x86, 0x0b, 0xd0, 0xcc, 0x4e, 0xe2, 0x6a, 0xac,
    0xc9, 0x88, 0xe5, 0x05, 0xa9, 0x53, 0x55, 0x8c, 0x45, 0x3f, 0x6b, 0x09, 0x04, 0xae, 0x73, 0x94,
};

static const struct {
    int check;
    const char *name;
} check_names[] = {
    {MP_DCAP_OK, "ok"},
    {MP_DCAP_QUOTE_SIZE, "quote.size"},
    {MP_DCAP_HEADER_VERSION, "header.version"},
    {MP_DCAP_HEADER_KEY_TYPE, "header.att_key_type"},
    {MP_DCAP_HEADER_TEE_TYPE, "header.tee_type"},
    {MP_DCAP_HEADER_QE_VENDOR, "header.qe_vendor_id"},
    {MP_DCAP_SIG_DATA_LEN, "quote.sig_data_len"},
    {MP_DCAP_QE_AUTH_DATA, "quote.qe_auth_data"},
    {MP_DCAP_CERT_TYPE, "quote.cert_type"},
    {MP_DCAP_CERT_DATA_SIZE, "quote.cert_data_size"},
    {MP_DCAP_PCK_CHAIN, "pck.chain"},
    {MP_DCAP_PCK_ROOT_KEY, "pck.root_key"},
    {MP_DCAP_PCK_ROOT_SIG, "pck.root_signature"},
    {MP_DCAP_PCK_INTERMEDIATE_SIG, "pck.intermediate_signature"},
    {MP_DCAP_PCK_LEAF_SIG, "pck.leaf_signature"},
    {MP_DCAP_PCK_VALIDITY, "pck.validity"},
    {MP_DCAP_ROOT_CA, "root_ca.key"},
    {MP_DCAP_ROOT_CRL_SIG, "root_crl.signature"},
    {MP_DCAP_ROOT_CRL_VALIDITY, "root_crl.validity"},
    {MP_DCAP_PCK_CRL_ISSUER, "pck_crl.issuer"},
    {MP_DCAP_PCK_CRL_SIG, "pck_crl.signature"},
    {MP_DCAP_PCK_CRL_VALIDITY, "pck_crl.validity"},
    {MP_DCAP_INTERMEDIATE_REVOKED, "pck.intermediate_revoked"},
    {MP_DCAP_PCK_REVOKED, "pck.revoked"},
    {MP_DCAP_TCB_SIGNING_CHAIN, "tcb_signing.chain"},
    {MP_DCAP_TCB_SIGNING_REVOKED, "tcb_signing.revoked"},
    {MP_DCAP_TCB_INFO_SIG, "tcb_info.signature"},
    {MP_DCAP_TCB_INFO_VALIDITY, "tcb_info.validity"},
    {MP_DCAP_QE_IDENTITY_SIG, "qe_identity.signature"},
    {MP_DCAP_QE_IDENTITY_VALIDITY, "qe_identity.validity"},
    {MP_DCAP_PCK_EXTENSION, "pck.extension"},
    {MP_DCAP_TCB_INFO_FMSPC, "tcb_info.fmspc"},
    {MP_DCAP_TCB_INFO_PCEID, "tcb_info.pceid"},
    {MP_DCAP_QE_REPORT_SIG, "qe.report_signature"},
    {MP_DCAP_QE_REPORT_DATA, "qe.report_data"},
    {MP_DCAP_QE_MISCSELECT, "qe.miscselect"},
    {MP_DCAP_QE_ATTRIBUTES, "qe.attributes"},
    {MP_DCAP_QE_MRSIGNER, "qe.mrsigner"},
    {MP_DCAP_QE_ISVPRODID, "qe.isvprodid"},
    {MP_DCAP_ATT_KEY, "quote.att_key"},
    {MP_DCAP_ISV_REPORT_SIG, "isv.report_signature"},
    {MP_DCAP_QE_TCB, "qe.tcb"},
    {MP_DCAP_TCB_LEVEL, "tcb.level"},
    {MP_DCAP_TCB_REVOKED, "tcb.revoked"},
    {MP_DCAP_POLICY_STATUS, "policy.status"},
    {MP_DCAP_POLICY_DEBUG, "policy.debug"},
    {MP_DCAP_POLICY_MRENCLAVE, "policy.mrenclave"},
    {MP_DCAP_POLICY_MRSIGNER, "policy.mrsigner"},
};

const char *mp_dcap_check_name(int check)
{
    for (size_t i = 0; i < sizeof check_names / sizeof check_names[0]; i++)
        if (check_names[i].check == check)
            return check_names[i].name;
    return "unknown";
}

int mp_dcap_check_of(int rc)
{
    return mp_rc_class(rc) == MP_ERR_QUOTE ? mp_rc_detail(rc) : 0;
}

static const char *const status_names[] = {
    [MP_TCB_UP_TO_DATE] = "UpToDate",
    [MP_TCB_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
    [MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED] = "ConfigurationAndSWHardeningNeeded",
    [MP_TCB_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
    [MP_TCB_OUT_OF_DATE] = "OutOfDate",
    [MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED] = "OutOfDateConfigurationNeeded",
    [MP_TCB_REVOKED] = "Revoked",
    [MP_TCB_UNRECOGNIZED] = "Unrecognized",
};

const char *mp_tcb_status_name(int status)
{
    if (status < 0 || status > MP_TCB_UNRECOGNIZED)
        return "Unrecognized";
    return status_names[status];
}

int mp_tcb_status_parse(const char *name)
{
    for (int i = 0; i < MP_TCB_STATUS_COUNT; i++)
        if (strcmp(name, status_names[i]) == 0)
            return i;
    return -1;
}

int mp_tcb_status_converge(int platform, int qe)
{
    if (qe == MP_TCB_OUT_OF_DATE) {
        if (platform == MP_TCB_UP_TO_DATE || platform == MP_TCB_SW_HARDENING_NEEDED)
            return MP_TCB_OUT_OF_DATE;
        if (platform == MP_TCB_CONFIGURATION_NEEDED ||
            platform == MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED)
            return MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    }
    if (qe == MP_TCB_REVOKED)
        return MP_TCB_REVOKED;
    return platform;
}

void mp_dcap_policy_init(mp_dcap_policy *pol)
{
    memset(pol, 0, sizeof *pol);
    memcpy(pol->root_pubkey, MP_DCAP_INTEL_ROOT_PUBKEY, 64);
    pol->accepted_statuses = MP_DCAP_DEFAULT_STATUSES;
}

int mp_dcap_parse_statuses(unsigned *out, const char *list, mp_err *err)
{
    unsigned set = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char name[48];
        if (n == 0 || n >= sizeof name)
            return MP_FAIL(err, MP_ERR_INVALID, "empty or overlong status in \"%s\"", list);
        memcpy(name, p, n);
        name[n] = 0;
        int st = mp_tcb_status_parse(name);
        if (st < 0)
            return MP_FAIL(err, MP_ERR_INVALID, "unknown TCB status \"%s\"", name);
        set |= 1u << st;
        p += n + (comma ? 1 : 0);
        if (comma && !*p)
            return MP_FAIL(err, MP_ERR_INVALID, "trailing comma in \"%s\"", list);
    }
    if (set == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "no TCB status given");
    *out = set;
    return MP_OK;
}
