/*
** test_avs.c: the AVS protocol pieces of libmpavs without a chain: the
** StateHeader digest against the worked example of docs/protocol.md (also the
** forge test test_stateHeaderDigest_MatchesDocumentedVector), liveness report
** data, registration and calldata against values Foundry computed (cast
** abi-encode / calldata / keccak, and the devnet AVSDirectory on anvil; the
** commands are next to each constant), and NonSignerStakesAndSignature built
** for two quorums with signers in both (multiplicity), checked with the
** contract's pairing equation and decoded back with the generic ABI decoder.
*/
#include "mpavs/abi.h"
#include "mpavs/avsreg.h"
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/checksig.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/liveness.h"
#include "mpavs/mem.h"
#include "mpavs/stateheader.h"
#include "mpavs/u256.h"
#include "test.h"

#include <stdlib.h>

/* Operator key 0 of tests/vectors/bn254/eigenlayer-middleware_operatorBLSKeys.json: sk 853. */
static const char K0_X[] =
    "21008703310028844141620162130587521182514488709533704622337026710714836074802";
static const char K0_Y[] =
    "1145283673551783492487423178395020830991754869805176606412560778073024405948";
static const char *const K0_G2[4] = {
    "18365931514869092612260933343012094946038116831347190782780094018746688809344",
    "6165304727519233866734872371230711537271438274887895122159800183137631832999",
    "21760225064598292598109136295946448694742398357854681562699679980396051425166",
    "18968097867253340074033854544884184550661418114696404027942755287485933653143",
};

static void dec_word(mp_test_ctx *mp_t, uint8_t out[32], const char *dec)
{
    mp_err e;
    CHECK_OK(mp_u256_from_dec(out, dec, &e), &e);
}

static void key0(mp_test_ctx *mp_t, mp_bn254_g1 *g1, mp_bn254_g2 *g2)
{
    uint8_t b[128];
    mp_err e;
    dec_word(mp_t, b, K0_X);
    dec_word(mp_t, b + 32, K0_Y);
    CHECK_OK(mp_bn254_g1_decode(g1, b, &e), &e);
    for (int i = 0; i < 4; i++)
        dec_word(mp_t, b + 32 * i, K0_G2[i]);
    if (g2)
        CHECK_OK(mp_bn254_g2_decode(g2, b, &e), &e);
}

static void keccak_hex(char out[67], const uint8_t *p, size_t n)
{
    uint8_t h[32];
    mp_keccak256(h, p, n);
    mp_hex_encode0x(out, h, 32);
}

/* ---- StateHeader ---- */

