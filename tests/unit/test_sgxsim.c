/*
** test_sgxsim.c: simulated attestation end to end. A fresh development CA is
** created in a temporary directory; its quotes must pass every check with the
** dev root pinned, fail with Intel's root pinned, fail when any byte is
** changed, and hit the right check for revoked PCKs, revoked TCB and QE levels,
** expired collateral, mismatched collateral and each policy rule. Custom
** collateral is signed with the CA's TCB signing key to test Intel's TCB level
** ordering and the QE identity checks.
*/
#include "mpavs/crl.h"
#include "mpavs/dcap.h"
#include "mpavs/hex.h"
#include "mpavs/mem.h"
#include "mpavs/sgxsim.h"
#include "test.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1750000000 /* issue time of every CA made here */

typedef struct simenv {
    char dir[64];
    mp_sgxsim *sim;
    mp_dcap_collateral col;
    mp_dcap_policy pol;
    mp_buf quote;
    bool ok;
} simenv;

static void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Creates a CA with opts, opens it, loads its collateral and makes a default quote. */
static bool env_open(mp_test_ctx *mp_t, simenv *env, const mp_sgxsim_opts *opts)
{
    memset(env, 0, sizeof *env);
    snprintf(env->dir, sizeof env->dir, "/tmp/mpavs-simtest-XXXXXX");
    CHECK(mkdtemp(env->dir) != NULL);
    mp_err err;
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    if (opts)
        o = *opts;
    o.now = T0;
    int rc = mp_sgxsim_init(env->dir, &o, &err);
    CHECK_OK(rc, &err);
    if (rc == MP_OK) {
        rc = mp_sgxsim_open(&env->sim, env->dir, &err);
        CHECK_OK(rc, &err);
    }
    if (rc == MP_OK) {
        rc = mp_sgxsim_collateral(&env->col, env->dir, &err);
        CHECK_OK(rc, &err);
    }
    mp_dcap_policy_init(&env->pol);
    env->pol.any_enclave = true; /* not about the allow-lists */
    if (rc == MP_OK) {
        memcpy(env->pol.root_pubkey, mp_sgxsim_root_pubkey(env->sim), 64);
        mp_sgxsim_enclave enc;
        mp_sgxsim_enclave_default(&enc);
        uint8_t rd[64] = "simulated report data";
        rc = mp_sgxsim_quote(env->sim, &enc, rd, &env->quote, &err);
        CHECK_OK(rc, &err);
    }
    env->ok = rc == MP_OK;
    return env->ok;
}

static void env_close(simenv *env)
{
    mp_sgxsim_close(env->sim);
    mp_dcap_collateral_free(&env->col);
    mp_buf_free(&env->quote);
    rm_rf(env->dir);
}

static int verify_at(simenv *env, const mp_buf *quote, int64_t at, mp_dcap_result *res)
{
    mp_err err;
    return mp_dcap_check_of(
        mp_dcap_verify(res, quote->data, quote->len, &env->col, &env->pol, at, &err));
}

TEST(quote_verifies_end_to_end)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    mp_dcap_result res;
    mp_err err;
    CHECK_OK(mp_dcap_verify(&res, env.quote.data, env.quote.len, &env.col, &env.pol, T0, &err),
             &err);
    CHECK(res.verified && res.status == MP_TCB_UP_TO_DATE && res.n_advisory_ids == 0);
    mp_sgxsim_enclave enc;
    mp_sgxsim_enclave_default(&enc);
    CHECK_MEM(res.mrenclave, enc.mrenclave, 32);
    CHECK_MEM(res.mrsigner, enc.mrsigner, 32);
    uint8_t rd[64] = "simulated report data";
    CHECK_MEM(res.report_data, rd, 64);
    uint8_t fmspc[6];
    CHECK_OK(mp_hex_decode_exact(fmspc, 6, "00ffee000001", &err), &err);
    CHECK_MEM(res.fmspc, fmspc, 6);
    CHECK(!res.debug);
    /* The same quote at the end of the collateral's window, and one second after. */
    CHECK(verify_at(&env, &env.quote, T0 + 365 * 86400, &res) == 0);
    CHECK(verify_at(&env, &env.quote, T0 + 365 * 86400 + 1, &res) == MP_DCAP_ROOT_CRL_VALIDITY);
    /* Before the certificates' notBefore (issue time - 1 h). */
    CHECK(verify_at(&env, &env.quote, T0 - 3601, &res) == MP_DCAP_PCK_VALIDITY);
