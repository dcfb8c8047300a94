/*
** test_anvil_tx.c: the Ethereum stack end to end against a real anvil.
**
** Deploys two tiny hand-assembled contracts through the transaction sender
** (EIP-1559, signed in C with anvil's well-known dev key 0): a logger whose
** constructor emits a LOG1 and whose runtime logs its calldata as
** Ping(bytes), and a reverter that always reverts with Error("nope"). Then:
** a call whose log is read back through eth_getLogs and ABI-decoded, revert
** reasons from gas estimation and from a mined failed transaction, nonce
** resynchronisation after "nonce too low", and fee bumping while automine is
** off and the transaction sits in the pool.
*/
#include "anvil.h"
#include "mpavs/abi.h"
#include "mpavs/ethrpc.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/txsend.h"
#include "mpavs/u256.h"
#include "test.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* anvil's first dev account (public knowledge; test use only). */
static const char dev_key0[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

typedef struct world {
    mp_anvil anvil;
    mp_rpc rpc;
    mp_txsend sender;
    uint8_t logger[20], reverter[20];
    uint64_t deploy_block;
    bool deployed;
} world;

static world W;

/* ---- hand assembly ---- */

static void push32(mp_buf *b, const uint8_t w[32])
{
    mp_buf_push(b, 0x7f);
    mp_buf_append(b, w, 32);
}

/* Runtime: copy calldata to memory, LOG1(0, calldatasize, topic), stop. */
static void logger_runtime(mp_buf *b, const uint8_t topic[32])
{
    static const uint8_t copy[] = {0x36, 0x60, 0x00, 0x60, 0x00, 0x37};
    static const uint8_t log[] = {0x36, 0x60, 0x00, 0xa1, 0x00};
    mp_buf_append(b, copy, sizeof copy);
    push32(b, topic);
    mp_buf_append(b, log, sizeof log);
}

/* Runtime: CODECOPY the revert blob that follows a 12-byte header, REVERT with it. */
static void reverter_runtime(mp_buf *b, const uint8_t *blob, size_t n)
{
    uint8_t hdr[] = {0x60, (uint8_t)n, 0x60,       12,   0x60, 0x00,
                     0x39, 0x60,       (uint8_t)n, 0x60, 0x00, 0xfd};
    mp_buf_append(b, hdr, sizeof hdr);
    mp_buf_append(b, blob, n);
}

/* Init code: copy the runtime, LOG1 with an empty body and topic, return the runtime. */
static void init_code(mp_buf *b, const mp_buf *runtime, const uint8_t topic[32])
{
    const size_t header = 53;
    uint8_t l0 = (uint8_t)(runtime->len >> 8), l1 = (uint8_t)runtime->len;
    uint8_t copy[] = {0x61, l0, l1, 0x61, 0x00, (uint8_t)header, 0x60, 0x00, 0x39};
    uint8_t log[] = {0x60, 0x00, 0x60, 0x00, 0xa1};
    uint8_t ret[] = {0x61, l0, l1, 0x60, 0x00, 0xf3};
    mp_buf_append(b, copy, sizeof copy);
    push32(b, topic);
    mp_buf_append(b, log, sizeof log);
    mp_buf_append(b, ret, sizeof ret);
    mp_buf_append(b, runtime->data, runtime->len);
}

static void topic_of(uint8_t out[32], const char *sig)
{
    mp_err e;
    if (mp_abi_event_topic(out, sig, &e) != MP_OK)
        memset(out, 0, 32);
}

/* ---- tests ---- */

static int deploy(const mp_buf *runtime, uint8_t addr[20], mp_eth_receipt *r, mp_err *e)
{
    uint8_t tc[32];
    mp_buf code = MP_BUF_INIT;
    topic_of(tc, "Deployed()");
    init_code(&code, runtime, tc);
    mp_txreq req = {.to = NULL, .data = code.data, .data_len = code.len};
    int rc = mp_txsend_send(&W.sender, &req, r, NULL, e);
    if (rc == MP_OK && r->has_contract)
        memcpy(addr, r->contract_address, 20);
    mp_buf_free(&code);
    return rc;
}

TEST(deploy_contracts)
{
    mp_buf rt = MP_BUF_INIT, rv = MP_BUF_INIT, blob = MP_BUF_INIT;
    mp_eth_receipt r;
    mp_err e;
    uint8_t ping[32];
    topic_of(ping, "Ping(bytes)");
    logger_runtime(&rt, ping);
    CHECK_OK(deploy(&rt, W.logger, &r, &e), &e);
    CHECK(r.status && r.has_contract && r.logs.n == 1);
    W.deploy_block = r.block_number;
    mp_eth_receipt_free(&r);
    /* Error("nope") */
    CHECK_OK(mp_abi_put_selector(&blob, "Error(string)", &e), &e);
    mp_abi_put_u64(&blob, 32);
    mp_abi_put_tail_bytes(&blob, "nope", 4);
    reverter_runtime(&rv, blob.data, blob.len);
    CHECK_OK(deploy(&rv, W.reverter, &r, &e), &e);
    CHECK(r.status && r.has_contract);
    mp_eth_receipt_free(&r);
    /* The code on chain is the runtime we assembled. */
    mp_buf code = MP_BUF_INIT;
    CHECK_OK(mp_eth_get_code(&W.rpc, W.logger, MP_BLOCK_LATEST, &code, &e), &e);
    CHECK(code.len == rt.len && !memcmp(code.data, rt.data, rt.len));
    W.deployed = code.len == rt.len;
    mp_buf_free(&code);
    mp_buf_free(&rt);
    mp_buf_free(&rv);
    mp_buf_free(&blob);
}

TEST(call_and_get_logs)
{
    CHECK(W.deployed);
    mp_abi_sig ping;
    mp_abi_value arg, decoded;
    mp_buf data = MP_BUF_INIT;
    mp_eth_receipt r;
    uint8_t txh[32];
    mp_err e;
    char *argv[] = {"0x68656c6c6f206d7061767321"}; /* "hello mpavs!" */
    CHECK_OK(mp_abi_sig_parse(&ping, "Ping(bytes data)", &e), &e);
    CHECK_OK(mp_abi_value_parse_args(&arg, ping.params, 1, argv, &e), &e);
    CHECK_OK(mp_abi_encode(&data, &arg, &e), &e);
    mp_txreq req = {.to = W.logger, .data = data.data, .data_len = data.len};
    CHECK_OK(mp_txsend_send(&W.sender, &req, &r, txh, &e), &e);
    CHECK(r.status && r.logs.n == 1 && !memcmp(r.tx_hash, txh, 32));
    /* Read it back through eth_getLogs, filtered by address and topic. */
    uint8_t topic[32];
    topic_of(topic, "Ping(bytes)");
    mp_eth_filter f = {.from_block = W.deploy_block, .to_block = r.block_number};
    f.addresses = (const uint8_t(*)[20])W.logger;
    f.naddresses = 1;
    f.topics[0].any = (const uint8_t(*)[32])topic;
    f.topics[0].n = 1;
    f.max_range = 2;
    mp_eth_logs logs = {0};
    CHECK_OK(mp_eth_get_logs(&W.rpc, &f, &logs, &e), &e);
    CHECK(logs.n == 1);
    if (logs.n == 1) {
        const mp_eth_log *l = &logs.v[0];
        CHECK(!memcmp(l->address, W.logger, 20) && !memcmp(l->tx_hash, txh, 32));
        CHECK(l->block_number == r.block_number && !l->removed);
        CHECK_OK(mp_abi_decode_log(&decoded, &ping, (const uint8_t(*)[32])l->topics, l->ntopics,
                                   l->data, l->data_len, &e),
                 &e);
        CHECK(decoded.nitems == 1 && decoded.items[0].len == 12 &&
              !memcmp(decoded.items[0].bytes, "hello mpavs!", 12));
        mp_abi_value_free(&decoded);
    }
    mp_eth_logs_free(&logs);
    /* Both constructors logged Deployed(). */
    uint8_t dep[32];
    topic_of(dep, "Deployed()");
    mp_eth_filter g = {.from_block = 0, .to_block = MP_BLOCK_LATEST};
    g.topics[0].any = (const uint8_t(*)[32])dep;
    g.topics[0].n = 1;
    CHECK_OK(mp_eth_get_logs(&W.rpc, &g, &logs, &e), &e);
    CHECK(logs.n == 2);
    mp_eth_logs_free(&logs);
    mp_eth_receipt_free(&r);
    mp_abi_value_free(&arg);
    mp_abi_sig_free(&ping);
    mp_buf_free(&data);
}

TEST(revert_reasons)
{
    CHECK(W.deployed);
    mp_eth_receipt r;
    mp_err e;
    mp_txreq req = {.to = W.reverter};
    /* Estimation sees the revert before anything is sent. */
    uint64_t nonce_before = W.sender.next_nonce;
    CHECK_RC(mp_txsend_send(&W.sender, &req, &r, NULL, &e), MP_ERR_REVERTED);
    CHECK(strstr(e.msg, "Error(\"nope\")") != NULL);
    CHECK(W.sender.next_nonce == nonce_before);
    mp_eth_receipt_free(&r);
    /* With a fixed gas limit it is mined, fails, and the replay names why. */
    req.gas_limit = 100000;
    CHECK_RC(mp_txsend_send(&W.sender, &req, &r, NULL, &e), MP_ERR_REVERTED);
    CHECK(strstr(e.msg, "nope") != NULL && strstr(e.msg, "reverted in block") != NULL);
    CHECK(!r.status && r.block_number > 0 && r.gas_used > 0);
    CHECK(W.sender.next_nonce == nonce_before + 1);
    mp_eth_receipt_free(&r);
}

TEST(nonce_resync)
{
    CHECK(W.deployed);
    mp_eth_receipt r;
    mp_err e;
    uint8_t to[20] = {0x42};
    mp_txreq req = {.to = to};
    mp_u256_from_u64(req.value, 12345);
    W.sender.next_nonce -= 2; /* as if another process had used two nonces */
    CHECK_OK(mp_txsend_send(&W.sender, &req, &r, NULL, &e), &e);
    CHECK(r.status);
    uint64_t count;
    CHECK_OK(mp_eth_get_transaction_count(&W.rpc, W.sender.from, MP_BLOCK_LATEST, &count, &e), &e);
    CHECK(W.sender.next_nonce == count);
    mp_eth_receipt_free(&r);
}

TEST(node_queries)
{
    CHECK(W.deployed);
    mp_err e;
    uint64_t head, price, tip;
    mp_eth_block latest, by_hash;
    CHECK_OK(mp_eth_block_number(&W.rpc, &head, &e), &e);
    CHECK(head >= W.deploy_block + 2);
    CHECK_OK(mp_eth_get_block_by_number(&W.rpc, MP_BLOCK_LATEST, &latest, &e), &e);
    CHECK(latest.number == head && latest.has_base_fee && latest.ntx == 1);
    CHECK_OK(mp_eth_get_block_by_hash(&W.rpc, latest.hash, &by_hash, &e), &e);
    CHECK(by_hash.number == head && !memcmp(by_hash.parent_hash, latest.parent_hash, 32));
    CHECK_RC(mp_eth_get_block_by_number(&W.rpc, head + 1000, &by_hash, &e), MP_ERR_NOTFOUND);
    CHECK_OK(mp_eth_gas_price(&W.rpc, &price, &e), &e);
    CHECK_OK(mp_eth_max_priority_fee(&W.rpc, &tip, &e), &e);
    CHECK(price >= latest.base_fee && tip > 0);
    double pct[2] = {25, 75};
    mp_eth_fee_hist h;
    CHECK_OK(mp_eth_fee_history(&W.rpc, 3, MP_BLOCK_LATEST, pct, 2, &h, &e), &e);
    CHECK(h.nblocks == 3 && h.oldest_block == head - 2 && h.npercentiles == 2);
    CHECK(h.base_fees[2] == latest.base_fee && h.rewards != NULL);
    mp_eth_fee_history_free(&h);
    mp_buf code = MP_BUF_INIT;
    uint8_t nobody[20] = {0x99};
    CHECK_OK(mp_eth_get_code(&W.rpc, nobody, MP_BLOCK_LATEST, &code, &e), &e);
    CHECK(code.len == 0);
    mp_buf_free(&code);
}

static void *mine_later(void *arg)
{
    const char *url = arg;
    mp_rpc c;
    json_t *res;
    usleep(1500 * 1000);
    if (mp_rpc_init(&c, url, NULL, NULL, NULL) == MP_OK) {
        if (mp_rpc_call(&c, "evm_mine", NULL, &res, NULL) == MP_OK)
            json_decref(res);
        mp_rpc_close(&c);
    }
    return NULL;
}

static int set_automine(bool on, mp_err *e)
{
    json_t *res;
    MP_TRY(mp_rpc_call(&W.rpc, "evm_setAutomine", json_pack("[b]", on), &res, e));
    json_decref(res);
    return MP_OK;
}

TEST(bump_when_stuck)
{
    CHECK(W.deployed);
    mp_err e;
    mp_eth_receipt r;
    mp_eth_block blk;
    CHECK_OK(set_automine(false, &e), &e);
    char path[] = "/tmp/mpavs-txsend-log-XXXXXX";
    mp_log lg = mp_log_default("txsend");
    lg.fd = mkstemp(path);
    W.sender.log = &lg;
    W.sender.opts.resubmit_ms = 300;
    W.sender.opts.poll_ms = 100;
    pthread_t th;
    pthread_create(&th, NULL, mine_later, W.anvil.url);
    uint8_t to[20] = {0x43};
    mp_txreq req = {.to = to};
    CHECK_OK(mp_txsend_send(&W.sender, &req, &r, NULL, &e), &e);
    pthread_join(th, NULL);
    CHECK(r.status);
    /* The mined version paid a bumped tip: more than the 1 gwei first offered. */
    CHECK_OK(mp_eth_get_block_by_number(&W.rpc, r.block_number, &blk, &e), &e);
    CHECK(r.effective_gas_price > blk.base_fee + 1000000000ull);
    mp_eth_receipt_free(&r);
    CHECK_OK(set_automine(true, &e), &e);
    W.sender.opts = MP_TXSEND_OPTS_DEFAULT;
    W.sender.log = NULL;
    /* The log shows the first send and at least one resubmission. */
    uint8_t *text;
    size_t len;
    CHECK_OK(mp_file_read(path, 1 << 20, &text, &len, &e), &e);
    CHECK(strstr((char *)text, "transaction sent") != NULL);
    CHECK(strstr((char *)text, "transaction resubmitted") != NULL);
    free(text);
    close(lg.fd);
    unlink(path);
}

static const mp_test_case tests[] = {
    MP_TEST(deploy_contracts), MP_TEST(call_and_get_logs), MP_TEST(revert_reasons),
    MP_TEST(nonce_resync),     MP_TEST(node_queries),      MP_TEST(bump_when_stuck),
};

static int setup(mp_err *e)
{
    uint8_t sk[32];
    MP_TRY(mp_anvil_start(&W.anvil, NULL, e));
    MP_TRY(mp_rpc_init(&W.rpc, W.anvil.url, NULL, NULL, e));
    MP_TRY(mp_hex_decode_exact(sk, 32, dev_key0, e));
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    o.poll_ms = 100;
    o.receipt_timeout_ms = 30000;
    return mp_txsend_init(&W.sender, &W.rpc, sk, &o, NULL, e);
}

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = setup(&e);
    if (rc != MP_OK) {
        printf("not ok 1 - anvil_tx/setup: %s\n", e.msg);
    } else {
        rc = mp_test_main("anvil_tx", tests, sizeof tests / sizeof tests[0], argc, argv);
    }
    mp_txsend_close(&W.sender);
    mp_rpc_close(&W.rpc);
    mp_anvil_stop(&W.anvil);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
