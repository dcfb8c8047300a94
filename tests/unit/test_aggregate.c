/*
** test_aggregate.c: the aggregation steps of aggregate.h without a chain: the
** prover state digest against a vector computed with Foundry's cast, a
** committee state built from operator sets and keys (members, totals, signed
** stake, thresholds, rejected key sets), the offline response checks (each
** failure), and confirmState parameters built from that state passing the
** contract's pairing check, and the batch verifier answering every one of
** several threads correctly (valid and invalid signatures, shared and own
** digests). The chain reads (batched keys, liveness, indices)
** run against anvil in tests/integration/test_avs_e2e.c.
*/
#include "mpavs/aggregate.h"
#include "mpavs/bls.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/secp.h"
#include "mpavs/u256.h"
#include "test.h"

#include <pthread.h>
#include <stdlib.h>

TEST(prover_state_digest_vector)
{
    /* TH=$(cast keccak "MpavsProverState(uint256 identifier,bytes metadata,bytes state)")
     * M=$(cast abi-encode "f(uint256,uint256)" 31338 7)
     * S=$(cast abi-encode "f(bytes32,bytes32)" 0x11..11 0x22..22)
     * cast keccak $(cast abi-encode "f(bytes32,uint256,bytes32,bytes32)" $TH 1 \
     *     $(cast keccak $M) $(cast keccak $S)) */
    uint8_t meta[64], state[64], a[32], b[32], id[32], out[32], other[32];
    char hex[67];
    mp_state_l2block_metadata(meta, 31338, 7);
    memset(a, 0x11, 32);
    memset(b, 0x22, 32);
    mp_state_l2block_state(state, a, b);
    mp_u256_from_u64(id, 1);
    mp_prover_state_digest(out, id, meta, 64, state, 64);
    mp_hex_encode0x(hex, out, 32);
    CHECK_STR(hex, "0x6c54bd81c710ff22c991abaaeab3de474e7423108d12a806b434807ce6a6787f");
    /* It differs from the header digest of the same state and binds the identifier. */
    mp_state_header h = {.metadata = meta, .metadata_len = 64, .state = state, .state_len = 64};
    memcpy(h.identifier, id, 32);
    mp_agg_digests dg;
    uint8_t sm[20] = {0};
    mp_agg_digests_of(&dg, &h, 31337, sm);
    CHECK_MEM(dg.prover, out, 32);
    CHECK(memcmp(dg.header, dg.prover, 32) != 0);
    mp_u256_from_u64(id, 2);
    mp_prover_state_digest(other, id, meta, 64, state, 64);
    CHECK(memcmp(other, out, 32) != 0);
}

/* ---- a committee of five operators in two quorums ---- */

typedef struct world {
    mp_bls_secret sk[5];
    uint8_t addrs[5][20];
    mp_checksig_key keys[5];
    mp_avs_committee committee;
    uint8_t digest[32];
} world;

/* Quorum 0 = {0, 1, 3, 4} with stakes 10 * (i + 1), quorum 1 = {0, 2, 3} with 100 * (i + 1);
 * thresholds 50% and 60%. Operator i's address ends in 0xa0 + i. */
static void make_world(mp_test_ctx *mp_t, world *w)
{
    mp_err e;
    memset(w, 0, sizeof *w);
    for (int i = 0; i < 5; i++) {
        mp_bls_pubkey pk;
        CHECK_OK(mp_bls_secret_generate(&w->sk[i], &e), &e);
        mp_bls_pubkey_from_secret(&pk, &w->sk[i]);
        w->keys[i].g1 = pk.g1;
        w->keys[i].g2 = pk.g2;
        mp_bls_operator_id(w->keys[i].id, &pk.g1);
        memset(w->addrs[i], 0x42, 20);
        w->addrs[i][19] = (uint8_t)(0xa0 + i);
    }
    w->committee.n_quorums = 2;
    w->committee.quorums[1] = 1;
    w->committee.thresholds[0] = 50;
    w->committee.thresholds[1] = 60;
    mp_test_rand_bytes(mp_t, w->digest, 32);
}

