/*
** test_operator.c: mpavs-operator against real processes on loopback: an L1
** anvil with the contracts (simulation attestation, liveness validity 120 s),
** an L2 anvil, the real mpavs-prover, and a TEST aggregator served by this
** binary (aggregator_fetchTask long poll and aggregator_submitTask of
** docs/protocol.md 8.2; it checks every submission as the real one does: the
** header equals the task, the BLS signature verifies with the operator's
** registered G2 key over the deployment's digest, the prover signature
** recovers to the enclave, and that enclave is live on chain for the
** operator).
**
** Scenarios, in order: registration with `mpavs operator register`; the
** daemon attests (liveness confirmed on chain); tasks signed and acked; kill
** -9 while a submission is unacknowledged, a task added while it is down,
** restart: the same signature is resubmitted, nothing conflicting, nothing
** lost; the prover restarted with a new key: re-attested before its next
** signature is submitted (no submission is ever refused as not live); the
** prover down then up: the node API reports it, the task waits, then
** completes; liveness renewed before expiry; a task of a committee the
** operator does not serve is skipped and garbage from the aggregator is
** counted, the daemon carrying on; node API, /metrics, SIGTERM (and no
** password in the logs); `mpavs operator status` with the daemon's store.
**
** Every process is killed and the temporary directory removed on every path
** (children also die with this process: PR_SET_PDEATHSIG).
*/
#include "anvil.h"
#include "mpavs/abi.h"
#include "mpavs/avschain.h"
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/clock.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/http.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/keystore.h"
#include "mpavs/rpcserver.h"
#include "mpavs/secp.h"
#include "mpavs/sgxsim.h"
#include "mpavs/stateheader.h"
#include "mpavs/txsend.h"
#include "mpavs/u256.h"
#include "test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VALIDITY  120 /* liveness validity of this deployment, seconds */
#define MARGIN    60  /* the operator's liveness_margin */
#define L2_CHAIN  31338
#define MAX_TASKS 16
#define WAIT_LONG 90000 /* ms: bound of every wait for the daemon */