out:
    env_close(&env);
}

TEST(quote_fails_against_intel_root)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    mp_dcap_policy_init(&env.pol);
    env.pol.any_enclave = true; /* not about the allow-lists */
    mp_dcap_result res;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_PCK_ROOT_KEY);
    CHECK(!res.verified);
out:
    env_close(&env);
}

TEST(ca_files_and_modes)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    static const char *const keys[] = {"root_ca.key", "pck_platform_ca.key", "pck.key",
                                       "tcb_signing.key", "attestation.key"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char path[128];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", env.dir, keys[i]);
        CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    }
    /* A second init into the same directory is refused (keys are never overwritten). */
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    mp_err err;
    CHECK_RC(mp_sgxsim_init(env.dir, &o, &err), MP_ERR_INVALID);
    /* Two quotes for other report data and enclave identities. */
    mp_sgxsim_enclave enc;
    mp_sgxsim_enclave_default(&enc);
    memset(enc.mrenclave, 0xab, 32);
    memset(enc.mrsigner, 0xcd, 32);
    enc.isvprodid = 7;
    enc.isvsvn = 3;
    uint8_t rd[64];
    memset(rd, 0x5a, 64);
    mp_buf q = MP_BUF_INIT;
    CHECK_OK(mp_sgxsim_quote(env.sim, &enc, rd, &q, &err), &err);
    mp_dcap_result res;
    CHECK(verify_at(&env, &q, T0, &res) == 0);
    CHECK(res.mrenclave[0] == 0xab && res.mrsigner[31] == 0xcd && res.isvprodid == 7 &&
          res.isvsvn == 3 && res.report_data[63] == 0x5a);
    mp_buf_free(&q);
out:
    env_close(&env);
}

/* Every byte outside the PEM chain, and every 5th byte of the chain, flipped: all must fail. */
TEST(tampered_quotes_fail)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    mp_buf q = MP_BUF_INIT;
    mp_buf_append(&q, env.quote.data, env.quote.len);
    size_t accepted = 0, tried = 0;
    int seen[128] = {0};
    for (size_t i = 0; i < q.len; i += i < 1052 ? 1 : 5) {
        q.data[i] ^= 0x01;
        mp_dcap_result res;
        int check = verify_at(&env, &q, T0, &res);
        q.data[i] ^= 0x01;
        tried++;
        if (check == 0) {
            accepted++;
            printf("# flipping byte %zu was accepted\n", i);
        } else if (check < 128) {
            seen[check]++;
        }
    }
    CHECK(accepted == 0);
    CHECK(tried > 1500);
    /* Each region hit its own check. */
    CHECK(seen[MP_DCAP_HEADER_VERSION] && seen[MP_DCAP_HEADER_KEY_TYPE]);
    CHECK(seen[MP_DCAP_HEADER_TEE_TYPE] && seen[MP_DCAP_HEADER_QE_VENDOR]);
    /* (A one-bit change of the auth data size still fits: it fails at the type after it.) */
    CHECK(seen[MP_DCAP_SIG_DATA_LEN] && seen[MP_DCAP_CERT_TYPE]);
    CHECK(seen[MP_DCAP_CERT_DATA_SIZE] && seen[MP_DCAP_PCK_CHAIN]);
    CHECK(seen[MP_DCAP_ISV_REPORT_SIG] && seen[MP_DCAP_QE_REPORT_SIG]);
    CHECK(seen[MP_DCAP_QE_REPORT_DATA]);
    CHECK(seen[MP_DCAP_PCK_LEAF_SIG] && seen[MP_DCAP_PCK_INTERMEDIATE_SIG]);
    CHECK(seen[MP_DCAP_PCK_ROOT_KEY] || seen[MP_DCAP_PCK_ROOT_SIG]);
    /* Appending a byte, or dropping the trailing NUL without fixing lengths, fails too. */
    mp_buf_push(&q, 0);
    mp_dcap_result res;
    CHECK(verify_at(&env, &q, T0, &res) == MP_DCAP_SIG_DATA_LEN);
    q.len -= 2;
    CHECK(verify_at(&env, &q, T0, &res) == MP_DCAP_SIG_DATA_LEN);
    mp_buf_free(&q);
