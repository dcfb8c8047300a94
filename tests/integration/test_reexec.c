/*
** test_reexec.c: stateless re-execution against a real anvil L2 (Cancun)
** carrying the mixed traffic of scripts/l2-traffic.sh (transfers, OpenZeppelin
** ERC-20/721, storage writes and clears, logs, BLOCKHASH, create+selfdestruct,
** reverts; single- and multi-transaction blocks): every block matches, through
** the library and through `mpavs l2 reexec`; and a node proxy (the library's
** HTTP server) that lies about a balance, a storage value, a proof node, a
** header field or code is caught, while one that omits the whole prestate
** trace still gets a match (the trace is a hint, not evidence). The prover
** daemon's reexec executor signs the re-executed states, chained block to
** block from the previous proven one.
*/
#include "test.h"

#include "anvil.h"
#include "mpavs/ethheader.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/http.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/reexec.h"
#include "mpavs/sgxsim.h"
#include "mpavs/stateheader.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum lie { L_NONE, L_BALANCE, L_STORAGE, L_STORAGE_NODE, L_HEADER, L_CODE, L_OMIT_TRACE };

static struct {
    mp_anvil anvil;
    mp_rpc rpc;
    uint64_t head, chain_id;
    uint64_t rich; /* the last block with storage and several transactions */
    mp_http *proxy;
    char proxy_url[64];
    pthread_mutex_t mu;
    enum lie lie;
    mp_rpc up;
} W;

static const char *bin_dir(void)
{
    const char *b = getenv("MPAVS_BIN");
    return b && *b ? b : mp_test_path("build/san/bin");
}

/* ---- the lying proxy ---- */

static void set_str(json_t *obj, const char *key, const char *v)
{
    json_object_set_new(obj, key, json_string(v));
}

/* Flips the last hex digit of a hex string member (or array item). */
static json_t *flipped(const json_t *s)
{
    const char *t = json_string_value(s);
    if (!t || strlen(t) < 3)
        return json_string("0x01");
    char *c = strdup(t);
    size_t n = strlen(c);
    c[n - 1] = c[n - 1] == '0' ? '1' : '0';
    json_t *r = json_string(c);
    free(c);
    return r;
}

static void lie_about(const char *method, json_t *res)
{
    if (W.lie == L_BALANCE && strcmp(method, "eth_getProof") == 0) {
        set_str(res, "balance", "0x1234567");
    } else if ((W.lie == L_STORAGE || W.lie == L_STORAGE_NODE) &&
               strcmp(method, "eth_getProof") == 0) {
        json_t *sp = json_array_get(json_object_get(res, "storageProof"), 0);
        json_t *proof = json_object_get(sp, "proof");
        if (sp && W.lie == L_STORAGE)
            set_str(sp, "value", "0x2a");
        else if (sp && json_array_size(proof) > 0)
            json_array_set_new(proof, json_array_size(proof) - 1,
                               flipped(json_array_get(proof, json_array_size(proof) - 1)));
    } else if (W.lie == L_HEADER && strcmp(method, "eth_getBlockByNumber") == 0 &&
               json_is_object(res)) {
        json_object_set_new(res, "gasUsed", flipped(json_object_get(res, "gasUsed")));
    } else if (W.lie == L_CODE && strcmp(method, "eth_getCode") == 0) {
        /* res is the string itself: replaced by the caller */
    } else if (W.lie == L_OMIT_TRACE && strcmp(method, "debug_traceBlockByNumber") == 0) {
        for (size_t i = 0; i < json_array_size(res); i++)
            json_object_set_new(json_array_get(res, i), "result", json_object());
    }
}