static const char dev_key0[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/* ---- the test aggregator ---- */

typedef struct agg_task {
    uint64_t id, identifier, expires;
    uint8_t metadata[64];
    uint32_t ref;
    int submissions;
    bool accepted, hold; /* hold: answer -32603 (the operator keeps retrying) */
    uint8_t state[128];
    size_t state_len;
    uint8_t bls[64], enclave[20];
} agg_task;

typedef struct agg {
    pthread_mutex_t mu;
    agg_task tasks[MAX_TASKS];
    size_t n;
    int equivocations, not_live, bad, garbage_fetches;
    mp_rpcs *rpcs;
    mp_http *http;
    char url[64];
    mp_rpc l1; /* under mu */
    bool l1_ready;
} agg;

typedef struct world {
    mp_anvil l1, l2;
    mp_rpc rpc;
    bool rpc_ready;
    char tmp[200], ca[256], dep_path[256];
    mp_avs_deployment d;
    uint8_t op_addr[20];
    mp_checksig_key op_key;
    bool registered;
    pid_t prover, op;
    int prover_port, api_port, metrics_port;
    char prover_url[64];
    agg a;
} world;

static world W;

/* ---- processes ---- */

static const char *bin(const char *name, char *buf, size_t cap)
{
    const char *b = getenv("MPAVS_BIN");
    snprintf(buf, cap, "%s/%s", b && *b ? b : mp_test_path("build/san/bin"), name);
    return buf;
}

static pid_t spawn(const char *const *argv, const char *log_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Sends sig and reaps; SIGKILL after 15 s. Returns the exit status (or 128 + signal). */
static int stop(pid_t *pid, int sig)
{
    int status = 0;
    if (*pid <= 0)
        return -1;
    kill(*pid, sig);
    for (int i = 0; i < 150; i++) {
        if (waitpid(*pid, &status, WNOHANG) == *pid) {
            *pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        mp_clock_sleep_ms(100);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    *pid = 0;
    return -1;
}

static int run(const char *const *argv, const char *log_path)
{
    pid_t pid = spawn(argv, log_path);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void show_log(const char *name)
{
    char path[300], line[600];
    snprintf(path, sizeof path, "%s/%s", W.tmp, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f))
        printf("#   %s", line);
    fclose(f);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void write_file(const char *name, const char *text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", W.tmp, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Polls cond(arg) every 100 ms for at most ms; true when it held. */
static bool wait_for(bool (*cond)(void *), void *arg, long ms)
{
    long long end = mp_clock_now_ms() + ms;
    while (mp_clock_now_ms() < end) {
        if (cond(arg))
            return true;
        mp_clock_sleep_ms(100);
    }
    return cond(arg);
}

/* ---- the test aggregator's methods ---- */

static json_t *task_json(const agg_task *t)
{
    return json_pack("{s:I,s:I,s:o,s:I,s:I}", "taskId", (json_int_t)t->id, "identifier",
                     (json_int_t)t->identifier, "metadata",
                     mp_json_hex_new(t->metadata, 64, MP_JSON_0X), "referenceBlockNumber",
                     (json_int_t)t->ref, "expiresAt", (json_int_t)t->expires);
}

static int m_fetch(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg *a = user;
    json_t *req;
    uint64_t after, wait_s;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &req, err));
    MP_TRY(mp_json_get_u64(req, "afterTaskId", 0, INT64_MAX, &after, err));
    MP_TRY(mp_json_get_u64(req, "maxWaitSeconds", 0, 60, &wait_s, err));
    json_t *list = json_array();
    pthread_mutex_lock(&a->mu);
    if (a->garbage_fetches > 0) { /* a misbehaving aggregator: the operator must carry on */
        a->garbage_fetches--;
        pthread_mutex_unlock(&a->mu);
        json_decref(list);
        *result = json_pack("{s:[{s:s}]}", "tasks", "taskId", "seven");
        return MP_OK;
    }
    for (size_t i = 0; i < a->n; i++)
        if (a->tasks[i].id > after && !a->tasks[i].accepted)
            json_array_append_new(list, task_json(&a->tasks[i]));
    pthread_mutex_unlock(&a->mu);
    if (json_array_size(list) == 0 && !mp_rpcs_final(call) && wait_s > 0) {
        json_decref(list);
        mp_rpcs_wait(call, "tasks", (uint32_t)wait_s * 1000);
        return MP_OK;
    }
    *result = json_pack("{s:o}", "tasks", list);
    return MP_OK;
}

/* The checks of a submission, as the aggregator makes them (docs/protocol.md 8.2). */
static int check_submission(agg *a, agg_task *t, json_t *s, mp_rpcs_call *call, mp_err *err)
{
    uint8_t meta[64], state[128], bls[64], psig[65], enclave[20], opaddr[20], digest[32];
    size_t meta_n, state_n;
    uint64_t ref;
    MP_TRY(mp_json_get_hex_max(s, "metadata", MP_JSON_0X, meta, 0, 64, &meta_n, err));
    MP_TRY(mp_json_get_hex_max(s, "state", MP_JSON_0X, state, 0, 128, &state_n, err));
    MP_TRY(mp_json_get_u64(s, "referenceBlockNumber", 0, UINT32_MAX, &ref, err));
    MP_TRY(mp_json_get_address(s, "operator", opaddr, err));
    MP_TRY(mp_json_get_hex(s, "blsSignature", MP_JSON_0X, bls, 64, err));
    MP_TRY(mp_json_get_hex(s, "proverSignature", MP_JSON_0X, psig, 65, err));
    MP_TRY(mp_json_get_address(s, "enclaveAddress", enclave, err));
    if (meta_n != 64 || memcmp(meta, t->metadata, 64) != 0 || ref != t->ref ||
        memcmp(opaddr, W.op_addr, 20) != 0)
        return mp_rpcs_fail(call, err, -32002, "header does not match the task");
    mp_state_header h = {.metadata = meta,
                         .metadata_len = 64,
                         .state = state,
                         .state_len = state_n,
                         .reference_block = (uint32_t)ref};
    mp_u256_from_u64(h.identifier, t->identifier);
    mp_state_header_digest(digest, &h, W.d.chain_id, W.d.service_manager);
    mp_bn254_g1 sig;
    if (mp_bn254_g1_decode(&sig, bls, NULL) != MP_OK ||
        mp_bls_verify(&W.op_key.g2, digest, &sig, NULL) != MP_OK)
        return mp_rpcs_fail(call, err, -32004, "invalid BLS signature");
    uint8_t pd[32], who[20];
    mp_prover_state_digest(pd, h.identifier, meta, 64, state, state_n);
    if (mp_secp_recover_address65(who, pd, psig, NULL) != MP_OK || memcmp(who, enclave, 20) != 0)
        return mp_rpcs_fail(call, err, -32005, "prover signature does not recover to the enclave");
    bool live = false;
    if (mp_avs_verify_liveness(&a->l1, &W.d, opaddr, enclave, MP_BLOCK_LATEST, &live, err) != MP_OK)
        return MP_FAIL(err, MP_ERR_IO, "L1 read failed");
    if (!live) {
        a->not_live++;
        return mp_rpcs_fail(call, err, -32006, "operator not live with that enclave");
    }
    if (t->state_len && (t->state_len != state_n || memcmp(t->state, state, state_n) != 0)) {
        a->equivocations++;
        return mp_rpcs_fail(call, err, -32007, "equivocation");
    }
    if (t->state_len && memcmp(t->bls, bls, 64) != 0) {
        a->equivocations++; /* same state, another signature: must not happen either */
        return mp_rpcs_fail(call, err, -32007, "another signature for the same header");
    }
    memcpy(t->state, state, state_n);
    t->state_len = state_n;
    memcpy(t->bls, bls, 64);
    memcpy(t->enclave, enclave, 20);
    return MP_OK;
}

static int m_submit(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    agg *a = user;
    json_t *s;
    uint64_t id;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &s, err));
    MP_TRY(mp_json_get_u64(s, "taskId", 0, INT64_MAX, &id, err));
    pthread_mutex_lock(&a->mu);
    agg_task *t = NULL;
    for (size_t i = 0; i < a->n; i++)
        if (a->tasks[i].id == id)
            t = &a->tasks[i];
    int rc;
    if (t == NULL)
        rc = mp_rpcs_fail(call, err, -32001, "unknown task");
    else if ((rc = check_submission(a, t, s, call, err)) == MP_OK) {
        bool dup = t->submissions++ > 0;
        if (t->hold)
            rc = mp_rpcs_fail(call, err, -32603, "held by the test");
        else {
            t->accepted = true;
            *result = json_pack("{s:b,s:b,s:I,s:o}", "accepted", 1, "duplicate", dup, "taskId",
                                (json_int_t)id, "stateHash", json_string("0x"));
        }
    } else if (rc != MP_OK) {
        a->bad++;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

static int agg_start(agg *a, mp_err *e)
{
    static const mp_rpcs_method methods[2] = {{"aggregator_fetchTask", m_fetch, &W.a},
                                              {"aggregator_submitTask", m_submit, &W.a}};
    pthread_mutex_init(&a->mu, NULL);
    MP_TRY(mp_rpc_init(&a->l1, W.l1.url, NULL, NULL, e));
    a->l1_ready = true;
    MP_TRY(mp_rpcs_new(&a->rpcs, methods, 2, NULL, NULL, e));
    mp_http_route route = {"POST", "/", mp_rpcs_http, a->rpcs};
    mp_http_opts o = MP_HTTP_OPTS_DEFAULT;
    MP_TRY(mp_http_start(&a->http, &o, &route, 1, NULL, e));
    snprintf(a->url, sizeof a->url, "http://127.0.0.1:%u/", mp_http_port(a->http));
    return MP_OK;
}

static void agg_stop(agg *a)
{
    if (a->rpcs)
        mp_rpcs_shutdown(a->rpcs);
    mp_http_stop(a->http);
    mp_rpcs_free(a->rpcs);
    if (a->l1_ready)
        mp_rpc_close(&a->l1);
    a->http = NULL;
    a->rpcs = NULL;
    a->l1_ready = false;
}

/* Adds a task for L2 block `block` (identifier given) and wakes the long polls. */
static uint64_t add_task(uint64_t identifier, uint64_t block, bool hold)
{
    uint64_t head = 0;
    if (mp_eth_block_number(&W.rpc, &head, NULL) != MP_OK)
        head = 1;
    pthread_mutex_lock(&W.a.mu);
    agg_task *t = &W.a.tasks[W.a.n];
    memset(t, 0, sizeof *t);
    t->id = W.a.n + 1;
    t->identifier = identifier;
    mp_state_l2block_metadata(t->metadata, L2_CHAIN, block);
    t->ref = (uint32_t)(head - 1);
    t->expires = (uint64_t)time(NULL) + 600;
    t->hold = hold;
    W.a.n++;
    uint64_t id = t->id;
    pthread_mutex_unlock(&W.a.mu);
    mp_rpcs_notify(W.a.rpcs, "tasks");
    return id;
}

static agg_task snapshot_task(uint64_t id)
{
    pthread_mutex_lock(&W.a.mu);
    agg_task t = W.a.tasks[id - 1];
    pthread_mutex_unlock(&W.a.mu);
    return t;
}

static bool task_accepted(void *arg)
{
    return snapshot_task((uint64_t)(uintptr_t)arg).accepted;
}

static bool task_submitted(void *arg)
{
    return snapshot_task((uint64_t)(uintptr_t)arg).submissions > 0;
}

static void release_task(uint64_t id)
{
    pthread_mutex_lock(&W.a.mu);
    W.a.tasks[id - 1].hold = false;
    pthread_mutex_unlock(&W.a.mu);
}

/* ---- chain helpers ---- */

static int dev_send(const uint8_t to[20], mp_buf *cd, const uint8_t *value, mp_err *e)
{
    uint8_t sk[32];
    mp_txsend s;
    mp_eth_receipt r;
    MP_TRY(mp_hex_decode_exact(sk, 32, dev_key0, e));
    int rc = mp_txsend_init(&s, &W.rpc, sk, NULL, NULL, e);
    if (rc != MP_OK)
        return rc;
    mp_txreq req = {.to = to, .data = cd ? cd->data : NULL, .data_len = cd ? cd->len : 0};
    if (value)
        memcpy(req.value, value, 32);
    rc = mp_txsend_send(&s, &req, &r, NULL, e);
    if (rc == MP_OK && !r.status)
        rc = MP_FAIL(e, MP_ERR_VERIFY, "dev transaction failed");
    mp_eth_receipt_free(&r);
    mp_txsend_close(&s);
    return rc;
}

static int rpc_simple(mp_rpc *c, const char *method, json_t *params, mp_err *e)
{
    json_t *res;
    MP_TRY(mp_rpc_call(c, method, params, &res, e));
    json_decref(res);
    return MP_OK;
}

static bool live_with(const uint8_t enclave[20])
{
    bool live = false;
    return mp_avs_verify_liveness(&W.rpc, &W.d, W.op_addr, enclave, MP_BLOCK_LATEST, &live, NULL) ==
               MP_OK &&
           live;
}

static int prover_enclave(uint8_t enclave[20])
{
    mp_rpc p;
    json_t *res;
    MP_TRY(mp_rpc_init(&p, W.prover_url, NULL, NULL, NULL));
    int rc = mp_rpc_call(&p, "prover_metadata", json_array(), &res, NULL);
    if (rc == MP_OK) {
        rc = mp_json_get_address(res, "enclaveAddress", enclave, NULL);
        json_decref(res);
    }
    mp_rpc_close(&p);
    return rc;
}

static bool live_with_prover(void *arg)
{
    (void)arg;
    uint8_t enc[20];
    return prover_enclave(enc) == MP_OK && live_with(enc);
}

/* ---- HTTP GET for the node API ---- */

static size_t collect(char *p, size_t size, size_t n, void *user)
{
    mp_buf *b = user;
    return mp_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static long http_get(int port, const char *path, mp_buf *body)
{
    char url[128];
    long code = -1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_easy_init();
    if (h == NULL)
        return -1;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    mp_buf_append(body, "", 1);
    return code;
}

static long service_health(const char *id)
{
    char path[96];
    mp_buf b = MP_BUF_INIT;
    snprintf(path, sizeof path, "/eigen/node/services/%s/health", id);
    long code = http_get(W.api_port, path, &b);
    mp_buf_free(&b);
    return code;
}

static bool prover_reported_down(void *arg)
{
    (void)arg;
    return service_health("prover") == 503;
}

/* ---- starting the daemons ---- */

static void start_prover(void)
{
    char b[300], log[300], listen[40], data[300];
    snprintf(log, sizeof log, "%s/prover.log", W.tmp);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", W.prover_port);
    snprintf(data, sizeof data, "%s/prover", W.tmp);
    const char *argv[] = {bin("mpavs-prover", b, sizeof b),
                          "--listen",
                          listen,
                          "--l2-rpc-url",
                          W.l2.url,
                          "--sim-ca-dir",
                          W.ca,
                          "--data-dir",
                          data,
                          "--profile",
                          "test",
                          "--log-level",
                          "warn",
                          NULL};
    W.prover = spawn(argv, log);
}

static bool prover_up(void *arg)
{
    (void)arg;
    uint8_t enc[20];
    return prover_enclave(enc) == MP_OK;
}

static void start_operator(void)
{
    char b[300], log[300], cfg[300];
    snprintf(log, sizeof log, "%s/operator.log", W.tmp);
    snprintf(cfg, sizeof cfg, "%s/operator.json", W.tmp);
    const char *argv[] = {bin("mpavs-operator", b, sizeof b), "--config", cfg, NULL};
    W.op = spawn(argv, log);
}

static void write_operator_config(void)
{
    char text[3000];
    snprintf(text, sizeof text,
             "{\"data_dir\": \"%s/op\", \"eth_rpc_url\": \"%s\", \"aggregator_url\": \"%s\",\n"
             " \"prover_url\": \"%s\", \"deployment\": \"%s\", \"collateral_dir\": \"%s\",\n"
             " \"ecdsa_keystore\": \"%s/op.json\", \"ecdsa_password_file\": \"%s/pw\",\n"
             " \"bls_keystore\": \"%s/op.bls.json\", \"bls_password_file\": \"%s/pw\",\n"
             " \"identifiers\": [\"1\"], \"node_api\": \"127.0.0.1:%d\","
             " \"metrics\": \"127.0.0.1:%d\",\n"
             " \"liveness_margin\": \"%ds\", \"liveness_check\": \"1s\", \"backoff_initial\": "
             "\"200ms\",\n \"backoff_max\": \"2s\", \"fetch_wait\": \"2s\", \"retry\": \"300ms\","
             " \"shutdown_grace\": \"8s\"}\n",
             W.tmp, W.l1.url, W.a.url, W.prover_url, W.dep_path, W.ca, W.tmp, W.tmp, W.tmp, W.tmp,
             W.api_port, W.metrics_port, MARGIN);
    write_file("operator.json", text);
}

/* ---- the scenarios ---- */

TEST(setup_chains_contracts_prover)
{
    mp_err e;
    mp_anvil_opts l2o = {.chain_id = L2_CHAIN};
    CHECK_OK(mp_anvil_start(&W.l1, NULL, &e), &e);
    CHECK_OK(mp_anvil_start(&W.l2, &l2o, &e), &e);
    if (mp_t->failures)
        return;
    CHECK_OK(mp_rpc_init(&W.rpc, W.l1.url, NULL, NULL, &e), &e);
    W.rpc_ready = true;
    /* L2 blocks to prove */
    mp_rpc l2;
    CHECK_OK(mp_rpc_init(&l2, W.l2.url, NULL, NULL, &e), &e);
    CHECK_OK(rpc_simple(&l2, "anvil_mine", json_pack("[i]", 20), &e), &e);
    mp_rpc_close(&l2);

    char b[300], log[300], key_env[100];
    snprintf(W.ca, sizeof W.ca, "%s/ca", W.tmp);
    snprintf(log, sizeof log, "%s/setup.log", W.tmp);
    const char *init[] = {bin("mpavs", b, sizeof b), "sim-ca", "init", W.ca, NULL};
    CHECK(run(init, log) == 0);
    snprintf(W.dep_path, sizeof W.dep_path, "%s/deployment.json", W.tmp);
    snprintf(key_env, sizeof key_env, "DEPLOYER_PRIVATE_KEY=0x%s", dev_key0);
    putenv(key_env);
    putenv("MPAVS_LIVENESS_VALIDITY_SECONDS=120");
    char script[300], mrenclave[67];
    mp_sgxsim_enclave enc;
    mp_sgxsim_enclave_default(&enc); /* what mpavs-prover --attestation sim reports */
    mp_hex_encode0x(mrenclave, enc.mrenclave, 32);
    snprintf(script, sizeof script, "%s", mp_test_path("scripts/deploy-contracts.sh"));
    const char *dep[] = {script,        "--rpc-url", W.l1.url, "--sim-ca", W.ca,
                         "--mrenclave", mrenclave,   "--out",  W.dep_path, NULL};
    int rc = run(dep, log);
    unsetenv("DEPLOYER_PRIVATE_KEY");
    CHECK(rc == 0);
    if (rc != 0) {
        show_log("setup.log");
        return;
    }
    CHECK_OK(mp_avs_deployment_load(&W.d, W.dep_path, &e), &e);
    CHECK(W.d.has_dcap_policy);
    CHECK_OK(agg_start(&W.a, &e), &e);
    W.prover_port = free_port();
    W.api_port = free_port();
    W.metrics_port = free_port();
    snprintf(W.prover_url, sizeof W.prover_url, "http://127.0.0.1:%d/", W.prover_port);
    start_prover();
    CHECK(wait_for(prover_up, NULL, WAIT_LONG));
    if (mp_t->failures)
        show_log("prover.log");
}

TEST(register_with_the_cli)
{
    CHECK(W.a.http != NULL && W.prover > 0);
    if (mp_t->failures)
        return;
    mp_err e;
    char b[300], log[300], key[300], blskey[300], pw[300];
    snprintf(log, sizeof log, "%s/register.log", W.tmp);
    snprintf(key, sizeof key, "%s/op.json", W.tmp);
    snprintf(blskey, sizeof blskey, "%s/op.bls.json", W.tmp);
    snprintf(pw, sizeof pw, "%s/pw", W.tmp);
    write_file("pw", "test password\n");
    const char *knew[] = {bin("mpavs", b, sizeof b), "key", "new",     "--out", key,
                          "--password-file",         pw,    "--light", NULL};
    const char *bnew[] = {b,  "bls",     "keygen", "--out", blskey, "--password-file",
                          pw, "--light", NULL};
    CHECK(run(knew, log) == 0 && run(bnew, log) == 0);
    CHECK_OK(mp_keystore_eth_address(W.op_addr, key, &e), &e);
    /* gas money and stake tokens from the deployer (the token's owner) */
    uint8_t eth[32], amount[32];
    CHECK_OK(mp_u256_from_dec(eth, "10000000000000000000", &e), &e);
    CHECK_OK(mp_u256_from_dec(amount, "2000000000000000000", &e), &e);
    CHECK_OK(dev_send(W.op_addr, NULL, eth, &e), &e);
    mp_buf cd = MP_BUF_INIT;
    CHECK_OK(mp_abi_put_selector(&cd, "mint(address,uint256)", &e), &e);
    mp_abi_put_address(&cd, W.op_addr);
    mp_abi_put_word(&cd, amount);
    CHECK_OK(dev_send(W.d.stake_token, &cd, NULL, &e), &e);
    mp_buf_free(&cd);
    const char *reg[] = {b,
                         "operator",
                         "register",
                         "--rpc",
                         W.l1.url,
                         "--deployment",
                         W.dep_path,
                         "--ecdsa-key",
                         key,
                         "--ecdsa-password-file",
                         pw,
                         "--bls-key",
                         blskey,
                         "--bls-password-file",
                         pw,
                         "--stake",
                         "2000000000000000000",
                         NULL};
    int rc = run(reg, log);
    CHECK(rc == 0);
    if (rc != 0)
        show_log("register.log");
    CHECK_OK(mp_avs_get_operator_keys(&W.rpc, &W.d, W.op_addr, MP_BLOCK_LATEST, &W.op_key, &e), &e);
    W.registered = mp_t->failures == 0;
}

TEST(attests_and_signs_tasks)
{
    CHECK(W.registered);
    if (!W.registered)
        return;
    write_operator_config();
    start_operator();
    bool live = wait_for(live_with_prover, NULL, WAIT_LONG);
    CHECK(live);
    if (!live) {
        show_log("operator.log");
        return;
    }
    uint64_t t1 = add_task(1, 5, false), t2 = add_task(1, 6, false);
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t1, WAIT_LONG));
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t2, WAIT_LONG));
    /* the state is L2 block 5's (hash, state root), signed by the attested enclave */
    agg_task s = snapshot_task(t1);
    mp_rpc l2;
    mp_eth_block blk;
    mp_err e;
    CHECK_OK(mp_rpc_init(&l2, W.l2.url, NULL, NULL, &e), &e);
    CHECK_OK(mp_eth_get_block_by_number(&l2, 5, &blk, &e), &e);
    mp_rpc_close(&l2);
    uint8_t want[64];
    mp_state_l2block_state(want, blk.hash, blk.state_root);
    CHECK(s.state_len == 64 && memcmp(s.state, want, 64) == 0);
    CHECK(live_with(s.enclave));
    /* the operator's digest is the deployment's */
    mp_state_header h = {.metadata = s.metadata,
                         .metadata_len = 64,
                         .state = s.state,
                         .state_len = 64,
                         .reference_block = s.ref};
    uint8_t local[32], chain[32];
    mp_u256_from_u64(h.identifier, 1);
    mp_state_header_digest(local, &h, W.d.chain_id, W.d.service_manager);
    CHECK_OK(mp_avs_state_header_digest(&W.rpc, &W.d, &h, MP_BLOCK_LATEST, chain, &e), &e);
    CHECK_MEM(local, chain, 32);
    if (mp_t->failures)
        show_log("operator.log");
}

TEST(kill_9_mid_task_and_restart)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    uint64_t t3 = add_task(1, 7, true); /* submissions answered -32603 until released */
    CHECK(wait_for(task_submitted, (void *)(uintptr_t)t3, WAIT_LONG));
    agg_task first = snapshot_task(t3);
    CHECK(stop(&W.op, SIGKILL) == 128 + SIGKILL);
    uint64_t t4 = add_task(1, 8, false); /* arrives while the operator is down */
    release_task(t3);
    start_operator();
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t3, WAIT_LONG));
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t4, WAIT_LONG));
    agg_task after = snapshot_task(t3);
    CHECK(after.submissions >= 2);
    CHECK(after.state_len == first.state_len && memcmp(after.state, first.state, 64) == 0);
    CHECK_MEM(after.bls, first.bls, 64);
    pthread_mutex_lock(&W.a.mu);
    CHECK(W.a.equivocations == 0);
    pthread_mutex_unlock(&W.a.mu);
    if (mp_t->failures)
        show_log("operator.log");
}

