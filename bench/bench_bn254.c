/*
** bench_bn254.c: BN254 and EigenLayer BLS speed: the figures the issue sets
** targets for (pairing, 2-pair check, G1/G2 multiplication, hashToG1, a
** 1,000-signature same-message batch) and the ones around them (Miller loop,
** final exponentiation, field products, constant-time multiplications,
** single verification, MSM sizes, the portable backend).
*/
#include "bench.h"
#include "crypto/bn254/backend.h"
#include "mpavs/bls.h"
#include "mpavs/bn254.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/bn254_pairing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 7

/* One table row: best batch, then the harness median. The build machine is
 * shared (other jobs on its two cores), so the best of many short batches
 * (mp_bench_best_ns) is what the targets (and the mcl figures they derive
 * from) describe. */
static void row(const char *name, mp_bench_fn fn, void *arg, int rounds, double budget_ms,
                const char *target)
{
    char best[32], median[32], value[96];
    mp_bench_format_ns(best, sizeof best, mp_bench_best_ns(fn, arg, 4 * budget_ms));
    mp_bench_format_ns(median, sizeof median, mp_bench_ns(fn, arg, rounds, budget_ms));
    snprintf(value, sizeof value, "%s (median %s)", best, median);
    mp_bench_row_text(name, value, target);
}

/* Deterministic filler for scalars (benchmarks need no real randomness). */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void rand_scalar(uint64_t *s, mp_bn254_scalar *k, unsigned bits)
{
    for (int i = 0; i < 4; i++)
        k->v[i] = next(s);
    k->v[3] &= 0x0fffffffffffffffULL; /* below r */
    for (unsigned b = bits; b < 256; b++)
        k->v[b / 64] &= ~((uint64_t)1 << (b % 64));
}

typedef struct ctx {
    const mp_bn254_backend *be;
    mp_bn254_g1 p, ps[2];
    mp_bn254_g2 q, qs[2];
    mp_bn254_scalar k;
    mp_bn254_fp a, b;
    mp_bn254_fp2 a2, b2;
    mp_bn254_gt f;
    uint8_t digest[32], pairing_in[384];
    mp_bls_secret sk;
    size_t n;
    mp_bn254_g1 *g1s;
    mp_bn254_g2 *g2s;
    mp_bn254_scalar *ks;
    uint8_t (*digests)[32];
} ctx;

static void b_fp_mul(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        c->be->fp_mul(&c->a, &c->a, &c->b);
    mp_bench_consume(&c->a, sizeof c->a);
}

static void b_fp2_mul(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        c->be->fp2_mul(&c->a2, &c->a2, &c->b2);
    mp_bench_consume(&c->a2, sizeof c->a2);
}

static void b_fp12_mul(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        c->be->gt_mul(&c->f, &c->f, &c->f);
    mp_bench_consume(&c->f, sizeof c->f);
}

static void b_pairing(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_gt e, f;
    for (size_t i = 0; i < it; i++) {
        c->be->miller_loop(&f, &c->p, &c->q, 1);
        c->be->final_exp(&e, &f);
    }
    mp_bench_consume(&e, sizeof e);
}

static void b_miller(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_gt f;
    for (size_t i = 0; i < it; i++)
        c->be->miller_loop(&f, &c->p, &c->q, 1);
    mp_bench_consume(&f, sizeof f);
}

static void b_final_exp(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_gt e;
    for (size_t i = 0; i < it; i++)
        c->be->final_exp(&e, &c->f);
    mp_bench_consume(&e, sizeof e);
}

static void b_check2(void *arg, size_t it)
{
    ctx *c = arg;
    int ok = 0;
    for (size_t i = 0; i < it; i++)
        ok += mp_bn254_pairing_check(c->ps, c->qs, 2);
    mp_bench_consume(&ok, sizeof ok);
}

static void b_ecpairing2(void *arg, size_t it)
{
    ctx *c = arg;
    uint8_t out[32];
    for (size_t i = 0; i < it; i++)
        if (mp_bn254_ecpairing(out, c->pairing_in, sizeof c->pairing_in, NULL) != MP_OK)
            abort();
    mp_bench_consume(out, sizeof out);
}

static void b_g1_mul(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 r;
    for (size_t i = 0; i < it; i++)
        mp_bn254_g1_mul_var(&r, &c->p, &c->k);
    mp_bench_consume(&r, sizeof r);
}

static void b_g1_mul_ct(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 r;
    for (size_t i = 0; i < it; i++)
        mp_bn254_g1_mul_ct(&r, &c->p, &c->k);
    mp_bench_consume(&r, sizeof r);
}

static void b_g2_mul(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g2 r;
    for (size_t i = 0; i < it; i++)
        mp_bn254_g2_mul_var(&r, &c->q, &c->k);
    mp_bench_consume(&r, sizeof r);
}