static int proxy(void *user, mp_http_conn *conn, const mp_http_request *req, mp_http_response *resp)
{
    (void)user;
    (void)conn;
    json_t *rq = json_loadb((const char *)req->body, req->body_len, 0, NULL), *res = NULL, *out;
    const char *method = json_string_value(json_object_get(rq, "method"));
    if (!method) {
        json_decref(rq);
        mp_http_json_error(resp, 400, "not JSON-RPC");
        return MP_HTTP_DONE;
    }
    mp_err e = {0};
    json_t *params = json_object_get(rq, "params");
    pthread_mutex_lock(&W.mu);
    int rc = mp_rpc_call(&W.up, method, params ? json_incref(params) : NULL, &res, &e);
    if (rc == MP_OK) {
        lie_about(method, res);
        if (W.lie == L_CODE && strcmp(method, "eth_getCode") == 0 &&
            strlen(json_string_value(res)) > 2) {
            json_t *f = flipped(res);
            json_decref(res);
            res = f;
        }
    }
    pthread_mutex_unlock(&W.mu);
    if (rc == MP_OK)
        out = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", json_object_get(rq, "id"),
                        "result", res);
    else
        out = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
                        json_object_get(rq, "id"), "error", "code", -32000, "message", e.msg);
    resp->body = json_dumps(out, JSON_COMPACT);
    resp->body_len = resp->body ? strlen(resp->body) : 0;
    json_decref(out);
    json_decref(rq);
    return MP_HTTP_DONE;
}

static void set_lie(enum lie l)
{
    pthread_mutex_lock(&W.mu);
    W.lie = l;
    pthread_mutex_unlock(&W.mu);
}

/* ---- tests ---- */

static int reexec_trie(const char *url, uint64_t n, const uint8_t *parent_root, bool anvil_trie,
                       mp_reexec_result *r, mp_err *e)
{
    mp_rpc c;
    MP_TRY(mp_rpc_init(&c, url, NULL, NULL, e));
    mp_reexec_opts o = {
        .chain_id = W.chain_id, .parent_root = parent_root, .anvil_trie = anvil_trie};
    int rc = mp_reexec_block(&c, n, &o, r, e);
    mp_rpc_close(&c);
    return rc;
}

static int reexec_via(const char *url, uint64_t n, const uint8_t *parent_root, mp_reexec_result *r,
                      mp_err *e)
{
    return reexec_trie(url, n, parent_root, true, r, e);
}

TEST(every_block_matches)
{
    mp_err e = {0};
    uint8_t root[32];
    size_t multi = 0, with_slots = 0, txs = 0;
    CHECK(W.head >= 52);
    for (uint64_t n = 2; n <= W.head; n++) {
        mp_reexec_result r;
        CHECK_OK(reexec_via(W.anvil.url, n, n > 2 ? root : NULL, &r, &e), &e);
        if (r.status != MP_REEXEC_MATCH)
            printf("# block %llu: %s %s %s\n", (unsigned long long)n,
                   mp_reexec_status_name(r.status), r.mismatch, r.reason);
        CHECK(r.status == MP_REEXEC_MATCH);
        memcpy(root, r.state_root, 32);
        multi += r.n_txs > 1;
        with_slots += r.n_slots > 0;
        txs += r.n_txs;
        if (r.n_txs > 1 && r.n_slots > 0) /* the last such block: it calls deployed code */
            W.rich = n;
    }
    CHECK(multi >= 3);
    CHECK(with_slots >= 20);
    CHECK(txs >= 60);
    CHECK(W.rich != 0);
}

static int run_cli(const char *url, uint64_t from, uint64_t to)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/mpavs l2 reexec --rpc %s --block %llu --to %llu --anvil-trie",
             bin_dir(), url, (unsigned long long)from, (unsigned long long)to);
    FILE *p = popen(cmd, "r");
    char line[512], last[512] = "";
    while (p && fgets(line, sizeof line, p))
        snprintf(last, sizeof last, "%s", line);
    int st = p ? pclose(p) : -1;
    printf("# %s", last);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(cli_matches_every_block)
{
    CHECK(run_cli(W.anvil.url, 2, W.head) == 0);
}