TEST(prover_new_key_is_attested_before_its_signature_counts)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    uint8_t old_enc[20], new_enc[20];
    CHECK(prover_enclave(old_enc) == MP_OK);
    CHECK(stop(&W.prover, SIGTERM) == 0);
    start_prover(); /* no sealed key file: a new enclave key */
    CHECK(wait_for(prover_up, NULL, WAIT_LONG));
    CHECK(prover_enclave(new_enc) == MP_OK);
    CHECK(memcmp(old_enc, new_enc, 20) != 0);
    uint64_t t5 = add_task(1, 9, false);
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t5, WAIT_LONG));
    agg_task s = snapshot_task(t5);
    CHECK_MEM(s.enclave, new_enc, 20);
    CHECK(live_with(new_enc));
    pthread_mutex_lock(&W.a.mu);
    CHECK(W.a.not_live == 0); /* no submission went out before the new key was attested */
    CHECK(W.a.bad == 0);
    pthread_mutex_unlock(&W.a.mu);
    if (mp_t->failures)
        show_log("operator.log");
}

TEST(prover_down_then_up)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    CHECK(stop(&W.prover, SIGKILL) == 128 + SIGKILL);
    uint64_t t6 = add_task(1, 10, false);
    CHECK(wait_for(prover_reported_down, NULL, WAIT_LONG));
    CHECK(!snapshot_task(t6).accepted);
    mp_buf b = MP_BUF_INIT;
    CHECK(http_get(W.api_port, "/eigen/node/health", &b) != 200);
    mp_buf_free(&b);
    start_prover();
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)t6, WAIT_LONG));
    CHECK(live_with(snapshot_task(t6).enclave));
    if (mp_t->failures)
        show_log("operator.log");
}

