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
#include <stdlib.h>
#include <string.h>

static const char reexec_usage[] = "mpavs l2 reexec --rpc URL --block N [--to M] [--anvil-trie]";

static const char reexec_help[] =
    "Re-executes blocks N..M (default M = N) of the chain at --rpc from a witness\n"
    "fetched with standard methods (eth_getProof, debug_traceBlockByNumber with the\n"
    "prestateTracer, eth_getCode, eth_getBlockByNumber) and compares the computed\n"
    "state root, receipts root, logs bloom, gas used and blob gas used with each\n"
    "header. Block N starts from its parent header's state root; each next block\n"
    "starts from the root computed for the one before. Prints one line per block:\n"
    "  block N match|mismatch FIELDS|unsupported REASON txs=.. accounts=.. slots=..\n"
    "  rounds=.. fetch_ms=.. verify_ms=.. exec_ms=.. root_ms=..\n"
    "Exit 0 when every block matched; 1 on a mismatch, an unsupported block or a\n"
    "witness that does not verify (the node lies); 2 on bad arguments or an\n"
    "unreachable node.\n"
    "--anvil-trie emulates anvil's non-standard state trie (zero-valued slots kept as\n"
    "leaves, self-destructed new accounts kept empty): for tests on anvil only.\n";

typedef struct reexec_args {
    const char *rpc;
    uint64_t from, to;
    bool has_from, has_to, anvil_trie;
} reexec_args;

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    *out = v;
    return *end == 0;
}

static bool parse_reexec(int argc, char **argv, reexec_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rpc") == 0 && i + 1 < argc)
            a->rpc = argv[++i];
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc)
            a->has_from = parse_u64(argv[++i], &a->from);
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            a->has_to = parse_u64(argv[++i], &a->to);
        else if (strcmp(argv[i], "--anvil-trie") == 0)
            a->anvil_trie = true;
        else
            return false;
    }
    if (!a->has_to)
        a->to = a->from;
    return a->rpc && a->has_from && a->from >= 1 && a->to >= a->from;
}

static void print_result(const mp_reexec_result *r)
{
    printf("block %llu %s", (unsigned long long)r->number, mp_reexec_status_name(r->status));
    if (r->status == MP_REEXEC_MISMATCH)
        printf(" %s", r->mismatch);
    printf(" txs=%zu accounts=%zu slots=%zu rounds=%u node_fetches=%u fetch_ms=%.2f "
           "verify_ms=%.2f exec_ms=%.2f root_ms=%.2f",
           r->n_txs, r->n_accounts, r->n_slots, r->rounds, r->node_fetches, r->t.fetch,
           r->t.verify, r->t.exec, r->t.root);
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

static int reexec_run(const reexec_args *a)
{
    mp_rpc c;
    mp_err err = {0};
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.retries = 1;
    if (mp_rpc_init(&c, a->rpc, &o, NULL, &err) != MP_OK)
        return cli_fail("l2 reexec", &err);
    mp_reexec_opts ro = {0};
    ro.anvil_trie = a->anvil_trie;
    int out = CLI_OK;
    if (mp_eth_chain_id(&c, &ro.chain_id, &err) != MP_OK) {
        mp_rpc_close(&c);
        return cli_fail("l2 reexec: eth_chainId", &err);
    }
    uint8_t root[32];
    size_t matched = 0;
    for (uint64_t n = a->from; n <= a->to; n++) {
        mp_reexec_result r;
        int rc = mp_reexec_block(&c, n, &ro, &r, &err);
        if (rc != MP_OK) {
            printf("block %llu rejected: %s\n", (unsigned long long)n, err.msg);
            fflush(stdout);
            out = mp_rc_class(rc) == MP_ERR_VERIFY ? CLI_NO : CLI_USAGE;
            break;
        }
        print_result(&r);
        if (r.status != MP_REEXEC_MATCH) {
            out = CLI_NO;
            ro.parent_root = NULL; /* nothing proven to chain from */
            continue;
        }
        matched++;
        memcpy(root, r.state_root, 32);
        ro.parent_root = root;
    }
    printf("%zu of %llu blocks matched\n", matched, (unsigned long long)(a->to - a->from + 1));
    mp_rpc_close(&c);
    return out;
}

static int l2_reexec(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n%s", reexec_usage, reexec_help);
        return CLI_OK;
    }
    reexec_args a;
    if (!parse_reexec(argc, argv, &a))
        return cli_usage(reexec_usage);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = reexec_run(&a);
    curl_global_cleanup();
    return rc;
}

int cli_l2(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"reexec", l2_reexec, "re-execute L2 blocks statelessly and compare with the headers"},
    };
    return cli_dispatch("mpavs l2", cmds, 1, argc, argv);
}
