/*
** avsworld.c: the devnet fixture of integration tests (avsworld.h).
*/
#include "avsworld.h"

#include "mpavs/abi.h"
#include "mpavs/aggregate.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/json.h"
#include "mpavs/avsreg.h"
#include "mpavs/clock.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/mem.h"
#include "mpavs/rand.h"
#include "mpavs/secp.h"
#include "mpavs/tx.h"
#include "mpavs/u256.h"
#include "test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char mp_avsw_dev_key0[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const char mp_avsw_dev_key1[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/* ---- processes ---- */

int mp_avsw_run(const char *const *argv, const char *const *env, const char *log_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        for (; env && *env; env++)
            putenv((char *)*env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void mp_avsw_show_log(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f))
        printf("#   %s", line);
    fclose(f);
}

const char *mp_avsw_bin_dir(void)
{
    const char *b = getenv("MPAVS_BIN");
    return b && *b ? b : mp_test_path("build/san/bin");
}

static int simca_init(mp_avsw *w, const char *dir, mp_err *err)
{
    char bin[512], log[400];
    snprintf(bin, sizeof bin, "%s/mpavs", mp_avsw_bin_dir());
    snprintf(log, sizeof log, "%s/simca.log", w->tmp);
    const char *argv[] = {bin, "sim-ca", "init", dir, NULL};
    if (mp_avsw_run(argv, NULL, log) != 0) {
        mp_avsw_show_log(log);
        return MP_FAIL(err, MP_ERR_IO, "mpavs sim-ca init %s failed", dir);
    }
    return MP_OK;
}

/* ---- transactions ---- */

int mp_avsw_sender(mp_avsw *w, mp_txsend *s, const char *hex_key, const uint8_t *raw_key,
                   mp_err *err)
{
    uint8_t sk[32];
    if (hex_key)
        MP_TRY(mp_hex_decode_exact(sk, 32, hex_key, err));
    else
        memcpy(sk, raw_key, 32);
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    o.poll_ms = 5; /* anvil mines at once: 50 ms would be most of a send */
    o.receipt_timeout_ms = 60000;
    int rc = mp_txsend_init(s, &w->rpc, sk, &o, NULL, err);
    mp_memzero(sk, 32);
    return rc;
}

int mp_avsw_send(mp_txsend *s, const uint8_t to[20], const mp_buf *cd, mp_eth_receipt *r,
                 mp_err *err)
{
    memset(r, 0, sizeof *r);
    MP_TRY(mp_buf_check(cd, err));
    mp_txreq req = {.to = to, .data = cd->data, .data_len = cd->len};
    return mp_txsend_send(s, &req, r, NULL, err);
}

int mp_avsw_send_ok(mp_txsend *s, const uint8_t to[20], mp_buf *cd, mp_err *err)
{
    mp_eth_receipt r;
    int rc = mp_avsw_send(s, to, cd, &r, err);
    if (rc == MP_OK && !r.status)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "transaction failed");
    mp_eth_receipt_free(&r);
    mp_buf_free(cd);
    return rc;
}

static int rpc_simple(mp_avsw *w, const char *method, json_t *params, mp_err *err)
{
    json_t *res;
    MP_TRY(mp_rpc_call(&w->rpc, method, params, &res, err));
    json_decref(res);
    return MP_OK;
}

int mp_avsw_advance_time(mp_avsw *w, uint64_t seconds, mp_err *err)
{
    MP_TRY(rpc_simple(w, "evm_increaseTime", json_pack("[I]", (json_int_t)seconds), err));
    return rpc_simple(w, "evm_mine", json_array(), err);
}

/* ---- set-up and deployment ---- */

int mp_avsw_setup(mp_avsw *w, mp_err *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(w->tmp, sizeof w->tmp, "%s/mpavs-avsw-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(w->tmp) == NULL) {
        w->tmp[0] = 0;
        return MP_FAIL(err, MP_ERR_IO, "cannot create a temporary directory");
    }
    MP_TRY(mp_anvil_start(&w->anvil, NULL, err));
    MP_TRY(mp_rpc_init(&w->rpc, w->anvil.url, NULL, NULL, err));
    w->rpc_ready = true;
    MP_TRY(mp_avsw_sender(w, &w->dev, mp_avsw_dev_key0, NULL, err));
    w->dev_ready = true;
    MP_TRY(mp_avsw_sender(w, &w->anyone, mp_avsw_dev_key1, NULL, err));
    w->anyone_ready = true;
    return MP_OK;
}