static bool attested_after(void *arg)
{
    mp_avs_liveness lv;
    return mp_avs_get_liveness(&W.rpc, &W.d, W.op_key.id, MP_BLOCK_LATEST, &lv, NULL) == MP_OK &&
           lv.attested_at > *(uint64_t *)arg;
}

TEST(liveness_renewed_before_expiry)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    mp_err e;
    mp_avs_liveness lv, again;
    mp_eth_block head;
    CHECK_OK(mp_avs_get_liveness(&W.rpc, &W.d, W.op_key.id, MP_BLOCK_LATEST, &lv, &e), &e);
    CHECK_OK(mp_eth_get_block_by_number(&W.rpc, MP_BLOCK_LATEST, &head, &e), &e);
    CHECK(lv.validity == VALIDITY && lv.live_until > head.timestamp);
    /* move the chain's clock to 40 s before expiry: inside the operator's 60 s margin */
    if (lv.live_until > head.timestamp + 40) {
        uint64_t jump = lv.live_until - head.timestamp - 40;
        CHECK_OK(rpc_simple(&W.rpc, "evm_increaseTime", json_pack("[I]", (json_int_t)jump), &e),
                 &e);
        CHECK_OK(rpc_simple(&W.rpc, "evm_mine", json_array(), &e), &e);
    }
    CHECK(wait_for(attested_after, &lv.attested_at, WAIT_LONG));
    CHECK_OK(mp_avs_get_liveness(&W.rpc, &W.d, W.op_key.id, MP_BLOCK_LATEST, &again, &e), &e);
    CHECK(again.attested_at < lv.live_until); /* renewed while still live: no gap */
    CHECK_MEM(again.enclave, lv.enclave, 20);
    if (mp_t->failures)
        show_log("operator.log");
}

