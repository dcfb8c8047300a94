/*
** test_prover.c: mpavs-prover as a process against a real anvil L2.
**
** States equal the node's blocks (identifier 1 and 2 with the batch hash);
** proverSignature recovers to the enclave address; quotes verify with
** `mpavs quote verify` against the sim CA root and carry the expected report
** data; a fake L2 endpoint (in this process, proxying to anvil) that serves a
** tampered header, a broken parent link or garbage is refused with -32013 /
** -32012 while the prover keeps serving; the gramine backend works against a
** fake attestation directory served by a helper thread from the sim CA; bad
** input (oversized body, malformed JSON, long report data, wrong chain,
** unknown identifier); faults refused under production and honoured under
** test; a sealed key survives a restart; SIGTERM exits 0.
*/
#include "anvil.h"
#include "httpc.h"
#include "test.h"

#include "mpavs/ethheader.h"
#include "mpavs/ethrpc.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/quote.h"
#include "mpavs/rpc.h"
#include "mpavs/rpcserver.h"
#include "mpavs/secp.h"
#include "mpavs/sgxsim.h"
#include "mpavs/stateheader.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the fixture: anvil, a sim CA, a fake L2 ---- */

enum fake_mode { HONEST, TAMPER_STATE, BREAK_LINK, GARBAGE };

typedef struct fixture {
    char tmp[128], ca[160];
    mp_anvil anvil;
    uint64_t chain_id;
    /* the fake L2 */
    pthread_mutex_t mu;
    enum fake_mode mode;
    uint64_t target; /* the block the mode applies to */
    mp_rpcs *rpcs;
    mp_http *http;
    char fake_url[64];
    int dirs; /* data directories handed out */
} fixture;

static fixture *FX; /* set by main for the tests of this binary */

static json_t *anvil_call(const char *method, json_t *params, mp_err *e)
{
    mp_rpc c;
    json_t *res = NULL;
    if (mp_rpc_init(&c, FX->anvil.url, NULL, NULL, e) != MP_OK) {
        json_decref(params);
        return NULL;
    }
    if (mp_rpc_call(&c, method, params, &res, e) != MP_OK)
        res = NULL;
    mp_rpc_close(&c);
    return res;
}

static int fake_forward(void *user, mp_rpcs_call *call, json_t *params, json_t **result,
                        mp_err *err)
{
    (void)user;
    *result = anvil_call(mp_rpcs_method_name(call), json_incref(params), err);
    return *result ? MP_OK : MP_ERR_RPC;
}

/* eth_getBlockByNumber, altered as the mode says for the target block */
static int fake_block(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)call;
    pthread_mutex_lock(&FX->mu);
    enum fake_mode mode = FX->mode;
    uint64_t target = FX->target;
    pthread_mutex_unlock(&FX->mu);
    json_t *b = anvil_call("eth_getBlockByNumber", json_incref(params), err);
    if (b == NULL)
        return MP_ERR_RPC;
    uint64_t n = 0;
    if (json_is_object(b) && mp_json_get_quantity(b, "number", &n, err) != MP_OK) {
        json_decref(b);
        return MP_ERR_RPC;
    }
    if (json_is_object(b) && n == target) {
        if (mode == TAMPER_STATE) {
            json_object_set_new(b, "stateRoot",
                                json_string("0x11111111111111111111111111111111"
                                            "11111111111111111111111111111111"));
        } else if (mode == BREAK_LINK) { /* a self-consistent header on another parent */
            uint8_t h[32];
            json_object_set_new(b, "parentHash",
                                json_string("0x2222222222222222222222222222222"
                                            "222222222222222222222222222222222"));
            if (mp_eth_header_hash(h, b, err) == MP_OK)
                json_object_set_new(b, "hash", mp_json_hex_new(h, 32, MP_JSON_0X));
        } else if (mode == GARBAGE) {
            json_decref(b);
            b = json_string("not a block");
        }
    }
    *result = b;
    return MP_OK;
}