void mp_avsw_teardown(mp_avsw *w)
{
    for (int i = 0; i < MP_AVSW_MAX_OPS; i++) {
        mp_avsw_op *op = &w->ops[i];
        if (op->tx_ready)
            mp_txsend_close(&op->tx);
        mp_bls_secret_clear(&op->bls);
        mp_memzero(op->ecdsa, 32);
        mp_memzero(op->enclave_sk, 32);
        mp_buf_free(&op->quote);
    }
    if (w->anyone_ready)
        mp_txsend_close(&w->anyone);
    if (w->dev_ready)
        mp_txsend_close(&w->dev);
    if (w->rpc_ready)
        mp_rpc_close(&w->rpc);
    mp_anvil_stop(&w->anvil);
    mp_sgxsim_close(w->sim);
    mp_sgxsim_close(w->other_sim);
    if (w->tmp[0] && !getenv("MPAVS_KEEP_LOGS")) {
        const char *argv[] = {"/bin/rm", "-rf", w->tmp, NULL};
        if (mp_avsw_run(argv, NULL, "/dev/null") != 0)
            printf("# could not remove %s\n", w->tmp);
    }
    memset(w, 0, sizeof *w);
}

int mp_avsw_deploy(mp_avsw *w, const char *const *env, mp_err *err)
{
    snprintf(w->simca, sizeof w->simca, "%s/simca", w->tmp);
    snprintf(w->other_ca, sizeof w->other_ca, "%s/other-ca", w->tmp);
    MP_TRY(simca_init(w, w->simca, err));
    MP_TRY(simca_init(w, w->other_ca, err));
    mp_sgxsim_enclave enc;
    char mrenclave[67], script[512], log[400], key_env[128];
    mp_sgxsim_enclave_default(&enc);
    mp_hex_encode0x(mrenclave, enc.mrenclave, 32);
    snprintf(script, sizeof script, "%s", mp_test_path("scripts/deploy-contracts.sh"));
    snprintf(w->deployment, sizeof w->deployment, "%s/deployment.json", w->tmp);
    snprintf(log, sizeof log, "%s/deploy.log", w->tmp);
    snprintf(key_env, sizeof key_env, "DEPLOYER_PRIVATE_KEY=0x%s", mp_avsw_dev_key0);
    const char *argv[] = {script,        "--rpc-url", w->anvil.url, "--sim-ca",    w->simca,
                          "--mrenclave", mrenclave,   "--out",      w->deployment, NULL};
    const char *all_env[16] = {key_env, "MPAVS_THRESHOLD_PERCENT=67",
                               "MPAVS_LIVENESS_VALIDITY_SECONDS=3600"};
    size_t n = 3;
    for (; env && *env && n < 15; env++)
        all_env[n++] = *env;
    all_env[n] = NULL;
    if (mp_avsw_run(argv, all_env, log) != 0) {
        mp_avsw_show_log(log);
        return MP_FAIL(err, MP_ERR_IO, "scripts/deploy-contracts.sh failed");
    }
    MP_TRY(mp_avs_deployment_load(&w->d, w->deployment, err));
    MP_TRY(mp_sgxsim_open(&w->sim, w->simca, err));
    return mp_sgxsim_open(&w->other_sim, w->other_ca, err);
}

/* ---- operators ---- */

static void put_call(mp_buf *cd, const char *sig, mp_err *err)
{
    if (mp_abi_put_selector(cd, sig, err) != MP_OK)
        cd->oom = true; /* makes the send fail with the error already in err */
}

/* The steps of making an operator live after its funding, in order. */
typedef enum step {
    STEP_FUND,     /* the deployer sends it ether (no calldata) */
    STEP_MINT,     /* the deployer mints its stake tokens */
    STEP_APPROVE,  /* the rest are the operator's own */
    STEP_OPERATOR, /* registerAsOperator in the vault */
    STEP_DEPOSIT,
    STEP_REGISTER, /* in quorum 0 of the registry coordinator */
    STEP_PROOF,    /* its first liveness proof (quote of w->sim into op->report/quote) */
} step;

static const char *const step_name[] = {"funding",
                                        "mint",
                                        "approve",
                                        "registerAsOperator",
                                        "deposit",
                                        "registerOperator",
                                        "submitLivenessProof"};

