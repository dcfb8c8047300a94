/*
** cmd_abi.c: "mpavs abi encode|calldata|decode|selector|topic": the ABI from
** the command line, in the spirit of cast abi-encode / calldata / abi-decode.
*/
#include "cli.h"
#include "mpavs/abi.h"
#include "mpavs/hex.h"

#include <stddef.h>
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

typedef struct encode_opts {
    bool packed;
} encode_opts;

static const mp_cfg_opt encode_table[] = {
    {"packed", MP_CFG_BOOL, offsetof(encode_opts, packed), NULL, 0, 0, 0,
     "abi.encodePacked instead of abi.encode"},
};

static int encode_run(void *args, int npos, char **pos)
{
    const encode_opts *o = args;
    return encode_args(pos[0], npos - 1, pos + 1, false, o->packed);
}

static const cli_spec encode_spec = {
    .name = "abi encode",
    .usage = "mpavs abi encode [--packed] SIGNATURE [ARGS...]",
    .help = "ABI-encodes ARGS as the parameters of SIGNATURE (\"f(uint256,address[])\" or\n"
            "\"(uint256,address[])\"), without a selector. Arrays are written [a,b], tuples\n"
            "(a,b), numbers decimal or 0x hex. An argument that starts with \"--\" goes after\n"
            "\"--\".\n",
    .opts = encode_table,
    .nopts = 1,
    .args_size = sizeof(encode_opts),
    .min_args = 1,
    .max_args = -1,
    .run = encode_run,
};

static int calldata_run(void *args, int npos, char **pos)
{
    (void)args;
    return encode_args(pos[0], npos - 1, pos + 1, true, false);
}

static const cli_spec calldata_spec = {
    .name = "abi calldata",
    .usage = "mpavs abi calldata SIGNATURE [ARGS...]",
    .help = "Prints the selector of SIGNATURE followed by the ABI encoding of ARGS.\n",
    .min_args = 1,
    .max_args = -1,
    .run = calldata_run,
};

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

static int decode_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    mp_abi_sig sig = {0};
    mp_buf data = MP_BUF_INIT;
    mp_abi_value v;
    mp_err err;
    size_t skip = 0;
    int code;
    if (parse_params_or_sig(pos[0], &sig, &err) != MP_OK)
        code = cli_fail("types", &err);
    else if (mp_hex_decode_buf(&data, pos[1], &err) != MP_OK)
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

static const cli_spec decode_spec = {
    .name = "abi decode",
    .usage = "mpavs abi decode TYPES HEX",
    .help = "Decodes HEX as the ABI encoding of the parameter list TYPES (\"uint256,bytes\"\n"
            "or \"(uint256,bytes)\"; a single tuple is \"((uint256,bytes))\") and prints a\n"
            "JSON array: integers as decimal strings, addresses EIP-55, bytes as hex.\n"
            "With \"name(TYPES)\", HEX is calldata and must start with its selector.\n",
    .min_args = 2,
    .max_args = 2,
    .run = decode_run,
};

static int selector_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    uint8_t sel[4];
    mp_err err;
    if (mp_abi_selector(sel, pos[0], &err) != MP_OK)
        return cli_fail("signature", &err);
    return print_hex(sel, 4);
}

static const cli_spec selector_spec = {
    .name = "abi selector",
    .usage = "mpavs abi selector SIGNATURE",
    .help = "Prints the 4-byte function selector of SIGNATURE (names and spaces allowed).\n",
    .min_args = 1,
    .max_args = 1,
    .run = selector_run,
};

static int topic_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    uint8_t t[32];
    mp_err err;
    if (mp_abi_event_topic(t, pos[0], &err) != MP_OK)
        return cli_fail("signature", &err);
    return print_hex(t, 32);
}

static const cli_spec topic_spec = {
    .name = "abi topic",
    .usage = "mpavs abi topic EVENT_SIGNATURE",
    .help = "Prints topic 0 of an event: keccak256 of its canonical signature.\n",
    .min_args = 1,
    .max_args = 1,
    .run = topic_run,
};

static const cli_command abi_commands[] = {
    {"encode", NULL, "ABI-encode arguments (no selector)", &encode_spec},
    {"calldata", NULL, "selector + ABI-encoded arguments", &calldata_spec},
    {"decode", NULL, "decode ABI data to a JSON array", &decode_spec},
    {"selector", NULL, "4-byte function selector", &selector_spec},
    {"topic", NULL, "event topic 0", &topic_spec},
};

int cli_abi(int argc, char **argv)
{
    return cli_dispatch("mpavs abi", abi_commands,
                        (int)(sizeof abi_commands / sizeof abi_commands[0]), argc, argv);
}
