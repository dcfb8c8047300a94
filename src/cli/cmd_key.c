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

static const char new_usage[] = "mpavs key new --out FILE [--password-file F] [--light]";

static int key_new(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf(
            "usage: %s\n"
            "Creates a secp256k1 key from the OS random source, writes it encrypted to FILE\n"
            "(Web3 Secret Storage v3, scrypt n=2^18 r=8 p=1, mode 0600) and prints its address.\n"
            "The password is read from F (first line) or asked twice on the terminal.\n"
            "--light uses n=2^12, p=6: for tests and throwaway devnet keys only.\n",
            new_usage);
        return CLI_OK;
    }
    cli_key_args a;
    if (!cli_parse_key_args(argc, argv, false, &a))
        return cli_usage(new_usage);
    if (access(a.file, F_OK) == 0) {
        fprintf(stderr, "mpavs: key new: %s already exists; not overwriting a key\n", a.file);
        return CLI_USAGE;
    }
    mp_err err;
    char *pw = NULL;
    uint8_t sk[32], addr[20];
    mp_keystore_params params = a.light ? MP_KEYSTORE_LIGHT : MP_KEYSTORE_STANDARD;
    int rc = cli_read_password(a.password_file, true, &pw, &err);
    if (rc == MP_OK)
        rc = mp_secp_key_generate(sk, &err);
    if (rc == MP_OK)
        rc = mp_keystore_eth_write(a.file, sk, pw, &params, &err);
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

static const char show_usage[] = "mpavs key show FILE [--password-file F]";

/* With the password: decrypt, derive the address, compare with the file's field. */
static int show_checked(const cli_key_args *a, uint8_t addr[20], mp_err *err)
{
    char *pw = NULL;
    uint8_t sk[32];
    MP_TRY(cli_read_password(a->password_file, false, &pw, err));
    int rc = mp_keystore_eth_read(sk, a->file, pw, err);
    cli_free_password(pw);
    if (rc == MP_OK)
        rc = mp_secp_address(NULL, addr, sk, err);
    mp_memzero(sk, sizeof sk);
    return rc;
}

static int key_show(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n"
               "Prints the address of a v3 key file. Without a password it is the file's\n"
               "address field; with --password-file the key is decrypted and its own address\n"
               "printed, after checking that it matches the field (exit 1 if not).\n",
               show_usage);
        return CLI_OK;
    }
    cli_key_args a;
    if (!cli_parse_key_args(argc, argv, true, &a))
        return cli_usage(show_usage);
    mp_err err;
    uint8_t addr[20];
    int rc = a.password_file ? show_checked(&a, addr, &err)
                             : mp_keystore_eth_address(addr, a.file, &err);
    if (mp_rc_class(rc) == MP_ERR_VERIFY)
        return cli_no("key show", &err);
    if (rc != MP_OK)
        return cli_fail("key show", &err);
    char text[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(text, addr);
    puts(text);
    return CLI_OK;
}

static const cli_command key_commands[] = {
    {"new", key_new, "create an encrypted key file, print its address"},
    {"show", key_show, "print (and with the password, check) a key file's address"},
};

int cli_key(int argc, char **argv)
{
    return cli_dispatch("mpavs key", key_commands,
                        (int)(sizeof key_commands / sizeof key_commands[0]), argc, argv);
}