static int register_calldata(mp_avsw *w, mp_avsw_op *op, int i, mp_buf *cd, mp_err *err)
{
    mp_eth_block head;
    uint8_t salt[32];
    char socket[48];
    MP_TRY(mp_eth_get_block_by_number(&w->rpc, MP_BLOCK_LATEST, &head, err));
    MP_TRY(mp_rand_bytes(salt, 32, err));
    uint64_t expiry = head.timestamp + 86400;
    mp_avsreg_pubkey_params p;
    mp_avsreg_signature sig;
    mp_avsreg_pubkey_params_make(&p, &op->bls, w->d.chain_id, w->d.registry_coordinator, op->addr);
    MP_TRY(mp_avsreg_sign(&sig, NULL, op->ecdsa, w->d.chain_id, w->d.avs_directory,
                          w->d.service_manager, salt, expiry, err));
    const uint8_t quorums[1] = {0};
    snprintf(socket, sizeof socket, "http://operator-%d:9000", i);
    return mp_avsreg_register_calldata(cd, quorums, 1, socket, &p, &sig, err);
}

/* The target and calldata (appended to cd) of step st for operator op (index i). */
static int step_call(mp_avsw *w, mp_avsw_op *op, int i, step st, const uint8_t **to, mp_buf *cd,
                     mp_err *err)
{
    uint8_t stake[32];
    MP_TRY(mp_u256_from_dec(stake, MP_AVSW_STAKE, err));
    *to = st == STEP_FUND       ? op->addr
          : st <= STEP_APPROVE  ? w->d.stake_token
          : st <= STEP_DEPOSIT  ? w->d.restaking_vault
          : st == STEP_REGISTER ? w->d.registry_coordinator
                                : w->d.tee_liveness_verifier;
    switch (st) {
    case STEP_FUND:
        break;
    case STEP_MINT:
        put_call(cd, "mint(address,uint256)", err);
        mp_abi_put_address(cd, op->addr);
        mp_abi_put_word(cd, stake);
        break;
    case STEP_APPROVE:
        put_call(cd, "approve(address,uint256)", err);
        mp_abi_put_address(cd, w->d.restaking_vault);
        mp_abi_put_word(cd, stake);
        break;
    case STEP_OPERATOR:
        put_call(cd, "registerAsOperator()", err);
        break;
    case STEP_DEPOSIT:
        put_call(cd, "deposit(uint256)", err);
        mp_abi_put_word(cd, stake);
        break;
    case STEP_REGISTER:
        return register_calldata(w, op, i, cd, err);
    case STEP_PROOF:
        MP_TRY(mp_avsw_make_proof(w, op, i, w->sim, &op->report, &op->quote, err));
        return mp_liveness_submit_calldata(cd, &op->report, op->quote.data, op->quote.len, err);
    }
    return mp_buf_check(cd, err);
}

static int fund_and_stake(mp_avsw *w, mp_avsw_op *op, mp_err *err)
{
    mp_eth_receipt r;
    mp_txreq fund = {.to = op->addr};
    MP_TRY(mp_u256_from_dec(fund.value, "10000000000000000000", err));
    MP_TRY(mp_txsend_send(&w->dev, &fund, &r, NULL, err));
    mp_eth_receipt_free(&r);
    for (step st = STEP_MINT; st <= STEP_DEPOSIT; st++) {
        const uint8_t *to;
        mp_buf cd = MP_BUF_INIT;
        int rc = step_call(w, op, 0, st, &to, &cd, err);
        if (rc != MP_OK) {
            mp_buf_free(&cd);
            return rc;
        }
        MP_TRY(mp_avsw_send_ok(st == STEP_MINT ? &w->dev : &op->tx, to, &cd, err));
    }
    return MP_OK;
}

/* Fresh keys for op and its sender (a new key: its next nonce is 0). */
static int operator_keys(mp_avsw *w, mp_avsw_op *op, mp_err *err)
{
    mp_bls_pubkey pk;
    MP_TRY(mp_secp_key_generate(op->ecdsa, err));
    MP_TRY(mp_secp_address(NULL, op->addr, op->ecdsa, err));
    MP_TRY(mp_bls_secret_generate(&op->bls, err));
    mp_bls_pubkey_from_secret(&pk, &op->bls);
    op->key.g1 = pk.g1;
    op->key.g2 = pk.g2;
    mp_bls_operator_id(op->key.id, &pk.g1);
    MP_TRY(mp_secp_key_generate(op->enclave_sk, err));
    MP_TRY(mp_secp_address(NULL, op->enclave, op->enclave_sk, err));
    MP_TRY(mp_avsw_sender(w, &op->tx, NULL, op->ecdsa, err));
    op->tx_ready = true;
    op->tx.nonce_known = true;
    op->tx.next_nonce = 0;
    return MP_OK;
}