out:
    env_close(&env);
}

TEST(revoked_pck_is_rejected)
{
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    o.revoke_pck = true;
    simenv env;
    if (!env_open(mp_t, &env, &o))
        goto out;
    mp_dcap_result res;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_PCK_REVOKED);
    CHECK(mp_crl_count(env.col.pck_crl) == 1);
out:
    env_close(&env);
}

TEST(revoked_tcb_level_is_rejected)
{
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    o.tcb_status = MP_TCB_REVOKED;
    simenv env;
    if (!env_open(mp_t, &env, &o))
        goto out;
    mp_dcap_result res;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_TCB_REVOKED);
    CHECK(res.status == MP_TCB_REVOKED && res.platform_status == MP_TCB_REVOKED);
    CHECK(res.n_advisory_ids == 1 && strcmp(res.advisory_ids[0], "SIM-SA-00001") == 0);
    /* No policy can accept it. */
    env.pol.accepted_statuses = ~0u;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_TCB_REVOKED);
out:
    env_close(&env);
}

TEST(revoked_qe_level_is_rejected)
{
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    o.qe_status = MP_TCB_REVOKED;
    simenv env;
    if (!env_open(mp_t, &env, &o))
        goto out;
    mp_dcap_result res;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_TCB_REVOKED);
    CHECK(res.status == MP_TCB_REVOKED && res.qe_status == MP_TCB_REVOKED);
    CHECK(res.platform_status == MP_TCB_UP_TO_DATE);
out:
    env_close(&env);
}

TEST(out_of_date_qe_converges)
{
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    o.qe_status = MP_TCB_OUT_OF_DATE;
    o.tcb_status = MP_TCB_CONFIGURATION_NEEDED;
    simenv env;
    if (!env_open(mp_t, &env, &o))
        goto out;
    mp_dcap_result res;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_POLICY_STATUS);
    CHECK(res.status == MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
    /* Platform advisories first, then the QE level's. */
    CHECK(res.n_advisory_ids == 2);
    CHECK(strcmp(res.advisory_ids[0], "SIM-SA-00001") == 0);
    CHECK(strcmp(res.advisory_ids[1], "SIM-SA-00010") == 0);
    env.pol.accepted_statuses |= 1u << MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    CHECK(verify_at(&env, &env.quote, T0, &res) == 0 && res.verified);
out:
    env_close(&env);
}

TEST(policy_rules)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    mp_sgxsim_enclave enc;
    mp_sgxsim_enclave_default(&enc);
    enc.debug = true;
    uint8_t rd[64] = {0};
    mp_buf dbg = MP_BUF_INIT;
    mp_err err;
    CHECK_OK(mp_sgxsim_quote(env.sim, &enc, rd, &dbg, &err), &err);
    mp_dcap_result res;
    CHECK(verify_at(&env, &dbg, T0, &res) == MP_DCAP_POLICY_DEBUG && res.debug);
    env.pol.allow_debug = true;
    CHECK(verify_at(&env, &dbg, T0, &res) == 0 && res.verified);
    env.pol.allow_debug = false;
    /* Allow-lists. */
    uint8_t list[2][32];
    memset(list[0], 0x11, 32);
    memcpy(list[1], enc.mrenclave, 32);
    env.pol.mrenclaves = list;
    env.pol.n_mrenclaves = 1;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_POLICY_MRENCLAVE);
    env.pol.n_mrenclaves = 2;
    CHECK(verify_at(&env, &env.quote, T0, &res) == 0);
    uint8_t signers[1][32];
    memcpy(signers[0], enc.mrsigner, 32);
    env.pol.mrsigners = signers;
    env.pol.n_mrsigners = 1;
    CHECK(verify_at(&env, &env.quote, T0, &res) == 0);
    signers[0][0] ^= 1;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_POLICY_MRSIGNER);
    /* The status rule comes first. */
    env.pol.accepted_statuses = 1u << MP_TCB_OUT_OF_DATE;
    CHECK(verify_at(&env, &env.quote, T0, &res) == MP_DCAP_POLICY_STATUS);
    mp_buf_free(&dbg);
