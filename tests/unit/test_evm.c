/*
** test_evm.c: the EVM's outcomes on small programs (results, gas, halts),
** transaction accounting (fees, refunds, invalid transactions leave the
** state alone), journal reverts and the unsupported KZG precompile.
** Conformance at scale is tests/cli/evm_statetests.sh over ethereum/tests.
*/
#include "mpavs/evm.h"
#include "mpavs/secp.h"
#include "mpavs/tx.h"
#include "test.h"

static mp_evm_block block(void)
{
    mp_evm_block b;
    memset(&b, 0, sizeof b);
    b.number = 1;
    b.gas_limit = 30000000;
    b.base_fee = mp_w256_u64(7);
    b.chain_id = 1;
    b.coinbase[0] = 0xcb;
    return b;
}

/* Runs hex code with gas; returns the status and fills *r. */
static int run(mp_test_ctx *mp_t, const char *hex, uint64_t gas, mp_evm_result *r)
{
    uint8_t code[256];
    size_t n = mp_test_unhex(code, sizeof code, hex);
    mp_evm_state *st = NULL;
    mp_evm_block b = block();
    mp_err err;
    CHECK_OK(mp_evm_state_new(&st, &err), &err);
    int rc = mp_evm_run_code(st, &b, code, n, NULL, 0, gas, r, &err);
    mp_evm_state_free(st);
    return rc;
}

TEST(evm_add_and_return)
{
    mp_evm_result r;
    /* 2 + 3 stored at 0 and returned: 8 steps of 3 gas, 3 for one word of memory. */
    CHECK_OK(run(mp_t, "600260030160005260206000f3", 100000, &r), NULL);
    CHECK(r.status == MP_EVM_SUCCESS);
    CHECK(r.gas_used == 24);
    CHECK(r.output.len == 32 && r.output.data[31] == 5);
    mp_evm_result_free(&r);
}

TEST(evm_halts)
{
    mp_evm_result r;
    CHECK_OK(run(mp_t, "5b600056", 10000, &r), NULL); /* JUMPDEST PUSH1 0 JUMP: loops */
    CHECK(r.status == MP_EVM_FAILURE && r.gas_used == 10000);
    mp_evm_result_free(&r);
    CHECK_OK(run(mp_t, "01", 10000, &r), NULL); /* ADD on an empty stack */
    CHECK(r.status == MP_EVM_FAILURE && r.gas_used == 10000);
    mp_evm_result_free(&r);
    CHECK_OK(run(mp_t, "600456", 10000, &r), NULL); /* jump into nowhere */
    CHECK(r.status == MP_EVM_FAILURE);
    mp_evm_result_free(&r);
    /* MLOAD at 2^256-1: out of gas, not a huge allocation. */
    CHECK_OK(run(mp_t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff51",
                 1000000, &r),
             NULL);
    CHECK(r.status == MP_EVM_FAILURE);
    mp_evm_result_free(&r);
    CHECK_OK(run(mp_t, "60006000fd", 10000, &r), NULL); /* REVERT keeps the rest of the gas */
    CHECK(r.status == MP_EVM_REVERT && r.gas_used == 6);
    mp_evm_result_free(&r);
    CHECK_OK(run(mp_t, "fe", 10000, &r), NULL);
    CHECK(r.status == MP_EVM_FAILURE);
    mp_evm_result_free(&r);
}

TEST(evm_kzg_unsupported)
{
    mp_evm_result r;
    mp_err err;
    /* STATICCALL(gas, 0x0a, 0, 0, 0, 0) */
    uint8_t code[64];
    size_t n = mp_test_unhex(code, sizeof code, "6000600060006000600a61fffffa00");
    mp_evm_state *st = NULL;
    mp_evm_block b = block();
    CHECK_OK(mp_evm_state_new(&st, &err), &err);
    CHECK_RC(mp_evm_run_code(st, &b, code, n, NULL, 0, 200000, &r, &err), MP_ERR_INVALID);
    CHECK(strstr(err.msg, "KZG") != NULL);
    mp_evm_state_free(st);
}