TEST(skips_bad_tasks_and_garbage)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    pthread_mutex_lock(&W.a.mu);
    W.a.garbage_fetches = 2;
    pthread_mutex_unlock(&W.a.mu);
    uint64_t bad = add_task(2, 11, false), good = add_task(1, 12, false);
    CHECK(wait_for(task_accepted, (void *)(uintptr_t)good, WAIT_LONG));
    CHECK(snapshot_task(bad).submissions == 0);
}

TEST(node_api_and_metrics)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    mp_buf b = MP_BUF_INIT;
    CHECK(http_get(W.api_port, "/eigen/node", &b) == 200);
    CHECK(strstr((char *)b.data, "\"node_name\":\"mpavs-operator\"") != NULL);
    CHECK(strstr((char *)b.data, "\"spec_version\":\"v0.0.1\"") != NULL);
    mp_buf_free(&b);
    CHECK(http_get(W.api_port, "/eigen/node/services", &b) == 200);
    CHECK(strstr((char *)b.data, "{\"id\":\"liveness\"") != NULL);
    mp_buf_free(&b);
    CHECK(service_health("liveness") == 200);
    CHECK(service_health("prover") == 200);
    CHECK(service_health("aggregator") == 200);
    CHECK(service_health("l1-rpc") == 200);
    CHECK(service_health("nope") == 404);
    CHECK(http_get(W.api_port, "/eigen/node/health", &b) == 200);
    mp_buf_free(&b);
    CHECK(http_get(W.metrics_port, "/metrics", &b) == 200);
    const char *m = (const char *)b.data;
    CHECK(strstr(m, "mpavs_operator_tasks_total{event=\"acked\"}") != NULL);
    CHECK(strstr(m, "mpavs_operator_tasks_total{event=\"failed\"} 1") != NULL);
    CHECK(strstr(m, "mpavs_operator_liveness_proofs_total{result=\"sent\"}") != NULL);
    CHECK(strstr(m, "eigen_performance_score 100") != NULL);
    CHECK(strstr(m, "eigen_registered_stakes{quorum_number=\"0\"} 2") != NULL);
    CHECK(strstr(m, "eigen_rpc_request_total{method=\"eth_call\",client_version=\"anvil/") != NULL);
    CHECK(strstr(m, "mpavs_operator_errors_total{source=\"prover\"}") != NULL);
    CHECK(strstr(m, "mpavs_operator_errors_total{source=\"bad_aggregator_answer\"} 2") != NULL);
    mp_buf_free(&b);
}

