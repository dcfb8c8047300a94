/*
** test_avs_e2e.c: the whole on-chain path of mpavs, driven from C against a
** real anvil (osaka) and the real contracts, with simulated SGX attestation:
**
**   1. `mpavs sim-ca init` makes a development CA (and a second, foreign one);
**      scripts/deploy-contracts.sh deploys the DCAP verifier pinned to the
**      first CA's root with its collateral on chain, and the AVS contracts
**      wired to it (simulation mode);
**   2. four operators (ECDSA and BLS keys made here) are funded, stake in the
**      vault and register with proofs of possession computed in C;
**   3. each submits a liveness proof: a simulated DCAP quote whose REPORTDATA
**      binds its enclave key and BLS key to a recent block, sent through the C
**      transaction sender and verified on chain by SgxDcapVerifier;
**   4. operators BLS-sign a StateHeader (and their enclaves sign the prover
**      state digest with the attested key); the library's aggregation steps
**      (aggregate.h) check each response (and reject a stranger, a wrong BLS
**      signature, a wrong prover signature and another operator's enclave),
**      build NonSignerStakesAndSignature from on-chain reads, and an account
**      that is not an operator submits confirmState;
**   5. on the same chain: below threshold, a replayed quote (as sent and
**      re-encoded), a quote from a CA other than the pinned one, quotes with
**      a bad ISV report signature, a bad QE report signature or QE report data
**      that does not bind the attestation key and auth data, and a signer
**      whose liveness expired (anvil time advanced) all revert with the
**      contracts' custom errors.
**
** Gas of the liveness proofs and the confirmation is printed as "# gas" lines
** and, when MPAVS_AVS_GAS_OUT names a file, written there as Markdown rows
** (bench/avs_gas.sh). Anvil is stopped and the temporary directory removed on
** every path.
*/
#include "anvil.h"
#include "avsworld.h"
#include "mpavs/abi.h"
#include "mpavs/aggregate.h"
#include "mpavs/address.h"
#include "mpavs/avschain.h"
#include "mpavs/avsreg.h"
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/checksig.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/liveness.h"
#include "mpavs/mem.h"
#include "mpavs/rand.h"
#include "mpavs/secp.h"
#include "mpavs/sgxsim.h"
#include "mpavs/stateheader.h"
#include "mpavs/txsend.h"
#include "mpavs/u256.h"
#include "test.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_OPS           4
#define STAKE           MP_AVSW_STAKE
#define VALIDITY        3600    /* liveness validity (the deployment's default) */
#define LIVENESS_BUDGET 1200000 /* issue 6: submitLivenessProof total */

typedef mp_avsw_op operator;

static mp_avsw W;
static uint64_t task_counter; /* metadata block numbers of new tasks */
static mp_buf gas_rows;       /* Markdown rows for bench/avs_gas.sh */

#define tx_send mp_avsw_send
#define send_ok mp_avsw_send_ok

/* Sends cd expecting a revert (found by gas estimation, nothing is mined); appends the
 * revert data to data. */
static int send_reverting(mp_txsend *s, const uint8_t to[20], const mp_buf *cd, mp_buf *data,
                          mp_err *e)
{
    mp_eth_receipt r;
    int rc = tx_send(s, to, cd, &r, e);
    mp_eth_receipt_free(&r);
    if (rc == MP_OK)
        return MP_FAIL(e, MP_ERR_VERIFY, "the transaction was expected to revert but succeeded");
    if (mp_rc_class(rc) != MP_ERR_REVERTED)
        return rc;
    return mp_eth_revert_data(&W.rpc, data, e);
}

/* Checks that revert data is the custom error `sig` (a full signature) with these
 * argument words (exactly). */
