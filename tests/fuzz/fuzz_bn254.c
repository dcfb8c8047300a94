/*
** fuzz_bn254.c: libFuzzer target for the BN254 input decoders and the EVM
** precompiles. The first byte picks the entry point; the rest is its input.
** Checks: no crash or sanitizer report on any input, decode/encode round
** trips for accepted points, and the generic and ADX backends agree on
** every result (when the CPU has ADX).
*/
#include "crypto/bn254/backend.h"
#include "mpavs/bls.h"
#include "mpavs/bn254.h"
#include "mpavs/bn254_g1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pairing inputs are capped at two pairs to keep each run short. */
#define MAX_PAIRING (2 * 192)

static void require(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_bn254: %s\n", what);
        abort();
    }
}

static void precompiles(const uint8_t *in, size_t len, int which)
{
    const mp_bn254_backend *bes[2] = {&mp_bn254_backend_generic, &mp_bn254_backend_adx};
    int nb = mp_bn254_backend_adx_usable() ? 2 : 1;
    uint8_t out[2][64];
    int rc[2];
    for (int k = 0; k < nb; k++) {
        mp_err err;
        memset(out[k], 0, sizeof out[k]);
        if (which == 0)
            rc[k] = mp_bn254_ecadd_with(bes[k], out[k], in, len, &err);
        else if (which == 1)
            rc[k] = mp_bn254_ecmul_with(bes[k], out[k], in, len, &err);
        else
            rc[k] = mp_bn254_ecpairing_with(bes[k], out[k], in, len > MAX_PAIRING ? 0 : len, &err);
        require(rc[k] == MP_OK || mp_rc_class(rc[k]) == MP_ERR_INVALID, "unexpected error class");
    }
    if (nb == 2) {
        require(rc[0] == rc[1], "backends disagree on acceptance");
        require(memcmp(out[0], out[1], 64) == 0, "backends disagree on the result");
    }
}

static void decoders(const uint8_t *in, size_t len, int g2)
{
    const mp_bn254_backend *bes[2] = {&mp_bn254_backend_generic, &mp_bn254_backend_adx};
    int nb = mp_bn254_backend_adx_usable() ? 2 : 1;
    uint8_t buf[128] = {0}, back[128];
    memcpy(buf, in, len < 128 ? len : 128);
    int why[2];
    for (int k = 0; k < nb; k++) {
        if (g2) {
            mp_bn254_g2 p;
            why[k] = bes[k]->g2_decode(&p, buf, 1);
            if (why[k] == BN254_DECODE_OK) {
                bes[k]->g2_encode(back, &p);
                require(memcmp(back, buf, 128) == 0, "G2 round trip");
            }
        } else {
            mp_bn254_g1 p;
            why[k] = bes[k]->g1_decode(&p, buf);
            if (why[k] == BN254_DECODE_OK) {
                bes[k]->g1_encode(back, &p);
                require(memcmp(back, buf, 64) == 0, "G1 round trip");
            }
        }
    }
    if (nb == 2)
        require(why[0] == why[1], "backends disagree on a decode");
}

static void gnark_string(const uint8_t *in, size_t len)
{
    char text[256];
    if (len >= sizeof text)
        len = sizeof text - 1;
    memcpy(text, in, len);
    text[len] = 0;
    mp_bn254_g1 p;
    mp_err err;
    if (mp_bls_g1_from_gnark(&p, text, &err) == MP_OK) {
        char back[MP_BLS_GNARK_MAX];
        mp_bn254_g1 q;
        mp_bls_g1_to_gnark(back, &p);
        require(mp_bls_g1_from_gnark(&q, back, &err) == MP_OK && mp_bn254_g1_eq(&p, &q),
                "gnark string round trip");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int op = data[0] % 6;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    if (op <= 2)
        precompiles(in, len, op);
    else if (op <= 4)
        decoders(in, len, op == 4);
    else
        gnark_string(in, len);
    return 0;
}