TEST(state_header_digest_documented_example)
{
    static const char ts[] = "StateHeader(uint256 chainId,address serviceManager,uint256 "
                             "identifier,bytes metadata,bytes state,uint32 referenceBlockNumber)";
    uint8_t th[32], meta[64], state[64], sm[20], digest[32], a[32], b[32];
    char hex[67];
    mp_keccak256(th, ts, strlen(ts));
    mp_state_l2block_metadata(meta, 31338, 7);
    memset(a, 0x11, 32);
    memset(b, 0x22, 32);
    mp_state_l2block_state(state, a, b);
    keccak_hex(hex, meta, 64);
    CHECK_STR(hex, "0xd75a305503ec1d9ca41ea0c3626cae3ed7e367d853c0b67f78bc0cbc31861cd3");
    keccak_hex(hex, state, 64);
    CHECK_STR(hex, "0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871");
    mp_test_unhex(sm, 20, "5FC8d32690cc91D4c39d9d3abcBD16989F875707");
    mp_state_header h = {.metadata = meta,
                         .metadata_len = 64,
                         .state = state,
                         .state_len = 64,
                         .reference_block = 100};
    mp_u256_from_u64(h.identifier, 1);
    mp_state_header_digest(digest, &h, 31337, sm);
    mp_hex_encode0x(hex, digest, 32);
    CHECK_STR(hex, "0xaed66e78ce31a0d8949b7ff3d415128a693f121860ccc853d37c3045a1bc0b7f");
    /* The same digest from the type string: the library's typehash is its keccak. */
    uint8_t words[7][32], again[32];
    memcpy(words[0], th, 32);
    mp_u256_from_u64(words[1], 31337);
    mp_abi_address_word(words[2], sm);
    memcpy(words[3], h.identifier, 32);
    mp_keccak256(words[4], meta, 64);
    mp_keccak256(words[5], state, 64);
    mp_u256_from_u64(words[6], 100);
    mp_keccak256(again, words, sizeof words);
    CHECK_MEM(again, digest, 32);
    /* The signature of operator key 0 (sk 853) from the same page. */
    mp_bls_secret sk;
    mp_bn254_g1 sig, want;
    mp_bn254_g2 pk2;
    mp_err e;
    uint8_t enc[64];
    CHECK_OK(mp_bls_secret_from_text(&sk, "853", &e), &e);
    mp_bls_sign(&sig, &sk, digest);
    dec_word(mp_t, enc,
             "13446960872165700925916616126442044848489515791096090034395473654125092774947");
    dec_word(mp_t, enc + 32,
             "9736026480291042557253515151291339617962706414650263484536882268861076438738");
    CHECK_OK(mp_bn254_g1_decode(&want, enc, &e), &e);
    CHECK(mp_bn254_g1_eq(&sig, &want));
    mp_bn254_g1 g1;
    key0(mp_t, &g1, &pk2);
    CHECK_OK(mp_bls_verify(&pk2, digest, &sig, &e), &e);
    mp_bls_secret_clear(&sk);
    /* The digest binds chain and contract. */
    uint8_t other[32];
    mp_state_header_digest(other, &h, 1, sm);
    CHECK(memcmp(other, digest, 32) != 0);
    sm[19] ^= 1;
    mp_state_header_digest(other, &h, 31337, sm);
    CHECK(memcmp(other, digest, 32) != 0);
}

TEST(state_header_encoding_decodes_back)
{
    const uint8_t meta[3] = {1, 2, 3};
    uint8_t state[40];
    memset(state, 0x5a, sizeof state);
    mp_state_header h = {.metadata = meta,
                         .metadata_len = 3,
                         .state = state,
                         .state_len = 40,
                         .reference_block = 0xfffffffe};
    mp_u256_from_u64(h.identifier, 2);
    mp_buf cd = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(mp_state_header_digest_calldata(&cd, &h, &e), &e);
    mp_abi_sig sig;
    mp_abi_value v;
    CHECK_OK(mp_abi_sig_parse(&sig, "stateHeaderDigest((uint256,bytes,bytes,uint32))", &e), &e);
    uint8_t sel[4];
    CHECK_OK(mp_abi_selector(sel, "stateHeaderDigest((uint256,bytes,bytes,uint32))", &e), &e);
    CHECK(cd.len > 4 && memcmp(cd.data, sel, 4) == 0);
    CHECK_MEM(sel, "\xbe\xfc\x70\xac", 4); /* docs/protocol.md */
    CHECK_OK(mp_abi_decode(&v, sig.params, cd.data + 4, cd.len - 4, &e), &e);
    if (v.nitems == 1) {
        const mp_abi_value *t = &v.items[0];
        uint64_t x = 0;
        mp_u256_to_u64(&x, t->items[0].word);
        CHECK(x == 2);
        CHECK(t->items[1].len == 3 && memcmp(t->items[1].bytes, meta, 3) == 0);
        CHECK(t->items[2].len == 40 && memcmp(t->items[2].bytes, state, 40) == 0);
        mp_u256_to_u64(&x, t->items[3].word);
        CHECK(x == 0xfffffffe);
    }
    CHECK(cd.len == 4 + 32 + 4 * 32 + 64 + 32 + 64); /* offset, head, 3 B and 40 B tails */
    mp_abi_value_free(&v);
    mp_abi_sig_free(&sig);
    mp_buf_free(&cd);
}

/* ---- liveness ---- */

static void sample_report(mp_test_ctx *mp_t, mp_liveness_report *r)
{
    key0(mp_t, &r->pubkey, NULL);
    r->reference_block = 12345;
    memset(r->reference_hash, 0xab, 32);
    mp_liveness_url_hash(r->prover_url_hash, "http://prover-0:8545");
}