out:
    env_close(&env);
}

/* Replaces the TCB info (or QE identity) with body signed by the CA's TCB signing key. */
static int swap_tcb_info(mp_test_ctx *mp_t, simenv *env, const char *body)
{
    mp_buf doc = MP_BUF_INIT;
    mp_err err;
    int rc = mp_sgxsim_sign_collateral(env->sim, "tcbInfo", (const uint8_t *)body, strlen(body),
                                       &doc, &err);
    CHECK_OK(rc, &err);
    mp_tcb_info ti;
    if (rc == MP_OK)
        rc = mp_tcb_info_parse(&ti, doc.data, doc.len, &err);
    if (rc == MP_OK) {
        mp_tcb_info_free(&env->col.tcb_info);
        env->col.tcb_info = ti;
    }
    mp_buf_free(&doc);
    return rc;
}

static int swap_qe_identity(mp_test_ctx *mp_t, simenv *env, const char *body)
{
    mp_buf doc = MP_BUF_INIT;
    mp_err err;
    int rc = mp_sgxsim_sign_collateral(env->sim, "enclaveIdentity", (const uint8_t *)body,
                                       strlen(body), &doc, &err);
    CHECK_OK(rc, &err);
    mp_qe_identity qi;
    if (rc == MP_OK)
        rc = mp_qe_identity_parse(&qi, doc.data, doc.len, &err);
    if (rc == MP_OK) {
        mp_qe_identity_free(&env->col.qe_identity);
        env->col.qe_identity = qi;
    }
    mp_buf_free(&doc);
    return rc;
}

/* A TCB info v2 body for the simulated FMSPC with the given levels (JSON text). */
static void tcb_v2(char *out, size_t cap, const char *fmspc, const char *levels)
{
    snprintf(out, cap,
             "{\"version\":2,\"issueDate\":\"2025-06-15T00:00:00Z\",\"nextUpdate\":"
             "\"2025-07-15T00:00:00Z\",\"fmspc\":\"%s\",\"pceId\":\"0000\",\"tcbType\":0,"
             "\"tcbEvaluationDataNumber\":3,\"tcbLevels\":[%s]}",
             fmspc, levels);
}

static void level_v2(char *out, size_t cap, const uint8_t svn[16], int pcesvn, const char *status)
{
    int n = snprintf(out, cap, "{\"tcb\":{");
    for (int i = 0; i < 16; i++)
        n += snprintf(out + n, cap - (size_t)n, "\"sgxtcbcomp%02dsvn\":%u,", i + 1, svn[i]);
    snprintf(out + n, cap - (size_t)n,
             "\"pcesvn\":%d},\"tcbDate\":\"2024-01-01T00:00:00Z\",\"tcbStatus\":\"%s\"}", pcesvn,
             status);
}

