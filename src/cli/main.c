/*
** main.c: entry point of the mpavs command-line tool; a table of subcommands.
*/
#include "cli.h"

#include <string.h>

#include "mpavs/version.h"

static const cli_command commands[] = {
    {"keccak", cli_keccak, "Keccak-256 of hex bytes or of text"},
    {"abi", cli_abi, "ABI encode, decode, selectors, event topics"},
    {"key", cli_key, "Ethereum key files: create, show"},
    {"tx", cli_tx, "send a transaction and wait for its receipt"},
    {"bn254", cli_bn254, "BN254 precompiles: add, mul, pairing"},
    {"bls", cli_bls, "EigenLayer BLS: hash-to-g1, pubkey, sign, verify, aggregate"},
    {"quote", cli_quote, "verify or show an SGX DCAP v3 quote"},
    {"operator", cli_operator, "register with the AVS, deregister, show status"},
    {"sim-ca", cli_simca, "simulated SGX attestation: development CA and quotes"},
    {"prover", cli_prover, "talk to an mpavs-prover: call METHOD [JSON]"},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
        printf("mpavs %s\n", MPAVS_VERSION);
        return CLI_OK;
    }
    return cli_dispatch("mpavs", commands, (int)(sizeof commands / sizeof commands[0]), argc, argv);
}
