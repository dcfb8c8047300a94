/*
** test_oplive.c: the operator's liveness decision, capped exponential
** backoff, and the local check of a prover's quote (simulated CA made here):
** accepted when it verifies and binds the report, refused when it binds
** another report, comes from another CA, or from an enclave off the
** allow-list.
*/
#include "mpavs/backoff.h"
#include "mpavs/bls.h"
#include "mpavs/oplive.h"
#include "mpavs/sgxsim.h"
#include "test.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static mp_avs_liveness record(uint8_t enclave_byte, uint64_t at, uint64_t validity)
{
    mp_avs_liveness lv;
    memset(&lv, 0, sizeof lv);
    if (enclave_byte) {
        memset(lv.enclave, enclave_byte, 20);
        lv.attested = true;
        lv.attested_at = at;
        lv.validity = validity;
        lv.live_until = at + validity;
    }
    return lv;
}

TEST(decision)
{
    uint8_t same[20], other[20];
    uint64_t next = 99;
    memset(same, 7, 20);
    memset(other, 8, 20);
    mp_avs_liveness none = record(0, 0, 0), lv = record(7, 1000, 3600);
    CHECK(mp_oplive_decide(&none, same, 5000, 300, 60, &next) == MP_OPLIVE_NOT_LIVE && next == 0);
    CHECK(mp_oplive_decide(&none, NULL, 5000, 300, 60, &next) == MP_OPLIVE_NOT_LIVE);
    /* live_until = 4600 */
    CHECK(mp_oplive_decide(&lv, same, 4600, 300, 60, &next) == MP_OPLIVE_NOT_LIVE);
    CHECK(mp_oplive_decide(&lv, same, 4300, 300, 60, &next) == MP_OPLIVE_EXPIRING);
    CHECK(mp_oplive_decide(&lv, same, 4299, 300, 60, &next) == MP_OPLIVE_OK && next == 1);
    CHECK(mp_oplive_decide(&lv, same, 2000, 300, 60, &next) == MP_OPLIVE_OK && next == 60);
    CHECK(mp_oplive_decide(&lv, same, 2000, 300, 5000, &next) == MP_OPLIVE_OK && next == 2300);
    /* a new enclave key: attest at once, however long the old record lasts */
    CHECK(mp_oplive_decide(&lv, other, 1001, 300, 60, &next) == MP_OPLIVE_ENCLAVE_CHANGED);
    /* prover unknown (down): the chain record alone */
    CHECK(mp_oplive_decide(&lv, NULL, 2000, 300, 60, &next) == MP_OPLIVE_OK);
    CHECK_STR(mp_oplive_reason_name(MP_OPLIVE_ENCLAVE_CHANGED), "enclave_changed");
    CHECK_STR(mp_oplive_reason_name(42), "unknown");
}

TEST(backoff_doubles_to_a_cap_and_resets)
{
    mp_backoff b;
    mp_backoff_init(&b, 100, 1000);
    CHECK(mp_backoff_next(&b, 0) == 100);
    CHECK(mp_backoff_next(&b, 0) == 200);
    CHECK(mp_backoff_next(&b, 0) == 400);
    CHECK(mp_backoff_next(&b, 0) == 800);
    CHECK(mp_backoff_next(&b, 0) == 1000);
    CHECK(mp_backoff_next(&b, 0) == 1000);
    CHECK(b.failures == 6);
    /* jitter takes at most a quarter off */
    for (int i = 0; i < 100; i++) {
        long long w = mp_backoff_next(&b, mp_test_rand(mp_t));
        CHECK(w >= 750 && w <= 1000);
    }
    mp_backoff_reset(&b);
    CHECK(mp_backoff_next(&b, 0) == 100 && b.failures == 1);
    mp_backoff_init(&b, 0, -5); /* nonsense bounds are clamped */
    CHECK(mp_backoff_next(&b, 0) == 1 && mp_backoff_next(&b, 0) == 1);
}

static char top[200], dir[256], other_dir[256];

static bool make_cas(mp_test_ctx *mp_t)
{
    const char *t = getenv("TMPDIR");
    mp_err e;
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    snprintf(top, sizeof top, "%s/mpavs-oplive-XXXXXX", t && *t ? t : "/tmp");
    CHECK(mkdtemp(top) != NULL);
    snprintf(dir, sizeof dir, "%s/ca", top);
    snprintf(other_dir, sizeof other_dir, "%s/other", top);
    CHECK_OK(mp_sgxsim_init(dir, &o, &e), &e);
    CHECK_OK(mp_sgxsim_init(other_dir, &o, &e), &e);
    return mp_t->failures == 0;
}

static void remove_cas(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", top);
}

