/*
** cmd_operator.c: "mpavs operator register|deregister|status": an operator's
** registration with an mpavs deployment (docs/protocol.md section 5), from
** its ECDSA and BLS keystores. Each transaction is printed with its hash; a
** revert is explained by the contracts' custom error (avserr.h). status reads
** everything from the chain and prints one JSON object.
*/
#include "cli.h"
#include "mpavs/abi.h"
#include "mpavs/address.h"
#include "mpavs/avschain.h"
#include "mpavs/avserr.h"
#include "mpavs/avsreg.h"
#include "mpavs/bls.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/opstore.h"
#include "mpavs/rand.h"
#include "mpavs/store.h"
#include "mpavs/txsend.h"
#include "mpavs/u256.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_args {
    char *rpc, *deployment, *ecdsa_key, *ecdsa_pw, *bls_key, *bls_pw;
    char *stake, *quorums, *socket, *operator_addr, *data_dir;
} op_args;

#define OPT(name, field, flags, help)                                                              \
    {                                                                                              \
        name, MP_CFG_STRING, offsetof(op_args, field), NULL, 0, 0, flags, help                     \
    }
#define RPC        OPT("rpc", rpc, MP_CFG_REQUIRED, "JSON-RPC URL of the L1 node")
#define DEPLOYMENT OPT("deployment", deployment, MP_CFG_REQUIRED, "the deployment JSON")
#define ECDSA_PW   OPT("ecdsa_password_file", ecdsa_pw, 0, "its password, first line (default: ask)")
#define QUORUMS    OPT("quorums", quorums, 0, "quorum numbers, ascending (default 0)")

static const mp_cfg_opt register_opts[] = {
    RPC,
    DEPLOYMENT,
    OPT("ecdsa_key", ecdsa_key, MP_CFG_REQUIRED, "the operator's v3 key file"),
    ECDSA_PW,
    OPT("bls_key", bls_key, MP_CFG_REQUIRED, "the operator's EigenLayer BLS keystore"),
    OPT("bls_password_file", bls_pw, 0, "its password, first line (default: ask)"),
    OPT("stake", stake, 0, "vault shares to have, in token wei (default 1000000000000000000)"),
    QUORUMS,
    OPT("socket", socket, 0, "the socket string registered with the operator"),
};

static const mp_cfg_opt deregister_opts[] = {
    RPC,
    DEPLOYMENT,
    OPT("ecdsa_key", ecdsa_key, MP_CFG_REQUIRED, "the operator's v3 key file"),
    ECDSA_PW,
    QUORUMS,
};

static const mp_cfg_opt status_opts[] = {
    RPC,
    DEPLOYMENT,
    OPT("operator", operator_addr, 0, "the operator's address"),
    OPT("ecdsa_key", ecdsa_key, 0, "or its v3 key file (the address is read after decryption)"),
    ECDSA_PW,
    OPT("data_dir", data_dir, 0, "the daemon's data directory: adds the last task acknowledged"),
};

/* What a command works with: the chain, the deployment, the operator's identity. */
typedef struct op_ctx {
    mp_rpc rpc;
    bool rpc_ready;
    mp_avs_deployment d;
    uint8_t addr[20];
    uint8_t ecdsa[32];
    bool have_ecdsa;
    mp_txsend tx;
    bool tx_ready;
    uint8_t quorums[MP_CHECKSIG_MAX_QUORUMS];
    size_t n_quorums;
} op_ctx;

/* "0,1,3": strictly ascending quorum numbers below 192. */
static int parse_quorums(op_ctx *c, const char *text, mp_err *err)
{
    c->n_quorums = 0;
    const char *p = text ? text : "0";
    while (*p) {
        char *end;
        unsigned long q = strtoul(p, &end, 10);
        if (end == p || q >= 192 || (*end && *end != ',') ||
            c->n_quorums == MP_CHECKSIG_MAX_QUORUMS ||
            (c->n_quorums && q <= c->quorums[c->n_quorums - 1]))
            return MP_FAIL(err, MP_ERR_INVALID,
                           "--quorums must be ascending numbers below 192, comma-separated");
        c->quorums[c->n_quorums++] = (uint8_t)q;
        p = *end ? end + 1 : end;
    }
    if (c->n_quorums == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "--quorums is empty");
    return MP_OK;
}

