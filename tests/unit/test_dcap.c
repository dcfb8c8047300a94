/*
** test_dcap.c: DCAP v3 verification against real Intel quotes and collateral
** (tests/vectors/dcap/set1, set2) at their stated times, every tampered
** variant in negative/ at the check its README names, and expiry.
*/
#include "mpavs/crl.h"
#include "mpavs/dcap.h"
#include "mpavs/hex.h"
#include "mpavs/x509.h"
#include "test.h"

#include <stdlib.h>

#define SET1    "tests/vectors/dcap/set1/"
#define SET2    "tests/vectors/dcap/set2/"
#define NEG     "tests/vectors/dcap/negative/"
#define SET1_AT 1719496800
#define SET2_AT 1752919277

static int load_set1(mp_dcap_collateral *col, const char *tcbinfo, const char *identity,
                     mp_err *err)
{
    char ti[256], qi[256], root[256], ts[256], rcrl[256], pcrl[256];
    snprintf(ti, sizeof ti, "%s", mp_test_path(tcbinfo));
    snprintf(qi, sizeof qi, "%s", mp_test_path(identity));
    snprintf(root, sizeof root, "%s", mp_test_path(SET1 "root_ca.der"));
    snprintf(ts, sizeof ts, "%s", mp_test_path(SET1 "tcb_signing.der"));
    snprintf(rcrl, sizeof rcrl, "%s", mp_test_path(SET1 "root_ca_crl.der"));
    snprintf(pcrl, sizeof pcrl, "%s", mp_test_path(SET1 "pck_platform_crl.der"));
    mp_dcap_collateral_files f = {ti, qi, root, ts, rcrl, pcrl};
    return mp_dcap_collateral_load(col, &f, err);
}

static int load_set2(mp_dcap_collateral *col, mp_err *err)
{
    char ti[256], qi[256], root[256], ts[256], rcrl[256], pcrl[256];
    snprintf(ti, sizeof ti, "%s", mp_test_path(SET2 "derived_tcbinfo_pcs.json"));
    snprintf(qi, sizeof qi, "%s", mp_test_path(SET2 "derived_identity_pcs.json"));
    snprintf(root, sizeof root, "%s", mp_test_path(SET2 "TrustedRootCA.der"));
    snprintf(ts, sizeof ts, "%s", mp_test_path(SET2 "derived_tcb_info_issuer_chain.pem"));
    snprintf(rcrl, sizeof rcrl, "%s", mp_test_path(SET2 "derived_root_ca_crl.der"));
    snprintf(pcrl, sizeof pcrl, "%s", mp_test_path(SET2 "derived_pck_processor_crl.der"));
    mp_dcap_collateral_files f = {ti, qi, root, ts, rcrl, pcrl};
    return mp_dcap_collateral_load(col, &f, err);
}

static void check_hex(mp_test_ctx *mp_t, const uint8_t *got, size_t n, const char *want)
{
    uint8_t exp[64];
    CHECK(mp_test_unhex(exp, sizeof exp, want) == n);
    CHECK_MEM(got, exp, n);
}