static bool is_error(const mp_buf *data, const char *sig, const uint8_t (*words)[32], size_t n)
{
    uint8_t sel[4];
    if (mp_abi_selector(sel, sig, NULL) != MP_OK || data->len != 4 + 32 * n ||
        memcmp(data->data, sel, 4) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (memcmp(data->data + 4 + 32 * i, words[i], 32) != 0)
            return false;
    return true;
}

static void describe_revert(const mp_buf *data)
{
    char text[600];
    mp_eth_revert_describe(text, sizeof text, data->data, data->len);
    printf("# revert: %s\n", text);
}

static void gas_row(const char *what, uint64_t gas, const char *target)
{
    printf("# gas: %s: %llu\n", what, (unsigned long long)gas);
    mp_buf_printf(&gas_rows, "| %s (anvil, C end-to-end test) | %llu gas | %s |\n", what,
                  (unsigned long long)gas, target);
}

/* ---- deployment ---- */

TEST(deploy_with_simulated_attestation)
{
    mp_err e;
    CHECK_OK(mp_avsw_deploy(&W, NULL, &e), &e);
    if (mp_t->failures)
        return;
    uint64_t chain;
    CHECK_OK(mp_eth_chain_id(&W.rpc, &chain, &e), &e);
    CHECK(W.d.chain_id == chain);
    CHECK_STR(W.d.attestation_mode, "simulation");
    /* The liveness verifier's SGX verifier is the DCAP verifier the script deployed. */
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    uint8_t addr[20];
    CHECK_OK(mp_abi_put_selector(&cd, "attestationVerifier(uint8)", &e), &e);
    mp_abi_put_u64(&cd, 1);
    mp_eth_callmsg m = {.to = W.d.tee_liveness_verifier, .data = cd.data, .data_len = cd.len};
    CHECK_OK(mp_eth_call(&W.rpc, &m, MP_BLOCK_LATEST, &ret, &e), &e);
    CHECK_OK(mp_abi_read_address(addr, ret.data, ret.len, 0, &e), &e);
    CHECK_MEM(addr, W.d.sgx_attestation_verifier, 20);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    /* The committees exist with the threshold given. */
    mp_avs_committee c;
    CHECK_OK(mp_avs_get_committee(&W.rpc, &W.d, MP_STATE_L2_BLOCK, MP_BLOCK_LATEST, &c, &e), &e);
    CHECK(c.n_quorums == 1 && c.quorums[0] == 0 && c.thresholds[0] == 67);
    CHECK_RC(mp_avs_get_committee(&W.rpc, &W.d, 99, MP_BLOCK_LATEST, &c, &e), MP_ERR_NOTFOUND);
    W.deployed = mp_t->failures == 0;
}

/* ---- operators ---- */

/* The C registration messages equal what the contracts compute. */
static void check_messages_on_chain(mp_test_ctx *mp_t, const operator* op, const uint8_t salt[32],
                                    uint64_t expiry)
{
    mp_err e;
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    uint8_t digest[32], h_enc[64];
    mp_bn254_g1 h;
    mp_bls_registration_digest(digest, NULL, NULL, W.d.chain_id, W.d.registry_coordinator,
                               op->addr);
    mp_bls_hash_to_g1(&h, digest);
    mp_bn254_g1_encode(h_enc, &h);
    CHECK_OK(mp_abi_put_selector(&cd, "pubkeyRegistrationMessageHash(address)", &e), &e);
    mp_abi_put_address(&cd, op->addr);
    mp_eth_callmsg m = {.to = W.d.registry_coordinator, .data = cd.data, .data_len = cd.len};
    CHECK_OK(mp_eth_call(&W.rpc, &m, MP_BLOCK_LATEST, &ret, &e), &e);
    CHECK(ret.len == 64 && memcmp(ret.data, h_enc, 64) == 0);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    mp_avsreg_avs_digest(digest, W.d.chain_id, W.d.avs_directory, op->addr, W.d.service_manager,
                         salt, expiry);
    CHECK_OK(
        mp_abi_put_selector(
            &cd, "calculateOperatorAVSRegistrationDigestHash(address,address,bytes32,uint256)", &e),
        &e);
    mp_abi_put_address(&cd, op->addr);
    mp_abi_put_address(&cd, W.d.service_manager);
    mp_abi_put_word(&cd, salt);
    mp_abi_put_u64(&cd, expiry);
    m = (mp_eth_callmsg){.to = W.d.avs_directory, .data = cd.data, .data_len = cd.len};
    CHECK_OK(mp_eth_call(&W.rpc, &m, MP_BLOCK_LATEST, &ret, &e), &e);
    CHECK(ret.len == 32 && memcmp(ret.data, digest, 32) == 0);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
}

static void register_operator(mp_test_ctx *mp_t, operator* op, int i)
{
    mp_err e;
    mp_eth_block head;
    uint8_t salt[32];
    CHECK_OK(mp_eth_get_block_by_number(&W.rpc, MP_BLOCK_LATEST, &head, &e), &e);
    CHECK_OK(mp_rand_bytes(salt, 32, &e), &e);
    check_messages_on_chain(mp_t, op, salt, head.timestamp + 86400);
    CHECK_OK(mp_avsw_register(&W, op, i, &e), &e);
    /* The registry holds the keys made here. */
    mp_checksig_key k;
    CHECK_OK(mp_avs_get_operator_keys(&W.rpc, &W.d, op->addr, MP_BLOCK_LATEST, &k, &e), &e);
    CHECK_MEM(k.id, op->key.id, 32);
    CHECK(mp_bn254_g1_eq(&k.g1, &op->key.g1) && mp_bn254_g2_eq(&k.g2, &op->key.g2));
}

TEST(register_operators)
{
    CHECK(W.deployed);
    if (!W.deployed)
        return;
    mp_err e;
    for (int i = 0; i < N_OPS; i++) {
        operator* op = & W.ops[i];
        CHECK_OK(mp_avsw_operator_new(&W, op, &e), &e);
        register_operator(mp_t, op, i);
    }
    /* All four are in quorum 0 now, with their stakes. */
    uint64_t head;
    CHECK_OK(mp_eth_block_number(&W.rpc, &head, &e), &e);
    const uint8_t q0[1] = {0};
    mp_avs_operator_state st;
    CHECK_OK(mp_avs_get_operator_state(&W.rpc, &W.d, q0, 1, (uint32_t)head, &st, &e), &e);
    CHECK(st.n_sets == 1 && st.sets[0].n == N_OPS);
    uint8_t stake[32];
    CHECK_OK(mp_u256_from_dec(stake, STAKE, &e), &e);
    for (size_t j = 0; st.n_sets == 1 && j < st.sets[0].n; j++)
        CHECK_MEM(st.sets[0].ops[j].stake, stake, 32);
    W.registered = mp_t->failures == 0;
    mp_avs_operator_state_free(&st);
}

/* ---- liveness ---- */

static void make_proof(mp_test_ctx *mp_t, operator* op, int i, const mp_sgxsim *sim,
                       mp_liveness_report *r, mp_buf *quote)
{
    mp_err e;
    CHECK_OK(mp_avsw_make_proof(&W, op, i, sim, r, quote, &e), &e);
}

/* Submits op's proof; checks the receipt and its LivenessProofSubmitted event. */
static void submit_proof(mp_test_ctx *mp_t, operator* op, int i, bool record_gas)
{
    mp_err e;
    mp_eth_receipt r;
    memset(&r, 0, sizeof r);
    CHECK_OK(mp_avsw_submit_proof(&W, op, i, &r, &e), &e);
    CHECK(r.status && r.gas_used <= LIVENESS_BUDGET);
    if (record_gas && i == 0) {
        char what[120];
        snprintf(what, sizeof what,
                 "submitLivenessProof with SgxDcapVerifier, first attestation (%zu-byte quote)",
                 op->quote.len);
        gas_row(what, r.gas_used, "<= 1,200,000");
    }
    /* LivenessProofSubmitted(operator, operatorId, enclave indexed; teeType, ref, url, id). */
    uint8_t topic0[32], id[32];
    CHECK_OK(mp_abi_event_topic(topic0,
                                "LivenessProofSubmitted(address,bytes32,address,uint8,uint256,"
                                "bytes32,bytes32)",
                                &e),
             &e);
    CHECK_OK(mp_liveness_quote_id(id, op->quote.data, op->quote.len, &e), &e);
    bool found = false;
    for (size_t k = 0; k < r.logs.n; k++) {
        const mp_eth_log *l = &r.logs.v[k];
        if (l->ntopics != 4 || memcmp(l->topics[0], topic0, 32) != 0)
            continue;
        found = memcmp(l->topics[1] + 12, op->addr, 20) == 0 &&
                memcmp(l->topics[2], op->key.id, 32) == 0 &&
                memcmp(l->topics[3] + 12, op->enclave, 20) == 0 && l->data_len == 4 * 32 &&
                memcmp(l->data + 96, id, 32) == 0;
    }
    CHECK(found);
    mp_eth_receipt_free(&r);
}

TEST(liveness_proofs_with_simulated_quotes)
{
    CHECK(W.registered);
    if (!W.registered)
        return;
    mp_err e;
    bool all = true;
    for (int i = 0; i < N_OPS; i++) {
        bool live = false;
        CHECK_OK(mp_avs_verify_liveness(&W.rpc, &W.d, W.ops[i].addr, W.ops[i].enclave,
                                        MP_BLOCK_LATEST, &live, &e),
                 &e);
        CHECK(!live);
        submit_proof(mp_t, &W.ops[i], i, true);
        CHECK_OK(mp_avs_verify_liveness(&W.rpc, &W.d, W.ops[i].addr, W.ops[i].enclave,
                                        MP_BLOCK_LATEST, &live, &e),
                 &e);
        CHECK(live);
        all = all && live;
    }
    W.live = all && mp_t->failures == 0;
}

/* ---- signing, aggregation, confirmation ---- */

typedef struct task {
    uint8_t metadata[64], state[64];
    mp_state_header h;
    mp_agg_digests dg;
    mp_agg_committee_state cs; /* the committee at the reference block */
} task;

/* A new L2 block task whose reference is the block before the latest, with the
 * committee's operator state at that block loaded as the aggregator does. */
static void new_task(mp_test_ctx *mp_t, task *t)
{
    mp_err e;
    uint64_t head;
    uint8_t block_hash[32], root[32];
    CHECK_OK(mp_eth_block_number(&W.rpc, &head, &e), &e);
    mp_state_l2block_metadata(t->metadata, W.d.l2_chain_id, 1000 + task_counter++);
    CHECK_OK(mp_rand_bytes(block_hash, 32, &e), &e);
    CHECK_OK(mp_rand_bytes(root, 32, &e), &e);
    mp_state_l2block_state(t->state, block_hash, root);
    memset(&t->h, 0, sizeof t->h);
    mp_u256_from_u64(t->h.identifier, MP_STATE_L2_BLOCK);
    t->h.metadata = t->metadata;
    t->h.metadata_len = sizeof t->metadata;
    t->h.state = t->state;
    t->h.state_len = sizeof t->state;
    t->h.reference_block = (uint32_t)(head - 1);
    mp_agg_digests_of(&t->dg, &t->h, W.d.chain_id, W.d.service_manager);
    uint8_t onchain[32];
    CHECK_OK(mp_avs_state_header_digest(&W.rpc, &W.d, &t->h, MP_BLOCK_LATEST, onchain, &e), &e);
    CHECK_MEM(onchain, t->dg.header, 32);
    mp_avs_committee c;
    memset(&t->cs, 0, sizeof t->cs);
    CHECK_OK(mp_avs_get_committee(&W.rpc, &W.d, MP_STATE_L2_BLOCK, MP_BLOCK_LATEST, &c, &e), &e);
    CHECK_OK(mp_agg_committee_load(&t->cs, &W.rpc, &W.d, &c, t->h.reference_block, &e), &e);
    CHECK(t->cs.n_members == N_OPS);
}

static void task_free(task *t)
{
    mp_agg_committee_free(&t->cs);
}

/* What one operator sends the aggregator: its BLS signature over the header digest and
 * its enclave's signature over the prover digest (docs/protocol.md 8.1). */
static void respond(mp_test_ctx *mp_t, const task *t, int i, mp_agg_response *out)
{
    mp_err e;
    const operator* op = & W.ops[i];
    memcpy(out->operator_addr, op->addr, 20);
    memcpy(out->enclave, op->enclave, 20);
    mp_bls_sign(&out->bls_sig, &op->bls, t->dg.header);
    CHECK_OK(mp_secp_sign65(NULL, out->prover_sig, t->dg.prover, op->enclave_sk, &e), &e);
}

/* The aggregator's side (mp_agg_check_response): keeps the responses that count, or
 * also those of non-live operators when `keep_unverified` (to make the contract see a
 * non-live signer). */
static size_t accept_responses(mp_test_ctx *mp_t, const task *t, const mp_agg_response *resp,
                               size_t n, mp_checksig_signer *signers, bool keep_unverified)
{
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        mp_err e;
        mp_agg_verdict v = MP_AGG_BAD_BLS;
        CHECK_OK(
            mp_agg_check_response(&W.rpc, &W.d, &t->cs, &t->dg, &resp[j], MP_BLOCK_LATEST, &v, &e),
            &e);
        CHECK(v == MP_AGG_ACCEPTED || v == MP_AGG_NOT_LIVE);
        if (v == MP_AGG_ACCEPTED || (v == MP_AGG_NOT_LIVE && keep_unverified)) {
            long m = mp_agg_committee_find(&t->cs, resp[j].operator_addr);
            memcpy(signers[k].id, t->cs.keys[m].id, 32);
            signers[k].sig = resp[j].bls_sig;
            k++;
        }
    }
    return k;
}