/* A heap operator state as mp_avs_get_operator_state returns it. */
static void make_state(const world *w, mp_avs_operator_state *st)
{
    static const int q[2][4] = {{0, 1, 3, 4}, {0, 2, 3, -1}};
    static const uint64_t unit[2] = {10, 100};
    st->block = 77;
    st->n_sets = 2;
    st->sets = calloc(2, sizeof *st->sets);
    for (int s = 0; s < 2; s++) {
        mp_avs_quorum_set *set = &st->sets[s];
        set->quorum = (uint8_t)s;
        set->ops = calloc(4, sizeof *set->ops);
        for (int j = 0; j < 4 && q[s][j] >= 0; j++) {
            int i = q[s][j];
            memcpy(set->ops[j].address, w->addrs[i], 20);
            memcpy(set->ops[j].id, w->keys[i].id, 32);
            mp_u256_from_u64(set->ops[j].stake, unit[s] * (uint64_t)(i + 1));
            set->n++;
        }
    }
}

static void free_world(world *w)
{
    for (int i = 0; i < 5; i++)
        mp_bls_secret_clear(&w->sk[i]);
}

static uint64_t word_u64(const uint8_t v[32])
{
    uint64_t x = 0;
    mp_u256_to_u64(&x, v);
    return x;
}

TEST(committee_state_members_and_progress)
{
    world w;
    make_world(mp_t, &w);
    mp_avs_operator_state st;
    make_state(&w, &st);
    mp_agg_committee_state cs;
    mp_err e;
    CHECK_OK(
        mp_agg_committee_from(&cs, &w.committee, &st, (const uint8_t(*)[20])w.addrs, w.keys, 5, &e),
        &e);
    CHECK(st.sets == NULL); /* moved */
    CHECK(cs.n_members == 5 && cs.reference_block == 77);
    for (int i = 0; i < 5; i++) {
        long m = mp_agg_committee_find(&cs, w.addrs[i]);
        CHECK(m == i); /* addresses ascend with i */
        CHECK(m >= 0 && memcmp(cs.keys[m].id, w.keys[i].id, 32) == 0);
    }
    uint8_t stranger[20] = {1};
    CHECK(mp_agg_committee_find(&cs, stranger) == -1);
    CHECK(word_u64(cs.total_stake[0]) == 10 + 20 + 40 + 50);
    CHECK(word_u64(cs.total_stake[1]) == 100 + 300 + 400);
    /* Operators 1 and 3: q0 60/120 (50% met), q1 400/800 (60% not met). */
    bool mask[5] = {false, true, false, true, false};
    uint8_t signed_stake[2][32];
    mp_agg_signed_stake(&cs, mask, signed_stake);
    CHECK(word_u64(signed_stake[0]) == 60 && word_u64(signed_stake[1]) == 400);
    CHECK(!mp_agg_meets_thresholds(&cs, (const uint8_t(*)[32])signed_stake));
    mask[0] = true; /* q1 500/800 = 62.5% */
    mp_agg_signed_stake(&cs, mask, signed_stake);
    CHECK(word_u64(signed_stake[0]) == 70 && word_u64(signed_stake[1]) == 500);
    CHECK(mp_agg_meets_thresholds(&cs, (const uint8_t(*)[32])signed_stake));
    /* The same sums one signer at a time (2 is in quorum 1 only, 4 in quorum 0 only). */
    uint8_t running[2][32] = {{0}};
    mp_agg_add_signer(&cs, 1, running);
    mp_agg_add_signer(&cs, 3, running);
    CHECK(word_u64(running[0]) == 60 && word_u64(running[1]) == 400);
    mp_agg_add_signer(&cs, 0, running);
    CHECK(memcmp(running, signed_stake, sizeof running) == 0);
    mp_agg_add_signer(&cs, 2, running);
    mp_agg_add_signer(&cs, 4, running);
    CHECK(word_u64(running[0]) == 120 && word_u64(running[1]) == 800);
    mp_agg_committee_free(&cs);
    free_world(&w);
}