TEST(liveness_report_data)
{
    mp_liveness_report r;
    char hex[67];
    sample_report(mp_t, &r);
    /* cast keccak "http://prover-0:8545" */
    mp_hex_encode0x(hex, r.prover_url_hash, 32);
    CHECK_STR(hex, "0xe98d94b834976fc0e13bdd002a08177beb9a28a71a7c376c7868e050347f98b0");
    /* cast keccak $(cast abi-encode "f((uint256,uint256),uint256,bytes32,bytes32)" "(X,Y)"
     *   12345 0xabab..ab 0xe98d..b0) with (X, Y) = operator key 0's G1 key */
    uint8_t h[32], rd[64], enclave[20], got[20];
    mp_liveness_report_hash(h, &r);
    mp_hex_encode0x(hex, h, 32);
    CHECK_STR(hex, "0xaa91ce793bfce5836750efc20811b7926b3dbd0a373d845a2728aa16b2d0bb12");
    memset(enclave, 0xe1, 20);
    mp_liveness_report_data(rd, enclave, &r);
    static const uint8_t zero[12];
    CHECK_MEM(rd, zero, 12);
    CHECK_MEM(rd + 12, enclave, 20);
    CHECK_MEM(rd + 32, h, 32);
    mp_err e;
    CHECK_OK(mp_liveness_check_report_data(got, rd, &r, &e), &e);
    CHECK_MEM(got, enclave, 20);
    /* What the contract refuses, refused here with the reason. */
    rd[0] = 1;
    CHECK_RC(mp_liveness_check_report_data(got, rd, &r, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "bytes 0..12") != NULL);
    rd[0] = 0;
    r.reference_block++;
    CHECK_RC(mp_liveness_check_report_data(got, rd, &r, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "do not bind") != NULL);
    r.reference_block--;
    memset(rd + 12, 0, 20);
    CHECK_RC(mp_liveness_check_report_data(got, rd, &r, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "enclave address is zero") != NULL);
}

TEST(liveness_quote_id)
{
    uint8_t q[700], id[32], want[32];
    mp_err e;
    for (size_t i = 0; i < sizeof q; i++)
        q[i] = (uint8_t)(i * 7);
    memset(q + 4, 0, 4); /* SGX */
    CHECK_OK(mp_liveness_quote_id(id, q, sizeof q, &e), &e);
    mp_keccak256(want, q, 432);
    CHECK_MEM(id, want, 32);
    q[600] ^= 1; /* outside the signed part: same id */
    CHECK_OK(mp_liveness_quote_id(id, q, 433, &e), &e);
    CHECK_MEM(id, want, 32);
    q[4] = 0x81; /* TDX: header + TD report */
    CHECK_OK(mp_liveness_quote_id(id, q, sizeof q, &e), &e);
    mp_keccak256(want, q, 632);
    CHECK_MEM(id, want, 32);
    CHECK_RC(mp_liveness_quote_id(id, q, 631, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "shorter than its 632 signed bytes") != NULL);
    q[4] = 0x42;
    CHECK_RC(mp_liveness_quote_id(id, q, sizeof q, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "unknown TEE type 0x42") != NULL);
    CHECK_RC(mp_liveness_quote_id(id, q, 47, &e), MP_ERR_INVALID);
}

TEST(liveness_submit_calldata_matches_cast)
{
    /* cast calldata "submitLivenessProof(((uint256,uint256),uint256,bytes32,bytes32),bytes)"
     *   "((X,Y),12345,0xabab..ab,0xe98d..b0)" 0x0102030405 */
    static const char want[] =
        "d052541c2e7281335af26f80f406fc12f22d363c5afe754c710eebc17cf760c038e44132028835247652d8"
        "1b30ebc8b47839c90978d0115ea99b48b6931970a98c22a1bc000000000000000000000000000000000000"
        "0000000000000000000000003039ababababababababababababababababababababababababababababab"
        "abababe98d94b834976fc0e13bdd002a08177beb9a28a71a7c376c7868e050347f98b00000000000000000"
        "0000000000000000000000000000000000000000000000c000000000000000000000000000000000000000"
        "00000000000000000000000005010203040500000000000000000000000000000000000000000000000000"
        "0000";
    mp_liveness_report r;
    sample_report(mp_t, &r);
    const uint8_t quote[5] = {1, 2, 3, 4, 5};
    mp_buf cd = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(mp_liveness_submit_calldata(&cd, &r, quote, 5, &e), &e);
    char *hex = malloc(2 * cd.len + 1);
    mp_hex_encode(hex, cd.data, cd.len);
    CHECK_STR(hex, want);
    free(hex);
    mp_buf_free(&cd);
}