/* NonSignerStakesAndSignature for committee 1 at the task's reference block. */
static int build_params(mp_test_ctx *mp_t, const task *t, const mp_checksig_signer *signers,
                        size_t n, mp_checksig_params *p, mp_err *e)
{
    MP_TRY(mp_agg_build_params(p, &W.rpc, &W.d, &t->cs, signers, n, e));
    CHECK(p->n_quorums == 1 && p->quorums[0] == t->cs.committee.quorums[0]);
    return MP_OK;
}

/* Each failed check of mp_agg_check_response, on a real deployment. */
TEST(aggregator_rejects_bad_responses)
{
    CHECK(W.live);
    if (!W.live)
        return;
    mp_err e;
    task t;
    new_task(mp_t, &t);
    mp_agg_response r;
    mp_agg_verdict v;
    /* A key that never registered. */
    respond(mp_t, &t, 0, &r);
    CHECK_OK(mp_secp_address(NULL, r.operator_addr, W.ops[0].enclave_sk, &e), &e);
    CHECK_OK(mp_agg_check_response(&W.rpc, &W.d, &t.cs, &t.dg, &r, MP_BLOCK_LATEST, &v, &e), &e);
    CHECK(v == MP_AGG_NOT_IN_COMMITTEE);
    /* Operator 1's BLS signature sent as operator 0's. */
    respond(mp_t, &t, 0, &r);
    mp_bls_sign(&r.bls_sig, &W.ops[1].bls, t.dg.header);
    CHECK_OK(mp_agg_check_response(&W.rpc, &W.d, &t.cs, &t.dg, &r, MP_BLOCK_LATEST, &v, &e), &e);
    CHECK(v == MP_AGG_BAD_BLS);
    /* The enclave signed the header digest instead of the prover digest. */
    respond(mp_t, &t, 0, &r);
    CHECK_OK(mp_secp_sign65(NULL, r.prover_sig, t.dg.header, W.ops[0].enclave_sk, &e), &e);
    CHECK_OK(mp_agg_check_response(&W.rpc, &W.d, &t.cs, &t.dg, &r, MP_BLOCK_LATEST, &v, &e), &e);
    CHECK(v == MP_AGG_BAD_PROVER_SIG);
    /* Operator 1's enclave, honestly named, is not operator 0's live enclave. */
    respond(mp_t, &t, 0, &r);
    memcpy(r.enclave, W.ops[1].enclave, 20);
    CHECK_OK(mp_secp_sign65(NULL, r.prover_sig, t.dg.prover, W.ops[1].enclave_sk, &e), &e);
    CHECK_OK(mp_agg_check_response(&W.rpc, &W.d, &t.cs, &t.dg, &r, MP_BLOCK_LATEST, &v, &e), &e);
    CHECK(v == MP_AGG_NOT_LIVE);
    /* And the honest response counts. */
    respond(mp_t, &t, 0, &r);
    CHECK_OK(mp_agg_check_response(&W.rpc, &W.d, &t.cs, &t.dg, &r, MP_BLOCK_LATEST, &v, &e), &e);
    CHECK(v == MP_AGG_ACCEPTED);
    task_free(&t);
}