TEST(set1_verifies)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    CHECK(res.verified && res.check == 0);
    CHECK(res.status == MP_TCB_SW_HARDENING_NEEDED);
    CHECK(res.platform_status == MP_TCB_SW_HARDENING_NEEDED);
    CHECK(res.qe_status == MP_TCB_UP_TO_DATE);
    CHECK(res.n_advisory_ids == 0);
    check_hex(mp_t, res.fmspc, 6, "00606a000000");
    check_hex(mp_t, res.pceid, 2, "0000");
    check_hex(mp_t, res.pck_cpusvn, 16, "0e0e0303ffff01000000000000000000");
    CHECK(res.pck_pcesvn == 13);
    check_hex(mp_t, res.mrenclave, 32,
              "a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd");
    check_hex(mp_t, res.mrsigner, 32,
              "8f2dbc0f9c5d3378d596974b2deed1f93223cc49242899f83809bcc92546132c");
    uint8_t zeros[64] = {0};
    CHECK_MEM(res.report_data, zeros, 64);
    CHECK(res.isvprodid == 0 && res.isvsvn == 0 && !res.debug);
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(set2_verifies)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set2(&col, &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET2 "sgx_quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET2_AT, &err), &err);
    CHECK(res.verified);
    CHECK(res.status == MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED);
    CHECK(res.qe_status == MP_TCB_UP_TO_DATE);
    CHECK(res.n_advisory_ids == 2);
    if (res.n_advisory_ids == 2) {
        CHECK_STR(res.advisory_ids[0], "INTEL-SA-00289");
        CHECK_STR(res.advisory_ids[1], "INTEL-SA-00615");
    }
    check_hex(mp_t, res.fmspc, 6, "00a067110000");
    check_hex(mp_t, res.pck_cpusvn, 16, "0b0b0202ff0100000000000000000000");
    CHECK(res.pck_pcesvn == 13);
    check_hex(mp_t, res.mrenclave, 32,
              "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    check_hex(mp_t, res.mrsigner, 32,
              "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6");
    uint8_t rd[64] = "Hello, world!";
    CHECK_MEM(res.report_data, rd, 64);
    CHECK(!res.debug);
    free(q);
    mp_dcap_collateral_free(&col);
}

/* Verifies a set1 quote file with set1 collateral at t; returns the failed check. */
static int set1_check(mp_test_ctx *mp_t, const char *quote, const char *tcbinfo,
                      const char *identity, int64_t at)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, tcbinfo, identity, &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(quote, &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, q, len, &col, &pol, at, &err);
    CHECK(rc != MP_OK && !res.verified);
    CHECK(mp_rc_class(rc) == MP_ERR_QUOTE && mp_dcap_check_of(rc) == res.check);
    /* The message names the check first. */
    const char *name = mp_dcap_check_name(res.check);
    CHECK(rc == MP_OK || strncmp(err.msg, name, strlen(name)) == 0);
    free(q);
    mp_dcap_collateral_free(&col);
    return res.check;
}

TEST(negative_quotes_fail_at_their_check)
{
    static const struct {
        const char *file;
        int check;
    } cases[] = {
        {"n01_isv_reportdata_flip.bin", MP_DCAP_ISV_REPORT_SIG},
        {"n02_header_userdata_flip.bin", MP_DCAP_ISV_REPORT_SIG},
        {"n03_isv_mrenclave_flip.bin", MP_DCAP_ISV_REPORT_SIG},
        {"n04_isv_signature_flip.bin", MP_DCAP_ISV_REPORT_SIG},
        {"n05_attest_key_flip.bin", MP_DCAP_QE_REPORT_DATA},
        {"n06_qe_report_isvsvn_flip.bin", MP_DCAP_QE_REPORT_SIG},
        {"n07_qe_report_sig_flip.bin", MP_DCAP_QE_REPORT_SIG},
        {"n08_qe_auth_data_flip.bin", MP_DCAP_QE_REPORT_DATA},
        {"n09_version_4.bin", MP_DCAP_HEADER_VERSION},
        {"n10_att_key_type_3.bin", MP_DCAP_HEADER_KEY_TYPE},
        {"n11_qe_vendor_id_flip.bin", MP_DCAP_HEADER_QE_VENDOR},
        {"n12_tee_type_tdx.bin", MP_DCAP_HEADER_TEE_TYPE},
        {"n13_cert_type_4.bin", MP_DCAP_CERT_TYPE},
        {"n14_truncated_100.bin", MP_DCAP_SIG_DATA_LEN},
        {"n15_sigdata_len_plus1.bin", MP_DCAP_SIG_DATA_LEN},
        {"n16_trailing_16_zero_bytes.bin", MP_DCAP_SIG_DATA_LEN},
        {"n17_pck_cert_tbs_tampered.bin", MP_DCAP_PCK_LEAF_SIG},
        {"n18_chain_without_root.bin", MP_DCAP_PCK_CHAIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, NEG "%s", cases[i].file);
        int got = set1_check(mp_t, path, SET1 "tcbinfo.json", SET1 "identity.json", SET1_AT);
        if (got != cases[i].check) {
            printf("# %s failed at %s, expected %s\n", cases[i].file, mp_dcap_check_name(got),
                   mp_dcap_check_name(cases[i].check));
            CHECK(got == cases[i].check);
        }
    }
}

