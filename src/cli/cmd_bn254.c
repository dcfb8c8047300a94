/*
** cmd_bn254.c: "mpavs bn254 add|mul|pairing HEX" runs the EVM precompiles
** 0x06 / 0x07 / 0x08 on hex input and prints their 0x-prefixed output.
** Input the precompile would reject: error on stderr, exit 1.
*/
#include "cli.h"
#include "mpavs/bn254.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"

#include <string.h>

typedef int (*precompile_fn)(uint8_t *out, const uint8_t *in, size_t len, mp_err *err);

static int precompile(int argc, char **argv, precompile_fn fn, size_t out_len, const char *usage,
                      const char *what)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n%s\n", usage, what);
        return CLI_OK;
    }
    if (argc != 2)
        return cli_usage(usage);
    mp_buf in = MP_BUF_INIT;
    mp_err err;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "bn254 %s", argv[0]);
    const char *hex = argv[1];
    bool empty = *mp_hex_skip_0x(hex) == 0;
    if (!empty && mp_hex_decode_buf(&in, hex, &err) != MP_OK) {
        mp_buf_free(&in);
        mp_err_wrap(&err, "input");
        return cli_fail(cmd, &err);
    }
    uint8_t out[64];
    int rc = fn(out, in.data, in.len, &err);
    mp_buf_free(&in);
    if (rc != MP_OK)
        return cli_no(cmd, &err);
    char text[2 * 64 + 3];
    mp_hex_encode0x(text, out, out_len);
    puts(text);
    return CLI_OK;
}

static int cmd_add(int argc, char **argv)
{
    return precompile(argc, argv, mp_bn254_ecadd, 64, "mpavs bn254 add HEX",
                      "ecAdd (0x06): two G1 points x1||y1||x2||y2 (short input zero-padded); "
                      "prints x||y.");
}

static int cmd_mul(int argc, char **argv)
{
    return precompile(argc, argv, mp_bn254_ecmul, 64, "mpavs bn254 mul HEX",
                      "ecMul (0x07): a G1 point and a 256-bit scalar x||y||k (short input "
                      "zero-padded); prints x||y.");
}

static int cmd_pairing(int argc, char **argv)
{
    return precompile(argc, argv, mp_bn254_ecpairing, 32, "mpavs bn254 pairing HEX",
                      "ecPairing (0x08): k pairs of G1 (64 bytes) || G2 (128 bytes, imaginary "
                      "parts first); prints 32 bytes, 1 when the pairing product is one.");
}

int cli_bn254(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"add", cmd_add, "ecAdd precompile (0x06)"},
        {"mul", cmd_mul, "ecMul precompile (0x07)"},
        {"pairing", cmd_pairing, "ecPairing precompile (0x08)"},
    };
    return cli_dispatch("mpavs bn254", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