static bool fake_start(fixture *fx)
{
    mp_rpcs_method m[] = {
        {"eth_chainId", fake_forward, NULL},
        {"eth_blockNumber", fake_forward, NULL},
        {"eth_getBlockByNumber", fake_block, NULL},
    };
    mp_err e;
    if (mp_rpcs_new(&fx->rpcs, m, 3, NULL, NULL, &e) != MP_OK)
        return false;
    mp_http_route r[] = {{"POST", "/", mp_rpcs_http, fx->rpcs}};
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    if (mp_http_start(&fx->http, &o, r, 1, NULL, &e) != MP_OK)
        return false;
    snprintf(fx->fake_url, sizeof fx->fake_url, "http://127.0.0.1:%u/",
             (unsigned)mp_http_port(fx->http));
    return true;
}

static void set_mode(enum fake_mode mode, uint64_t target)
{
    pthread_mutex_lock(&FX->mu);
    FX->mode = mode;
    FX->target = target;
    pthread_mutex_unlock(&FX->mu);
}

/* ---- running provers ---- */

static const char *bin_dir(void)
{
    const char *b = getenv("MPAVS_BIN");
    return b && *b ? b : mp_test_path("build/san/bin");
}

typedef struct prover {
    pid_t pid;
    uint16_t port;
    char url[64], log[256], dir[200];
    mp_rpc rpc;
} prover;

static void show_log(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[600];
    while (f && fgets(line, sizeof line, f))
        printf("#   %s", line);
    if (f)
        fclose(f);
}

static pid_t spawn(const char *const *argv, const char *log)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Starts a prover on l2_url with extra flags (NULL-terminated); false if it
 ** does not come up (its log is shown). */
static bool prover_start(prover *p, const char *l2_url, const char *const *extra)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "%s/p%d", FX->tmp, FX->dirs++);
    snprintf(p->log, sizeof p->log, "%s.log", p->dir);
    char bin[512];
    snprintf(bin, sizeof bin, "%s/mpavs-prover", bin_dir());
    const char *argv[40] = {
        bin,    "--data-dir",   p->dir, "--listen",     "127.0.0.1:0", "--l2-rpc-url",
        l2_url, "--sim-ca-dir", FX->ca, "--l2-timeout", "2s",          "--http-threads",
        "2"};
    int n = 13;
    for (; extra && *extra && n < 38; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    p->pid = spawn(argv, p->log);
    for (int i = 0; i < 600 && p->port == 0; i++) {
        int st;
        if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
            p->pid = 0;
            break;
        }
        usleep(20000);
        p->port = mp_test_logged_port(p->log);
    }
    if (p->port == 0) {
        show_log(p->log);
        return false;
    }
    snprintf(p->url, sizeof p->url, "http://127.0.0.1:%u/", (unsigned)p->port);
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.retries = 0;
    return mp_rpc_init(&p->rpc, p->url, &o, NULL, NULL) == MP_OK;
}

/* SIGTERM; the exit status (0 expected after a clean stop). */
static int prover_stop(prover *p)
{
    mp_rpc_close(&p->rpc);
    if (p->pid <= 0)
        return -1;
    kill(p->pid, SIGTERM);
    int st = 0;
    waitpid(p->pid, &st, 0);
    p->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Calls method; on a JSON-RPC error *code gets its code and NULL is returned. */
static json_t *call(prover *p, const char *method, json_t *params, long long *code)
{
    json_t *res = NULL;
    mp_err e = {0};
    *code = 0;
    int rc = mp_rpc_call(&p->rpc, method, params, &res, &e);
    if (rc == MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT))
        *code = p->rpc.last_error.code;
    else if (rc != MP_OK)
        *code = 1; /* transport */
    return rc == MP_OK ? res : NULL;
}

static json_t *prove_block(prover *p, uint64_t chain, uint64_t block, long long *code)
{
    uint8_t md[64];
    mp_state_l2block_metadata(md, chain, block);
    return call(
        p, "prover_proveTask",
        json_pack("[{s:i, s:o}]", "identifier", 1, "metadata", mp_json_hex_new(md, 64, MP_JSON_0X)),
        code);
}