TEST(negative_collateral_fails_at_signature)
{
    CHECK(set1_check(mp_t, SET1 "quote.bin", NEG "c01_tcbinfo_status_altered.json",
                     SET1 "identity.json", SET1_AT) == MP_DCAP_TCB_INFO_SIG);
    CHECK(set1_check(mp_t, SET1 "quote.bin", SET1 "tcbinfo.json",
                     NEG "c02_identity_isvsvn_altered.json", SET1_AT) == MP_DCAP_QE_IDENTITY_SIG);
    CHECK(set1_check(mp_t, SET1 "quote.bin", NEG "c03_tcbinfo_fmspc_uppercased.json",
                     SET1 "identity.json", SET1_AT) == MP_DCAP_TCB_INFO_SIG);
}

TEST(set1_fails_outside_its_window)
{
    const char *q = SET1 "quote.bin", *ti = SET1 "tcbinfo.json", *qi = SET1 "identity.json";
    /* 1 s before the PCK CRL's thisUpdate. */
    CHECK(set1_check(mp_t, q, ti, qi, 1719494257) == MP_DCAP_PCK_CRL_VALIDITY);
    /* 1 s after the QE identity's nextUpdate (the TCB info is still valid). */
    CHECK(set1_check(mp_t, q, ti, qi, 1720866068) == MP_DCAP_QE_IDENTITY_VALIDITY);
    /* After the PCK CRL expired too. */
    CHECK(set1_check(mp_t, q, ti, qi, 1722086259) == MP_DCAP_PCK_CRL_VALIDITY);
    /* Long after: the TCB signing certificate (2018-2025) expired; the PCK CRL fails first. */
    CHECK(set1_check(mp_t, q, ti, qi, 1800000000) != 0);
}

