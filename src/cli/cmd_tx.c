/*
** cmd_tx.c: "mpavs tx send": sign an EIP-1559 transaction with a v3 key file,
** send it through the transaction sender and print the receipt as JSON.
*/
#include "cli.h"
#include "mpavs/abi.h"
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/txsend.h"
#include "mpavs/u256.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char send_spec_usage[] =
    "mpavs tx send --rpc URL --key-file FILE [--password-file F] [--to ADDR] [--value WEI]\n"
    "              [--gas N] [--max-fee-cap WEI] [--timeout SECONDS] [--data HEX | SIGNATURE "
    "[ARGS...]]";

typedef struct send_args {
    char *rpc, *key_file, *password_file, *to, *value, *gas, *cap, *timeout, *data;
    const char *sig; /* SIGNATURE and its ARGS: the positional arguments */
    int nargs;
    char **args;
} send_args;

#define SEND_OPT(name, field, help)                                                                \
    {                                                                                              \
        name, MP_CFG_STRING, offsetof(send_args, field), NULL, 0, 0, 0, help                       \
    }

static const mp_cfg_opt send_opts[] = {
    {"rpc", MP_CFG_STRING, offsetof(send_args, rpc), NULL, 0, 0, MP_CFG_REQUIRED,
     "JSON-RPC URL of the node"},
    {"key_file", MP_CFG_STRING, offsetof(send_args, key_file), NULL, 0, 0, MP_CFG_REQUIRED,
     "v3 key file of the sender"},
    SEND_OPT("password_file", password_file, "its password, first line (default: ask)"),
    SEND_OPT("to", to, "recipient address (default: deploy the data as init code)"),
    SEND_OPT("value", value, "wei to send (default 0)"),
    SEND_OPT("gas", gas, "gas limit (default: estimated, with a margin)"),
    SEND_OPT("max_fee_cap", cap, "highest maxFeePerGas in wei when bumping a stuck transaction"),
    SEND_OPT("timeout", timeout, "seconds to wait for the receipt (at most 86400)"),
    SEND_OPT("data", data, "calldata as hex, instead of SIGNATURE ARGS..."),
};

/* Calldata from --data or from SIGNATURE ARGS... */
static int build_data(const send_args *a, mp_buf *out, mp_err *err)
{
    if (a->data)
        return mp_hex_decode_buf(out, a->data, err);
    if (a->sig == NULL)
        return MP_OK;
    mp_abi_sig sig;
    mp_abi_value v;
    MP_TRY(mp_abi_sig_parse(&sig, a->sig, err));
    int rc = mp_abi_value_parse_args(&v, sig.params, a->nargs, a->args, err);
    if (rc == MP_OK) {
        uint8_t h[32];
        if ((rc = mp_abi_sig_hash(&sig, h, err)) == MP_OK) {
            mp_buf_append(out, h, 4);
            rc = mp_abi_encode(out, &v, err);
        }
        mp_abi_value_free(&v);
    }
    mp_abi_sig_free(&sig);
    return rc;
}

static int parse_u64(const char *text, const char *what, uint64_t *out, mp_err *err)
{
    uint8_t w[32];
    MP_TRY(mp_u256_from_text(w, text, err));
    if (!mp_u256_to_u64(out, w))
        return MP_FAIL(err, MP_ERR_INVALID, "%s does not fit in 64 bits", what);
    return MP_OK;
}

static int build_request(const send_args *a, mp_txreq *req, uint8_t to[20], mp_buf *data,
                         mp_txsend_opts *o, mp_err *err)
{
    memset(req, 0, sizeof *req);
    if (a->to) {
        MP_TRY(mp_address_parse(to, a->to, err));
        req->to = to;
    }
    if (a->value)
        MP_TRY(mp_u256_from_text(req->value, a->value, err));
    if (a->gas)
        MP_TRY(parse_u64(a->gas, "--gas", &req->gas_limit, err));
    if (a->cap)
        MP_TRY(parse_u64(a->cap, "--max-fee-cap", &o->max_fee_cap, err));
    if (a->timeout) {
        uint64_t secs;
        MP_TRY(parse_u64(a->timeout, "--timeout", &secs, err));
        o->receipt_timeout_ms = (long)(secs > 86400 ? 86400 : secs) * 1000;
    }
    MP_TRY(build_data(a, data, err));
    req->data = data->data;
    req->data_len = data->len;
    return MP_OK;
}