static json_t *prove_batch(prover *p, uint64_t first, uint64_t last, long long *code)
{
    uint8_t md[128];
    mp_state_l2batch_metadata(md, FX->chain_id, 7, first, last);
    return call(p, "prover_proveTask",
                json_pack("[{s:i, s:o}]", "identifier", 2, "metadata",
                          mp_json_hex_new(md, 128, MP_JSON_0X)),
                code);
}

/* The answer's signature recovers to its enclaveAddress over the 8.1 digest. */
static bool signature_recovers(const json_t *res, const uint8_t want[20])
{
    uint8_t md[128], st[96], sig[65], enclave[20], id[32] = {0}, dg[32], got[20];
    size_t mdn, stn;
    uint64_t ident;
    if (mp_json_get_u64(res, "identifier", 1, 2, &ident, NULL) != MP_OK ||
        mp_json_get_hex_max(res, "metadata", MP_JSON_0X, md, 0, 128, &mdn, NULL) != MP_OK ||
        mp_json_get_hex_max(res, "state", MP_JSON_0X, st, 0, 96, &stn, NULL) != MP_OK ||
        mp_json_get_hex(res, "proverSignature", MP_JSON_0X, sig, 65, NULL) != MP_OK ||
        mp_json_get_address(res, "enclaveAddress", enclave, NULL) != MP_OK)
        return false;
    id[31] = (uint8_t)ident;
    mp_prover_state_digest(dg, id, md, mdn, st, stn);
    if (mp_secp_recover_address65(got, dg, sig, NULL) != MP_OK)
        return false;
    return memcmp(got, enclave, 20) == 0 && (want == NULL || memcmp(got, want, 20) == 0);
}

static bool hex_field_eq(const json_t *o, const char *key, const uint8_t *want, size_t n)
{
    uint8_t got[128];
    return n <= sizeof got && mp_json_get_hex(o, key, MP_JSON_0X, got, n, NULL) == MP_OK &&
           memcmp(got, want, n) == 0;
}

static bool enclave_of(prover *p, uint8_t out[20])
{
    long long code;
    json_t *m = call(p, "prover_metadata", NULL, &code);
    bool ok = m && mp_json_get_address(m, "enclaveAddress", out, NULL) == MP_OK;
    json_decref(m);
    return ok;
}

/* ---- tests ---- */

TEST(prover_states_equal_node)
{
    prover p;
    CHECK(prover_start(&p, FX->anvil.url, NULL));
    mp_rpc a;
    mp_err e;
    CHECK_OK(mp_rpc_init(&a, FX->anvil.url, NULL, NULL, &e), &e);
    mp_eth_block b[6];
    for (uint64_t n = 1; n <= 5; n++)
        CHECK_OK(mp_eth_get_block_by_number(&a, n, &b[n], &e), &e);
    mp_rpc_close(&a);
    uint8_t enclave[20];
    CHECK(enclave_of(&p, enclave));
    long long code;
    json_t *r = prove_block(&p, FX->chain_id, 3, &code);
    uint8_t want[96];
    mp_state_l2block_state(want, b[3].hash, b[3].state_root);
    CHECK(r && json_is_false(json_object_get(r, "notReady")) && hex_field_eq(r, "state", want, 64));
    CHECK(r && signature_recovers(r, enclave));
    json_decref(r);
    /* identifier 2: prev root of block 1, post root of block 4, batch hash of 2..4 */
    r = prove_batch(&p, 2, 4, &code);
    uint8_t hashes[96], bh[32];
    memcpy(hashes, b[2].hash, 32);
    memcpy(hashes + 32, b[3].hash, 32);
    memcpy(hashes + 64, b[4].hash, 32);
    mp_keccak256(bh, hashes, 96);
    mp_state_l2batch_state(want, b[1].state_root, b[4].state_root, bh);
    CHECK(r && hex_field_eq(r, "state", want, 96) && signature_recovers(r, enclave));
    json_decref(r);
    /* a block the L2 has not reached */
    r = prove_block(&p, FX->chain_id, 1000, &code);
    CHECK(r && json_is_true(json_object_get(r, "notReady")) && !json_object_get(r, "state"));
    json_decref(r);
    /* the same task again comes from the cache, identical */
    json_t *r1 = prove_block(&p, FX->chain_id, 3, &code),
           *r2 = prove_block(&p, FX->chain_id, 3, &code);
    CHECK(r1 && r2 && json_equal(r1, r2));
    json_decref(r1);
    json_decref(r2);
    httpc_reply m = httpc_send(p.port, "GET", "/metrics", NULL, 0, false);
    CHECK(m.status == 200 && strstr(m.body, "mpavs_prover_proofs_total{result=\"cached\"} 2"));
    CHECK(strstr(m.body, "mpavs_prover_prove_seconds_count") != NULL);
    httpc_free(&m);
    CHECK(prover_stop(&p) == 0);
}