/* The receipt holds exactly one StateConfirmed event for t, with operator 3 as the one
 * non-signer in its signatory record; sh receives keccak256(state). */
static void check_state_confirmed(mp_test_ctx *mp_t, const task *t, const mp_eth_receipt *r,
                                  uint8_t sh[32])
{
    mp_err e;
    mp_abi_sig ev;
    CHECK_OK(mp_abi_sig_parse(&ev,
                              "StateConfirmed(uint256 indexed identifier, bytes32 indexed "
                              "metadataHash, bytes32 indexed stateHash, bytes metadata, bytes "
                              "state, uint32 referenceBlockNumber, bytes32 signatoryRecordHash)",
                              &e),
             &e);
    uint8_t topic0[32], mh[32], record[4 + 32], rh[32];
    CHECK_OK(mp_abi_sig_hash(&ev, topic0, &e), &e);
    mp_keccak256(mh, t->metadata, sizeof t->metadata);
    mp_keccak256(sh, t->state, sizeof t->state);
    record[0] = (uint8_t)(t->h.reference_block >> 24);
    record[1] = (uint8_t)(t->h.reference_block >> 16);
    record[2] = (uint8_t)(t->h.reference_block >> 8);
    record[3] = (uint8_t)t->h.reference_block;
    memcpy(record + 4, W.ops[3].key.id, 32);
    mp_keccak256(rh, record, sizeof record);
    int seen = 0;
    for (size_t k = 0; k < r->logs.n; k++) {
        const mp_eth_log *l = &r->logs.v[k];
        mp_abi_value v;
        if (l->ntopics == 0 || memcmp(l->topics[0], topic0, 32) != 0)
            continue;
        CHECK(memcmp(l->address, W.d.service_manager, 20) == 0);
        CHECK_OK(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])l->topics, l->ntopics, l->data,
                                   l->data_len, &e),
                 &e);
        if (v.nitems == 7) {
            uint64_t id = 0, ref = 0;
            mp_u256_to_u64(&id, v.items[0].word);
            mp_u256_to_u64(&ref, v.items[5].word);
            CHECK(id == MP_STATE_L2_BLOCK && ref == t->h.reference_block);
            CHECK_MEM(v.items[1].word, mh, 32);
            CHECK_MEM(v.items[2].word, sh, 32);
            CHECK(v.items[3].len == 64 && memcmp(v.items[3].bytes, t->metadata, 64) == 0);
            CHECK(v.items[4].len == 64 && memcmp(v.items[4].bytes, t->state, 64) == 0);
            CHECK_MEM(v.items[6].word, rh, 32);
            seen++;
        }
        mp_abi_value_free(&v);
    }
    CHECK(seen == 1);
    mp_abi_sig_free(&ev);
}