static void b_g2_mul_ct(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g2 r;
    for (size_t i = 0; i < it; i++)
        mp_bn254_g2_mul_ct(&r, &c->q, &c->k);
    mp_bench_consume(&r, sizeof r);
}

static void b_g2_subgroup(void *arg, size_t it)
{
    ctx *c = arg;
    int ok = 0;
    for (size_t i = 0; i < it; i++)
        ok += mp_bn254_g2_in_subgroup_var(&c->q);
    mp_bench_consume(&ok, sizeof ok);
}

static void b_hash(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 h;
    for (size_t i = 0; i < it; i++) {
        c->digest[0] = (uint8_t)i; /* a new digest each time: ~2 tries on average */
        c->digest[1] = (uint8_t)(i >> 8);
        mp_bls_hash_to_g1(&h, c->digest);
    }
    mp_bench_consume(&h, sizeof h);
}

static void b_sign(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 s;
    for (size_t i = 0; i < it; i++)
        mp_bls_sign(&s, &c->sk, c->digest);
    mp_bench_consume(&s, sizeof s);
}

static void b_verify(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        if (mp_bls_verify(&c->qs[1], c->digest, &c->ps[1], NULL) != MP_OK)
            abort();
}

static void b_batch_same(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        if (mp_bls_batch_verify_same(c->digest, c->g2s, c->g1s, c->n, NULL) != MP_OK)
            abort();
}

static void b_batch_distinct(void *arg, size_t it)
{
    ctx *c = arg;
    for (size_t i = 0; i < it; i++)
        if (mp_bls_batch_verify((const uint8_t(*)[32])c->digests, c->g2s, c->g1s, c->n, NULL) !=
            MP_OK)
            abort();
}

static void b_msm_g1(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 r;
    for (size_t i = 0; i < it; i++)
        if (mp_bn254_g1_msm_var(&r, c->g1s, c->ks, c->n, 256, NULL) != MP_OK)
            abort();
    mp_bench_consume(&r, sizeof r);
}

static void b_msm_g1_64(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g1 r;
    for (size_t i = 0; i < it; i++)
        if (mp_bn254_g1_msm_var(&r, c->g1s, c->ks, c->n, 64, NULL) != MP_OK)
            abort();
    mp_bench_consume(&r, sizeof r);
}

static void b_msm_g2_64(void *arg, size_t it)
{
    ctx *c = arg;
    mp_bn254_g2 r;
    for (size_t i = 0; i < it; i++)
        if (mp_bn254_g2_msm_var(&r, c->g2s, c->ks, c->n, 64, NULL) != MP_OK)
            abort();
    mp_bench_consume(&r, sizeof r);
}

/* n signers of one digest (and of n distinct digests), for the batch rows. */
static void make_batch(ctx *c, uint64_t *seed, size_t n)
{
    mp_bn254_g1 g1, h;
    mp_bn254_g2 g2;
    mp_bn254_g1_generator(&g1);
    mp_bn254_g2_generator(&g2);
    c->n = n;
    c->g1s = calloc(n, sizeof *c->g1s);
    c->g2s = calloc(n, sizeof *c->g2s);
    c->ks = calloc(n, sizeof *c->ks);
    c->digests = calloc(n, 32);
    if (!c->g1s || !c->g2s || !c->ks || !c->digests)
        abort();
    mp_bls_hash_to_g1(&h, c->digest);
    for (size_t i = 0; i < n; i++) {
        rand_scalar(seed, &c->ks[i], 254);
        mp_bn254_g2_mul_var(&c->g2s[i], &g2, &c->ks[i]);
        mp_bn254_g1_mul_var(&c->g1s[i], &h, &c->ks[i]);
        memcpy(c->digests[i], c->digest, 32);
    }
}

static void sign_distinct(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        mp_bls_secret s = {c->ks[i]};
        c->digests[i][0] ^= (uint8_t)i;
        c->digests[i][1] ^= (uint8_t)(i >> 8);
        mp_bls_sign(&c->g1s[i], &s, c->digests[i]);
    }
}

static void pairing_rows(ctx *c, const char *tag)
{
    char name[96];
    snprintf(name, sizeof name, "pairing (Miller loop + final exp)%s", tag);
    row(name, b_pairing, c, ROUNDS, 100, tag[0] ? NULL : "<= 430 us");
    snprintf(name, sizeof name, "Miller loop%s", tag);
    row(name, b_miller, c, ROUNDS, 60, NULL);
    snprintf(name, sizeof name, "final exponentiation%s", tag);
    row(name, b_final_exp, c, ROUNDS, 60, NULL);
    snprintf(name, sizeof name, "Fp mul%s", tag);
    row(name, b_fp_mul, c, ROUNDS, 20, NULL);
    snprintf(name, sizeof name, "Fp2 mul%s", tag);
    row(name, b_fp2_mul, c, ROUNDS, 20, NULL);
    snprintf(name, sizeof name, "Fp12 mul%s", tag);
    row(name, b_fp12_mul, c, ROUNDS, 20, NULL);
}

