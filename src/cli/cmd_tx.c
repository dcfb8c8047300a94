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
#include <stdlib.h>
#include <string.h>

static const char send_usage[] =
    "mpavs tx send --rpc URL --key-file FILE [--password-file F] [--to ADDR] [--value WEI]\n"
    "              [--gas N] [--max-fee-cap WEI] [--timeout SECONDS] [--data HEX | SIGNATURE "
    "[ARGS...]]";

typedef struct send_args {
    const char *rpc, *key_file, *password_file, *to, *value, *gas, *cap, *timeout, *data;
    const char *sig;
    int nargs;
    char **args;
} send_args;

static bool take(int argc, char **argv, int *i, const char *flag, const char **out)
{
    if (strcmp(argv[*i], flag) != 0 || *i + 1 >= argc)
        return false;
    *out = argv[++*i];
    return true;
}

static bool parse_send(int argc, char **argv, send_args *a)
{
    memset(a, 0, sizeof *a);
    int i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!take(argc, argv, &i, "--rpc", &a->rpc) &&
            !take(argc, argv, &i, "--key-file", &a->key_file) &&
            !take(argc, argv, &i, "--password-file", &a->password_file) &&
            !take(argc, argv, &i, "--to", &a->to) && !take(argc, argv, &i, "--value", &a->value) &&
            !take(argc, argv, &i, "--gas", &a->gas) &&
            !take(argc, argv, &i, "--max-fee-cap", &a->cap) &&
            !take(argc, argv, &i, "--timeout", &a->timeout) &&
            !take(argc, argv, &i, "--data", &a->data))
            return false;
    }
    if (i < argc) {
        a->sig = argv[i];
        a->args = argv + i + 1;
        a->nargs = argc - i - 1;
    }
    return a->rpc && a->key_file && !(a->sig && a->data);
}

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

static int tx_send(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n"
               "Signs an EIP-1559 transaction with the v3 key file, sends it (gas estimated,\n"
               "fees from the node, bumped if stuck) and prints the receipt as JSON. Without\n"
               "--to the data is deployed as init code. Calldata is --data HEX or a function\n"
               "signature and its arguments, as for \"mpavs abi calldata\". Exit 1 if the\n"
               "transaction reverts (reason on stderr), 2 on other failures.\n",
               send_usage);
        return CLI_OK;
    }
    send_args a;
    if (!parse_send(argc, argv, &a))
        return cli_usage(send_usage);
    mp_txsend_opts o = MP_TXSEND_OPTS_DEFAULT;
    mp_txreq req;
    uint8_t to[20];
    mp_buf data = MP_BUF_INIT;
    mp_eth_receipt r = {0};
    mp_err err;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = build_request(&a, &req, to, &data, &o, &err);
    int code = rc != MP_OK ? cli_fail("tx send", &err) : CLI_OK;
    if (rc == MP_OK) {
        rc = send_tx(&a, &req, &o, &r, &err);
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

static const cli_command tx_commands[] = {
    {"send", tx_send, "sign, send and wait for an EIP-1559 transaction"},
};

int cli_tx(int argc, char **argv)
{
    return cli_dispatch("mpavs tx", tx_commands, (int)(sizeof tx_commands / sizeof tx_commands[0]),
                        argc, argv);
}