TEST(confirm_state_from_a_non_operator)
{
    CHECK(W.live);
    if (!W.live)
        return;
    mp_err e;
    task t;
    new_task(mp_t, &t);
    /* Operators 0-2 answer; operator 3 stays silent (a non-signer). */
    mp_agg_response resp[3];
    mp_checksig_signer signers[3];
    for (int i = 0; i < 3; i++)
        respond(mp_t, &t, i, &resp[i]);
    size_t n = accept_responses(mp_t, &t, resp, 3, signers, false);
    CHECK(n == 3);
    /* Progress as the aggregator tracks it: 3 of 4 equal stakes meet 67%, 2 do not. */
    bool mask[N_OPS] = {false};
    uint8_t signed_stake[1][32];
    for (int i = 0; i < 2; i++)
        mask[mp_agg_committee_find(&t.cs, W.ops[i].addr)] = true;
    mp_agg_signed_stake(&t.cs, mask, signed_stake);
    CHECK(!mp_agg_meets_thresholds(&t.cs, (const uint8_t(*)[32])signed_stake));
    mask[mp_agg_committee_find(&t.cs, W.ops[2].addr)] = true;
    mp_agg_signed_stake(&t.cs, mask, signed_stake);
    CHECK(mp_agg_meets_thresholds(&t.cs, (const uint8_t(*)[32])signed_stake));
    mp_checksig_params p;
    CHECK_OK(build_params(mp_t, &t, signers, n, &p, &e), &e);
    CHECK(p.n_nonsigners == 1 && memcmp(p.nonsigner_ids[0], W.ops[3].key.id, 32) == 0);
    CHECK(mp_checksig_meets_threshold(p.signed_stake[0], p.total_stake[0], 67));
    CHECK_MEM(p.signed_stake[0], signed_stake[0], 32);
    CHECK_OK(mp_checksig_verify(&p, t.dg.header, &e), &e);

    mp_buf cd = MP_BUF_INIT;
    mp_eth_receipt r;
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &t.h, &p, &e), &e);
    CHECK_OK(tx_send(&W.anyone, W.d.service_manager, &cd, &r, &e), &e);
    CHECK(r.status);
    gas_row("confirmState, 4 operators, 1 non-signer, tx total", r.gas_used,
            "execution <= 250,000 + 12,000 per non-signer (issue 5)");
    /* The StateConfirmed event, decoded. */
    uint8_t sh[32];
    check_state_confirmed(mp_t, &t, &r, sh);
    /* The getter holds the confirmed state. */
    uint8_t got[32];
    CHECK_OK(mp_avs_confirmed_state_hash(&W.rpc, &W.d, t.h.identifier, t.metadata,
                                         sizeof t.metadata, MP_BLOCK_LATEST, got, &e),
             &e);
    CHECK_MEM(got, sh, 32);
    mp_eth_receipt_free(&r);
    mp_buf_free(&cd);
    mp_checksig_params_free(&p);
    task_free(&t);
}