static void print_receipt(const mp_eth_receipt *r)
{
    char h[67], c[MP_ADDRESS_TEXT_LEN];
    mp_hex_encode0x(h, r->tx_hash, 32);
    printf("{\"tx\":\"%s\",\"block\":%llu,\"status\":%d,\"gas_used\":%llu", h,
           (unsigned long long)r->block_number, r->status ? 1 : 0, (unsigned long long)r->gas_used);
    if (r->has_contract) {
        mp_address_to_checksum(c, r->contract_address);
        printf(",\"contract\":\"%s\"", c);
    }
    printf(",\"logs\":%zu}\n", r->logs.n);
}

/* Reads the key, sends, waits; the key is wiped before returning. */
static int send_tx(const send_args *a, const mp_txreq *req, const mp_txsend_opts *o,
                   mp_eth_receipt *r, mp_err *err)
{
    char *pw = NULL;
    uint8_t sk[32];
    mp_rpc rpc;
    mp_txsend s;
    MP_TRY(cli_read_password(a->password_file, false, &pw, err));
    int rc = mp_keystore_eth_read(sk, a->key_file, pw, err);
    cli_free_password(pw);
    if (rc != MP_OK)
        return rc;
    rc = mp_rpc_init(&rpc, a->rpc, NULL, NULL, err);
    if (rc == MP_OK) {
        rc = mp_txsend_init(&s, &rpc, sk, o, NULL, err);
        if (rc == MP_OK) {
            rc = mp_txsend_send(&s, req, r, NULL, err);
            mp_txsend_close(&s);
        }
        mp_rpc_close(&rpc);
    }
    mp_memzero(sk, sizeof sk);
    return rc;
}

static int tx_send_run(void *args, int npos, char **pos)
{
    send_args *a = args;
    if (npos > 0) {
        a->sig = pos[0];
        a->args = pos + 1;
        a->nargs = npos - 1;
    }
    if (a->sig && a->data) {
        fprintf(stderr, "mpavs: tx send: give --data or SIGNATURE ARGS..., not both\n");
        return cli_usage(send_spec_usage);
    }
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    mp_txreq req;
    uint8_t to[20];
    mp_buf data = MP_BUF_INIT;
    mp_eth_receipt r = {0};
    mp_err err;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = build_request(a, &req, to, &data, &o, &err);
    int code = rc != MP_OK ? cli_fail("tx send", &err) : CLI_OK;
    if (rc == MP_OK) {
        rc = send_tx(a, &req, &o, &r, &err);
        if (r.block_number)
            print_receipt(&r);
        if (mp_rc_class(rc) == MP_ERR_REVERTED) {
            code = cli_no("tx send", &err);
        } else if (rc != MP_OK) {
            code = cli_fail("tx send", &err);
        }
    }
    mp_eth_receipt_free(&r);
    mp_buf_free(&data);
    curl_global_cleanup();
    return code;
}

static const cli_spec send_spec = {
    .name = "tx send",
    .usage = send_spec_usage,
    .help = "Signs an EIP-1559 transaction with the v3 key file, sends it (gas estimated,\n"
            "fees from the node, bumped if stuck) and prints the receipt as JSON. Without\n"
            "--to the data is deployed as init code. Calldata is --data HEX or a function\n"
            "signature and its arguments, as for \"mpavs abi calldata\". Exit 1 if the\n"
            "transaction reverts (reason on stderr), 2 on other failures.\n",
    .opts = send_opts,
    .nopts = sizeof send_opts / sizeof send_opts[0],
    .args_size = sizeof(send_args),
    .max_args = -1,
    .run = tx_send_run,
};

static const cli_command tx_commands[] = {
    {"send", NULL, "sign, send and wait for an EIP-1559 transaction", &send_spec},
};

int cli_tx(int argc, char **argv)
{
    return cli_dispatch("mpavs tx", tx_commands, (int)(sizeof tx_commands / sizeof tx_commands[0]),
                        argc, argv);
}