TEST(tcb_levels_in_intel_order_not_json_order)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    static const uint8_t pck[16] = {16, 16, 3, 3, 255, 255, 2};
    static const uint8_t older[16] = {15, 15, 3, 3, 255, 255, 2};
    static const uint8_t higher[16] = {17, 16, 3, 3, 255, 255, 2};
    char a[1024], b[1024], c[1024], levels[4096], body[8192];
    level_v2(a, sizeof a, older, 14, "OutOfDate");
    level_v2(b, sizeof b, pck, 14, "SWHardeningNeeded");
    level_v2(c, sizeof c, higher, 14, "UpToDate");
    /* JSON order: the older level first, as a verifier trusting JSON order would pick. */
    snprintf(levels, sizeof levels, "%s,%s,%s", a, c, b);
    tcb_v2(body, sizeof body, "00ffee000001", levels);
    mp_dcap_result res;
    int64_t at = 1751000000;
    if (swap_tcb_info(mp_t, &env, body) == MP_OK) {
        CHECK(verify_at(&env, &env.quote, at, &res) == 0);
        CHECK(res.status == MP_TCB_SW_HARDENING_NEEDED);
    }
    /* PCESVN breaks ties: same SVNs, higher pcesvn 15 first (not matched), then 14. */
    level_v2(a, sizeof a, pck, 14, "ConfigurationNeeded");
    level_v2(b, sizeof b, pck, 15, "UpToDate");
    snprintf(levels, sizeof levels, "%s,%s", a, b);
    tcb_v2(body, sizeof body, "00ffee000001", levels);
    if (swap_tcb_info(mp_t, &env, body) == MP_OK) {
        CHECK(verify_at(&env, &env.quote, at, &res) == 0);
        CHECK(res.status == MP_TCB_CONFIGURATION_NEEDED);
    }
    /* No level at or below the PCK's TCB. */
    tcb_v2(body, sizeof body, "00ffee000001", c);
    if (swap_tcb_info(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_TCB_LEVEL);
    /* Another FMSPC; another PCEID. */
    tcb_v2(body, sizeof body, "00ffee000002", a);
    if (swap_tcb_info(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_TCB_INFO_FMSPC);
    /* Upper-case FMSPC is the same FMSPC. */
    tcb_v2(body, sizeof body, "00FFEE000001", a);
    if (swap_tcb_info(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == 0);
    char *pce = strstr(body, "\"pceId\":\"0000\"");
    if (pce != NULL) {
        memcpy(pce + 9, "0001", 4);
        if (swap_tcb_info(mp_t, &env, body) == MP_OK)
            CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_TCB_INFO_PCEID);
    }
    /* Two equal levels are rejected when parsed. */
    snprintf(levels, sizeof levels, "%s,%s", b, b);
    tcb_v2(body, sizeof body, "00ffee000001", levels);
    mp_buf doc = MP_BUF_INIT;
    mp_err err;
    CHECK_OK(mp_sgxsim_sign_collateral(env.sim, "tcbInfo", (const uint8_t *)body, strlen(body),
                                       &doc, &err),
             &err);
    mp_tcb_info ti;
    CHECK_RC(mp_tcb_info_parse(&ti, doc.data, doc.len, &err), MP_ERR_PARSE);
    mp_buf_free(&doc);
out:
    env_close(&env);
}

static void qe_body(char *out, size_t cap, const char *misc, const char *attr, const char *signer,
                    int prodid, const char *levels)
{
    snprintf(out, cap,
             "{\"id\":\"QE\",\"version\":2,\"issueDate\":\"2025-06-15T00:00:00Z\","
             "\"nextUpdate\":\"2025-07-15T00:00:00Z\",\"tcbEvaluationDataNumber\":3,"
             "\"miscselect\":\"%s\",\"miscselectMask\":\"FFFFFFFF\",\"attributes\":\"%s\","
             "\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"%s\","
             "\"isvprodid\":%d,\"tcbLevels\":[%s]}",
             misc, attr, signer, prodid, levels);
}

TEST(qe_identity_checks)
{
    simenv env;
    if (!env_open(mp_t, &env, NULL))
        goto out;
    uint8_t h[32];
    char signer[65];
    static const char label[] = "mpavs simulated QE signer";
    EVP_Digest(label, sizeof label - 1, h, NULL, EVP_sha256(), NULL);
    mp_hex_encode(signer, h, 32);
    const char *attr = "11000000000000000000000000000000";
    const char *lv8 = "{\"tcb\":{\"isvsvn\":8},\"tcbDate\":\"2024-01-01T00:00:00Z\","
                      "\"tcbStatus\":\"UpToDate\"}";
    const char *lv9 = "{\"tcb\":{\"isvsvn\":9},\"tcbDate\":\"2024-06-01T00:00:00Z\","
                      "\"tcbStatus\":\"UpToDate\"}";
    const char *lv3 = "{\"tcb\":{\"isvsvn\":3},\"tcbDate\":\"2022-01-01T00:00:00Z\","
                      "\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"X-1\"]}";
    char body[4096], levels[1024];
    mp_dcap_result res;
    int64_t at = 1751000000;
    qe_body(body, sizeof body, "00000000", attr, signer, 1, lv8);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == 0);
    /* Lower-case hex in the identity is the same value. */
    qe_body(body, sizeof body, "00000001", attr, signer, 1, lv8);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_QE_MISCSELECT);
    qe_body(body, sizeof body, "00000000", "13000000000000000000000000000000", signer, 1, lv8);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_QE_ATTRIBUTES);
    char other[65];
    memcpy(other, signer, 65);
    other[0] = other[0] == '0' ? '1' : '0';
    qe_body(body, sizeof body, "00000000", attr, other, 1, lv8);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_QE_MRSIGNER);
    qe_body(body, sizeof body, "00000000", attr, signer, 2, lv8);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_QE_ISVPRODID);
    /* Only a level above the QE's ISVSVN 8: unsupported. */
    qe_body(body, sizeof body, "00000000", attr, signer, 1, lv9);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK)
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_QE_TCB);
    /* Levels in ascending JSON order: the highest level <= 8 is still chosen. */
    snprintf(levels, sizeof levels, "%s,%s,%s", lv3, lv9, lv8);
    qe_body(body, sizeof body, "00000000", attr, signer, 1, levels);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK) {
        CHECK(verify_at(&env, &env.quote, at, &res) == 0);
        CHECK(res.qe_status == MP_TCB_UP_TO_DATE);
    }
    snprintf(levels, sizeof levels, "%s,%s", lv9, lv3);
    qe_body(body, sizeof body, "00000000", attr, signer, 1, levels);
    if (swap_qe_identity(mp_t, &env, body) == MP_OK) {
        CHECK(verify_at(&env, &env.quote, at, &res) == MP_DCAP_POLICY_STATUS);
        CHECK(res.qe_status == MP_TCB_OUT_OF_DATE && res.status == MP_TCB_OUT_OF_DATE);
        CHECK(res.n_advisory_ids == 1 && strcmp(res.advisory_ids[0], "X-1") == 0);
    }