TEST(below_threshold_reverts)
{
    CHECK(W.live);
    if (!W.live)
        return;
    mp_err e;
    task t;
    new_task(mp_t, &t);
    mp_agg_response resp[2];
    mp_checksig_signer signers[2];
    respond(mp_t, &t, 0, &resp[0]);
    respond(mp_t, &t, 2, &resp[1]);
    size_t n = accept_responses(mp_t, &t, resp, 2, signers, false);
    mp_checksig_params p;
    CHECK_OK(build_params(mp_t, &t, signers, n, &p, &e), &e);
    CHECK(!mp_checksig_meets_threshold(p.signed_stake[0], p.total_stake[0], 67));
    CHECK_OK(mp_checksig_verify(&p, t.dg.header, &e), &e); /* the signature itself is fine */
    mp_buf cd = MP_BUF_INIT, data = MP_BUF_INIT;
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &t.h, &p, &e), &e);
    CHECK_OK(send_reverting(&W.anyone, W.d.service_manager, &cd, &data, &e), &e);
    /* InsufficientSignedStake(quorum 0, signed 4e18, total 8e18, threshold 67) */
    uint8_t w[4][32];
    mp_u256_from_u64(w[0], 0);
    CHECK_OK(mp_u256_from_dec(w[1], "4000000000000000000", &e), &e);
    CHECK_OK(mp_u256_from_dec(w[2], "8000000000000000000", &e), &e);
    mp_u256_from_u64(w[3], 67);
    bool ok = is_error(&data, "InsufficientSignedStake(uint8,uint96,uint96,uint8)",
                       (const uint8_t(*)[32])w, 4);
    CHECK(ok);
    if (!ok)
        describe_revert(&data);
    mp_buf_free(&data);
    mp_buf_free(&cd);
    mp_checksig_params_free(&p);
    task_free(&t);
}

/* Without the NUL after the PEM chain, both length fields lowered: the same quote. */
static void drop_nul(mp_buf *out, const mp_buf *q)
{
    mp_buf_append(out, q->data, q->len - 1);
    if (out->oom || q->len < 1020 || q->data[q->len - 1] != 0)
        return;
    size_t n_auth = (size_t)q->data[1012] | (size_t)q->data[1013] << 8;
    size_t at[2] = {432, 1016 + n_auth};
    for (int k = 0; k < 2; k++) {
        uint8_t *p = out->data + at[k];
        uint32_t v =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        v--;
        for (int b = 0; b < 4; b++)
            p[b] = (uint8_t)(v >> (8 * b));
    }
}