TEST(set1_window_edges_verify)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, 1719494258, &err), &err);
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, 1720866067, &err), &err);
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(set2_fails_after_expiry)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set2(&col, &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET2 "sgx_quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, 1752919278, &err), &err);
    int rc = mp_dcap_verify(&res, q, len, &col, &pol, 1752919279, &err);
    CHECK(mp_dcap_check_of(rc) == MP_DCAP_QE_IDENTITY_VALIDITY);
    rc = mp_dcap_verify(&res, q, len, &col, &pol, 1760000000, &err);
    CHECK(mp_dcap_check_of(rc) == MP_DCAP_PCK_CRL_VALIDITY);
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(real_quotes_fail_with_another_pinned_root)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set2(&col, &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET2 "sgx_quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    pol.root_pubkey[5] ^= 1;
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, q, len, &col, &pol, SET2_AT, &err);
    CHECK(mp_dcap_check_of(rc) == MP_DCAP_PCK_ROOT_KEY);
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(mixed_sets_fail)
{
    /* The set2 quote with set1 collateral: another PCK CA, so the PCK CRL does not match. */
    int got =
        set1_check(mp_t, SET2 "sgx_quote.bin", SET1 "tcbinfo.json", SET1 "identity.json", SET1_AT);
    CHECK(got == MP_DCAP_PCK_VALIDITY || got == MP_DCAP_PCK_CRL_ISSUER);
}

TEST(missing_collateral_names_the_check)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    mp_crl *pck_crl = col.pck_crl, *root_crl = col.root_crl;
    mp_x509 *ts = col.tcb_signing, *root = col.root_ca;
    col.pck_crl = NULL;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_PCK_CRL_ISSUER);
    col.pck_crl = pck_crl;
    col.root_crl = NULL;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_ROOT_CRL_SIG);
    col.root_crl = root_crl;
    col.tcb_signing = NULL;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_TCB_SIGNING_CHAIN);
    col.tcb_signing = ts;
    col.root_ca = NULL;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_ROOT_CA);
    col.root_ca = root;
    /* The PCK CA as root CA collateral: its key is not the pinned one. */
    mp_x509 *pca = NULL;
    CHECK_OK(mp_x509_load_file(&pca, mp_test_path(SET1 "pck_platform_ca.der"), &err), &err);
    col.root_ca = pca;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_ROOT_CA);
    col.root_ca = root;
    mp_x509_free(pca);
    /* Set2's processor CRL as PCK CRL: another issuer. */
    mp_crl *other = NULL;
    CHECK_OK(mp_crl_load_file(&other, mp_test_path(SET2 "derived_pck_processor_crl.der"), &err),
             &err);
    col.pck_crl = other;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_PCK_CRL_ISSUER);
    col.pck_crl = pck_crl;
    mp_crl_free(other);
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(policy_on_real_quote)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    pol.accepted_statuses = 1u << MP_TCB_UP_TO_DATE;
    int rc = mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err);
    CHECK(mp_dcap_check_of(rc) == MP_DCAP_POLICY_STATUS && !res.verified);
    CHECK(res.status == MP_TCB_SW_HARDENING_NEEDED);
    pol.accepted_statuses = MP_DCAP_DEFAULT_STATUSES;
    uint8_t allow[2][32] = {{0}};
    mp_test_unhex(allow[1], 32, "a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd");
    pol.mrenclaves = allow;
    pol.n_mrenclaves = 1;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_POLICY_MRENCLAVE);
    pol.n_mrenclaves = 2;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    pol.mrsigners = allow;
    pol.n_mrsigners = 1;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_POLICY_MRSIGNER);
    free(q);
    mp_dcap_collateral_free(&col);
}

/* Like the chain: no MRENCLAVE and no MRSIGNER list refuses every enclave unless
 * any_enclave; a MRSIGNER list alone is enough. */
TEST(policy_fails_closed_without_lists)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err);
    CHECK(mp_dcap_check_of(rc) == MP_DCAP_POLICY_MRENCLAVE && !res.verified);
    CHECK(strstr(err.msg, "no MRENCLAVE or MRSIGNER allow-list") != NULL);
    pol.any_enclave = true;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    pol.any_enclave = false;
    uint8_t signer[1][32];
    memcpy(signer[0], res.mrsigner, 32);
    pol.mrsigners = signer;
    pol.n_mrsigners = 1;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    free(q);
    mp_dcap_collateral_free(&col);
}

/* skip_revocation: no CRLs needed, everything else still checked, and the result
 * says revocation was not checked. */
TEST(skip_revocation)
{
    mp_dcap_collateral col;
    mp_err err;
    CHECK_OK(load_set1(&col, SET1 "tcbinfo.json", SET1 "identity.json", &err), &err);
    size_t len;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &len);
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    pol.any_enclave = true;
    mp_dcap_result res;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    CHECK(res.revocation_checked);
    mp_crl *pck_crl = col.pck_crl, *root_crl = col.root_crl;
    col.pck_crl = col.root_crl = NULL;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err)) ==
          MP_DCAP_ROOT_CRL_SIG);
    pol.skip_revocation = true;
    CHECK_OK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err), &err);
    CHECK(res.verified && !res.revocation_checked);
    /* The rest is still checked: a corrupted ISV signature, an expired chain. */
    q[len - 100] ^= 1; /* inside the certification data: the PCK chain */
    CHECK(mp_dcap_verify(&res, q, len, &col, &pol, SET1_AT, &err) != MP_OK);
    q[len - 100] ^= 1;
    CHECK(mp_dcap_check_of(mp_dcap_verify(&res, q, len, &col, &pol, 4102444800, &err)) ==
          MP_DCAP_PCK_VALIDITY);
    col.pck_crl = pck_crl;
    col.root_crl = root_crl;
    free(q);
    mp_dcap_collateral_free(&col);
}