int mp_avsw_operator_new(mp_avsw *w, mp_avsw_op *op, mp_err *err)
{
    MP_TRY(operator_keys(w, op, err));
    return fund_and_stake(w, op, err);
}

int mp_avsw_register(mp_avsw *w, mp_avsw_op *op, int i, mp_err *err)
{
    mp_buf cd = MP_BUF_INIT;
    int rc = register_calldata(w, op, i, &cd, err);
    if (rc != MP_OK) {
        mp_buf_free(&cd);
        return rc;
    }
    return mp_avsw_send_ok(&op->tx, w->d.registry_coordinator, &cd, err);
}

/* ---- many operators at once ----
 * One round per step: the step is sent for every operator (signed here, nonces
 * counted in each sender) with automine off, then mined in as few blocks as
 * the gas limit allows and every receipt checked. Few blocks matter: anvil's
 * cost per block grows with its state (an empty block took 170 ms after 7,000
 * one-transaction blocks of registrations). The gas limit of a step is
 * estimated once, for the first operator, with a margin. */

#define BULK_FUND        "1000000000000000000" /* 1 ETH: 1,000 x 10 would drain the deployer */
#define BULK_PROOF_CHUNK 100                   /* proofs per round: reference blocks stay recent */

typedef struct bulk_tx {
    uint8_t hash[32];
    int op; /* index in w->ops */
    step st;
} bulk_tx;

typedef struct bulk {
    mp_avsw *w;
    uint64_t tip, max_fee;
    char base_fee[20]; /* of the round's blocks, a quantity */
    bulk_tx *txs;
    size_t n;
} bulk;

/* Fees for a round. The base fee rises 12.5% per full block and a round fills
 * up to 30 (registrations): each block of the round gets the base fee of its
 * start (bulk_wait), or the last ones would be priced out and dropped. */
static int bulk_fees(bulk *b, mp_err *err)
{
    mp_eth_block head;
    MP_TRY(mp_eth_get_block_by_number(&b->w->rpc, MP_BLOCK_LATEST, &head, err));
    snprintf(b->base_fee, sizeof b->base_fee, "0x%llx", (unsigned long long)head.base_fee);
    b->tip = 1000000000ull;
    b->max_fee = 2 * head.base_fee + b->tip;
    return MP_OK;
}

static int bulk_gas(mp_txsend *s, const uint8_t *to, const mp_buf *cd, const uint8_t *value,
                    uint64_t *gas, mp_err *err)
{
    mp_eth_callmsg m = {
        .from = s->from, .to = to, .data = cd->data, .data_len = cd->len, .value = value};
    uint64_t est;
    MP_TRY(mp_eth_estimate_gas(s->rpc, &m, &est, err));
    *gas = est + est / 2 + 50000;
    return MP_OK;
}

/* Signs and sends one transaction with s's next nonce; records it for bulk_wait. */
static int bulk_send(bulk *b, mp_txsend *s, const uint8_t *to, const mp_buf *cd,
                     const uint8_t *value, uint64_t gas, int op, step st, mp_err *err)
{
    mp_tx tx = {.type = MP_TX_EIP1559,
                .chain_id = s->chain_id,
                .nonce = s->next_nonce,
                .max_priority_fee = b->tip,
                .max_fee = b->max_fee,
                .gas_limit = gas,
                .has_to = true,
                .data = cd->data,
                .data_len = cd->len};
    memcpy(tx.to, to, 20);
    if (value)
        memcpy(tx.value, value, 32);
    mp_buf raw = MP_BUF_INIT;
    bulk_tx *t = &b->txs[b->n];
    uint8_t got[32];
    int rc = mp_tx_sign(&tx, s->secp, s->sk, &raw, t->hash, err);
    if (rc == MP_OK)
        rc = mp_eth_send_raw_transaction(s->rpc, raw.data, raw.len, got, err);
    mp_buf_free(&raw);
    if (rc != MP_OK) {
        s->nonce_known = false; /* the node may have taken it: recount next time */
        mp_err_wrap(err, "operator %d: sending %s", op, step_name[st]);
        return rc;
    }
    s->next_nonce++;
    t->op = op;
    t->st = st;
    b->n++;
    return MP_OK;
}