static void addr(uint8_t a[20], uint8_t v)
{
    memset(a, 0, 20);
    a[0] = v;
    a[19] = v;
}

TEST(evm_tx_value_transfer)
{
    mp_evm_state *st = NULL;
    mp_err err;
    CHECK_OK(mp_evm_state_new(&st, &err), &err);
    mp_evm_block b = block();
    uint8_t from[20], to[20];
    addr(from, 1);
    addr(to, 2);
    mp_w256 bal = mp_w256_u64(10000000);
    CHECK_OK(mp_evm_state_set_account(st, from, 0, &bal, NULL, 0, &err), &err);
    uint8_t root0[32], root1[32];
    CHECK_OK(mp_evm_state_root(st, root0, &err), &err);

    mp_evm_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.type = 2;
    memcpy(tx.sender, from, 20);
    tx.gas_limit = 21000;
    tx.max_fee = mp_w256_u64(10);
    tx.max_priority = mp_w256_u64(2);
    tx.has_to = true;
    memcpy(tx.to, to, 20);
    tx.value = mp_w256_u64(1000);
    mp_evm_result r;
    tx.nonce = 1; /* wrong nonce: invalid, nothing changes */
    CHECK_RC(mp_evm_tx_apply(st, &b, &tx, &r, &err), MP_ERR_INVALID);
    CHECK_OK(mp_evm_state_root(st, root1, &err), &err);
    CHECK(memcmp(root0, root1, 32) == 0);
    tx.nonce = 0;
    CHECK_OK(mp_evm_tx_apply(st, &b, &tx, &r, &err), &err);
    CHECK(r.status == MP_EVM_SUCCESS && r.gas_used == 21000);
    mp_evm_result_free(&r);
    uint64_t nonce = 0;
    mp_w256 got;
    CHECK(mp_evm_state_get_account(st, from, &nonce, &got, NULL, NULL));
    /* price = min(10, 7 + 2) = 9 */
    CHECK(nonce == 1 && got.w[0] == 10000000 - 21000 * 9 - 1000);
    CHECK(mp_evm_state_get_account(st, to, NULL, &got, NULL, NULL) && got.w[0] == 1000);
    CHECK(mp_evm_state_get_account(st, b.coinbase, NULL, &got, NULL, NULL) &&
          got.w[0] == 21000 * 2);
    /* Not enough for gas * max fee + value. */
    tx.nonce = 1;
    tx.value = mp_w256_u64(10000000);
    CHECK_RC(mp_evm_tx_apply(st, &b, &tx, &r, &err), MP_ERR_INVALID);
    mp_evm_state_free(st);
}

TEST(evm_revert_restores_storage_and_refund)
{
    mp_evm_state *st = NULL;
    mp_err err;
    CHECK_OK(mp_evm_state_new(&st, &err), &err);
    mp_evm_block b = block();
    uint8_t from[20], c1[20], c2[20];
    addr(from, 1);
    addr(c1, 3);
    addr(c2, 4);
    mp_w256 bal = mp_w256_u64(1000000000), zero = mp_w256_u64(0), one = mp_w256_u64(1);
    CHECK_OK(mp_evm_state_set_account(st, from, 0, &bal, NULL, 0, &err), &err);
    /* c1: SSTORE(0, 0) then REVERT.  c2: SSTORE(0, 0) and STOP (refund). */
    uint8_t code1[16], code2[16];
    size_t n1 = mp_test_unhex(code1, sizeof code1,
                              "6000600055"
                              "60006000fd");
    size_t n2 = mp_test_unhex(code2, sizeof code2, "600060005500");
    CHECK_OK(mp_evm_state_set_account(st, c1, 1, &zero, code1, n1, &err), &err);
    CHECK_OK(mp_evm_state_set_account(st, c2, 1, &zero, code2, n2, &err), &err);
    CHECK_OK(mp_evm_state_set_storage(st, c1, &zero, &one, &err), &err);
    CHECK_OK(mp_evm_state_set_storage(st, c2, &zero, &one, &err), &err);
    mp_evm_tx tx;
    memset(&tx, 0, sizeof tx);
    memcpy(tx.sender, from, 20);
    tx.gas_limit = 100000;
    tx.gas_price = mp_w256_u64(7);
    tx.has_to = true;
    memcpy(tx.to, c1, 20);
    mp_evm_result r;
    CHECK_OK(mp_evm_tx_apply(st, &b, &tx, &r, &err), &err);
    CHECK(r.status == MP_EVM_REVERT);
    mp_evm_result_free(&r);
    mp_w256 v;
    mp_evm_state_get_storage(st, c1, &zero, &v);
    CHECK(v.w[0] == 1);
    tx.nonce = 1;
    memcpy(tx.to, c2, 20);
    CHECK_OK(mp_evm_tx_apply(st, &b, &tx, &r, &err), &err);
    CHECK(r.status == MP_EVM_SUCCESS);
    /* 21000 + 3 + 3 + (2100 cold + 2900 reset) = 26006, refund 4800 capped at 26006/5 = 5201 */
    CHECK(r.gas_used == 26006 - 4800);
    mp_evm_result_free(&r);
    mp_evm_state_get_storage(st, c2, &zero, &v);
    CHECK(mp_w256_is_zero(&v));
    mp_evm_state_free(st);
}

