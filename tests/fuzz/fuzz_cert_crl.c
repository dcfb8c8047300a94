/*
** fuzz_cert_crl.c: libFuzzer target for certificates and CRLs (DER or PEM),
** the strict PEM chain of quotes and the SGX extension. The first byte picks
** the parser so one corpus serves all of them.
*/
#include "mpavs/crl.h"
#include "mpavs/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cert(const uint8_t *d, size_t n)
{
    mp_x509 *c = NULL;
    if (mp_x509_load(&c, d, n, NULL) != MP_OK)
        return;
    mp_pck_ext ext;
    (void)mp_pck_ext_from_cert(&ext, c, NULL);
    (void)mp_x509_verify_signature(c, c, NULL);
    mp_x509_free(c);
}

static void crl(const uint8_t *d, size_t n)
{
    mp_crl *c = NULL;
    if (mp_crl_load(&c, d, n, NULL) == MP_OK) {
        (void)mp_crl_count(c);
        (void)mp_crl_valid_at(c, 1719496800);
        mp_crl_free(c);
    }
}

static void chain(const uint8_t *d, size_t n)
{
    mp_x509 *certs[4] = {NULL};
    size_t count = 0;
    if (mp_x509_chain_from_pem(certs, 4, &count, d, n, NULL) != MP_OK)
        return;
    for (size_t i = 0; i < count; i++)
        mp_x509_free(certs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    mp_pck_ext ext;
    switch (data[0] & 3) {
    case 0:
        cert(d, n);
        break;
    case 1:
        crl(d, n);
        break;
    case 2:
        chain(d, n);
        break;
    default:
        (void)mp_pck_ext_parse(&ext, d, n, NULL);
        break;
    }
    return 0;
}