/* Mines blocks until every transaction sent is in one; each must be a
 * success. Receipts are read in the order sent, up to the first one still
 * unmined (then the next block); a block that takes none of the rest ends the
 * wait (the node dropped them). */
static int bulk_wait(bulk *b, mp_err *err)
{
    mp_avsw *w = b->w;
    size_t done = 0;
    int rc = MP_OK;
    while (rc == MP_OK && done < b->n) {
        mp_eth_block blk;
        rc = rpc_simple(w, "anvil_setNextBlockBaseFeePerGas", json_pack("[s]", b->base_fee), err);
        if (rc == MP_OK)
            rc = rpc_simple(w, "evm_mine", json_array(), err);
        if (rc == MP_OK)
            rc = mp_eth_get_block_by_number(&w->rpc, MP_BLOCK_LATEST, &blk, err);
        if (rc == MP_OK && blk.ntx == 0)
            rc = MP_FAIL(err, MP_ERR_TIMEOUT, "%zu transactions of %s stay unmined (operator %d)",
                         b->n - done, step_name[b->txs[done].st], b->txs[done].op);
        for (; rc == MP_OK && done < b->n; done++) {
            mp_eth_receipt r;
            const bulk_tx *t = &b->txs[done];
            rc = mp_eth_get_transaction_receipt(&w->rpc, t->hash, &r, err);
            if (mp_rc_class(rc) == MP_ERR_NOTFOUND) {
                rc = MP_OK;
                break; /* in a later block */
            }
            if (rc != MP_OK)
                break;
            if (!r.status) {
                char h[67];
                mp_hex_encode0x(h, t->hash, 32);
                rc = MP_FAIL(err, MP_ERR_VERIFY, "operator %d: %s failed (%s)", t->op,
                             step_name[t->st], h);
            }
            mp_eth_receipt_free(&r);
        }
    }
    b->n = 0;
    return rc;
}

/* Sends step st for operators [first, first + n) (funding and mint: both
 * from the deployer), then checks every receipt. */
static int bulk_round(bulk *b, int first, int n, step st, mp_err *err)
{
    mp_avsw *w = b->w;
    uint64_t gas = 21000;
    uint8_t fund[32];
    MP_TRY(mp_u256_from_dec(fund, BULK_FUND, err));
    MP_TRY(bulk_fees(b, err));
    int rc = MP_OK;
    for (int i = first; rc == MP_OK && i < first + n; i++) {
        mp_avsw_op *op = &w->ops[i];
        mp_txsend *s = st <= STEP_MINT ? &w->dev : &op->tx;
        const uint8_t *to;
        mp_buf cd = MP_BUF_INIT;
        rc = step_call(w, op, i, st, &to, &cd, err);
        if (rc == MP_OK && i == first && st != STEP_FUND)
            rc = bulk_gas(s, to, &cd, NULL, &gas, err);
        if (rc == MP_OK)
            rc = bulk_send(b, s, to, &cd, st == STEP_FUND ? fund : NULL, gas, i, st, err);
        mp_buf_free(&cd);
    }
    if (rc != MP_OK) {
        b->n = 0;
        return rc;
    }
    return bulk_wait(b, err);
}