TEST(replayed_quote_reverts)
{
    CHECK(W.live);
    if (!W.live)
        return;
    mp_err e;
    operator* op = & W.ops[1];
    uint8_t id[32];
    CHECK_OK(mp_liveness_quote_id(id, op->quote.data, op->quote.len, &e), &e);
    mp_buf copy = MP_BUF_INIT;
    drop_nul(&copy, &op->quote);
    CHECK(copy.len == op->quote.len - 1);
    const mp_buf *quotes[2] = {&op->quote, &copy};
    for (int k = 0; k < 2; k++) {
        mp_buf cd = MP_BUF_INIT, data = MP_BUF_INIT;
        CHECK_OK(mp_liveness_submit_calldata(&cd, &op->report, quotes[k]->data, quotes[k]->len, &e),
                 &e);
        CHECK_OK(send_reverting(&op->tx, W.d.tee_liveness_verifier, &cd, &data, &e), &e);
        bool ok = is_error(&data, "QuoteAlreadyUsed(bytes32)", (const uint8_t(*)[32])id, 1);
        CHECK(ok);
        if (!ok)
            describe_revert(&data);
        mp_buf_free(&data);
        mp_buf_free(&cd);
    }
    mp_buf_free(&copy);
}

/* True when revert data is QuoteRejected(check, name, Unrecognized). */
static bool is_quote_rejected(const mp_buf *data, uint64_t want_check, const char *want_name)
{
    mp_err e;
    mp_abi_sig err_sig;
    mp_abi_value v;
    uint8_t sel[4];
    if (mp_abi_sig_parse(&err_sig, "QuoteRejected(uint8,string,uint8)", &e) != MP_OK)
        return false;
    bool ok = mp_abi_selector(sel, "QuoteRejected(uint8,string,uint8)", &e) == MP_OK &&
              data->len > 4 && memcmp(data->data, sel, 4) == 0 &&
              mp_abi_decode(&v, err_sig.params, data->data + 4, data->len - 4, &e) == MP_OK;
    if (ok) {
        uint64_t check = 0, status = 0;
        mp_u256_to_u64(&check, v.items[0].word);
        mp_u256_to_u64(&status, v.items[2].word);
        ok = check == want_check && status == 7 && v.items[1].len == strlen(want_name) &&
             memcmp(v.items[1].bytes, want_name, v.items[1].len) == 0;
        mp_abi_value_free(&v);
    }
    if (!ok)
        describe_revert(data);
    mp_abi_sig_free(&err_sig);
    return ok;
}

/* A fresh proof of op, changed by `spoil` (NULL: as made, but quoted by sim), must
 * revert with QuoteRejected(check, name, Unrecognized) and leave op live. */
static void expect_rejected_proof(mp_test_ctx *mp_t, operator* op, int i, const mp_sgxsim *sim,
                                  void (*spoil)(mp_buf *q), uint64_t check, const char *name)
{
    mp_err e;
    mp_liveness_report r;
    mp_buf q = MP_BUF_INIT, cd = MP_BUF_INIT, data = MP_BUF_INIT;
    make_proof(mp_t, op, i, sim, &r, &q);
    if (spoil)
        spoil(&q);
    CHECK_OK(mp_liveness_submit_calldata(&cd, &r, q.data, q.len, &e), &e);
    CHECK_OK(send_reverting(&op->tx, W.d.tee_liveness_verifier, &cd, &data, &e), &e);
    CHECK(is_quote_rejected(&data, check, name));
    /* Still live with its own enclave: the failed proof changed nothing. */
    bool live = false;
    CHECK_OK(
        mp_avs_verify_liveness(&W.rpc, &W.d, op->addr, op->enclave, MP_BLOCK_LATEST, &live, &e),
        &e);
    CHECK(live);
    mp_buf_free(&q);
    mp_buf_free(&cd);
    mp_buf_free(&data);
}

TEST(quote_from_another_ca_reverts)
{
    CHECK(W.live);
    if (!W.live)
        return;
    expect_rejected_proof(mp_t, &W.ops[2], 2, W.other_sim, NULL, 21, "pck.root_key");
}

/* Quote v3 layout (docs/dcap.md): ISV report body [48, 432), its signature [436, 500),
 * the attestation key [500, 564), the QE report [564, 948) and its signature [948, 1012),
 * the QE authentication data length at 1012 and the data from 1014. Each change below
 * breaks exactly one signed part; the last byte of a signature's s keeps it well-formed. */
static void spoil_isv_signature(mp_buf *q)
{
    q->data[499] ^= 1;
}

static void spoil_qe_signature(mp_buf *q)
{
    q->data[1011] ^= 1;
}

/* The QE report data commits to sha256(attestation key || QE auth data). */
static void spoil_qe_binding(mp_buf *q)
{
    q->data[1014] ^= 1;
}

TEST(quotes_bad_in_each_signed_part_revert)
{
    CHECK(W.live);
    if (!W.live)
        return;
    operator* op = & W.ops[2];
    size_t n_auth = (size_t)op->quote.data[1012] | (size_t)op->quote.data[1013] << 8;
    CHECK(op->quote.len > 1014 && n_auth > 0); /* the binding case needs auth data */
    expect_rejected_proof(mp_t, op, 2, W.sim, spoil_isv_signature, 61, "isv.report_signature");
    expect_rejected_proof(mp_t, op, 2, W.sim, spoil_qe_signature, 53, "qe.report_signature");
    expect_rejected_proof(mp_t, op, 2, W.sim, spoil_qe_binding, 54, "qe.report_data");
}