/* ---- registration ---- */

TEST(avs_registration_digest_matches_avs_directory)
{
    /* AVSDirectory.calculateOperatorAVSRegistrationDigestHash(0x11..11, avs, 0x01..01,
     * 1800000000) of the devnet deployment on a fresh anvil (chain 31337; cast call). */
    uint8_t dir[20], op[20], avs[20], salt[32], d[32];
    char hex[67];
    mp_test_unhex(dir, 20, "A51c1fc2f0D1a1b8494Ed1FE312d7C3a78Ed91C0");
    memset(op, 0x11, 20);
    mp_test_unhex(avs, 20, "9A676e781A523b5d0C0e43731313A708CB607508");
    memset(salt, 0x01, 32);
    mp_avsreg_avs_digest(d, 31337, dir, op, avs, salt, 1800000000);
    mp_hex_encode0x(hex, d, 32);
    CHECK_STR(hex, "0x0e7d2021746b7ba28bc537eb0a65ce13784d6e93a9ec5e9d1ea72550f10e6b31");
}

TEST(avs_registration_signature_and_pop)
{
    uint8_t ecdsa[32], op[20], dir[20] = {0xd1}, avs[20] = {0xa5}, salt[32] = {7}, digest[32];
    uint8_t coord[20] = {0xc0}, recovered[20];
    mp_err e;
    CHECK_OK(mp_secp_key_generate(ecdsa, &e), &e);
    CHECK_OK(mp_secp_address(NULL, op, ecdsa, &e), &e);
    mp_avsreg_signature s;
    CHECK_OK(mp_avsreg_sign(&s, NULL, ecdsa, 17000, dir, avs, salt, 1900000000, &e), &e);
    mp_avsreg_avs_digest(digest, 17000, dir, op, avs, salt, 1900000000);
    CHECK_OK(mp_secp_recover_address65(recovered, digest, s.sig, &e), &e);
    CHECK_MEM(recovered, op, 20);
    CHECK(s.sig[64] == 27 || s.sig[64] == 28);
    CHECK(s.expiry == 1900000000 && memcmp(s.salt, salt, 32) == 0);
    /* PoP: verifies as BLSApkRegistry checks it, for this operator only. */
    mp_bls_secret sk;
    mp_avsreg_pubkey_params p;
    CHECK_OK(mp_bls_secret_generate(&sk, &e), &e);
    mp_avsreg_pubkey_params_make(&p, &sk, 17000, coord, op);
    mp_bls_pubkey pk = {p.g1, p.g2};
    mp_bls_registration_digest(digest, NULL, NULL, 17000, coord, op);
    CHECK_OK(mp_bls_registration_verify(digest, &p.pop, &pk, &e), &e);
    op[0] ^= 1;
    mp_bls_registration_digest(digest, NULL, NULL, 17000, coord, op);
    CHECK_RC(mp_bls_registration_verify(digest, &p.pop, &pk, &e), MP_ERR_VERIFY);
    mp_bls_secret_clear(&sk);
    mp_memzero(ecdsa, 32);
}