TEST(statuses_and_names)
{
    CHECK_STR(mp_dcap_check_name(MP_DCAP_PCK_CHAIN), "pck.chain");
    CHECK_STR(mp_dcap_check_name(MP_DCAP_TCB_REVOKED), "tcb.revoked");
    CHECK_STR(mp_dcap_check_name(999), "unknown");
    for (int s = 0; s < MP_TCB_STATUS_COUNT; s++)
        CHECK(mp_tcb_status_parse(mp_tcb_status_name(s)) == s);
    CHECK(mp_tcb_status_parse("uptodate") == -1);
    CHECK(mp_tcb_status_converge(MP_TCB_UP_TO_DATE, MP_TCB_OUT_OF_DATE) == MP_TCB_OUT_OF_DATE);
    CHECK(mp_tcb_status_converge(MP_TCB_SW_HARDENING_NEEDED, MP_TCB_OUT_OF_DATE) ==
          MP_TCB_OUT_OF_DATE);
    CHECK(mp_tcb_status_converge(MP_TCB_CONFIGURATION_NEEDED, MP_TCB_OUT_OF_DATE) ==
          MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
    CHECK(mp_tcb_status_converge(MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED, MP_TCB_OUT_OF_DATE) ==
          MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
    CHECK(mp_tcb_status_converge(MP_TCB_OUT_OF_DATE, MP_TCB_OUT_OF_DATE) == MP_TCB_OUT_OF_DATE);
    CHECK(mp_tcb_status_converge(MP_TCB_UP_TO_DATE, MP_TCB_REVOKED) == MP_TCB_REVOKED);
    CHECK(mp_tcb_status_converge(MP_TCB_REVOKED, MP_TCB_UP_TO_DATE) == MP_TCB_REVOKED);
    CHECK(mp_tcb_status_converge(MP_TCB_CONFIGURATION_NEEDED, MP_TCB_UP_TO_DATE) ==
          MP_TCB_CONFIGURATION_NEEDED);
    unsigned set;
    mp_err err;
    CHECK_OK(mp_dcap_parse_statuses(&set, "UpToDate,OutOfDate", &err), &err);
    CHECK(set == ((1u << MP_TCB_UP_TO_DATE) | (1u << MP_TCB_OUT_OF_DATE)));
    CHECK_RC(mp_dcap_parse_statuses(&set, "UpToDate,", &err), MP_ERR_INVALID);
    CHECK_RC(mp_dcap_parse_statuses(&set, "Fine", &err), MP_ERR_INVALID);
    CHECK_RC(mp_dcap_parse_statuses(&set, "", &err), MP_ERR_INVALID);
}

static const mp_test_case tests[] = {
    MP_TEST(set1_verifies),
    MP_TEST(set2_verifies),
    MP_TEST(negative_quotes_fail_at_their_check),
    MP_TEST(negative_collateral_fails_at_signature),
    MP_TEST(set1_fails_outside_its_window),
    MP_TEST(set1_window_edges_verify),
    MP_TEST(set2_fails_after_expiry),
    MP_TEST(real_quotes_fail_with_another_pinned_root),
    MP_TEST(mixed_sets_fail),
    MP_TEST(missing_collateral_names_the_check),
    MP_TEST(policy_on_real_quote),
    MP_TEST(policy_fails_closed_without_lists),
    MP_TEST(skip_revocation),
    MP_TEST(statuses_and_names),
};
MP_TEST_MAIN("dcap", tests)