int mp_avsw_operators_live(mp_avsw *w, int first, int n, mp_err *err)
{
    MP_ARG_CHECK(err, first >= 0 && n >= 1 && first + n <= MP_AVSW_MAX_OPS);
    bulk b = {.w = w, .txs = calloc((size_t)n, sizeof *b.txs)};
    if (b.txs == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = MP_OK;
    for (int i = first; rc == MP_OK && i < first + n; i++)
        rc = operator_keys(w, &w->ops[i], err);
    if (rc == MP_OK && !w->dev.nonce_known) {
        rc = mp_eth_get_transaction_count(&w->rpc, w->dev.from, MP_BLOCK_PENDING,
                                          &w->dev.next_nonce, err);
        w->dev.nonce_known = rc == MP_OK;
    }
    /* mining on demand; the fixture's anvil mines every transaction again after */
    if (rc == MP_OK)
        rc = rpc_simple(w, "evm_setAutomine", json_pack("[b]", 0), err);
    for (step st = STEP_FUND; rc == MP_OK && st <= STEP_REGISTER; st++)
        rc = bulk_round(&b, first, n, st, err);
    for (int i = first; rc == MP_OK && i < first + n; i += BULK_PROOF_CHUNK)
        rc = bulk_round(&b, i, first + n - i < BULK_PROOF_CHUNK ? first + n - i : BULK_PROOF_CHUNK,
                        STEP_PROOF, err);
    mp_err e2;
    int rc2 = rpc_simple(w, "evm_setAutomine", json_pack("[b]", 1), rc == MP_OK ? err : &e2);
    free(b.txs);
    return rc != MP_OK ? rc : rc2;
}

int mp_avsw_make_proof(mp_avsw *w, mp_avsw_op *op, int i, const mp_sgxsim *sim,
                       mp_liveness_report *r, mp_buf *quote, mp_err *err)
{
    mp_eth_block head;
    char url[40];
    uint8_t rd[64];
    mp_sgxsim_enclave enc;
    MP_TRY(mp_eth_get_block_by_number(&w->rpc, MP_BLOCK_LATEST, &head, err));
    r->pubkey = op->key.g1;
    r->reference_block = head.number;
    memcpy(r->reference_hash, head.hash, 32);
    snprintf(url, sizeof url, "http://prover-%d:9100", i);
    mp_liveness_url_hash(r->prover_url_hash, url);
    mp_liveness_report_data(rd, op->enclave, r);
    mp_sgxsim_enclave_default(&enc);
    mp_buf_free(quote);
    return mp_sgxsim_quote(sim, &enc, rd, quote, err);
}

json_t *mp_avsw_submission(const mp_avsw *w, const mp_avsw_op *op, const mp_avsw_task *t,
                           const uint8_t *state, size_t state_len)
{
    mp_state_header h = {.metadata = t->metadata,
                         .metadata_len = t->metadata_len,
                         .state = state,
                         .state_len = state_len,
                         .reference_block = t->ref};
    mp_u256_from_u64(h.identifier, t->identifier);
    mp_agg_digests dg;
    mp_agg_digests_of(&dg, &h, w->d.chain_id, w->d.service_manager);
    mp_bn254_g1 sig;
    uint8_t enc[64], psig[65];
    mp_bls_sign(&sig, &op->bls, dg.header);
    mp_bn254_g1_encode(enc, &sig);
    if (mp_secp_sign65(NULL, psig, dg.prover, op->enclave_sk, NULL) != MP_OK)
        return NULL;
    return json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "taskId",
                     (json_int_t)t->id, "identifier", (json_int_t)t->identifier, "metadata",
                     mp_json_hex_new(t->metadata, t->metadata_len, MP_JSON_0X), "state",
                     mp_json_hex_new(state, state_len, MP_JSON_0X), "referenceBlockNumber",
                     (json_int_t)t->ref, "operator", mp_json_hex_new(op->addr, 20, MP_JSON_0X),
                     "operatorId", mp_json_hex_new(op->key.id, 32, MP_JSON_0X), "blsSignature",
                     mp_json_hex_new(enc, 64, MP_JSON_0X), "proverSignature",
                     mp_json_hex_new(psig, 65, MP_JSON_0X), "enclaveAddress",
                     mp_json_hex_new(op->enclave, 20, MP_JSON_0X));
}

int mp_avsw_submit_proof(mp_avsw *w, mp_avsw_op *op, int i, mp_eth_receipt *out, mp_err *err)
{
    mp_buf cd = MP_BUF_INIT;
    mp_eth_receipt r;
    MP_TRY(mp_avsw_make_proof(w, op, i, w->sim, &op->report, &op->quote, err));
    int rc = mp_liveness_submit_calldata(&cd, &op->report, op->quote.data, op->quote.len, err);
    if (rc == MP_OK)
        rc = mp_avsw_send(&op->tx, w->d.tee_liveness_verifier, &cd, &r, err);
    mp_buf_free(&cd);
    if (rc != MP_OK)
        return rc;
    if (!r.status)
        rc = MP_FAIL(err, MP_ERR_VERIFY, "submitLivenessProof failed");
    if (out)
        *out = r;
    else
        mp_eth_receipt_free(&r);
    return rc;
}