TEST(register_calldata_matches_cast)
{
    /* cast keccak $(cast calldata "registerOperator(bytes,string,((uint256,uint256),
     *   (uint256,uint256),(uint256[2],uint256[2])),(bytes,bytes32,uint256))" 0x0001
     *   "http://op-0" "((1,2),(K0 G1),([K0 G2 X],[K0 G2 Y]))" "(0x02*65,0x03*32,1800000000)") */
    mp_avsreg_pubkey_params p;
    mp_bn254_g1_generator(&p.pop);
    key0(mp_t, &p.g1, &p.g2);
    mp_avsreg_signature s;
    memset(s.sig, 0x02, 65);
    memset(s.salt, 0x03, 32);
    s.expiry = 1800000000;
    const uint8_t quorums[2] = {0, 1};
    mp_buf cd = MP_BUF_INIT;
    mp_err e;
    char hex[67];
    CHECK_OK(mp_avsreg_register_calldata(&cd, quorums, 2, "http://op-0", &p, &s, &e), &e);
    CHECK(cd.len == (1419 - 2 - 1) / 2); /* 0x + hex + newline in cast's output */
    keccak_hex(hex, cd.data, cd.len);
    CHECK_STR(hex, "0xb146f0432ff806385bdd9762a79969ff8bf9768b78d86bd206936ea40c252474");
    CHECK_MEM(cd.data, "\xa5\x08\x57\xbf", 4); /* docs/protocol.md */
    mp_buf_free(&cd);
    const uint8_t unsorted[2] = {1, 1};
    CHECK_RC(mp_avsreg_register_calldata(&cd, unsorted, 2, "s", &p, &s, &e), MP_ERR_INVALID);
    CHECK_RC(mp_avsreg_register_calldata(&cd, quorums, 0, "s", &p, &s, &e), MP_ERR_INVALID);
    mp_buf_free(&cd);
}

/* ---- NonSignerStakesAndSignature ---- */

typedef struct world {
    mp_bls_secret sk[5];
    mp_checksig_key keys[5];
    mp_avs_operator ops0[4], ops1[3];
    mp_avs_quorum_set sets[2];
    mp_avs_operator_state state;
    uint8_t digest[32];
} world;

/* Five operators; quorum 0 = {0, 1, 3, 4}, quorum 1 = {0, 2, 3}; stakes 10 * (i + 1) in q0,
 * 100 * (i + 1) in q1. */
static void make_world(mp_test_ctx *mp_t, world *w)
{
    mp_err e;
    static const int q0[4] = {0, 1, 3, 4}, q1[3] = {0, 2, 3};
    memset(w, 0, sizeof *w);
    for (int i = 0; i < 5; i++) {
        mp_bls_pubkey pk;
        CHECK_OK(mp_bls_secret_generate(&w->sk[i], &e), &e);
        mp_bls_pubkey_from_secret(&pk, &w->sk[i]);
        w->keys[i].g1 = pk.g1;
        w->keys[i].g2 = pk.g2;
        mp_bls_operator_id(w->keys[i].id, &pk.g1);
    }
    for (int j = 0; j < 4; j++) {
        memcpy(w->ops0[j].id, w->keys[q0[j]].id, 32);
        w->ops0[j].address[19] = (uint8_t)q0[j];
        mp_u256_from_u64(w->ops0[j].stake, 10 * (uint64_t)(q0[j] + 1));
    }
    for (int j = 0; j < 3; j++) {
        memcpy(w->ops1[j].id, w->keys[q1[j]].id, 32);
        mp_u256_from_u64(w->ops1[j].stake, 100 * (uint64_t)(q1[j] + 1));
    }
    w->sets[0] = (mp_avs_quorum_set){0, w->ops0, 4};
    w->sets[1] = (mp_avs_quorum_set){1, w->ops1, 3};
    w->state = (mp_avs_operator_state){.block = 77, .sets = w->sets, .n_sets = 2};
    mp_test_rand_bytes(mp_t, w->digest, 32);
}

static void free_world(world *w)
{
    for (int i = 0; i < 5; i++)
        mp_bls_secret_clear(&w->sk[i]);
}

static void sign(const world *w, mp_checksig_signer *s, int i)
{
    memcpy(s->id, w->keys[i].id, 32);
    mp_bls_sign(&s->sig, &w->sk[i], w->digest);
}

static uint64_t word_u64(const uint8_t w[32])
{
    uint64_t v = 0;
    mp_u256_to_u64(&v, w);
    return v;
}