TEST(prover_bad_requests)
{
    prover p;
    CHECK(prover_start(&p, FX->anvil.url, (const char *const[]){"--max-body", "4096", NULL}));
    long long code;
    CHECK(prove_block(&p, FX->chain_id + 1, 3, &code) == NULL && code == -32011);
    CHECK(call(&p, "prover_proveTask", json_pack("[{s:i, s:s}]", "identifier", 9, "metadata", "0x"),
               &code) == NULL &&
          code == -32010);
    CHECK(call(&p, "prover_proveTask",
               json_pack("[{s:i, s:s}]", "identifier", 1, "metadata", "0x1234"), &code) == NULL &&
          code == -32602 && strstr(p.rpc.last_error.message, "must be 64 bytes"));
    CHECK(call(&p, "prover_proveTask", json_pack("[{s:i}]", "identifier", 1), &code) == NULL &&
          code == -32602 && strstr(p.rpc.last_error.message, "metadata is missing"));
    char long_rd[2 + 130 + 1] = "0x";
    memset(long_rd + 2, 'a', 130);
    long_rd[132] = 0;
    CHECK(call(&p, "generateAttestationReport", json_pack("[s]", long_rd), &code) == NULL &&
          code == -32602 && strstr(p.rpc.last_error.message, "65 bytes"));
    CHECK(call(&p, "prover_nothing", NULL, &code) == NULL && code == -32601);
    httpc_reply r = httpc_send(p.port, "POST", "/", "{\"jsonrpc\":", 11, false);
    CHECK(r.status == 200 && strstr(r.body, "-32700"));
    httpc_free(&r);
    char *big = calloc(1, 5000);
    memset(big, ' ', 4999);
    r = httpc_send(p.port, "POST", "/", big, 4999, false);
    CHECK(r.status == 413);
    httpc_free(&r);
    free(big);
    uint8_t enclave[20];
    CHECK(enclave_of(&p, enclave)); /* still serving */
    CHECK(prover_stop(&p) == 0);
}

TEST(prover_fake_l2_refused)
{
    prover p;
    CHECK(prover_start(&p, FX->fake_url, NULL));
    long long code;
    set_mode(HONEST, 0);
    json_t *r = prove_block(&p, FX->chain_id, 2, &code);
    CHECK(r != NULL); /* the anchor is now block 2 */
    json_decref(r);
    set_mode(TAMPER_STATE, 3);
    CHECK(prove_block(&p, FX->chain_id, 3, &code) == NULL && code == -32013);
    CHECK(strstr(p.rpc.last_error.message, "does not hash to the block hash"));
    set_mode(BREAK_LINK, 4);
    CHECK(prove_block(&p, FX->chain_id, 4, &code) == NULL && code == -32013);
    CHECK(strstr(p.rpc.last_error.message, "parent hash"));
    CHECK(prove_batch(&p, 4, 5, &code) == NULL && code == -32013);
    set_mode(GARBAGE, 5);
    CHECK(prove_block(&p, FX->chain_id, 5, &code) == NULL && code == -32012);
    set_mode(HONEST, 0);
    r = prove_block(&p, FX->chain_id, 4, &code);
    CHECK(r && signature_recovers(r, NULL)); /* served again once the node is honest */
    json_decref(r);
    CHECK(prover_stop(&p) == 0);
    FILE *f = fopen(p.log, "r");
    char line[600];
    bool logged = false;
    while (f && fgets(line, sizeof line, f))
        logged |= strstr(line, "refused a task") != NULL;
    if (f)
        fclose(f);
    CHECK(logged);
}

