/*
** cmd_abi.c: "mpavs abi encode|calldata|decode|selector|topic": the ABI from
** the command line, in the spirit of cast abi-encode / calldata / abi-decode.
*/
#include "cli.h"
#include "mpavs/abi.h"
#include "mpavs/hex.h"

#include <stdlib.h>
#include <string.h>

/* "f(uint256,bytes)" or "(uint256,bytes)" or "uint256,bytes" -> parameter tuple. */
static int parse_params_or_sig(const char *text, mp_abi_sig *sig, mp_err *err)
{
    if (mp_abi_sig_parse(sig, text, NULL) == MP_OK)
        return MP_OK;
    sig->name = NULL;
    return mp_abi_params_parse(&sig->params, text, err);
}

static int print_hex(const uint8_t *p, size_t n)
{
    char *h = mp_hex_dup0x(p, n);
    if (h == NULL) {
        fprintf(stderr, "mpavs: out of memory\n");
        return CLI_USAGE;
    }
    puts(h);
    free(h);
    return CLI_OK;
}

/* Encodes argv as the parameters of sig; with_selector prepends the selector. */
static int encode_args(const char *text, int argc, char **argv, bool with_selector, bool packed)
{
    mp_abi_sig sig = {0};
    mp_abi_value args;
    mp_buf out = MP_BUF_INIT;
    mp_err err;
    int rc = parse_params_or_sig(text, &sig, &err);
    if (rc != MP_OK)
        return cli_fail("signature", &err);
    if (with_selector && sig.name == NULL) {
        mp_abi_sig_free(&sig);
        fprintf(stderr, "mpavs: calldata needs a function name: NAME(TYPES)\n");
        return CLI_USAGE;
    }
    rc = mp_abi_value_parse_args(&args, sig.params, argc, argv, &err);
    if (rc == MP_OK) {
        uint8_t h[32];
        if (with_selector && (rc = mp_abi_sig_hash(&sig, h, &err)) == MP_OK)
            mp_buf_append(&out, h, 4);
        if (rc == MP_OK)
            rc =
                packed ? mp_abi_encode_packed(&out, &args, &err) : mp_abi_encode(&out, &args, &err);
        mp_abi_value_free(&args);
    }
    mp_abi_sig_free(&sig);
    int code = rc == MP_OK ? print_hex(out.data, out.len) : cli_fail("encode", &err);
    mp_buf_free(&out);
    return code;
}

static const char encode_usage[] = "mpavs abi encode [--packed] SIGNATURE [ARGS...]";

static int abi_encode(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n"
               "ABI-encodes ARGS as the parameters of SIGNATURE (\"f(uint256,address[])\" or\n"
               "\"(uint256,address[])\"), without a selector; --packed gives abi.encodePacked.\n"
               "Arrays are written [a,b], tuples (a,b), numbers decimal or 0x hex.\n",
               encode_usage);
        return CLI_OK;
    }
    bool packed = argc >= 2 && !strcmp(argv[1], "--packed");
    if (argc < 2 + packed)
        return cli_usage(encode_usage);
    return encode_args(argv[1 + packed], argc - 2 - packed, argv + 2 + packed, false, packed);
}

static const char calldata_usage[] = "mpavs abi calldata SIGNATURE [ARGS...]";

static int abi_calldata(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\nPrints the selector of SIGNATURE followed by the ABI encoding of "
               "ARGS.\n",
               calldata_usage);
        return CLI_OK;
    }
    if (argc < 2)
        return cli_usage(calldata_usage);
    return encode_args(argv[1], argc - 2, argv + 2, true, false);
}

static int print_json(const mp_abi_value *v)
{
    json_t *j = mp_abi_value_to_json(v);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (text == NULL) {
        fprintf(stderr, "mpavs: out of memory\n");
        return CLI_USAGE;
    }
    puts(text);
    free(text);
    return CLI_OK;
}

/* With a named signature the data is calldata: its selector is checked and skipped. */
static int strip_selector(const mp_abi_sig *sig, mp_buf *data, size_t *skip, mp_err *err)
{
    *skip = 0;
    if (sig->name == NULL)
        return MP_OK;
    uint8_t h[32];
    MP_TRY(mp_abi_sig_hash(sig, h, err));
    if (data->len < 4 || memcmp(data->data, h, 4) != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "the data does not start with the selector of %s",
                       sig->name);
    *skip = 4;
    return MP_OK;
}

static const char decode_usage[] = "mpavs abi decode TYPES HEX";

static int abi_decode(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n"
               "Decodes HEX as the ABI encoding of the parameter list TYPES (\"uint256,bytes\"\n"
               "or \"(uint256,bytes)\"; a single tuple is \"((uint256,bytes))\") and prints a\n"
               "JSON array: integers as decimal strings, addresses EIP-55, bytes as hex.\n"
               "With \"name(TYPES)\", HEX is calldata and must start with its selector.\n",
               decode_usage);
        return CLI_OK;
    }
    if (argc != 3)
        return cli_usage(decode_usage);
    mp_abi_sig sig = {0};
    mp_buf data = MP_BUF_INIT;
    mp_abi_value v;
    mp_err err;
    size_t skip = 0;
    int code;
    if (parse_params_or_sig(argv[1], &sig, &err) != MP_OK)
        code = cli_fail("types", &err);
    else if (mp_hex_decode_buf(&data, argv[2], &err) != MP_OK)
        code = cli_fail("hex", &err);
    else if (strip_selector(&sig, &data, &skip, &err) != MP_OK)
        code = cli_fail("decode", &err);
    else if (mp_abi_decode(&v, sig.params, data.data + skip, data.len - skip, &err) != MP_OK)
        code = cli_fail("decode", &err);
    else {
        code = print_json(&v);
        mp_abi_value_free(&v);
    }
    mp_buf_free(&data);
    mp_abi_sig_free(&sig);
    return code;
}

static const char selector_usage[] = "mpavs abi selector SIGNATURE";

static int abi_selector(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\nPrints the 4-byte function selector of SIGNATURE "
               "(names and spaces allowed).\n",
               selector_usage);
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage(selector_usage);
    uint8_t sel[4];
    mp_err err;
    if (mp_abi_selector(sel, argv[1], &err) != MP_OK)
        return cli_fail("signature", &err);
    return print_hex(sel, 4);
}

static const char topic_usage[] = "mpavs abi topic EVENT_SIGNATURE";

static int abi_topic(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\nPrints topic 0 of an event: keccak256 of its canonical "
               "signature.\n",
               topic_usage);
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage(topic_usage);
    uint8_t t[32];
    mp_err err;
    if (mp_abi_event_topic(t, argv[1], &err) != MP_OK)
        return cli_fail("signature", &err);
    return print_hex(t, 32);
}

static const cli_command abi_commands[] = {
    {"encode", abi_encode, "ABI-encode arguments (no selector)"},
    {"calldata", abi_calldata, "selector + ABI-encoded arguments"},
    {"decode", abi_decode, "decode ABI data to a JSON array"},
    {"selector", abi_selector, "4-byte function selector"},
    {"topic", abi_topic, "event topic 0"},
};

int cli_abi(int argc, char **argv)
{
    return cli_dispatch("mpavs abi", abi_commands,
                        (int)(sizeof abi_commands / sizeof abi_commands[0]), argc, argv);
}