TEST(checksig_build_counts_signers_per_quorum)
{
    world w;
    make_world(mp_t, &w);
    mp_checksig_signer s[2];
    sign(&w, &s[0], 3); /* in both quorums: counted twice */
    sign(&w, &s[1], 1); /* quorum 0 only */
    mp_checksig_params p;
    mp_err e;
    CHECK_OK(mp_checksig_build(&p, &w.state, w.keys, 5, s, 2, &e), &e);
    CHECK(p.n_quorums == 2 && p.quorums[0] == 0 && p.quorums[1] == 1 && p.reference_block == 77);
    CHECK(p.n_nonsigners == 3); /* 0, 2, 4 */
    for (size_t i = 1; i < p.n_nonsigners; i++)
        CHECK(memcmp(p.nonsigner_ids[i - 1], p.nonsigner_ids[i], 32) < 0);
    for (size_t i = 0; i < p.n_nonsigners; i++) {
        int k = -1;
        for (int j = 0; j < 5; j++)
            if (memcmp(w.keys[j].id, p.nonsigner_ids[i], 32) == 0)
                k = j;
        CHECK(k == 0 || k == 2 || k == 4);
        if (k >= 0) {
            CHECK(mp_bn254_g1_eq(&p.nonsigner_pubkeys[i], &w.keys[k].g1));
            CHECK(p.nonsigner_multiplicity[i] == (k == 0 ? 2u : 1u));
        }
    }
    /* Quorum APKs are the sums of the sets' G1 keys. */
    mp_bn254_g1 apk0, apk1, t[4] = {w.keys[0].g1, w.keys[1].g1, w.keys[3].g1, w.keys[4].g1};
    mp_bn254_g1_sum(&apk0, t, 4);
    mp_bn254_g1 u[3] = {w.keys[0].g1, w.keys[2].g1, w.keys[3].g1};
    mp_bn254_g1_sum(&apk1, u, 3);
    CHECK(mp_bn254_g1_eq(&p.quorum_apks[0], &apk0) && mp_bn254_g1_eq(&p.quorum_apks[1], &apk1));
    /* Stakes: q0 total 10+20+40+50, signed 20+40; q1 total 100+300+400, signed 400. */
    CHECK(word_u64(p.total_stake[0]) == 120 && word_u64(p.signed_stake[0]) == 60);
    CHECK(word_u64(p.total_stake[1]) == 800 && word_u64(p.signed_stake[1]) == 400);
    CHECK(mp_checksig_meets_threshold(p.signed_stake[0], p.total_stake[0], 50));
    CHECK(!mp_checksig_meets_threshold(p.signed_stake[0], p.total_stake[0], 51));
    CHECK(mp_checksig_meets_threshold(p.signed_stake[1], p.total_stake[1], 50));
    /* The contract's equation holds... */
    CHECK_OK(mp_checksig_verify(&p, w.digest, &e), &e);
    /* ...and fails if the two-quorum signer is counted once. */
    mp_bn254_g1 once[2] = {s[0].sig, s[1].sig};
    mp_bn254_g1 saved = p.sigma;
    mp_bn254_g1_sum(&p.sigma, once, 2);
    CHECK_RC(mp_checksig_verify(&p, w.digest, &e), MP_ERR_VERIFY);
    p.sigma = saved;
    /* A wrong digest fails. */
    w.digest[0] ^= 1;
    CHECK_RC(mp_checksig_verify(&p, w.digest, &e), MP_ERR_VERIFY);
    mp_checksig_params_free(&p);
    free_world(&w);
}

TEST(checksig_build_rejects_bad_input)
{
    world w;
    make_world(mp_t, &w);
    mp_checksig_signer s[2];
    mp_checksig_params p;
    mp_err e;
    sign(&w, &s[0], 1);
    s[1] = s[0];
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 5, s, 2, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "given twice") != NULL);
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 5, s, 0, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "no signers") != NULL);
    memset(s[1].id, 0x77, 32);
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 5, s, 2, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "not in the operator set") != NULL);
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 4, s, 1, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "no key for operator") != NULL);
    mp_checksig_key bad[5];
    memcpy(bad, w.keys, sizeof bad);
    bad[2].g1 = bad[3].g1;
    CHECK_RC(mp_checksig_build(&p, &w.state, bad, 5, s, 1, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "does not hash to its id") != NULL);
    w.sets[1].quorum = 0;
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 5, s, 1, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "strictly ascending") != NULL);
    w.sets[1].quorum = 1;
    mp_u256_from_u64(w.ops0[0].stake, 1);
    w.ops0[0].stake[0] = 1; /* beyond uint96 */
    CHECK_RC(mp_checksig_build(&p, &w.state, w.keys, 5, s, 1, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "96 bits") != NULL);
    uint8_t zero[32] = {0}, hundred[32];
    mp_u256_from_u64(hundred, 100);
    CHECK(!mp_checksig_meets_threshold(zero, zero, 0)); /* nothing signed never passes */
    CHECK(mp_checksig_meets_threshold(hundred, hundred, 100));
    free_world(&w);
}

