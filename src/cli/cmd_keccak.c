/*
** cmd_keccak.c: "mpavs keccak HEX | --text STRING" prints the 0x-prefixed Keccak-256.
*/
#include "cli.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"

#include <stddef.h>
#include <string.h>

typedef struct keccak_args {
    char *text;
} keccak_args;

static const mp_cfg_opt keccak_opts[] = {
    {"text", MP_CFG_STRING, offsetof(keccak_args, text), NULL, 0, 0, 0,
     "hash this text (its bytes) instead of HEX"},
};

static int keccak_run(void *args, int npos, char **pos)
{
    const keccak_args *a = args;
    uint8_t digest[32];
    if ((a->text != NULL) == (npos == 1)) {
        fprintf(stderr, "mpavs: keccak: give HEX or --text STRING\n");
        return cli_usage("mpavs keccak HEX | mpavs keccak --text STRING");
    }
    if (a->text != NULL) {
        mp_keccak256(digest, a->text, strlen(a->text));
    } else {
        mp_buf in = MP_BUF_INIT;
        mp_err err;
        if (mp_hex_decode_buf(&in, pos[0], &err) != MP_OK) {
            mp_buf_free(&in);
            return cli_fail("keccak: input", &err);
        }
        mp_keccak256(digest, in.data, in.len);
        mp_buf_free(&in);
    }
    char hex[67];
    mp_hex_encode0x(hex, digest, 32);
    puts(hex);
    return CLI_OK;
}

static const cli_spec keccak_spec = {
    .name = "keccak",
    .usage = "mpavs keccak HEX | mpavs keccak --text STRING",
    .help = "Prints the Keccak-256 hash (Ethereum's) as 0x-prefixed hex.\n",
    .opts = keccak_opts,
    .nopts = 1,
    .args_size = sizeof(keccak_args),
    .min_args = 0,
    .max_args = 1,
    .run = keccak_run,
};

int cli_keccak(int argc, char **argv)
{
    return cli_run(&keccak_spec, argc, argv);
}