static int load_ecdsa(op_ctx *c, const op_args *a, mp_err *err)
{
    char *pw = NULL;
    MP_TRY(cli_read_password(a->ecdsa_pw, false, &pw, err));
    int rc = mp_keystore_eth_read(c->ecdsa, a->ecdsa_key, pw, err);
    cli_free_password(pw);
    if (rc == MP_OK)
        rc = mp_secp_address(NULL, c->addr, c->ecdsa, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "ECDSA key %s", a->ecdsa_key);
        return rc;
    }
    c->have_ecdsa = true;
    return MP_OK;
}

static int load_bls(mp_bls_secret *sk, const op_args *a, mp_err *err)
{
    char *pw = NULL, *pub = NULL;
    uint8_t b[32];
    MP_TRY(cli_read_password(a->bls_pw, false, &pw, err));
    int rc = mp_keystore_bls_read(b, &pub, a->bls_key, pw, err);
    cli_free_password(pw);
    if (rc == MP_OK)
        rc = mp_bls_secret_from_bytes(sk, b, err);
    if (rc == MP_OK)
        rc = mp_bls_check_gnark_pubkey(pub, sk, err);
    mp_memzero(b, sizeof b);
    free(pub);
    if (rc != MP_OK)
        mp_err_wrap(err, "BLS key %s", a->bls_key);
    return rc;
}

static int ctx_open(op_ctx *c, const op_args *a, mp_err *err)
{
    memset(c, 0, sizeof *c);
    MP_TRY(mp_avs_deployment_load(&c->d, a->deployment, err));
    MP_TRY(mp_rpc_init(&c->rpc, a->rpc, NULL, NULL, err));
    c->rpc_ready = true;
    uint64_t chain;
    MP_TRY(mp_eth_chain_id(&c->rpc, &chain, err));
    if (chain != c->d.chain_id)
        return MP_FAIL(err, MP_ERR_INVALID, "the RPC serves chain %llu, the deployment is for %llu",
                       (unsigned long long)chain, (unsigned long long)c->d.chain_id);
    MP_TRY(parse_quorums(c, a->quorums, err));
    if (a->ecdsa_key)
        MP_TRY(load_ecdsa(c, a, err));
    return MP_OK;
}

static int ctx_sender(op_ctx *c, mp_err *err)
{
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    o.poll_ms = 100;
    MP_TRY(mp_txsend_init(&c->tx, &c->rpc, c->ecdsa, &o, NULL, err));
    c->tx_ready = true;
    return MP_OK;
}

static void ctx_close(op_ctx *c)
{
    if (c->tx_ready)
        mp_txsend_close(&c->tx);
    if (c->rpc_ready)
        mp_rpc_close(&c->rpc);
    mp_memzero(c->ecdsa, sizeof c->ecdsa);
}

/* Sends calldata to `to`, prints "<what>: tx 0x.. block N gas G", and turns a revert
 * into an error naming the contract's custom error. */
static int send_step(op_ctx *c, const char *what, const uint8_t to[20], const mp_buf *cd,
                     mp_err *err)
{
    MP_TRY(mp_buf_check(cd, err));
    mp_txreq req = {.to = to, .data = cd->data, .data_len = cd->len};
    mp_eth_receipt r;
    memset(&r, 0, sizeof r);
    int rc = mp_txsend_send(&c->tx, &req, &r, NULL, err);
    if (rc == MP_OK || r.block_number != 0) {
        char h[67];
        mp_hex_encode0x(h, r.tx_hash, 32);
        printf("%s: tx %s block %llu gas %llu%s\n", what, h, (unsigned long long)r.block_number,
               (unsigned long long)r.gas_used, r.status ? "" : " REVERTED");
    }
    mp_eth_receipt_free(&r);
    if (rc != MP_OK && mp_rc_class(rc) == MP_ERR_REVERTED) {
        mp_buf data = MP_BUF_INIT;
        char text[400];
        if (mp_eth_revert_data(&c->rpc, &data, NULL) == MP_OK && data.len >= 4) {
            mp_avs_revert_describe(text, sizeof text, data.data, data.len);
            rc = MP_FAIL(err, MP_ERR_REVERTED, "%s reverted: %s", what, text);
        }
        mp_buf_free(&data);
    } else if (rc != MP_OK) {
        mp_err_wrap(err, "%s", what);
    }
    return rc;
}

