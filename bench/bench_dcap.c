/*
** bench_dcap.c: DCAP v3 verification speed. Collateral is parsed once, as a
** verifier service keeps it; each iteration verifies one real Intel quote
** (set1, at its stated time) in full: format, PCK chain parsing and signatures,
** CRLs, collateral signatures, SGX extension, QE and ISV signatures, TCB level,
** policy. Also the parts alone, and quotes per second on one core.
*/
#include "bench.h"
#include "mpavs/dcap.h"
#include "mpavs/file.h"
#include "mpavs/quote.h"
#include "mpavs/x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SET1 "tests/vectors/dcap/set1/"

struct job {
    const uint8_t *quote;
    size_t len;
    mp_dcap_collateral col;
    mp_dcap_policy pol;
};

static void verify_loop(void *arg, size_t iters)
{
    struct job *j = arg;
    mp_dcap_result res;
    for (size_t i = 0; i < iters; i++) {
        if (mp_dcap_verify(&res, j->quote, j->len, &j->col, &j->pol, 1719496800, NULL) != MP_OK)
            abort(); /* a benchmark of a failing path would measure the wrong thing */
    }
    mp_bench_consume(&res.status, sizeof res.status);
}

static void parse_loop(void *arg, size_t iters)
{
    struct job *j = arg;
    mp_quote q;
    for (size_t i = 0; i < iters; i++)
        if (mp_quote_parse(&q, j->quote, j->len, NULL) != MP_OK)
            abort();
    mp_bench_consume(&q.cert_type, sizeof q.cert_type);
}

static void chain_loop(void *arg, size_t iters)
{
    struct job *j = arg;
    mp_quote q;
    if (mp_quote_parse(&q, j->quote, j->len, NULL) != MP_OK)
        abort();
    for (size_t i = 0; i < iters; i++) {
        mp_x509 *certs[4];
        size_t n;
        if (mp_x509_chain_from_pem(certs, 4, &n, q.cert_data, q.cert_data_len, NULL) != MP_OK)
            abort();
        for (size_t k = 0; k < n; k++)
            mp_x509_free(certs[k]);
    }
}

static void collateral_loop(void *arg, size_t iters)
{
    (void)arg;
    mp_dcap_collateral_files f = {SET1 "tcbinfo.json",    SET1 "identity.json",
                                  SET1 "root_ca.der",     SET1 "tcb_signing.der",
                                  SET1 "root_ca_crl.der", SET1 "pck_platform_crl.der"};
    for (size_t i = 0; i < iters; i++) {
        mp_dcap_collateral col;
        if (mp_dcap_collateral_load(&col, &f, NULL) != MP_OK)
            abort();
        mp_dcap_collateral_free(&col);
    }
}

/* CPU time per verification (this process only), so other load on the machine does not
 * count: the figure that "quotes per second on one core" is about. */
static double cpu_ns_per_verify(struct job *j, size_t n)
{
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    verify_loop(j, n);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    return ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
}

int main(void)
{
    struct job j;
    mp_err err;
    uint8_t *quote = NULL;
    mp_dcap_collateral_files f = {SET1 "tcbinfo.json",    SET1 "identity.json",
                                  SET1 "root_ca.der",     SET1 "tcb_signing.der",
                                  SET1 "root_ca_crl.der", SET1 "pck_platform_crl.der"};
    if (mp_file_read(SET1 "quote.bin", 1 << 16, &quote, &j.len, &err) != MP_OK ||
        mp_dcap_collateral_load(&j.col, &f, &err) != MP_OK) {
        fprintf(stderr, "bench_dcap: %s\n", err.msg);
        return 1;
    }
    j.quote = quote;
    mp_dcap_policy_init(&j.pol);
    j.pol.any_enclave = true; /* not about the allow-lists */
    mp_bench_header("SGX DCAP v3 verification (real Intel quote, set1)");
    double ns = mp_bench_ns(verify_loop, &j, 5, 300);
    mp_bench_row("full verification, collateral parsed (wall time)", ns, "target <= 1 ms");
    double cpu = cpu_ns_per_verify(&j, 2000);
    mp_bench_row("full verification, collateral parsed (CPU time)", cpu, "target <= 1 ms");
    char qps[64];
    snprintf(qps, sizeof qps, "%.0f quotes/s", 1e9 / cpu);
    mp_bench_row_text("throughput, one core (from CPU time)", qps, NULL);
    mp_bench_row("quote format parse (checks 10-18)", mp_bench_ns(parse_loop, &j, 5, 50), NULL);
    mp_bench_row("PEM chain parse (3 certificates)", mp_bench_ns(chain_loop, &j, 5, 100), NULL);
    mp_bench_row("collateral load and parse (6 files)", mp_bench_ns(collateral_loop, &j, 3, 200),
                 NULL);
    mp_dcap_collateral_free(&j.col);
    free(quote);
    return 0;
}