/* A quote from the CA in d for enclave address `enclave` binding r. */
static void quote_for(mp_test_ctx *mp_t, const char *d, const mp_sgxsim_enclave *enc,
                      const uint8_t enclave[20], const mp_liveness_report *r, mp_buf *q)
{
    mp_err e;
    mp_sgxsim *sim;
    uint8_t rd[64];
    mp_liveness_report_data(rd, enclave, r);
    CHECK_OK(mp_sgxsim_open(&sim, d, &e), &e);
    CHECK_OK(mp_sgxsim_quote(sim, enc, rd, q, &e), &e);
    mp_sgxsim_close(sim);
}

TEST(quote_checked_before_sending)
{
    mp_err e;
    if (!make_cas(mp_t)) {
        remove_cas();
        return;
    }
    mp_dcap_collateral col;
    mp_dcap_policy pol;
    mp_sgxsim *sim;
    CHECK_OK(mp_sgxsim_collateral(&col, dir, &e), &e);
    CHECK_OK(mp_sgxsim_open(&sim, dir, &e), &e);
    mp_dcap_policy_init(&pol);
    memcpy(pol.root_pubkey, mp_sgxsim_root_pubkey(sim), 64);
    mp_sgxsim_close(sim);
    mp_sgxsim_enclave enc;
    mp_sgxsim_enclave_default(&enc);
    uint8_t listed[1][32];
    memcpy(listed[0], enc.mrenclave, 32);
    pol.mrenclaves = (const uint8_t(*)[32])listed;
    pol.n_mrenclaves = 1;

    mp_bls_secret sk;
    mp_bls_pubkey pk;
    CHECK_OK(mp_bls_secret_generate(&sk, &e), &e);
    mp_bls_pubkey_from_secret(&pk, &sk);
    mp_liveness_report r = {.pubkey = pk.g1, .reference_block = 77};
    memset(r.reference_hash, 0x42, 32);
    mp_liveness_url_hash(r.prover_url_hash, "http://127.0.0.1:9/");
    uint8_t want[20], got[20], h[32], h2[32];
    memset(want, 0xe1, 20);
    mp_oplive_request_data(h, &r);
    mp_liveness_report_hash(h2, &r);
    CHECK_MEM(h, h2, 32);
    mp_buf q = MP_BUF_INIT;
    int64_t now = (int64_t)time(NULL);

    quote_for(mp_t, dir, &enc, want, &r, &q);
    CHECK_OK(mp_oplive_check_quote(q.data, q.len, &r, &col, &pol, now, got, &e), &e);
    CHECK_MEM(got, want, 20);

    /* bound to another reference block */
    mp_liveness_report r2 = r;
    r2.reference_block = 78;
    CHECK_RC(mp_oplive_check_quote(q.data, q.len, &r2, &col, &pol, now, got, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "does not bind") != NULL);
    /* from another CA than the pinned one */
    mp_buf_free(&q);
    quote_for(mp_t, other_dir, &enc, want, &r, &q);
    CHECK_RC(mp_oplive_check_quote(q.data, q.len, &r, &col, &pol, now, got, &e), MP_ERR_QUOTE);
    /* an enclave off the deployment's allow-list */
    mp_buf_free(&q);
    quote_for(mp_t, dir, &enc, want, &r, &q);
    uint8_t allowed[1][32];
    memset(allowed[0], 0x99, 32);
    pol.mrenclaves = (const uint8_t(*)[32])allowed;
    pol.n_mrenclaves = 1;
    CHECK_RC(mp_oplive_check_quote(q.data, q.len, &r, &col, &pol, now, got, &e), MP_ERR_QUOTE);
    /* no allow-list at all: the chain fails closed, so does the check */
    pol.n_mrenclaves = 0;
    pol.mrenclaves = NULL;
    CHECK(mp_oplive_check_quote(q.data, q.len, &r, &col, &pol, now, got, &e) ==
          MP_RC(MP_ERR_QUOTE, 72));
    pol.mrenclaves = (const uint8_t(*)[32])listed;
    pol.n_mrenclaves = 1;
    /* garbage */
    CHECK_RC(mp_oplive_check_quote((const uint8_t *)"nope", 4, &r, &col, &pol, now, got, &e),
             MP_ERR_QUOTE);
    mp_buf_free(&q);
    mp_bls_secret_clear(&sk);
    mp_dcap_collateral_free(&col);
    remove_cas();
}

static const mp_test_case tests[] = {
    MP_TEST(decision),
    MP_TEST(backoff_doubles_to_a_cap_and_resets),
    MP_TEST(quote_checked_before_sending),
};
MP_TEST_MAIN("oplive", tests)