/* eth_call of to with cd at the latest block; ret receives the return data. */
static int call(op_ctx *c, const uint8_t to[20], mp_buf *cd, mp_buf *ret, mp_err *err)
{
    int rc = mp_buf_check(cd, err);
    mp_eth_callmsg m = {.to = to, .data = cd->data, .data_len = cd->len};
    if (rc == MP_OK)
        rc = mp_eth_call(&c->rpc, &m, MP_BLOCK_LATEST, ret, err);
    mp_buf_free(cd);
    return rc;
}

/* A view taking one address (or one bytes32) and returning one word. */
static int call_word(op_ctx *c, const uint8_t to[20], const char *sig, const uint8_t *arg,
                     size_t arg_len, uint8_t out[32], mp_err *err)
{
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    const uint8_t *w;
    MP_TRY(mp_abi_put_selector(&cd, sig, err));
    if (arg_len == 20)
        mp_abi_put_address(&cd, arg);
    else if (arg_len == 32)
        mp_abi_put_word(&cd, arg);
    int rc = call(c, to, &cd, &ret, err);
    if (rc == MP_OK && (rc = mp_abi_read_word(&w, ret.data, ret.len, 0, err)) == MP_OK)
        memcpy(out, w, 32);
    mp_buf_free(&ret);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", sig);
    return rc;
}

enum { STATUS_NEVER = 0, STATUS_REGISTERED = 1, STATUS_DEREGISTERED = 2 };

static int operator_status(op_ctx *c, uint64_t *status, mp_err *err)
{
    uint8_t w[32];
    MP_TRY(
        call_word(c, c->d.registry_coordinator, "getOperatorStatus(address)", c->addr, 20, w, err));
    if (!mp_u256_to_u64(status, w) || *status > 2)
        return MP_FAIL(err, MP_ERR_PARSE, "getOperatorStatus returned an unknown status");
    return MP_OK;
}