TEST(committee_state_rejects_bad_keys)
{
    world w;
    make_world(mp_t, &w);
    mp_avs_operator_state st;
    mp_agg_committee_state cs;
    mp_err e;
    /* Operator 4's key missing. */
    make_state(&w, &st);
    CHECK_RC(
        mp_agg_committee_from(&cs, &w.committee, &st, (const uint8_t(*)[20])w.addrs, w.keys, 4, &e),
        MP_ERR_INVALID);
    CHECK(strstr(e.msg, "no BLS key") != NULL);
    /* A key whose id is not the operatorId of the sets. */
    make_state(&w, &st);
    w.keys[2].id[0] ^= 1;
    CHECK_RC(
        mp_agg_committee_from(&cs, &w.committee, &st, (const uint8_t(*)[20])w.addrs, w.keys, 5, &e),
        MP_ERR_INVALID);
    w.keys[2].id[0] ^= 1;
    /* Sets of other quorums than the committee's. */
    make_state(&w, &st);
    st.sets[1].quorum = 5;
    CHECK_RC(
        mp_agg_committee_from(&cs, &w.committee, &st, (const uint8_t(*)[20])w.addrs, w.keys, 5, &e),
        MP_ERR_INVALID);
    free_world(&w);
}

TEST(response_signature_checks)
{
    world w;
    make_world(mp_t, &w);
    mp_err e;
    uint8_t meta[64], state[64], a[32] = {1}, b[32] = {2}, enclave_sk[32], enclave[20];
    mp_state_l2block_metadata(meta, 31338, 9);
    mp_state_l2block_state(state, a, b);
    mp_state_header h = {.metadata = meta,
                         .metadata_len = 64,
                         .state = state,
                         .state_len = 64,
                         .reference_block = 77};
    mp_u256_from_u64(h.identifier, 1);
    uint8_t sm[20];
    memset(sm, 0x5f, 20);
    mp_agg_digests dg;
    mp_agg_digests_of(&dg, &h, 31337, sm);
    CHECK_OK(mp_secp_key_generate(enclave_sk, &e), &e);
    CHECK_OK(mp_secp_address(NULL, enclave, enclave_sk, &e), &e);
    mp_agg_response r;
    memcpy(r.operator_addr, w.addrs[0], 20);
    memcpy(r.enclave, enclave, 20);
    mp_bls_sign(&r.bls_sig, &w.sk[0], dg.header);
    CHECK_OK(mp_secp_sign65(NULL, r.prover_sig, dg.prover, enclave_sk, &e), &e);
    CHECK(mp_agg_check_signatures(&dg, &w.keys[0], &r) == MP_AGG_ACCEPTED);
    /* Another operator's key. */
    CHECK(mp_agg_check_signatures(&dg, &w.keys[1], &r) == MP_AGG_BAD_BLS);
    /* The BLS signature of another digest. */
    mp_agg_response bad = r;
    mp_bls_sign(&bad.bls_sig, &w.sk[0], dg.prover);
    CHECK(mp_agg_check_signatures(&dg, &w.keys[0], &bad) == MP_AGG_BAD_BLS);
    /* The enclave signed the header digest (not the prover digest). */
    bad = r;
    CHECK_OK(mp_secp_sign65(NULL, bad.prover_sig, dg.header, enclave_sk, &e), &e);
    CHECK(mp_agg_check_signatures(&dg, &w.keys[0], &bad) == MP_AGG_BAD_PROVER_SIG);
    /* Another enclave claimed. */
    bad = r;
    bad.enclave[0] ^= 1;
    CHECK(mp_agg_check_signatures(&dg, &w.keys[0], &bad) == MP_AGG_BAD_PROVER_SIG);
    /* A malformed recovery byte. */
    bad = r;
    bad.prover_sig[64] = 5;
    CHECK(mp_agg_check_signatures(&dg, &w.keys[0], &bad) == MP_AGG_BAD_PROVER_SIG);
    CHECK_STR(mp_agg_verdict_name(MP_AGG_NOT_LIVE), "not_live");
    CHECK_STR(mp_agg_verdict_name(MP_AGG_BAD_PROVER_SIG), "bad_prover_signature");
    mp_memzero(enclave_sk, 32);
    free_world(&w);
}