TEST(lying_node_is_caught)
{
    static const enum lie lies[] = {L_BALANCE, L_STORAGE, L_STORAGE_NODE, L_HEADER, L_CODE};
    static const char *names[] = {"balance", "storage value", "storage proof node", "header",
                                  "code"};
    mp_err e = {0};
    mp_reexec_result r;
    CHECK(W.rich != 0);
    set_lie(L_NONE);
    CHECK_OK(reexec_via(W.proxy_url, W.rich, NULL, &r, &e), &e);
    CHECK(r.status == MP_REEXEC_MATCH);
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        set_lie(lies[i]);
        int rc = reexec_via(W.proxy_url, W.rich, NULL, &r, &e);
        if (mp_rc_class(rc) != MP_ERR_VERIFY)
            printf("# lie about %s: %s (%s)\n", names[i], mp_rc_name(rc), e.msg);
        CHECK(mp_rc_class(rc) == MP_ERR_VERIFY);
    }
    set_lie(L_HEADER);
    CHECK(run_cli(W.proxy_url, W.rich, W.rich) == 1);
    set_lie(L_NONE);
}

TEST(trusted_parent_root_is_enforced)
{
    mp_err e = {0};
    mp_reexec_result r;
    uint8_t wrong[32] = {1};
    CHECK_RC(reexec_via(W.anvil.url, W.rich, wrong, &r, &e), MP_ERR_VERIFY);
}

TEST(trace_is_a_hint_not_evidence)
{
    mp_err e = {0};
    mp_reexec_result r;
    set_lie(L_OMIT_TRACE);
    CHECK_OK(reexec_via(W.proxy_url, W.rich, NULL, &r, &e), &e);
    set_lie(L_NONE);
    CHECK(r.status == MP_REEXEC_MATCH);
    CHECK(r.rounds >= 2);
}

/* ---- the prover's reexec executor ---- */

typedef struct prover {
    pid_t pid;
    char dir[128], log[160], url[64];
    mp_rpc rpc;
} prover;