int main(void)
{
    static ctx c;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    c.be = mp_bn254_backend_get();
    mp_bn254_g1_generator(&c.p);
    mp_bn254_g2_generator(&c.q);
    rand_scalar(&seed, &c.k, 254);
    mp_bn254_g1_mul_var(&c.p, &c.p, &c.k);
    rand_scalar(&seed, &c.k, 254);
    mp_bn254_g2_mul_var(&c.q, &c.q, &c.k);
    rand_scalar(&seed, &c.k, 254);
    c.a = c.p.x;
    c.b = c.p.y;
    c.a2 = c.q.x;
    c.b2 = c.q.y;
    mp_bn254_miller_loop(&c.f, &c.p, &c.q, 1);
    memset(c.digest, 0x5c, 32);
    mp_bls_secret_from_text(&c.sk, "123456789", NULL) == MP_OK ? (void)0 : abort();
    /* a valid 2-pair check: e(sig, -G2) e(H, pk) with sig = sk H */
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &c.sk);
    mp_bls_hash_to_g1(&c.ps[0], c.digest);
    c.qs[0] = pk.g2;
    mp_bls_sign(&c.ps[1], &c.sk, c.digest);
    mp_bn254_g2_generator(&c.qs[1]);
    for (int i = 0; i < 2; i++) {
        mp_bn254_g1 neg;
        mp_bn254_g1_neg(&neg, &c.ps[1]);
        mp_bn254_g1_encode(c.pairing_in + 192 * i, i ? &neg : &c.ps[0]);
        mp_bn254_g2_encode(c.pairing_in + 192 * i + 64, &c.qs[i]);
    }
    mp_bn254_g1_neg(&c.ps[1], &c.ps[1]);
    if (!mp_bn254_pairing_check(c.ps, c.qs, 2))
        abort();
    mp_bn254_g1_neg(&c.ps[1], &c.ps[1]);
    c.qs[1] = pk.g2; /* for b_verify: key, and ps[1] is the signature */
    mp_bn254_g1_neg(&c.ps[1], &c.ps[1]);
    mp_bn254_g2_generator(&c.qs[1]);

    char section[96];
    snprintf(section, sizeof section, "BN254 and EigenLayer BLS (backend: %s)", c.be->name);
    printf("\nEach row: the best of up to 40 short batches (the machine is shared), then the "
           "harness median.\n");
    mp_bench_header(section);
    pairing_rows(&c, "");
    row("2-pair check e(a,b)e(c,d) == 1 (decoded points)", b_check2, &c, ROUNDS, 100, "<= 550 us");
    row("ecPairing precompile, 2 pairs (decode + G2 subgroup checks)", b_ecpairing2, &c, ROUNDS,
        100, NULL);
    row("G1 mul (GLV, variable time)", b_g1_mul, &c, ROUNDS, 60, "<= 40 us");
    row("G1 mul (constant time)", b_g1_mul_ct, &c, ROUNDS, 60, NULL);
    row("G2 mul (GLS, variable time)", b_g2_mul, &c, ROUNDS, 60, "<= 65 us");
    row("G2 mul (constant time)", b_g2_mul_ct, &c, ROUNDS, 60, NULL);
    row("G2 subgroup check", b_g2_subgroup, &c, ROUNDS, 60, NULL);
    row("hashToG1 (try-and-increment)", b_hash, &c, ROUNDS, 60, "<= 15 us");
    row("BLS sign", b_sign, &c, ROUNDS, 60, NULL);
    /* b_verify: signature ps[1] under key pk.g2 */
    mp_bls_sign(&c.ps[1], &c.sk, c.digest);
    c.qs[1] = pk.g2;
    row("BLS verify (one signature)", b_verify, &c, ROUNDS, 100, NULL);

    make_batch(&c, &seed, 1000);
    row("batch verify, 1,000 signatures, same message", b_batch_same, &c, ROUNDS, 300, "<= 30 ms");
    row("MSM G1, 1,000 points, 64-bit scalars", b_msm_g1_64, &c, ROUNDS, 100, NULL);
    row("MSM G2, 1,000 points, 64-bit scalars", b_msm_g2_64, &c, ROUNDS, 100, NULL);
    row("MSM G1, 1,000 points, 256-bit scalars", b_msm_g1, &c, ROUNDS, 100, NULL);
    size_t full = c.n;
    c.n = 64;
    row("MSM G1, 64 points, 256-bit scalars", b_msm_g1, &c, ROUNDS, 60, NULL);
    c.n = full;
    sign_distinct(&c);
    row("batch verify, 1,000 signatures, 1,000 messages", b_batch_distinct, &c, 3, 500, NULL);

    if (c.be != &mp_bn254_backend_generic) {
        c.be = &mp_bn254_backend_generic;
        pairing_rows(&c, " [generic backend]");
    }
    return 0;
}
