/*
** fuzz_quote.c: libFuzzer target for quotes. Every input goes through the v3
** parser, the strict PEM chain parser and the SGX extension parser, then the
** whole verifier against set1's real collateral at set1's time (loaded once),
** so mutated quotes exercise every check after the format checks too.
*/
#include "mpavs/dcap.h"
#include "mpavs/quote.h"
#include "mpavs/x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mp_dcap_collateral col;
static bool have_col;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *root = getenv("MPAVS_ROOT");
    char p[6][512];
    static const char *const names[6] = {"tcbinfo.json",    "identity.json",
                                         "root_ca.der",     "tcb_signing.der",
                                         "root_ca_crl.der", "pck_platform_crl.der"};
    for (int i = 0; i < 6; i++)
        snprintf(p[i], sizeof p[i], "%s/tests/vectors/dcap/set1/%s", root ? root : ".", names[i]);
    mp_dcap_collateral_files f = {p[0], p[1], p[2], p[3], p[4], p[5]};
    have_col = mp_dcap_collateral_load(&col, &f, NULL) == MP_OK;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_quote q;
    if (mp_quote_parse(&q, data, size, NULL) == MP_OK) {
        mp_x509 *certs[4] = {NULL};
        size_t n = 0;
        if (mp_x509_chain_from_pem(certs, 4, &n, q.cert_data, q.cert_data_len, NULL) == MP_OK) {
            mp_pck_ext ext;
            if (n > 0)
                (void)mp_pck_ext_from_cert(&ext, certs[0], NULL);
            for (size_t i = 0; i < n; i++)
                mp_x509_free(certs[i]);
        }
    }
    if (have_col) {
        mp_dcap_policy pol;
        mp_dcap_policy_init(&pol);
        pol.any_enclave = true; /* not about the allow-lists */
        mp_dcap_result res;
        mp_err err;
        int rc = mp_dcap_verify(&res, data, size, &col, &pol, 1719496800, &err);
        /* A failure must name a known check; success only for a well-formed quote. */
        if (rc != MP_OK && strcmp(mp_dcap_check_name(res.check), "unknown") == 0)
            abort();
        if (rc == MP_OK && (size < MP_QUOTE_MIN_LEN || !res.verified))
            abort();
    }
    return 0;
}