static bool prover_start(prover *p, const char *extra)
{
    char bin[512], ca[200];
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/mpavs-reexec-XXXXXX");
    if (!mkdtemp(p->dir))
        return false;
    snprintf(p->log, sizeof p->log, "%s/prover.log", p->dir);
    snprintf(ca, sizeof ca, "%s/ca", p->dir);
    mp_sgxsim_opts so;
    mp_sgxsim_opts_init(&so);
    mp_err e = {0};
    if (mp_sgxsim_init(ca, &so, &e) != MP_OK)
        return false;
    snprintf(bin, sizeof bin, "%s/mpavs-prover", bin_dir());
    const char *argv[] = {
        bin,         "--data-dir",   p->dir, "--listen",   "127.0.0.1:0", "--l2-rpc-url",
        W.anvil.url, "--sim-ca-dir", ca,     "--executor", "reexec",      "--reexec-anvil-trie",
        "--profile", "test",         extra,  NULL}; /* extra NULL: none */
    fflush(NULL);
    p->pid = fork();
    if (p->pid == 0) {
        int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    uint16_t port = 0;
    for (int i = 0; i < 600 && port == 0 && p->pid > 0; i++) {
        usleep(20000);
        port = mp_test_logged_port(p->log);
    }
    snprintf(p->url, sizeof p->url, "http://127.0.0.1:%u/", (unsigned)port);
    return port != 0 && mp_rpc_init(&p->rpc, p->url, NULL, NULL, &e) == MP_OK;
}

static void prover_stop(prover *p)
{
    if (p->rpc.url)
        mp_rpc_close(&p->rpc);
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", p->dir);
    if (p->dir[0] && system(cmd) != 0)
        printf("# could not remove %s\n", p->dir);
}

static json_t *prove(prover *p, int identifier, const uint8_t *md, size_t len)
{
    json_t *res = NULL;
    mp_err e = {0};
    json_t *params = json_pack("[{s:i, s:o}]", "identifier", identifier, "metadata",
                               mp_json_hex_new(md, len, MP_JSON_0X));
    if (mp_rpc_call(&p->rpc, "prover_proveTask", params, &res, &e) != MP_OK)
        printf("# prover_proveTask: %s\n", e.msg);
    return res;
}

static bool state_is(const json_t *res, const uint8_t *want, size_t n)
{
    uint8_t got[96];
    mp_err e = {0};
    return res && n <= sizeof got &&
           mp_json_get_hex(res, "state", MP_JSON_0X, got, n, &e) == MP_OK &&
           memcmp(got, want, n) == 0;
}

static uint64_t exec_field(prover *p, const char *key)
{
    json_t *m = NULL;
    mp_err e = {0};
    uint64_t v = UINT64_MAX;
    if (mp_rpc_call(&p->rpc, "prover_metadata", NULL, &m, &e) == MP_OK) {
        json_t *x = json_object_get(json_object_get(m, "execution"), key);
        if (json_is_integer(x))
            v = (uint64_t)json_integer_value(x);
        if (strcmp(key, "proves") == 0)
            v = strcmp(json_string_value(json_object_get(m, "proves")), "execution") == 0;
    }
    json_decref(m);
    return v;
}

static bool header(uint64_t n, mp_eth_header *h)
{
    json_t *b = NULL;
    mp_err e = {0};
    bool ok = mp_rpc_call(&W.rpc, "eth_getBlockByNumber",
                          json_pack("[o, b]", mp_json_quantity_new(n), 0), &b, &e) == MP_OK &&
              mp_eth_header_check(h, b, &e) == MP_OK;
    json_decref(b);
    return ok;
}

TEST(prover_signs_reexecuted_states)
{
    prover p;
    bool up = prover_start(&p, NULL);
    CHECK(up);
    if (!up) {
        prover_stop(&p);
        return;
    }
    mp_eth_header h[32];
    for (uint64_t n = 9; n <= 25; n++)
        CHECK(header(n, &h[n]));
    CHECK(exec_field(&p, "proves") == 1);
    CHECK(exec_field(&p, "freshStarts") == 0);

    uint8_t md[128], want[96];
    mp_state_l2block_metadata(md, W.chain_id, 10);
    json_t *r = prove(&p, 1, md, 64);
    mp_state_l2block_state(want, h[10].hash, h[10].state_root);
    CHECK(state_is(r, want, 64));
    json_decref(r);
    CHECK(exec_field(&p, "freshStarts") == 1);
    CHECK(exec_field(&p, "lastFreshStart") == 10);

    mp_state_l2batch_metadata(md, W.chain_id, 1, 11, 20);
    r = prove(&p, 2, md, 128);
    mp_keccak k;
    uint8_t bh[32];
    mp_keccak_init(&k);
    for (int n = 11; n <= 20; n++)
        mp_keccak_update(&k, h[n].hash, 32);
    mp_keccak_final(&k, bh);
    mp_state_l2batch_state(want, h[10].state_root, h[20].state_root, bh);
    CHECK(state_is(r, want, 96));
    json_decref(r);
    CHECK(exec_field(&p, "freshStarts") == 1); /* chained from block 10 */

    mp_state_l2block_metadata(md, W.chain_id, 25);
    r = prove(&p, 1, md, 64);
    mp_state_l2block_state(want, h[25].hash, h[25].state_root);
    CHECK(state_is(r, want, 64));
    json_decref(r);
    CHECK(exec_field(&p, "freshStarts") == 1); /* 21..24 re-executed from the anchor */
    CHECK(exec_field(&p, "blocksExecuted") == 16);
    CHECK(exec_field(&p, "lastProven") == 25);
    prover_stop(&p);
}

/* Without the emulation, Ethereum's rules: anvil's root differs where a block
 ** clears a slot, and that is reported as a stateRoot mismatch only. */
TEST(mismatch_names_the_field)
{
    mp_err e = {0};
    size_t mismatches = 0;
    for (uint64_t n = 2; n <= W.head && mismatches < 3; n++) {
        mp_reexec_result r;
        CHECK_OK(reexec_trie(W.anvil.url, n, NULL, false, &r, &e), &e);
        if (r.status == MP_REEXEC_MATCH)
            continue;
        mismatches++;
        CHECK(r.status == MP_REEXEC_MISMATCH);
        CHECK_STR(r.mismatch, "stateRoot");
        CHECK(memcmp(r.state_root, r.header_root, 32) != 0);
    }
    CHECK(mismatches == 3);
}

/* A faulty prover (fault_wrong_execution) really computes another root. */
TEST(faulty_prover_computes_another_root)
{
    prover p;
    bool up = prover_start(&p, "--fault-wrong-execution");
    CHECK(up);
    if (!up) {
        prover_stop(&p);
        return;
    }
    mp_eth_header h[13];
    for (uint64_t n = 10; n <= 12; n++)
        CHECK(header(n, &h[n]));
    uint8_t md[128], got[96], honest[96];
    mp_err e = {0};
    mp_state_l2block_metadata(md, W.chain_id, 11);
    json_t *r = prove(&p, 1, md, 64);
    CHECK(r && mp_json_get_hex(r, "state", MP_JSON_0X, got, 64, &e) == MP_OK);
    mp_state_l2block_state(honest, h[11].hash, h[11].state_root);
    CHECK_MEM(got, honest, 32);                    /* the same block */
    CHECK(memcmp(got + 32, honest + 32, 32) != 0); /* another root, computed */
    json_decref(r);
    mp_state_l2batch_metadata(md, W.chain_id, 2, 11, 12);
    r = prove(&p, 2, md, 128);
    CHECK(r && mp_json_get_hex(r, "state", MP_JSON_0X, got, 96, &e) == MP_OK);
    CHECK_MEM(got, h[10].state_root, 32);
    CHECK(memcmp(got + 32, h[12].state_root, 32) != 0);
    json_decref(r);
    prover_stop(&p);
}

static const mp_test_case tests[] = {
    MP_TEST(every_block_matches),
    MP_TEST(cli_matches_every_block),
    MP_TEST(lying_node_is_caught),
    MP_TEST(trusted_parent_root_is_enforced),
    MP_TEST(trace_is_a_hint_not_evidence),
    MP_TEST(mismatch_names_the_field),
    MP_TEST(prover_signs_reexecuted_states),
    MP_TEST(faulty_prover_computes_another_root),
};

/* ---- setup: anvil, traffic, proxy ---- */

static int traffic(const char *args, mp_err *e)
{
    char cmd[1024], script[400];
    snprintf(script, sizeof script, "%s", mp_test_path("scripts/l2-traffic.sh"));
    snprintf(cmd, sizeof cmd, "%s --rpc %s --out %s %s >/dev/null", script, W.anvil.url,
             mp_test_path("build/l2-traffic"), args);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return MP_FAIL(e, MP_ERR_IO, "scripts/l2-traffic.sh %s failed", args);
    return MP_OK;
}

static int setup(mp_err *e)
{
    mp_anvil_opts ao = {.hardfork = "cancun"};
    MP_TRY(mp_anvil_start(&W.anvil, &ao, e));
    MP_TRY(mp_rpc_init(&W.rpc, W.anvil.url, NULL, NULL, e));
    MP_TRY(mp_rpc_init(&W.up, W.anvil.url, NULL, NULL, e));
    MP_TRY(mp_eth_chain_id(&W.rpc, &W.chain_id, e));
    MP_TRY(traffic("--blocks 4", e));           /* one transaction per block */
    MP_TRY(traffic("--blocks 2 --batch 4", e)); /* several per block */
    MP_TRY(mp_eth_block_number(&W.rpc, &W.head, e));
    pthread_mutex_init(&W.mu, NULL);
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    o.threads = 1;
    o.max_body = 1u << 20;
    mp_http_route route = {"POST", "/", proxy, NULL};
    MP_TRY(mp_http_start(&W.proxy, &o, &route, 1, NULL, e));
    snprintf(W.proxy_url, sizeof W.proxy_url, "http://127.0.0.1:%u", mp_http_port(W.proxy));
    return MP_OK;
}

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = setup(&e);
    if (rc != MP_OK)
        printf("not ok 1 - reexec/setup: %s\n", e.msg);
    else
        rc = mp_test_main("reexec", tests, sizeof tests / sizeof tests[0], argc, argv);
    mp_http_stop(W.proxy);
    if (W.up.url)
        mp_rpc_close(&W.up);
    if (W.rpc.url)
        mp_rpc_close(&W.rpc);
    mp_anvil_stop(&W.anvil);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