typedef struct nodes {
    mp_buf b[512];
    const uint8_t *p[512];
    size_t len[512];
    size_t n;
} nodes;

static void keep(void *ctx, const uint8_t *rlp, size_t len)
{
    nodes *ns = ctx;
    if (ns->n < 512 && mp_buf_append(&ns->b[ns->n], rlp, len) == MP_OK)
        ns->n++;
}

/* Proofs of a state built here verify with the trie module's account and
 * storage checks: the shapes eth_getProof returns. */
TEST(evm_state_proofs)
{
    mp_evm_state *st = NULL;
    mp_err err;
    CHECK_OK(mp_evm_state_new(&st, &err), &err);
    uint8_t a[40][20];
    for (int i = 0; i < 40; i++) {
        addr(a[i], (uint8_t)(i + 1));
        mp_w256 bal = mp_w256_u64(1000u + (unsigned)i), k = mp_w256_u64((unsigned)i),
                v = mp_w256_u64(7u * (unsigned)i + 1);
        uint8_t code[2] = {0x60, (uint8_t)i};
        CHECK_OK(mp_evm_state_set_account(st, a[i], (uint64_t)i, &bal, code, i % 2 ? 2 : 0, &err),
                 &err);
        CHECK_OK(mp_evm_state_set_storage(st, a[i], &k, &v, &err), &err);
    }
    static nodes ns;
    memset(&ns, 0, sizeof ns);
    uint8_t root[32], root2[32];
    CHECK_OK(mp_evm_state_root_nodes(st, root, keep, &ns, &err), &err);
    CHECK_OK(mp_evm_state_root(st, root2, &err), &err);
    CHECK(!memcmp(root, root2, 32));
    for (size_t i = 0; i < ns.n; i++) {
        ns.p[i] = ns.b[i].data;
        ns.len[i] = ns.b[i].len;
    }
    for (int i = 0; i < 40; i++) {
        bool found = false;
        mp_trie_account acct;
        CHECK_OK(mp_trie_proof_account(root, a[i], ns.p, ns.len, ns.n, &found, &acct, &err), &err);
        CHECK(found && acct.nonce == (uint64_t)i && acct.balance[31] == (uint8_t)(1000 + i) &&
              acct.balance[30] == (uint8_t)((1000 + i) >> 8));
        uint8_t slot[32] = {0}, val[32];
        slot[31] = (uint8_t)i;
        CHECK_OK(mp_trie_proof_storage(acct.storage_root, slot, ns.p, ns.len, ns.n, val, &err),
                 &err);
        CHECK(val[31] == (uint8_t)(7 * i + 1));
        slot[31] = 200; /* absent slot reads as zero */
        CHECK_OK(mp_trie_proof_storage(acct.storage_root, slot, ns.p, ns.len, ns.n, val, &err),
                 &err);
        CHECK(val[31] == 0);
    }
    uint8_t none[20];
    addr(none, 0x99);
    bool found = true;
    mp_trie_account acct;
    CHECK_OK(mp_trie_proof_account(root, none, ns.p, ns.len, ns.n, &found, &acct, &err), &err);
    CHECK(!found && acct.nonce == 0);
    /* Without the root node nothing verifies. */
    CHECK_RC(mp_trie_proof_account(root, a[0], ns.p, ns.len, ns.n - 1, &found, &acct, &err),
             MP_ERR_VERIFY);
    for (size_t i = 0; i < ns.n; i++)
        mp_buf_free(&ns.b[i]);
    mp_evm_state_free(st);
}