TEST(sigterm_exits_cleanly)
{
    CHECK(W.op > 0);
    if (W.op <= 0)
        return;
    CHECK(stop(&W.op, SIGTERM) == 0);
    char path[300];
    snprintf(path, sizeof path, "%s/operator.log", W.tmp);
    size_t len;
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    char *text = malloc(1 << 22);
    len = fread(text, 1, (1 << 22) - 1, f);
    text[len] = 0;
    fclose(f);
    /* no secret in the logs: neither password nor key material */
    CHECK(strstr(text, "test password") == NULL);
    free(text);
    /* `mpavs operator status` reads the chain and the stopped daemon's store */
    char b[300], log[300], addr[43], data[300];
    mp_hex_encode0x(addr, W.op_addr, 20);
    snprintf(log, sizeof log, "%s/status.json", W.tmp);
    snprintf(data, sizeof data, "%s/op", W.tmp);
    const char *argv[] = {bin("mpavs", b, sizeof b),
                          "operator",
                          "status",
                          "--rpc",
                          W.l1.url,
                          "--deployment",
                          W.dep_path,
                          "--operator",
                          addr,
                          "--data-dir",
                          data,
                          NULL};
    CHECK(run(argv, log) == 0);
    json_t *j = json_load_file(log, 0, NULL);
    CHECK(j != NULL);
    const char *status = json_string_value(json_object_get(j, "status"));
    CHECK(status && strcmp(status, "REGISTERED") == 0);
    CHECK(json_is_true(json_object_get(json_object_get(j, "liveness"), "live")));
    json_t *last = json_object_get(json_object_get(j, "lastTaskAcked"), "taskId");
    CHECK(json_is_integer(last) && json_integer_value(last) >= 1);
    json_decref(j);
}

