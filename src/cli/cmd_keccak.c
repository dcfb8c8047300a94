/*
** cmd_keccak.c: "mpavs keccak HEX | --text STRING" prints the 0x-prefixed Keccak-256.
*/
#include "cli.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"

#include <string.h>

static const char usage[] = "mpavs keccak HEX | mpavs keccak --text STRING";

int cli_keccak(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\nPrints the Keccak-256 hash (Ethereum's) as 0x-prefixed hex.\n", usage);
        return CLI_OK;
    }
    uint8_t digest[32];
    if (argc == 3 && !strcmp(argv[1], "--text")) {
        mp_keccak256(digest, argv[2], strlen(argv[2]));
    } else if (argc == 2) {
        mp_buf in = MP_BUF_INIT;
        mp_err err;
        if (mp_hex_decode_buf(&in, argv[1], &err) != MP_OK) {
            mp_buf_free(&in);
            return cli_fail("keccak: input", &err);
        }
        mp_keccak256(digest, in.data, in.len);
        mp_buf_free(&in);
    } else {
        return cli_usage(usage);
    }
    char hex[67];
    mp_hex_encode0x(hex, digest, 32);
    puts(hex);
    return CLI_OK;
}
