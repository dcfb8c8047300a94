/*
** cmd_key.c: "mpavs key new|show": Ethereum (secp256k1) key files in the Web3
** Secret Storage v3 format, the format geth and eigenlayer-cli use.
*/
#include "cli.h"
#include "mpavs/address.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/secp.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char new_help[] =
    "Creates a secp256k1 key from the OS random source, writes it encrypted to FILE\n"
    "(Web3 Secret Storage v3, scrypt n=2^18 r=8 p=1, mode 0600) and prints its address.\n"
    "The password is read from F (first line) or asked twice on the terminal.\n";

static int key_new_run(void *args, int npos, char **pos)
{
    (void)npos, (void)pos;
    const cli_key_args *a = args;
    if (access(a->out, F_OK) == 0) {
        fprintf(stderr, "mpavs: key new: %s already exists; not overwriting a key\n", a->out);
        return CLI_USAGE;
    }
    mp_err err;
    char *pw = NULL;
    uint8_t sk[32], addr[20];
    mp_keystore_params params = a->light ? MP_KEYSTORE_LIGHT : MP_KEYSTORE_STANDARD;
    int rc = cli_read_password(a->password_file, true, &pw, &err);
    if (rc == MP_OK)
        rc = mp_secp_key_generate(sk, &err);
    if (rc == MP_OK)
        rc = mp_keystore_eth_write(a->out, sk, pw, &params, &err);
    if (rc == MP_OK)
        rc = mp_secp_address(NULL, addr, sk, &err);
    mp_memzero(sk, sizeof sk);
    cli_free_password(pw);
    if (rc != MP_OK)
        return cli_fail("key new", &err);
    char text[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(text, addr);
    puts(text);
    return CLI_OK;
}

static const cli_spec new_spec = {
    .name = "key new",
    .usage = "mpavs key new --out FILE [--password-file F] [--light]",
    .help = new_help,
    .opts = cli_key_new_opts,
    .nopts = 3,
    .args_size = sizeof(cli_key_args),
    .run = key_new_run,
};

/* With the password: decrypt, derive the address, compare with the file's field. */
static int show_checked(const char *file, const cli_key_args *a, uint8_t addr[20], mp_err *err)
{
    char *pw = NULL;
    uint8_t sk[32];
    MP_TRY(cli_read_password(a->password_file, false, &pw, err));
    int rc = mp_keystore_eth_read(sk, file, pw, err);
    cli_free_password(pw);
    if (rc == MP_OK)
        rc = mp_secp_address(NULL, addr, sk, err);
    mp_memzero(sk, sizeof sk);
    return rc;
}

static int key_show_run(void *args, int npos, char **pos)
{
    (void)npos;
    const cli_key_args *a = args;
    mp_err err;
    uint8_t addr[20];
    int rc = a->password_file ? show_checked(pos[0], a, addr, &err)
                              : mp_keystore_eth_address(addr, pos[0], &err);
    if (mp_rc_class(rc) == MP_ERR_VERIFY)
        return cli_no("key show", &err);
    if (rc != MP_OK)
        return cli_fail("key show", &err);
    char text[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(text, addr);
    puts(text);
    return CLI_OK;
}

static const cli_spec show_spec = {
    .name = "key show",
    .usage = "mpavs key show FILE [--password-file F]",
    .help = "Prints the address of a v3 key file. Without a password it is the file's\n"
            "address field; with --password-file the key is decrypted and its own address\n"
            "printed, after checking that it matches the field (exit 1 if not).\n",
    .opts = cli_key_show_opts,
    .nopts = 1,
    .args_size = sizeof(cli_key_args),
    .min_args = 1,
    .max_args = 1,
    .run = key_show_run,
};

static const cli_command key_commands[] = {
    {"new", NULL, "create an encrypted key file, print its address", &new_spec},
    {"show", NULL, "print (and with the password, check) a key file's address", &show_spec},
};

int cli_key(int argc, char **argv)
{
    return cli_dispatch("mpavs key", key_commands,
                        (int)(sizeof key_commands / sizeof key_commands[0]), argc, argv);
}