out:
    env_close(&env);
}

TEST(collateral_signed_by_another_key_fails)
{
    simenv a, b;
    bool ok = env_open(mp_t, &a, NULL);
    ok = env_open(mp_t, &b, NULL) && ok;
    if (!ok)
        goto out;
    /* B's TCB info is signed by B's TCB signing key, not A's. */
    mp_tcb_info mine = a.col.tcb_info;
    a.col.tcb_info = b.col.tcb_info;
    mp_dcap_result res;
    CHECK(verify_at(&a, &a.quote, T0, &res) == MP_DCAP_TCB_INFO_SIG);
    a.col.tcb_info = mine;
    /* B's quote against A's collateral: another root. */
    CHECK(verify_at(&a, &b.quote, T0, &res) == MP_DCAP_PCK_ROOT_KEY);
    /* A's quote with B's TCB signing cert: not issued by A's root. */
    mp_x509 *ts = a.col.tcb_signing;
    a.col.tcb_signing = b.col.tcb_signing;
    CHECK(verify_at(&a, &a.quote, T0, &res) == MP_DCAP_TCB_SIGNING_CHAIN);
    a.col.tcb_signing = ts;
    /* B's PCK CRL: the same issuer name (the dev PKI's names are fixed, as Intel's), another key.
     */
    mp_crl *crl = a.col.pck_crl;
    a.col.pck_crl = b.col.pck_crl;
    CHECK(verify_at(&a, &a.quote, T0, &res) == MP_DCAP_PCK_CRL_SIG);
    a.col.pck_crl = crl;
    /* B's root CRL: issuer name equal in form but another key. */
    crl = a.col.root_crl;
    a.col.root_crl = b.col.root_crl;
    int got = verify_at(&a, &a.quote, T0, &res);
    CHECK(got == MP_DCAP_ROOT_CRL_SIG);
    a.col.root_crl = crl;
out:
    env_close(&a);
    env_close(&b);
}

static const mp_test_case tests[] = {
    MP_TEST(quote_verifies_end_to_end),
    MP_TEST(quote_fails_against_intel_root),
    MP_TEST(ca_files_and_modes),
    MP_TEST(tampered_quotes_fail),
    MP_TEST(revoked_pck_is_rejected),
    MP_TEST(revoked_tcb_level_is_rejected),
    MP_TEST(revoked_qe_level_is_rejected),
    MP_TEST(out_of_date_qe_converges),
    MP_TEST(policy_rules),
    MP_TEST(tcb_levels_in_intel_order_not_json_order),
    MP_TEST(qe_identity_checks),
    MP_TEST(collateral_signed_by_another_key_fails),
};
MP_TEST_MAIN("sgxsim", tests)