/* A file's text (NUL-terminated; "" when unreadable); the caller frees it. */
static char *slurp(const char *path)
{
    uint8_t *data = NULL;
    size_t len;
    if (mp_file_read(path, 1 << 20, &data, &len, NULL) != MP_OK)
        return calloc(1, 1);
    return (char *)data;
}

static int run_quiet(const char *const *argv, const char *log)
{
    pid_t pid = spawn(argv, log);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Verifies quote_hex with `mpavs quote verify`; the report data it prints. */
static bool cli_verify(const char *quote_hex, char *report_data, size_t cap)
{
    char qpath[256], out[256], bin[512], tcb[200], qe[200], root[200], pck[200], rcrl[200],
        sign[200];
    snprintf(qpath, sizeof qpath, "%s/quote.hex", FX->tmp);
    snprintf(out, sizeof out, "%s/verify.json", FX->tmp);
    FILE *f = fopen(qpath, "w");
    if (f == NULL)
        return false;
    fputs(quote_hex, f);
    fclose(f);
    snprintf(bin, sizeof bin, "%s/mpavs", bin_dir());
    snprintf(tcb, sizeof tcb, "%s/tcbinfo.json", FX->ca);
    snprintf(qe, sizeof qe, "%s/qe_identity.json", FX->ca);
    snprintf(root, sizeof root, "%s/root_ca.der", FX->ca);
    snprintf(pck, sizeof pck, "%s/pck_crl.der", FX->ca);
    snprintf(rcrl, sizeof rcrl, "%s/root_ca_crl.der", FX->ca);
    snprintf(sign, sizeof sign, "%s/tcb_signing.der", FX->ca);
    mp_sgxsim_enclave en;
    mp_sgxsim_enclave_default(&en);
    char mre[67];
    mp_hex_encode0x(mre, en.mrenclave, 32);
    const char *argv[] = {
        bin,  "quote",       "verify", "--quote",   qpath, "--tcb-info", tcb,  "--qe-identity",
        qe,   "--root-ca",   root,     "--pck-crl", pck,   "--root-crl", rcrl, "--tcb-signing-cert",
        sign, "--mrenclave", mre,      NULL};
    int rc = run_quiet(argv, out);
    char *text = slurp(out);
    json_t *j = json_loads(text, 0, NULL);
    const char *rd = json_string_value(json_object_get(j, "reportData"));
    snprintf(report_data, cap, "%s", rd ? rd : "");
    bool verified = rc == 0 && json_is_true(json_object_get(j, "verified"));
    if (!verified)
        printf("# %s\n", text);
    json_decref(j);
    free(text);
    return verified;
}

static void expected_report_data(char *out, const uint8_t *user, size_t n,
                                 const uint8_t enclave[20])
{
    uint8_t rd[64] = {0};
    memcpy(rd + 64 - n, user, n);
    memcpy(rd + 12, enclave, 20);
    mp_hex_encode(out, rd, 64);
}

TEST(prover_quote_verifies)
{
    prover p;
    CHECK(prover_start(&p, FX->anvil.url, NULL));
    uint8_t enclave[20], user[32];
    CHECK(enclave_of(&p, enclave));
    for (int i = 0; i < 32; i++)
        user[i] = (uint8_t)(0xa0 + i);
    long long code;
    json_t *q = call(&p, "generateAttestationReport",
                     json_pack("[o]", mp_json_hex_new(user, 32, MP_JSON_0X)), &code);
    CHECK(json_is_string(q));
    char got[160] = "", want[129];
    CHECK(q && cli_verify(json_string_value(q), got, sizeof got));
    expected_report_data(want, user, 32, enclave);
    CHECK(strcmp(got, want) == 0);
    json_decref(q);
    CHECK(prover_stop(&p) == 0);
}

/* ---- the gramine backend against a fake /dev/attestation ---- */

typedef struct fake_attest {
    char dir[200], rd[240], quote[240];
    mp_sgxsim *sim;
    pthread_t t;
    volatile int quit;
    int served;
} fake_attest;

/* Each time the prover opens quote (a FIFO) for reading, quote what it wrote
 ** to user_report_data, as Gramine does inside an enclave. */
static void *attest_helper(void *arg)
{
    fake_attest *f = arg;
    mp_sgxsim_enclave en;
    mp_sgxsim_enclave_default(&en);
    while (!f->quit) {
        int fd = open(f->quote, O_WRONLY);
        if (fd < 0 || f->quit) {
            if (fd >= 0)
                close(fd);
            break;
        }
        uint8_t rd[64] = {0};
        int rfd = open(f->rd, O_RDONLY);
        if (rfd >= 0) {
            ssize_t n = read(rfd, rd, 64);
            (void)n;
            close(rfd);
        }
        mp_buf q = MP_BUF_INIT;
        if (mp_sgxsim_quote(f->sim, &en, rd, &q, NULL) == MP_OK) {
            ssize_t w = write(fd, q.data, q.len);
            (void)w;
        }
        mp_buf_free(&q);
        close(fd);
        f->served++;
        usleep(20000); /* let the reader see EOF and close before the next open */
    }
    return NULL;
}

static bool fake_attest_start(fake_attest *f)
{
    snprintf(f->dir, sizeof f->dir, "%s/attestation", FX->tmp);
    snprintf(f->rd, sizeof f->rd, "%s/user_report_data", f->dir);
    snprintf(f->quote, sizeof f->quote, "%s/quote", f->dir);
    if (mkdir(f->dir, 0700) != 0 || mkfifo(f->quote, 0600) != 0)
        return false;
    int fd = open(f->rd, O_WRONLY | O_CREAT, 0600);
    if (fd < 0)
        return false;
    close(fd);
    if (mp_sgxsim_open(&f->sim, FX->ca, NULL) != MP_OK)
        return false;
    return pthread_create(&f->t, NULL, attest_helper, f) == 0;
}

static void fake_attest_stop(fake_attest *f)
{
    f->quit = 1;
    int fd = open(f->quote, O_RDONLY | O_NONBLOCK); /* unblocks the helper's open */
    usleep(50000);
    pthread_join(f->t, NULL);
    if (fd >= 0)
        close(fd);
    mp_sgxsim_close(f->sim);
}

TEST(prover_gramine_backend)
{
    fake_attest f;
    memset(&f, 0, sizeof f);
    CHECK(fake_attest_start(&f));
    prover p;
    CHECK(prover_start(
        &p, FX->anvil.url,
        (const char *const[]){"--attestation", "gramine", "--attestation-dir", f.dir, NULL}));
    long long code;
    json_t *m = call(&p, "prover_metadata", NULL, &code);
    mp_sgxsim_enclave en;
    mp_sgxsim_enclave_default(&en);
    CHECK(m && strcmp(json_string_value(json_object_get(m, "attestation")), "gramine") == 0);
    CHECK(m && hex_field_eq(m, "mrEnclave", en.mrenclave, 32));
    uint8_t enclave[20] = {0};
    CHECK(m && mp_json_get_address(m, "enclaveAddress", enclave, NULL) == MP_OK);
    json_decref(m);
    uint8_t user[5] = {1, 2, 3, 4, 5};
    json_t *q = call(&p, "generateAttestationReport",
                     json_pack("[o]", mp_json_hex_new(user, 5, MP_JSON_0X)), &code);
    char got[160] = "", want[129];
    CHECK(q && cli_verify(json_string_value(q), got, sizeof got));
    expected_report_data(want, user, 5, enclave);
    CHECK(strcmp(got, want) == 0);
    json_decref(q);
    CHECK(prover_stop(&p) == 0);
    fake_attest_stop(&f);
    CHECK(f.served >= 2); /* the start-up quote and the one asked for */
}

TEST(prover_faults_and_config)
{
    char bin[512], log[256];
    snprintf(bin, sizeof bin, "%s/mpavs-prover", bin_dir());
    snprintf(log, sizeof log, "%s/check.log", FX->tmp);
    const char *prod[] = {bin,
                          "--data-dir",
                          FX->tmp,
                          "--l2-rpc-url",
                          FX->anvil.url,
                          "--sim-ca-dir",
                          FX->ca,
                          "--fault-wrong-state",
                          "--check-config",
                          NULL};
    CHECK(run_quiet(prod, log) == 1);
    char *text = slurp(log);
    CHECK(strstr(text, "unless profile is devnet or test") != NULL);
    free(text);
    const char *reexec[] = {bin,           "--data-dir",          FX->tmp,          "--l2-rpc-url",
                            FX->anvil.url, "--sim-ca-dir",        FX->ca,           "--executor",
                            "reexec",      "--reexec-anvil-trie", "--check-config", NULL};
    CHECK(run_quiet(reexec, log) == 1);
    text = slurp(log);
    CHECK(strstr(text, "reexec_anvil_trie") != NULL && strstr(text, "devnet or test") != NULL);
    free(text);

    prover p;
    CHECK(prover_start(&p, FX->anvil.url,
                       (const char *const[]){"--profile", "test", "--fault-wrong-state",
                                             "--fault-refuse-attestation", NULL}));
    long long code;
    json_t *r = prove_block(&p, FX->chain_id, 3, &code);
    mp_rpc a;
    mp_err e;
    mp_eth_block b;
    CHECK_OK(mp_rpc_init(&a, FX->anvil.url, NULL, NULL, &e), &e);
    CHECK_OK(mp_eth_get_block_by_number(&a, 3, &b, &e), &e);
    mp_rpc_close(&a);
    uint8_t honest[64];
    mp_state_l2block_state(honest, b.hash, b.state_root);
    CHECK(r && !hex_field_eq(r, "state", honest, 64) && signature_recovers(r, NULL));
    json_decref(r);
    CHECK(call(&p, "generateAttestationReport", json_pack("[s]", "0x01"), &code) == NULL &&
          code == -32014);
    CHECK(prover_stop(&p) == 0);

    /* crash on the second proof request, after a delay on each */
    CHECK(prover_start(&p, FX->anvil.url,
                       (const char *const[]){"--profile", "devnet", "--fault-crash-after", "1",
                                             "--fault-delay", "20ms", NULL}));
    r = prove_block(&p, FX->chain_id, 2, &code);
    CHECK(r != NULL);
    json_decref(r);
    CHECK(prove_block(&p, FX->chain_id, 3, &code) == NULL && code == 1); /* no answer */
    int st = 0;
    CHECK(waitpid(p.pid, &st, 0) == p.pid && WIFEXITED(st) && WEXITSTATUS(st) == 70);
    p.pid = 0;
    mp_rpc_close(&p.rpc);
}

TEST(prover_sealed_key_survives_restart)
{
    char key[256];
    snprintf(key, sizeof key, "%s/sealed.key", FX->tmp);
    const char *const extra[] = {"--sealed-key-file", key, NULL};
    prover p;
    uint8_t a1[20] = {0}, a2[20] = {1}, a3[20] = {2};
    CHECK(prover_start(&p, FX->anvil.url, extra));
    CHECK(enclave_of(&p, a1));
    CHECK(prover_stop(&p) == 0);
    struct stat st;
    CHECK(stat(key, &st) == 0 && st.st_size == 32 && (st.st_mode & 077) == 0);
    CHECK(prover_start(&p, FX->anvil.url, extra));
    CHECK(enclave_of(&p, a2));
    CHECK(prover_stop(&p) == 0);
    CHECK(memcmp(a1, a2, 20) == 0);
    CHECK(prover_start(&p, FX->anvil.url, NULL)); /* without it: a fresh key */
    CHECK(enclave_of(&p, a3));
    CHECK(prover_stop(&p) == 0);
    CHECK(memcmp(a1, a3, 20) != 0);
}

TEST(prover_cli_call)
{
    prover p;
    CHECK(prover_start(&p, FX->anvil.url, NULL));
    char bin[512], log[256];
    snprintf(bin, sizeof bin, "%s/mpavs", bin_dir());
    snprintf(log, sizeof log, "%s/cli.log", FX->tmp);
    const char *meta[] = {bin, "prover", "call", "prover_metadata", "--url", p.url, NULL};
    CHECK(run_quiet(meta, log) == 0);
    char *text = slurp(log);
    json_t *j = json_loads(text, 0, NULL);
    CHECK(j && strcmp(json_string_value(json_object_get(j, "executor")), "headers") == 0);
    json_decref(j);
    free(text);
    const char *bad[] = {bin,     "prover", "call", "prover_proveTask", "[{\"identifier\":5}]",
                         "--url", p.url,    NULL};
    CHECK(run_quiet(bad, log) == 1);
    text = slurp(log);
    CHECK(strstr(text, "error -32602") != NULL || strstr(text, "error -32010") != NULL);
    free(text);
    const char *notjson[] = {bin, "prover", "call", "prover_metadata", "{", "--url", p.url, NULL};
    CHECK(run_quiet(notjson, log) == 2);
    CHECK(prover_stop(&p) == 0);
}

static const mp_test_case cases[] = {
    MP_TEST(prover_states_equal_node),
    MP_TEST(prover_bad_requests),
    MP_TEST(prover_fake_l2_refused),
    MP_TEST(prover_quote_verifies),
    MP_TEST(prover_gramine_backend),
    MP_TEST(prover_faults_and_config),
    MP_TEST(prover_sealed_key_survives_restart),
    MP_TEST(prover_cli_call),
};

static bool setup(fixture *fx)
{
    mp_err e;
    snprintf(fx->tmp, sizeof fx->tmp, "/tmp/mpavs-prover-test-XXXXXX");
    if (mkdtemp(fx->tmp) == NULL)
        return false;
    snprintf(fx->ca, sizeof fx->ca, "%s/ca", fx->tmp);
    mp_sgxsim_opts so;
    mp_sgxsim_opts_init(&so);
    if (mp_sgxsim_init(fx->ca, &so, &e) != MP_OK || mp_anvil_start(&fx->anvil, NULL, &e) != MP_OK) {
        printf("# setup: %s\n", e.msg);
        return false;
    }
    for (int i = 0; i < 5; i++)
        json_decref(anvil_call("evm_mine", json_array(), &e));
    mp_rpc c;
    bool ok = mp_rpc_init(&c, fx->anvil.url, NULL, NULL, &e) == MP_OK &&
              mp_eth_chain_id(&c, &fx->chain_id, &e) == MP_OK;
    mp_rpc_close(&c);
    return ok && fake_start(fx);
}

static void teardown(fixture *fx)
{
    if (fx->rpcs)
        mp_rpcs_shutdown(fx->rpcs);
    mp_http_stop(fx->http);
    mp_rpcs_free(fx->rpcs);
    mp_anvil_stop(&fx->anvil);
    if (fx->tmp[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->tmp);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", fx->tmp);
    }
}

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    fixture fx;
    memset(&fx, 0, sizeof fx);
    pthread_mutex_init(&fx.mu, NULL);
    FX = &fx;
    int rc = 1;
    if (setup(&fx))
        rc = mp_test_main("prover", cases, sizeof cases / sizeof cases[0], argc, argv);
    else
        printf("not ok 1 - prover/setup\n");
    teardown(&fx);
    curl_global_cleanup();
    return rc;
}