TEST(params_from_committee_state_verify)
{
    world w;
    make_world(mp_t, &w);
    mp_avs_operator_state st;
    make_state(&w, &st);
    mp_agg_committee_state cs;
    mp_err e;
    CHECK_OK(
        mp_agg_committee_from(&cs, &w.committee, &st, (const uint8_t(*)[20])w.addrs, w.keys, 5, &e),
        &e);
    /* What mp_agg_build_params does before reading the indices. */
    mp_checksig_signer s[3];
    int who[3] = {0, 2, 3};
    for (int k = 0; k < 3; k++) {
        memcpy(s[k].id, w.keys[who[k]].id, 32);
        mp_bls_sign(&s[k].sig, &w.sk[who[k]], w.digest);
    }
    mp_checksig_params p;
    CHECK_OK(mp_checksig_build(&p, &cs.state, cs.keys, cs.n_members, s, 3, &e), &e);
    CHECK(p.n_nonsigners == 2); /* 1 and 4 */
    CHECK_OK(mp_checksig_verify(&p, w.digest, &e), &e);
    bool mask[5] = {true, false, true, true, false};
    uint8_t signed_stake[2][32];
    mp_agg_signed_stake(&cs, mask, signed_stake);
    CHECK_MEM(signed_stake[0], p.signed_stake[0], 32);
    CHECK_MEM(signed_stake[1], p.signed_stake[1], 32);
    mp_checksig_params_free(&p);
    mp_agg_committee_free(&cs);
    free_world(&w);
}

/* ---- the batch verifier, from several threads ---- */

#define VT_THREADS 4
#define VT_EACH    12

typedef struct vt_arg {
    mp_agg_verifier *v;
    const world *w;
    int t;
    uint8_t digests[VT_EACH][32];
    mp_bn254_g1 sigs[VT_EACH];
    bool want[VT_EACH], got[VT_EACH];
    int rc;
} vt_arg;

static void *vt_run(void *p)
{
    vt_arg *a = p;
    for (int i = 0; i < VT_EACH && a->rc == MP_OK; i++)
        a->rc =
            mp_agg_verify(a->v, a->digests[i], &a->w->keys[a->t].g2, &a->sigs[i], &a->got[i], NULL);
    return NULL;
}

/* VT_THREADS callers verify their signatures through v at once; every answer is checked. */
static void run_verifier_threads(mp_test_ctx *mp_t, world *w, mp_agg_verifier *v)
{
    vt_arg args[VT_THREADS];
    pthread_t th[VT_THREADS];
    for (int t = 0; t < VT_THREADS; t++) {
        vt_arg *a = &args[t];
        memset(a, 0, sizeof *a);
        a->v = v;
        a->w = w;
        a->t = t;
        for (int i = 0; i < VT_EACH; i++) {
            /* Shared digests (as for one task's state) and own ones; every fifth is bad. */
            memset(a->digests[i], i % 3 == 0 ? 0x77 : t * 16 + i, 32);
            a->want[i] = (t * VT_EACH + i) % 5 != 0;
            uint8_t other[32];
            memset(other, 0x99, 32);
            mp_bls_sign(&a->sigs[i], &w->sk[t], a->want[i] ? a->digests[i] : other);
        }
    }
    for (int t = 0; t < VT_THREADS; t++)
        CHECK(pthread_create(&th[t], NULL, vt_run, &args[t]) == 0);
    for (int t = 0; t < VT_THREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < VT_THREADS; t++) {
        CHECK(args[t].rc == MP_OK);
        for (int i = 0; i < VT_EACH; i++)
            CHECK(args[t].got[i] == args[t].want[i]);
    }
}

