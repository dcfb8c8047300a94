/*
** ctime_bn254.c: constant-time check of the secret-key code, run under
** valgrind memcheck (tests/cli/ctime_bn254.sh). The secret bytes are marked
** undefined with VALGRIND_MAKE_MEM_UNDEFINED; memcheck then reports every
** branch and every memory address that depends on them. Results that are
** public by design (public keys, signatures) are declassified before they
** are used. Runs the fixed-window multiplications of both backends, key
** derivation, signing and the scalar arithmetic. Prints TAP lines; the
** script fails the test when memcheck reports any error.
*/
#include "crypto/bn254/backend.h"
#include "mpavs/bls.h"
#include "mpavs/bn254.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"

#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

static int n;

static void report(const char *name, unsigned errors_before)
{
    unsigned now = (unsigned)VALGRIND_COUNT_ERRORS;
    n++;
    printf("%s %d - ctime: %s\n", now == errors_before ? "ok" : "not ok", n, name);
}

/* A secret key from fixed bytes (below r), marked undefined. */
static void secret(mp_bls_secret *sk, uint8_t fill)
{
    uint8_t b[32];
    memset(b, fill, sizeof b);
    b[0] = 0x1f;
    mp_bn254_scalar_from_bytes_raw(&sk->k, b);
    VALGRIND_MAKE_MEM_UNDEFINED(sk, sizeof *sk);
}

static void check_backend(const mp_bn254_backend *be)
{
    char name[96];
    mp_bls_secret sk;
    mp_bn254_g1 g1, r1;
    mp_bn254_g2 g2, r2;
    mp_bn254_g1_generator(&g1);
    mp_bn254_g2_generator(&g2);

    unsigned before = (unsigned)VALGRIND_COUNT_ERRORS;
    secret(&sk, 0xa5);
    be->g1_mul_ct(&r1, &g1, &sk.k);
    VALGRIND_MAKE_MEM_DEFINED(&r1, sizeof r1);
    snprintf(name, sizeof name, "G1 fixed-window multiplication (%s)", be->name);
    report(name, before);

    before = (unsigned)VALGRIND_COUNT_ERRORS;
    secret(&sk, 0x3c);
    be->g2_mul_ct(&r2, &g2, &sk.k);
    VALGRIND_MAKE_MEM_DEFINED(&r2, sizeof r2);
    snprintf(name, sizeof name, "G2 fixed-window multiplication (%s)", be->name);
    report(name, before);

    /* the zero scalar goes through the same code (result: infinity) */
    before = (unsigned)VALGRIND_COUNT_ERRORS;
    memset(&sk, 0, sizeof sk);
    VALGRIND_MAKE_MEM_UNDEFINED(&sk, sizeof sk);
    be->g1_mul_ct(&r1, &g1, &sk.k);
    VALGRIND_MAKE_MEM_DEFINED(&r1, sizeof r1);
    snprintf(name, sizeof name, "G1 multiplication by zero (%s)", be->name);
    report(name, before);

    /* field inversion of a secret-derived value */
    before = (unsigned)VALGRIND_COUNT_ERRORS;
    mp_bn254_fp x = g1.y, y;
    VALGRIND_MAKE_MEM_UNDEFINED(&x, sizeof x);
    be->fp_inv(&y, &x);
    be->fp_mul(&y, &y, &x);
    VALGRIND_MAKE_MEM_DEFINED(&y, sizeof y);
    snprintf(name, sizeof name, "Fp inversion and product (%s)", be->name);
    report(name, before);
}

int main(void)
{
    if (!RUNNING_ON_VALGRIND) {
        printf("not ok 1 - ctime: must run under valgrind\n");
        return 1;
    }
    check_backend(&mp_bn254_backend_generic);
#if defined(__x86_64__)
    /* valgrind hides ADX from CPUID but executes it: check that code too */
    check_backend(&mp_bn254_backend_adx);
#endif

    /* key derivation and signing through the public API */
    unsigned before = (unsigned)VALGRIND_COUNT_ERRORS;
    mp_bls_secret sk;
    mp_bls_pubkey pk;
    secret(&sk, 0x77);
    mp_bls_pubkey_from_secret(&pk, &sk);
    VALGRIND_MAKE_MEM_DEFINED(&pk, sizeof pk);
    report("mp_bls_pubkey_from_secret", before);

    before = (unsigned)VALGRIND_COUNT_ERRORS;
    uint8_t digest[32] = {1, 2, 3};
    mp_bn254_g1 sig;
    secret(&sk, 0x42);
    mp_bls_sign(&sig, &sk, digest);
    VALGRIND_MAKE_MEM_DEFINED(&sig, sizeof sig);
    report("mp_bls_sign", before);

    /* the signature is right (checked outside the secret region) */
    mp_bls_secret known;
    secret(&known, 0x42);
    VALGRIND_MAKE_MEM_DEFINED(&known, sizeof known);
    mp_bls_pubkey_from_secret(&pk, &known);
    n++;
    printf("%s %d - ctime: the checked signature verifies\n",
           mp_bls_verify(&pk.g2, digest, &sig, NULL) == MP_OK ? "ok" : "not ok", n);

    before = (unsigned)VALGRIND_COUNT_ERRORS;
    mp_bn254_scalar a, b, c;
    secret(&sk, 0x11);
    a = sk.k;
    secret(&sk, 0x22);
    b = sk.k;
    mp_bn254_scalar_mul(&c, &a, &b);
    mp_bn254_scalar_add(&c, &c, &a);
    mp_bn254_scalar_neg(&c, &c);
    uint8_t out[32];
    mp_bn254_scalar_to_bytes(out, &c);
    VALGRIND_MAKE_MEM_DEFINED(out, sizeof out);
    report("scalar multiplication, addition, negation", before);

    before = (unsigned)VALGRIND_COUNT_ERRORS;
    uint8_t raw[32];
    memset(raw, 0x99, sizeof raw);
    VALGRIND_MAKE_MEM_UNDEFINED(raw, sizeof raw);
    mp_bn254_scalar_from_bytes_mod(&c, raw);
    mp_bn254_scalar_to_bytes(out, &c);
    VALGRIND_MAKE_MEM_DEFINED(out, sizeof out);
    report("scalar reduction modulo r", before);

    before = (unsigned)VALGRIND_COUNT_ERRORS;
    mp_bls_secret_clear(&sk);
    report("mp_bls_secret_clear", before);

    printf("1..%d\n", n);
    return 0;
}