static void cleanup(void)
{
    stop(&W.op, SIGKILL);
    stop(&W.prover, SIGKILL);
    agg_stop(&W.a);
    if (W.rpc_ready)
        mp_rpc_close(&W.rpc);
    mp_anvil_stop(&W.l2);
    mp_anvil_stop(&W.l1);
    if (getenv("MPAVS_KEEP_LOGS") == NULL && W.tmp[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", W.tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", W.tmp);
    } else if (W.tmp[0]) {
        printf("# logs kept in %s\n", W.tmp);
    }
    curl_global_cleanup();
}

static const mp_test_case tests[] = {
    MP_TEST(setup_chains_contracts_prover),
    MP_TEST(register_with_the_cli),
    MP_TEST(attests_and_signs_tasks),
    MP_TEST(kill_9_mid_task_and_restart),
    MP_TEST(prover_new_key_is_attested_before_its_signature_counts),
    MP_TEST(prover_down_then_up),
    MP_TEST(liveness_renewed_before_expiry),
    MP_TEST(skips_bad_tasks_and_garbage),
    MP_TEST(node_api_and_metrics),
    MP_TEST(sigterm_exits_cleanly),
};

int main(int argc, char **argv)
{
    const char *t = getenv("TMPDIR");
    snprintf(W.tmp, sizeof W.tmp, "%s/mpavs-operator-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(W.tmp) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = mp_test_main("operator", tests, sizeof tests / sizeof tests[0], argc, argv);
    cleanup();
    return rc;
}
