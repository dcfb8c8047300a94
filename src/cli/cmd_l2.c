/*
** cmd_l2.c: "mpavs l2 reexec": stateless re-execution of L2 blocks against a
** standard JSON-RPC node (mpavs/reexec.h), one line per block with what
** matched and where the time went.
*/
#include "cli.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/reexec.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct reexec_args {
    char *rpc;
    long long block, to; /* to 0: the same as block */
    bool anvil_trie;
} reexec_args;

static const mp_cfg_opt reexec_opts[] = {
    {"rpc", MP_CFG_URL, offsetof(reexec_args, rpc), NULL, 0, 0, MP_CFG_REQUIRED,
     "the L2 node's JSON-RPC endpoint"},
    {"block", MP_CFG_INT, offsetof(reexec_args, block), NULL, 1, INT64_MAX, MP_CFG_REQUIRED,
     "first block to re-execute (>= 1)"},
    {"to", MP_CFG_INT, offsetof(reexec_args, to), "0", 0, INT64_MAX, 0,
     "last block (default: --block)"},
    {"anvil_trie", MP_CFG_BOOL, offsetof(reexec_args, anvil_trie), "false", 0, 0, 0,
     "emulate anvil's non-standard state trie (tests on anvil only)"},
};

static void print_result(const mp_reexec_result *r)
{
    printf("block %llu %s", (unsigned long long)r->number, mp_reexec_status_name(r->status));
    if (r->status == MP_REEXEC_MISMATCH)
        printf(" %s", r->mismatch);
    printf(" txs=%zu accounts=%zu slots=%zu rounds=%u node_fetches=%u fetch_ms=%.2f "
           "verify_ms=%.2f exec_ms=%.2f root_ms=%.2f",
           r->n_txs, r->n_accounts, r->n_slots, r->rounds, r->node_fetches, r->t.fetch, r->t.verify,
           r->t.exec, r->t.root);
    if (r->status != MP_REEXEC_MATCH && r->reason[0])
        printf(" reason=\"%s\"", r->reason);
    if (r->status == MP_REEXEC_MISMATCH && strstr(r->mismatch, "stateRoot")) {
        char a[67], b[67];
        mp_hex_encode0x(a, r->state_root, 32);
        mp_hex_encode0x(b, r->header_root, 32);
        printf(" computed=%s header=%s", a, b);
    }
    printf("\n");
    fflush(stdout);
}

/* Blocks from..to, each next one from the root computed for the one before. */
static int reexec_blocks(mp_rpc *c, mp_reexec_opts *ro, uint64_t from, uint64_t to)
{
    mp_err err = {0};
    uint8_t root[32];
    size_t matched = 0;
    int out = CLI_OK;
    for (uint64_t n = from; n <= to; n++) {
        mp_reexec_result r;
        int rc = mp_reexec_block(c, n, ro, &r, &err);
        if (rc != MP_OK) {
            printf("block %llu rejected: %s\n", (unsigned long long)n, err.msg);
            out = mp_rc_class(rc) == MP_ERR_VERIFY ? CLI_NO : CLI_USAGE;
            break;
        }
        print_result(&r);
        ro->parent_root = NULL; /* nothing proven to chain from unless it matched */
        if (r.status != MP_REEXEC_MATCH) {
            out = CLI_NO;
            continue;
        }
        matched++;
        memcpy(root, r.state_root, 32);
        ro->parent_root = root;
    }
    printf("%zu of %llu blocks matched\n", matched, (unsigned long long)(to - from + 1));
    return out;
}

static int reexec_run(void *args, int npos, char **pos)
{
    const reexec_args *a = args;
    (void)npos;
    (void)pos;
    uint64_t from = (uint64_t)a->block, to = a->to ? (uint64_t)a->to : from;
    if (to < from) {
        fprintf(stderr, "mpavs: l2 reexec: --to is below --block\n");
        return CLI_USAGE;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_rpc c;
    mp_err err = {0};
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.retries = 1;
    mp_reexec_opts ro = {.anvil_trie = a->anvil_trie};
    int out;
    if (mp_rpc_init(&c, a->rpc, &o, NULL, &err) != MP_OK) {
        out = cli_fail("l2 reexec", &err);
    } else {
        if (mp_eth_chain_id(&c, &ro.chain_id, &err) != MP_OK)
            out = cli_fail("l2 reexec: eth_chainId", &err);
        else
            out = reexec_blocks(&c, &ro, from, to);
        mp_rpc_close(&c);
    }
    curl_global_cleanup();
    return out;
}

static const cli_spec reexec_spec = {
    .name = "l2 reexec",
    .usage = "mpavs l2 reexec --rpc URL --block N [--to M] [--anvil-trie]",
    .help = "Re-executes blocks N..M of the chain at --rpc from a witness fetched with\n"
            "standard methods (eth_getProof, debug_traceBlockByNumber with the prestateTracer,\n"
            "eth_getCode, eth_getBlockByNumber), every value checked against the parent state\n"
            "root, and compares the computed state root, receipts root, logs bloom, gas used\n"
            "and blob gas used with each header. Block N starts from its parent header's\n"
            "state root; each next block from the root computed for the one before.\n"
            "One line per block:\n"
            "  block N match|mismatch FIELDS|unsupported txs=.. accounts=.. slots=.. rounds=..\n"
            "  node_fetches=.. fetch_ms=.. verify_ms=.. exec_ms=.. root_ms=.. [reason=\"..\"]\n"
            "Exit 0 when every block matched; 1 on a mismatch, an unsupported block or a\n"
            "witness that does not verify (the node lies); 2 on bad arguments or an\n"
            "unreachable node. --anvil-trie emulates anvil's non-standard state trie (it keeps\n"
            "zero-valued slots and self-destructed new accounts): for tests on anvil only.\n",
    .opts = reexec_opts,
    .nopts = sizeof reexec_opts / sizeof reexec_opts[0],
    .args_size = sizeof(reexec_args),
    .min_args = 0,
    .max_args = 0,
    .run = reexec_run,
};

static const cli_command l2_commands[] = {
    {"reexec", NULL, "re-execute L2 blocks statelessly and compare with the headers", &reexec_spec},
};

int cli_l2(int argc, char **argv)
{
    return cli_dispatch("mpavs l2", l2_commands, (int)(sizeof l2_commands / sizeof l2_commands[0]),
                        argc, argv);
}