TEST(expired_signer_counted_as_signer_reverts)
{
    CHECK(W.live);
    if (!W.live)
        return;
    mp_err e;
    /* Operators 1-3 re-attest shortly before the validity period ends; operator 0 does
     * not, and expires. */
    CHECK_OK(mp_avsw_advance_time(&W, VALIDITY - 120, &e), &e);
    for (int i = 1; i < N_OPS; i++)
        submit_proof(mp_t, &W.ops[i], i, false);
    CHECK_OK(mp_avsw_advance_time(&W, 240, &e), &e);
    bool live0 = true, live1 = false;
    CHECK_OK(mp_avs_verify_liveness(&W.rpc, &W.d, W.ops[0].addr, W.ops[0].enclave, MP_BLOCK_LATEST,
                                    &live0, &e),
             &e);
    CHECK_OK(mp_avs_verify_liveness(&W.rpc, &W.d, W.ops[1].addr, W.ops[1].enclave, MP_BLOCK_LATEST,
                                    &live1, &e),
             &e);
    CHECK(!live0 && live1);

    task t;
    new_task(mp_t, &t);
    mp_agg_response resp[N_OPS];
    mp_checksig_signer signers[N_OPS];
    for (int i = 0; i < N_OPS; i++)
        respond(mp_t, &t, i, &resp[i]);
    /* Counted as a signer anyway: SignerNotLive(operator 0's id, quorum 0). */
    size_t n = accept_responses(mp_t, &t, resp, N_OPS, signers, true);
    CHECK(n == N_OPS);
    mp_checksig_params p;
    mp_buf cd = MP_BUF_INIT, data = MP_BUF_INIT;
    CHECK_OK(build_params(mp_t, &t, signers, n, &p, &e), &e);
    CHECK(p.n_nonsigners == 0);
    CHECK_OK(mp_checksig_verify(&p, t.dg.header, &e), &e);
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &t.h, &p, &e), &e);
    CHECK_OK(send_reverting(&W.anyone, W.d.service_manager, &cd, &data, &e), &e);
    uint8_t w[2][32];
    memcpy(w[0], W.ops[0].key.id, 32);
    mp_u256_from_u64(w[1], 0);
    bool ok = is_error(&data, "SignerNotLive(bytes32,uint8)", (const uint8_t(*)[32])w, 2);
    CHECK(ok);
    if (!ok)
        describe_revert(&data);
    mp_checksig_params_free(&p);
    mp_buf_free(&cd);
    /* As the aggregator does it: the expired operator becomes a non-signer, 3 of 4 pass. */
    n = accept_responses(mp_t, &t, resp, N_OPS, signers, false);
    CHECK(n == N_OPS - 1);
    CHECK_OK(build_params(mp_t, &t, signers, n, &p, &e), &e);
    CHECK(p.n_nonsigners == 1 && memcmp(p.nonsigner_ids[0], W.ops[0].key.id, 32) == 0);
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &t.h, &p, &e), &e);
    mp_eth_receipt r;
    CHECK_OK(tx_send(&W.anyone, W.d.service_manager, &cd, &r, &e), &e);
    CHECK(r.status);
    mp_eth_receipt_free(&r);
    mp_checksig_params_free(&p);
    mp_buf_free(&cd);
    mp_buf_free(&data);
    task_free(&t);
}

static const mp_test_case tests[] = {
    MP_TEST(deploy_with_simulated_attestation),
    MP_TEST(register_operators),
    MP_TEST(liveness_proofs_with_simulated_quotes),
    MP_TEST(aggregator_rejects_bad_responses),
    MP_TEST(confirm_state_from_a_non_operator),
    MP_TEST(below_threshold_reverts),
    MP_TEST(replayed_quote_reverts),
    MP_TEST(quote_from_another_ca_reverts),
    MP_TEST(quotes_bad_in_each_signed_part_revert),
    MP_TEST(expired_signer_counted_as_signer_reverts),
};

/* ---- setup and teardown ---- */

static void write_gas_rows(void)
{
    const char *path = getenv("MPAVS_AVS_GAS_OUT");
    if (path == NULL || *path == 0 || gas_rows.len == 0)
        return;
    FILE *f = fopen(path, "w");
    if (f) {
        fwrite(gas_rows.data, 1, gas_rows.len, f);
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = mp_avsw_setup(&W, &e);
    if (rc != MP_OK) {
        printf("not ok 1 - avs_e2e/setup: %s\n", e.msg);
    } else {
        rc = mp_test_main("avs_e2e", tests, sizeof tests / sizeof tests[0], argc, argv);
        write_gas_rows();
    }
    mp_avsw_teardown(&W);
    mp_buf_free(&gas_rows);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