/* Fills fixed indices: nonSignerQuorumBitmapIndices 3, 4; quorumApkIndices 5, 9;
 * totalStakeIndices 6, 10; nonSignerStakeIndices [[7, 8], []]. */
static int fill_fixed_indices(mp_checksig_params *p)
{
    p->nonsigner_bitmap_indices = calloc(2, sizeof(uint32_t));
    p->quorum_apk_indices = calloc(2, sizeof(uint32_t));
    p->total_stake_indices = calloc(2, sizeof(uint32_t));
    p->nonsigner_stake_indices = calloc(2, sizeof(uint32_t *));
    p->n_nonsigner_stake_indices = calloc(2, sizeof(size_t));
    if (!p->nonsigner_bitmap_indices || !p->quorum_apk_indices || !p->total_stake_indices ||
        !p->nonsigner_stake_indices || !p->n_nonsigner_stake_indices)
        return -1;
    p->nonsigner_stake_indices[0] = calloc(2, sizeof(uint32_t));
    p->nonsigner_stake_indices[1] = calloc(1, sizeof(uint32_t));
    if (!p->nonsigner_stake_indices[0] || !p->nonsigner_stake_indices[1])
        return -1;
    p->nonsigner_bitmap_indices[0] = 3;
    p->nonsigner_bitmap_indices[1] = 4;
    p->quorum_apk_indices[0] = 5;
    p->quorum_apk_indices[1] = 9;
    p->total_stake_indices[0] = 6;
    p->total_stake_indices[1] = 10;
    p->nonsigner_stake_indices[0][0] = 7;
    p->nonsigner_stake_indices[0][1] = 8;
    p->n_nonsigner_stake_indices[0] = 2;
    p->n_nonsigner_stake_indices[1] = 0;
    p->have_indices = true;
    return 0;
}

TEST(confirm_calldata_matches_cast)
{
    /* cast keccak $(cast calldata "confirmState(...)" "(1,0xaabb,0xccdd,100)"
     *   "([3,4],[(1,2),(1,2)],[(1,2),(1,2)],(G2 generator),(1,2),[5,9],[6,10],[[7,8],[]])") */
    mp_checksig_params p;
    memset(&p, 0, sizeof p);
    p.n_quorums = 2;
    p.n_nonsigners = 2;
    mp_bn254_g1 g[2];
    mp_bn254_g1_generator(&g[0]);
    g[1] = g[0];
    p.nonsigner_pubkeys = g;
    p.quorum_apks = g;
    mp_bn254_g2_generator(&p.apk_g2);
    p.sigma = g[0];
    mp_buf cd = MP_BUF_INIT;
    mp_err e;
    const uint8_t meta[2] = {0xaa, 0xbb}, state[2] = {0xcc, 0xdd};
    mp_state_header h = {.metadata = meta,
                         .metadata_len = 2,
                         .state = state,
                         .state_len = 2,
                         .reference_block = 100};
    mp_u256_from_u64(h.identifier, 1);
    CHECK_RC(mp_checksig_confirm_calldata(&cd, &h, &p, &e), MP_ERR_MISUSE);
    mp_buf_free(&cd);
    CHECK(fill_fixed_indices(&p) == 0);
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &h, &p, &e), &e);
    char hex[67];
    keccak_hex(hex, cd.data, cd.len);
    CHECK_STR(hex, "0xf915de29f2750119368579534c75e190b8584d9ec6b25f36a3b59e39f3513e78");
    CHECK_MEM(cd.data, "\xcb\x9b\x06\x5e", 4);
    mp_buf_free(&cd);
    p.nonsigner_pubkeys = p.quorum_apks = NULL; /* on the stack */
    mp_checksig_params_free(&p);
}

