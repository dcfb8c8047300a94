/*
** main.c: entry point of the mpavs command-line tool; a table of subcommands.
*/
#include "cli.h"

#include <string.h>

#include "mpavs/version.h"

static const cli_command commands[] = {
    {"keccak", cli_keccak, "Keccak-256 of hex bytes or of text", NULL},
    {"abi", cli_abi, "ABI encode, decode, selectors, event topics", NULL},
    {"key", cli_key, "Ethereum key files: create, show", NULL},
    {"tx", cli_tx, "send a transaction and wait for its receipt", NULL},
    {"bn254", cli_bn254, "BN254 precompiles: add, mul, pairing", NULL},
    {"bls", cli_bls, "EigenLayer BLS: hash-to-g1, pubkey, sign, verify, aggregate", NULL},
    {"quote", cli_quote, "verify or show an SGX DCAP v3 quote", NULL},
    {"operator", cli_operator, "register with the AVS, deregister, show status", NULL},
    {"sim-ca", cli_simca, "simulated SGX attestation: development CA and quotes", NULL},
    {"prover", cli_prover, "talk to an mpavs-prover: call METHOD [JSON]", NULL},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
        printf("mpavs %s\n", MPAVS_VERSION);
        return CLI_OK;
    }
    return cli_dispatch("mpavs", commands, (int)(sizeof commands / sizeof commands[0]), argc, argv);
}