TEST(batch_verifier_answers_each_caller)
{
    world w;
    make_world(mp_t, &w);
    mp_err e;
    mp_agg_verifier *v;
    CHECK_OK(mp_agg_verifier_new(&v, 8, &e), &e);
    run_verifier_threads(mp_t, &w, v);
    uint64_t batches = 0, sigs = 0;
    mp_agg_verifier_stats(v, &batches, &sigs);
    CHECK(sigs == VT_THREADS * VT_EACH && batches >= 1 && batches <= sigs);
    printf("# %llu signatures in %llu batches\n", (unsigned long long)sigs,
           (unsigned long long)batches);
    /* The response check through the verifier gives the verdicts of the direct one. */
    mp_agg_digests dg;
    memset(&dg, 0x31, sizeof dg);
    uint8_t esk[32];
    mp_agg_response r = {0};
    mp_agg_verdict vd;
    CHECK_OK(mp_secp_key_generate(esk, &e), &e);
    CHECK_OK(mp_secp_address(NULL, r.enclave, esk, &e), &e);
    mp_bls_sign(&r.bls_sig, &w.sk[0], dg.header);
    CHECK_OK(mp_secp_sign65(NULL, r.prover_sig, dg.prover, esk, &e), &e);
    CHECK_OK(mp_agg_check_signatures_with(v, &dg, &w.keys[0], &r, &vd, &e), &e);
    CHECK(vd == MP_AGG_ACCEPTED);
    CHECK_OK(mp_agg_check_signatures_with(v, &dg, &w.keys[1], &r, &vd, &e), &e);
    CHECK(vd == MP_AGG_BAD_BLS);
    r.enclave[0] ^= 1;
    CHECK_OK(mp_agg_check_signatures_with(v, &dg, &w.keys[0], &r, &vd, &e), &e);
    CHECK(vd == MP_AGG_BAD_PROVER_SIG);
    mp_memzero(esk, 32);
    mp_agg_verifier_free(v);
    free_world(&w);
}

/* With a gathering window (and a queue of 8 that fills up during it) every
 * caller still gets its own answer. */
TEST(batch_verifier_gathers_and_answers_each_caller)
{
    world w;
    make_world(mp_t, &w);
    mp_err e;
    mp_agg_verifier *v;
    CHECK_OK(mp_agg_verifier_new(&v, 8, &e), &e);
    mp_agg_verifier_set_gather(v, 3000);
    run_verifier_threads(mp_t, &w, v);
    uint64_t batches = 0, sigs = 0;
    mp_agg_verifier_stats(v, &batches, &sigs);
    CHECK(sigs == VT_THREADS * VT_EACH && batches >= 1 && batches <= sigs);
    printf("# %llu signatures in %llu batches (3 ms gathering)\n", (unsigned long long)sigs,
           (unsigned long long)batches);
    mp_agg_verifier_free(v);
    free_world(&w);
}

static const mp_test_case tests[] = {
    MP_TEST(prover_state_digest_vector),
    MP_TEST(committee_state_members_and_progress),
    MP_TEST(committee_state_rejects_bad_keys),
    MP_TEST(response_signature_checks),
    MP_TEST(params_from_committee_state_verify),
    MP_TEST(batch_verifier_answers_each_caller),
    MP_TEST(batch_verifier_gathers_and_answers_each_caller),
};

MP_TEST_MAIN("aggregate", tests)