/* a -= b for a >= b (256-bit, big-endian). */
static void u256_sub(uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = a[i] - b[i] - borrow;
        borrow = d < 0;
        a[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* Stake in the devnet vault up to `target` operator shares. */
static int stake(op_ctx *c, const char *target_text, mp_err *err)
{
    uint8_t target[32], shares[32], is_op[32];
    mp_buf cd = MP_BUF_INIT;
    MP_TRY(mp_u256_from_text(target, target_text ? target_text : "1000000000000000000", err));
    MP_TRY(call_word(c, c->d.restaking_vault, "isOperator(address)", c->addr, 20, is_op, err));
    if (is_op[31] == 0) {
        MP_TRY(mp_abi_put_selector(&cd, "registerAsOperator()", err));
        int rc = send_step(c, "vault registerAsOperator", c->d.restaking_vault, &cd, err);
        mp_buf_free(&cd);
        MP_TRY(rc);
    }
    MP_TRY(call_word(c, c->d.restaking_vault, "operatorShares(address)", c->addr, 20, shares, err));
    if (mp_u256_cmp(shares, target) >= 0) {
        char dec[MP_U256_DEC_MAX];
        mp_u256_to_dec(dec, shares);
        printf("stake: %s already delegated in the vault\n", dec);
        return MP_OK;
    }
    u256_sub(target, shares); /* what is missing */
    MP_TRY(mp_abi_put_selector(&cd, "approve(address,uint256)", err));
    mp_abi_put_address(&cd, c->d.restaking_vault);
    mp_abi_put_word(&cd, target);
    int rc = send_step(c, "stake token approve", c->d.stake_token, &cd, err);
    mp_buf_free(&cd);
    MP_TRY(rc);
    MP_TRY(mp_abi_put_selector(&cd, "deposit(uint256)", err));
    mp_abi_put_word(&cd, target);
    rc = send_step(c, "vault deposit", c->d.restaking_vault, &cd, err);
    mp_buf_free(&cd);
    return rc;
}

static int register_avs(op_ctx *c, const mp_bls_secret *sk, const char *socket, mp_err *err)
{
    mp_eth_block head;
    uint8_t salt[32];
    mp_avsreg_pubkey_params p;
    mp_avsreg_signature sig;
    MP_TRY(mp_eth_get_block_by_number(&c->rpc, MP_BLOCK_LATEST, &head, err));
    MP_TRY(mp_rand_bytes(salt, 32, err));
    mp_avsreg_pubkey_params_make(&p, sk, c->d.chain_id, c->d.registry_coordinator, c->addr);
    MP_TRY(mp_avsreg_sign(&sig, NULL, c->ecdsa, c->d.chain_id, c->d.avs_directory,
                          c->d.service_manager, salt, head.timestamp + 3600, err));
    mp_buf cd = MP_BUF_INIT;
    int rc = mp_avsreg_register_calldata(&cd, c->quorums, c->n_quorums, socket ? socket : "", &p,
                                         &sig, err);
    if (rc == MP_OK)
        rc = send_step(c, "registerOperator", c->d.registry_coordinator, &cd, err);
    mp_buf_free(&cd);
    if (rc == MP_OK) {
        uint8_t id[32];
        char hex[67];
        mp_bls_operator_id(id, &p.g1);
        mp_hex_encode0x(hex, id, 32);
        printf("registered: operatorId %s\n", hex);
    }
    return rc;
}

static int do_register(const op_args *a, mp_err *err)
{
    op_ctx c;
    mp_bls_secret sk;
    uint64_t status;
    bool have_sk = false;
    int rc = ctx_open(&c, a, err);
    if (rc == MP_OK && (!a->ecdsa_key || !a->bls_key))
        rc = MP_FAIL(err, MP_ERR_INVALID, "register needs --ecdsa-key and --bls-key");
    if (rc == MP_OK && (rc = load_bls(&sk, a, err)) == MP_OK)
        have_sk = true;
    if (rc == MP_OK)
        rc = operator_status(&c, &status, err);
    if (rc == MP_OK && status == STATUS_REGISTERED) {
        char t[MP_ADDRESS_TEXT_LEN];
        mp_address_to_checksum(t, c.addr);
        printf("already registered: %s (nothing sent)\n", t);
    } else if (rc == MP_OK) {
        if ((rc = ctx_sender(&c, err)) == MP_OK && (rc = stake(&c, a->stake, err)) == MP_OK)
            rc = register_avs(&c, &sk, a->socket, err);
    }
    if (have_sk)
        mp_bls_secret_clear(&sk);
    ctx_close(&c);
    return rc;
}

static int do_deregister(const op_args *a, mp_err *err)
{
    op_ctx c;
    uint64_t status;
    int rc = ctx_open(&c, a, err);
    if (rc == MP_OK && !a->ecdsa_key)
        rc = MP_FAIL(err, MP_ERR_INVALID, "deregister needs --ecdsa-key");
    if (rc == MP_OK)
        rc = operator_status(&c, &status, err);
    if (rc == MP_OK && status != STATUS_REGISTERED) {
        printf("not registered (nothing sent)\n");
    } else if (rc == MP_OK && (rc = ctx_sender(&c, err)) == MP_OK) {
        mp_buf cd = MP_BUF_INIT;
        rc = mp_abi_put_selector(&cd, "deregisterOperator(bytes)", err);
        mp_abi_put_u64(&cd, 32);
        mp_abi_put_tail_bytes(&cd, c.quorums, c.n_quorums);
        if (rc == MP_OK)
            rc = send_step(&c, "deregisterOperator", c.d.registry_coordinator, &cd, err);
        mp_buf_free(&cd);
        if (rc == MP_OK)
            printf("deregistered from %zu quorum(s)\n", c.n_quorums);
    }
    ctx_close(&c);
    return rc;
}

/* ---- status ---- */

static json_t *u256_json(const uint8_t w[32])
{
    char dec[MP_U256_DEC_MAX];
    mp_u256_to_dec(dec, w);
    return json_string(dec);
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    char h[2 * 32 + 3];
    mp_hex_encode0x(h, p, n);
    return json_string(h);
}

static json_t *hex_json_keccak(const uint8_t *p, size_t n)
{
    uint8_t h[32];
    mp_keccak256(h, p, n);
    return hex_json(h, 32);
}

static json_t *addr_json(const uint8_t a[20])
{
    char t[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(t, a);
    return json_string(t);
}

/* Quorums of the bitmap with their current stake. */
static int status_quorums(op_ctx *c, const uint8_t id[32], json_t *out, mp_err *err)
{
    uint8_t bitmap[32], w[32];
    json_t *qs = json_array();
    json_object_set_new(out, "quorums", qs);
    MP_TRY(call_word(c, c->d.registry_coordinator, "getCurrentQuorumBitmap(bytes32)", id, 32,
                     bitmap, err));
    for (int q = 0; q < 192; q++) {
        if (!(bitmap[31 - q / 8] >> (q % 8) & 1))
            continue;
        mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
        const uint8_t *word;
        MP_TRY(mp_abi_put_selector(&cd, "getCurrentStake(bytes32,uint8)", err));
        mp_abi_put_word(&cd, id);
        mp_abi_put_u64(&cd, (uint64_t)q);
        int rc = call(c, c->d.stake_registry, &cd, &ret, err);
        if (rc == MP_OK && (rc = mp_abi_read_word(&word, ret.data, ret.len, 0, err)) == MP_OK)
            memcpy(w, word, 32);
        mp_buf_free(&ret);
        MP_TRY(rc);
        json_array_append_new(qs, json_pack("{s:i,s:o}", "quorum", q, "stake", u256_json(w)));
    }
    return MP_OK;
}

/* The liveness record: attested enclave, live until, live now by the chain's clock. */
static int status_liveness(op_ctx *c, const uint8_t id[32], json_t *out, mp_err *err)
{
    mp_avs_liveness lv;
    mp_eth_block head;
    MP_TRY(mp_avs_get_liveness(&c->rpc, &c->d, id, MP_BLOCK_LATEST, &lv, err));
    MP_TRY(mp_eth_get_block_by_number(&c->rpc, MP_BLOCK_LATEST, &head, err));
    json_t *l = json_object();
    json_object_set_new(out, "liveness", l);
    json_object_set_new(l, "live", json_boolean(lv.attested && lv.live_until > head.timestamp));
    json_object_set_new(l, "enclave", lv.attested ? addr_json(lv.enclave) : json_null());
    json_object_set_new(l, "attestedAt", json_integer((json_int_t)lv.attested_at));
    json_object_set_new(l, "liveUntil", json_integer((json_int_t)lv.live_until));
    json_object_set_new(l, "teeType", json_integer(lv.tee_type));
    json_object_set_new(l, "referenceBlock", json_integer((json_int_t)lv.reference_block));
    json_object_set_new(l, "chainTime", json_integer((json_int_t)head.timestamp));
    return MP_OK;
}

static int status_json(op_ctx *c, json_t *out, mp_err *err)
{
    static const char *const names[] = {"NEVER_REGISTERED", "REGISTERED", "DEREGISTERED"};
    uint64_t status;
    uint8_t id[32], shares[32];
    json_object_set_new(out, "operator", addr_json(c->addr));
    MP_TRY(operator_status(c, &status, err));
    json_object_set_new(out, "status", json_string(names[status]));
    MP_TRY(call_word(c, c->d.restaking_vault, "operatorShares(address)", c->addr, 20, shares, err));
    json_object_set_new(out, "vaultShares", u256_json(shares));
    if (status == STATUS_NEVER)
        return MP_OK;
    MP_TRY(call_word(c, c->d.registry_coordinator, "getOperatorId(address)", c->addr, 20, id, err));
    json_object_set_new(out, "operatorId", hex_json(id, 32));
    MP_TRY(status_quorums(c, id, out, err));
    return status_liveness(c, id, out, err);
}

/* The daemon's store (read-only): the last task acknowledged. */
static int status_last_task(const char *dir, json_t *out, mp_err *err)
{
    char path[1024];
    mp_store *s;
    mp_opstore_task t;
    mp_store_opts o = {.read_only = true};
    snprintf(path, sizeof path, "%s/operator.db", dir);
    MP_TRY(mp_store_open(&s, path, &o, err));
    int rc = mp_opstore_task_last_acked(s, &t, err);
    if (rc == MP_OK) {
        json_object_set_new(out, "lastTaskAcked",
                            json_pack("{s:I,s:I,s:I,s:o}", "taskId", (json_int_t)t.task_id,
                                      "identifier", (json_int_t)t.identifier, "at",
                                      (json_int_t)t.updated_at, "stateHash",
                                      hex_json_keccak(t.state.data, t.state.len)));
        mp_opstore_task_free(&t);
    } else if (mp_rc_class(rc) == MP_ERR_NOTFOUND) {
        json_object_set_new(out, "lastTaskAcked", json_null());
        rc = MP_OK;
    }
    mp_store_close(s);
    return rc;
}

static int do_status(const op_args *a, mp_err *err)
{
    op_ctx c;
    int rc = ctx_open(&c, a, err);
    if (rc == MP_OK && a->operator_addr)
        rc = mp_address_parse(c.addr, a->operator_addr, err);
    else if (rc == MP_OK && !c.have_ecdsa)
        rc = MP_FAIL(err, MP_ERR_INVALID, "status needs --operator or --ecdsa-key");
    json_t *out = json_object();
    if (rc == MP_OK && out == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK)
        rc = status_json(&c, out, err);
    if (rc == MP_OK && a->data_dir)
        rc = status_last_task(a->data_dir, out, err);
    if (rc == MP_OK) {
        char *text = json_dumps(out, JSON_COMPACT);
        if (text)
            printf("%s\n", text);
        free(text);
    }
    json_decref(out);
    ctx_close(&c);
    return rc;
}

/* Runs fn and maps its failure to the exit code (1 for a revert, 2 otherwise). */
static int run(void *args, int (*fn)(const op_args *a, mp_err *err), const char *what)
{
    mp_err e;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = fn(args, &e);
    curl_global_cleanup();
    if (rc == MP_OK)
        return CLI_OK;
    return mp_rc_class(rc) == MP_ERR_REVERTED ? cli_no(what, &e) : cli_fail(what, &e);
}

static int register_run(void *args, int npos, char **pos)
{
    (void)npos;
    (void)pos;
    return run(args, do_register, "operator register");
}

static int deregister_run(void *args, int npos, char **pos)
{
    (void)npos;
    (void)pos;
    return run(args, do_deregister, "operator deregister");
}

static int status_run(void *args, int npos, char **pos)
{
    (void)npos;
    (void)pos;
    return run(args, do_status, "operator status");
}

static const cli_spec register_spec = {
    .name = "operator register",
    .usage = "mpavs operator register --rpc URL --deployment FILE --ecdsa-key FILE --bls-key FILE\n"
             "                        [--stake WEI] [--quorums 0,1] [--socket TEXT]",
    .help = "Stakes in the devnet vault up to --stake shares if the operator has fewer (the\n"
            "tokens must be in its account), then registers with the AVS: BLS proof of\n"
            "possession and the AVS directory signature (docs/protocol.md section 5). Prints\n"
            "each transaction with its hash; nothing is sent if already registered. Exit 1\n"
            "when a transaction reverts (its custom error named), 2 on other failures.\n",
    .opts = register_opts,
    .nopts = sizeof register_opts / sizeof register_opts[0],
    .args_size = sizeof(op_args),
    .run = register_run,
};

static const cli_spec deregister_spec = {
    .name = "operator deregister",
    .usage = "mpavs operator deregister --rpc URL --deployment FILE --ecdsa-key FILE [--quorums 0]",
    .help = "Leaves the quorums (the operator's liveness record is cleared by the contracts).\n"
            "Nothing is sent if not registered. Exit 1 on a revert, 2 on other failures.\n",
    .opts = deregister_opts,
    .nopts = sizeof deregister_opts / sizeof deregister_opts[0],
    .args_size = sizeof(op_args),
    .run = deregister_run,
};

static const cli_spec status_spec = {
    .name = "operator status",
    .usage = "mpavs operator status --rpc URL --deployment FILE (--operator ADDR | --ecdsa-key "
             "FILE)\n                      [--data-dir DIR]",
    .help = "Prints one JSON object: status, operatorId, vault shares, quorums with their\n"
            "stake, liveness (live, enclave, attestedAt, liveUntil by the chain's clock) and,\n"
            "with --data-dir, the last task the aggregator acknowledged.\n",
    .opts = status_opts,
    .nopts = sizeof status_opts / sizeof status_opts[0],
    .args_size = sizeof(op_args),
    .run = status_run,
};

int cli_operator(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"register", NULL, "stake and register with the AVS (BLS proof of possession)",
         &register_spec},
        {"deregister", NULL, "leave the AVS's quorums", &deregister_spec},
        {"status", NULL, "registration, quorums, stake and liveness as JSON", &status_spec},
    };
    return cli_dispatch("mpavs operator", cmds, 3, argc, argv);
}