/* Transactions signed by the tx module decode to the same fields and signer. */
TEST(evm_tx_decode_signed)
{
    mp_err err;
    mp_secp *secp = NULL;
    CHECK_OK(mp_secp_create(&secp, &err), &err);
    uint8_t sk[32], from[20];
    memset(sk, 0x42, 32);
    CHECK_OK(mp_secp_address(secp, from, sk, &err), &err);
    static const uint8_t data[3] = {1, 2, 3};
    for (int type = 0; type <= 2; type += 2) {
        mp_tx t;
        memset(&t, 0, sizeof t);
        t.type = type;
        t.chain_id = 1;
        t.nonce = 7;
        t.gas_price = 1000;
        t.max_fee = 2000;
        t.max_priority_fee = 3;
        t.gas_limit = 50000;
        t.has_to = true;
        memset(t.to, 0xab, 20);
        t.value[31] = 9;
        t.data = data;
        t.data_len = sizeof data;
        mp_buf raw = MP_BUF_INIT;
        uint8_t h[32];
        CHECK_OK(mp_tx_sign(&t, secp, sk, &raw, h, &err), &err);
        mp_evm_tx tx;
        mp_evm_tx_buf buf;
        CHECK_OK(mp_evm_tx_decode(&tx, &buf, raw.data, raw.len, 1, &err), &err);
        CHECK(tx.type == type && !memcmp(tx.sender, from, 20) && tx.nonce == 7 &&
              tx.gas_limit == 50000 && tx.has_to && tx.to[0] == 0xab && tx.value.w[0] == 9 &&
              tx.data_len == 3 && tx.data[2] == 3);
        CHECK(type == 0 ? tx.gas_price.w[0] == 1000
                        : tx.max_fee.w[0] == 2000 && tx.max_priority.w[0] == 3);
        mp_evm_tx_buf_free(&buf);
        /* another chain, a flipped signature bit, a cut encoding */
        CHECK_RC(mp_evm_tx_decode(&tx, &buf, raw.data, raw.len, 5, &err), MP_ERR_VERIFY);
        raw.data[raw.len - 40] ^= 1;
        int rc = mp_evm_tx_decode(&tx, &buf, raw.data, raw.len, 1, &err);
        CHECK(rc != MP_OK || memcmp(tx.sender, from, 20) != 0);
        mp_evm_tx_buf_free(&buf);
        CHECK_RC(mp_evm_tx_decode(&tx, &buf, raw.data, raw.len - 1, 1, &err), MP_ERR_PARSE);
        mp_buf_free(&raw);
    }
    uint8_t junk[3] = {0x05, 0xc0, 0x00};
    mp_evm_tx tx;
    mp_evm_tx_buf buf;
    CHECK_RC(mp_evm_tx_decode(&tx, &buf, junk, sizeof junk, 1, &err), MP_ERR_PARSE);
    mp_secp_destroy(secp);
}

static const mp_test_case tests[] = {
    MP_TEST(evm_add_and_return),
    MP_TEST(evm_halts),
    MP_TEST(evm_kzg_unsupported),
    MP_TEST(evm_tx_value_transfer),
    MP_TEST(evm_revert_restores_storage_and_refund),
    MP_TEST(evm_state_proofs),
    MP_TEST(evm_tx_decode_signed),
};

MP_TEST_MAIN("evm", tests)
