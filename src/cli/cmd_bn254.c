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

static int precompile(const char *hex, precompile_fn fn, size_t out_len, const char *cmd)
{
    mp_buf in = MP_BUF_INIT;
    mp_err err;
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

static int add_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    return precompile(pos[0], mp_bn254_ecadd, 64, "bn254 add");
}

static int mul_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    return precompile(pos[0], mp_bn254_ecmul, 64, "bn254 mul");
}

static int pairing_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    return precompile(pos[0], mp_bn254_ecpairing, 32, "bn254 pairing");
}

static const cli_spec add_spec = {
    .name = "bn254 add",
    .usage = "mpavs bn254 add HEX",
    .help = "ecAdd (0x06): two G1 points x1||y1||x2||y2 (short input zero-padded); prints x||y.\n",
    .min_args = 1,
    .max_args = 1,
    .run = add_run,
};

static const cli_spec mul_spec = {
    .name = "bn254 mul",
    .usage = "mpavs bn254 mul HEX",
    .help = "ecMul (0x07): a G1 point and a 256-bit scalar x||y||k (short input zero-padded);\n"
            "prints x||y.\n",
    .min_args = 1,
    .max_args = 1,
    .run = mul_run,
};

static const cli_spec pairing_spec = {
    .name = "bn254 pairing",
    .usage = "mpavs bn254 pairing HEX",
    .help = "ecPairing (0x08): k pairs of G1 (64 bytes) || G2 (128 bytes, imaginary parts\n"
            "first); prints 32 bytes, 1 when the pairing product is one.\n",
    .min_args = 1,
    .max_args = 1,
    .run = pairing_run,
};

int cli_bn254(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"add", NULL, "ecAdd precompile (0x06)", &add_spec},
        {"mul", NULL, "ecMul precompile (0x07)", &mul_spec},
        {"pairing", NULL, "ecPairing precompile (0x08)", &pairing_spec},
    };
    return cli_dispatch("mpavs bn254", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