TEST(checksig_encoding_decodes_back)
{
    world w;
    make_world(mp_t, &w);
    mp_checksig_signer s[3];
    sign(&w, &s[0], 0);
    sign(&w, &s[1], 3);
    sign(&w, &s[2], 4);
    mp_checksig_params p;
    mp_err e;
    CHECK_OK(mp_checksig_build(&p, &w.state, w.keys, 5, s, 3, &e), &e);
    CHECK(p.n_nonsigners == 2); /* 1 and 2 */
    CHECK(fill_fixed_indices(&p) == 0);
    mp_buf enc = MP_BUF_INIT;
    CHECK_OK(mp_checksig_encode(&enc, &p, &e), &e);
    mp_abi_type *t;
    mp_abi_value v;
    CHECK_OK(mp_abi_params_parse(&t,
                                 "((uint32[],(uint256,uint256)[],(uint256,uint256)[],"
                                 "(uint256[2],uint256[2]),(uint256,uint256),uint32[],uint32[],"
                                 "uint32[][]))",
                                 &e),
             &e);
    /* abi.encode of one dynamic tuple = offset 32, then the tuple. */
    mp_buf whole = MP_BUF_INIT;
    mp_abi_put_u64(&whole, 32);
    mp_buf_append(&whole, enc.data, enc.len);
    CHECK_OK(mp_abi_decode(&v, t, whole.data, whole.len, &e), &e);
    if (v.nitems == 1 && v.items[0].nitems == 8) {
        const mp_abi_value *x = v.items[0].items;
        uint8_t b[128];
        CHECK(x[0].nitems == 2 && word_u64(x[0].items[1].word) == 4);
        CHECK(x[1].nitems == 2);
        for (size_t i = 0; i < x[1].nitems; i++) {
            mp_bn254_g1_encode(b, &p.nonsigner_pubkeys[i]);
            CHECK_MEM(x[1].items[i].items[0].word, b, 32);
            CHECK_MEM(x[1].items[i].items[1].word, b + 32, 32);
        }
        mp_bn254_g1_encode(b, &p.quorum_apks[1]);
        CHECK(x[2].nitems == 2 && memcmp(x[2].items[1].items[0].word, b, 32) == 0);
        mp_bn254_g2_encode(b, &p.apk_g2);
        CHECK_MEM(x[3].items[0].items[0].word, b, 32);      /* X[0]: imaginary part */
        CHECK_MEM(x[3].items[1].items[1].word, b + 96, 32); /* Y[1]: real part */
        mp_bn254_g1_encode(b, &p.sigma);
        CHECK_MEM(x[4].items[1].word, b + 32, 32);
        CHECK(word_u64(x[5].items[1].word) == 9 && word_u64(x[6].items[0].word) == 6);
        CHECK(x[7].nitems == 2 && x[7].items[0].nitems == 2 && x[7].items[1].nitems == 0);
        CHECK(word_u64(x[7].items[0].items[1].word) == 8);
        mp_abi_value_free(&v);
    } else {
        CHECK(false);
    }
    mp_abi_type_free(t);
    mp_buf_free(&whole);
    mp_buf_free(&enc);
    CHECK_OK(mp_checksig_verify(&p, w.digest, &e), &e);
    mp_checksig_params_free(&p);
    free_world(&w);
}

static const mp_test_case tests[] = {
    MP_TEST(state_header_digest_documented_example),
    MP_TEST(state_header_encoding_decodes_back),
    MP_TEST(liveness_report_data),
    MP_TEST(liveness_quote_id),
    MP_TEST(liveness_submit_calldata_matches_cast),
    MP_TEST(avs_registration_digest_matches_avs_directory),
    MP_TEST(avs_registration_signature_and_pop),
    MP_TEST(register_calldata_matches_cast),
    MP_TEST(checksig_build_counts_signers_per_quorum),
    MP_TEST(checksig_build_rejects_bad_input),
    MP_TEST(confirm_calldata_matches_cast),
    MP_TEST(checksig_encoding_decodes_back),
};

MP_TEST_MAIN("avs", tests)
