/*
** test_aggregator.c: mpavs-aggregator against a real anvil L1 (the devnet
** contracts, avsworld.h) and a second anvil as the L2 node. The test plays
** the operators: it fetches tasks over JSON-RPC, signs them (BLS over the
** header digest, the enclave key over the prover digest) and submits.
**
**   - tasks are issued every block_interval L2 blocks; fetchTask long-polls
**     until one appears;
**   - every rejection of docs/protocol.md 8.2 comes with its code: malformed
**     JSON, invalid params, unknown task, header mismatch, unregistered
**     operator, invalid BLS signature, wrong prover signature, non-live
**     operator, equivocation; a repeat is a duplicate;
**   - good and bad submissions checked together (sent at once, or in one
**     JSON-RPC batch) each get their own answer; an operator whose BLS
**     signature failed is then checked alone;
**   - kill -9 with two of five signatures accepted (below the 50% threshold),
**     restart: both are still there, a third confirms the state on chain
**     exactly once, a fourth is refused as too late;
**   - a state confirmed by someone else first is detected and not resent;
**   - a task nobody answers expires with its reason;
**   - identifier 2: a BatchCommitted event becomes a task once 2 blocks deep;
**     an L1 reorg (evm_snapshot/evm_revert) marks it "reorged" and the batch
**     committed on the new chain becomes a task that is confirmed;
**   - the status page, rendered by headless chromium, shows all of it;
**   - SIGTERM stops the daemon with status 0;
**   - a second instance limited to 2 requests/s per client answers -32009.
*/
#include "anvil.h"
#include "avsworld.h"
#include "httpc.h"
#include "mpavs/abi.h"
#include "mpavs/aggregate.h"
#include "mpavs/bls.h"
#include "mpavs/ethrpc.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/keystore.h"
#include "mpavs/mem.h"
#include "mpavs/store.h"
#include "mpavs/u256.h"
#include "test.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#define N_LIVE         4 /* operators 0-3: registered and live */
#define OP_NOT_LIVE    4 /* registered, never attested */
#define OP_STRANGER    5 /* staked, never registered */
#define BLOCK_INTERVAL 5

static mp_avsw W;
static mp_anvil L2;
static mp_rpc agg; /* JSON-RPC client of the aggregator */
static bool agg_ready;
static pid_t agg_pid;
static int agg_port;
static char cfg_path[400], log_path[400], data_dir[400];
static bool world_ok;
static uint64_t last_task; /* highest task id seen */

/* ---- the daemon ---- */

static int write_config(mp_err *e)
{
    char ks[400], pw[400];
    uint8_t sk[32];
    snprintf(ks, sizeof ks, "%s/submitter.json", W.tmp);
    snprintf(pw, sizeof pw, "%s/password", W.tmp);
    snprintf(data_dir, sizeof data_dir, "%s/agg-data", W.tmp);
    snprintf(cfg_path, sizeof cfg_path, "%s/aggregator.json", W.tmp);
    snprintf(log_path, sizeof log_path, "%s/aggregator.log", W.tmp);
    MP_TRY(mp_hex_decode_exact(sk, 32, mp_avsw_dev_key1, e));
    mp_keystore_params light = MP_KEYSTORE_LIGHT;
    MP_TRY(mp_keystore_eth_write(ks, sk, "test password", &light, e));
    FILE *f = fopen(pw, "w");
    if (f == NULL)
        return MP_FAIL(e, MP_ERR_IO, "cannot write the password file");
    fputs("test password\n", f);
    fclose(f);
    chmod(pw, 0600);
    agg_port = mp_test_free_port();
    f = fopen(cfg_path, "w");
    if (f == NULL)
        return MP_FAIL(e, MP_ERR_IO, "cannot write the config");
    fprintf(f,
            "{\"rpc_url\": \"%s\", \"deployment\": \"%s\", \"keystore\": \"%s\",\n"
            " \"keystore_password_file\": \"%s\", \"listen\": \"127.0.0.1:%d\",\n"
            " \"l2_rpc_url\": \"%s\", \"block_interval\": %d, \"poll_interval\": \"200ms\",\n"
            " \"task_ttl\": \"60s\", \"data_dir\": \"%s\", \"log_format\": \"text\"}\n",
            W.anvil.url, W.deployment, ks, pw, agg_port, L2.url, BLOCK_INTERVAL, data_dir);
    fclose(f);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", agg_port);
    mp_rpc_opts o = MP_RPC_OPTS_DEFAULT;
    o.timeout_ms = 70000; /* long polls */
    o.retries = 0;
    MP_TRY(mp_rpc_init(&agg, url, &o, NULL, e));
    agg_ready = true;
    return MP_OK;
}

/* Flags added to the daemon's command line (NULL-terminated; NULL for none). */
static const char *const *agg_extra;

/* Starts the daemon (output appended to log_path) and waits for its node API. */
static int agg_start(mp_err *e)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s/mpavs-aggregator", mp_avsw_bin_dir());
    fflush(NULL);
    agg_pid = fork();
    if (agg_pid < 0)
        return MP_FAIL(e, MP_ERR_IO, "fork failed");
    if (agg_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives the test */
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        const char *argv[16] = {bin, "--config", cfg_path};
        int n = 3;
        for (; agg_extra && agg_extra[n - 3] && n < 15; n++)
            argv[n] = agg_extra[n - 3];
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        httpc_reply r = httpc_send((uint16_t)agg_port, "GET", "/eigen/node/health", NULL, 0, false);
        long st = r.status;
        httpc_free(&r);
        if (st == 200)
            return MP_OK;
        int status;
        if (waitpid(agg_pid, &status, WNOHANG) == agg_pid) {
            agg_pid = 0;
            mp_avsw_show_log(log_path);
            return MP_FAIL(e, MP_ERR_IO, "mpavs-aggregator exited at start");
        }
        usleep(100 * 1000);
    }
    return MP_FAIL(e, MP_ERR_TIMEOUT, "mpavs-aggregator did not answer");
}

/* Sends sig and reaps; returns the exit status (128 + signal when killed). */
static int agg_signal(int sig)
{
    if (agg_pid <= 0)
        return -1;
    int status = 0;
    kill(agg_pid, sig);
    for (int i = 0; i < 300 && waitpid(agg_pid, &status, WNOHANG) != agg_pid; i++)
        usleep(100 * 1000);
    if (kill(agg_pid, 0) == 0) {
        kill(agg_pid, SIGKILL);
        waitpid(agg_pid, &status, 0);
    }
    agg_pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- JSON-RPC ---- */

/* Calls method; on a JSON-RPC error *code gets its code (0 on success). */
static int call(const char *method, json_t *params, json_t **res, long long *code)
{
    mp_err e;
    *res = NULL;
    int rc = mp_rpc_call(&agg, method, params, res, &e);
    *code = rc == MP_OK ? 0 : mp_rc_detail(rc) == MP_RPC_ERROR_OBJECT ? agg.last_error.code : 1;
    if (rc != MP_OK && *code != 1)
        printf("# %s: %lld %s\n", method, *code, agg.last_error.message);
    else if (rc != MP_OK)
        printf("# %s: %s\n", method, e.msg);
    return rc;
}

typedef struct task {
    uint64_t id, identifier;
    uint32_t ref;
    uint8_t metadata[128];
    size_t metadata_len;
} task;

static int mine_l2(unsigned n, mp_err *e)
{
    mp_rpc l2;
    json_t *res;
    MP_TRY(mp_rpc_init(&l2, L2.url, NULL, NULL, e));
    int rc = mp_rpc_call(&l2, "anvil_mine", json_pack("[I]", (json_int_t)n), &res, e);
    if (rc == MP_OK)
        json_decref(res);
    mp_rpc_close(&l2);
    return rc;
}

/* The next task after last_task (long poll of up to wait_s seconds). */
static bool fetch_id(mp_test_ctx *mp_t, task *t, int wait_s, int identifier)
{
    json_t *res;
    long long code;
    mp_err e;
    int rc = call("aggregator_fetchTask",
                  json_pack("[{s:[i], s:I, s:i}]", "identifiers", identifier, "afterTaskId",
                            (json_int_t)last_task, "maxWaitSeconds", wait_s),
                  &res, &code);
    CHECK(rc == MP_OK);
    if (rc != MP_OK)
        return false;
    json_t *tasks = json_object_get(res, "tasks"), *x = json_array_get(tasks, 0);
    bool ok = x != NULL;
    if (ok) {
        uint64_t ref = 0;
        CHECK_OK(mp_json_get_u64(x, "taskId", 1, INT64_MAX, &t->id, &e), &e);
        CHECK_OK(mp_json_get_u64(x, "identifier", 1, 2, &t->identifier, &e), &e);
        CHECK(t->identifier == (uint64_t)identifier);
        CHECK_OK(mp_json_get_u64(x, "referenceBlockNumber", 0, UINT32_MAX, &ref, &e), &e);
        CHECK_OK(mp_json_get_hex_max(x, "metadata", MP_JSON_0X, t->metadata, 0, 128,
                                     &t->metadata_len, &e),
                 &e);
        t->ref = (uint32_t)ref;
        last_task = t->id;
    }
    json_decref(res);
    return ok;
}

static bool fetch(mp_test_ctx *mp_t, task *t, int wait_s)
{
    return fetch_id(mp_t, t, wait_s, 1);
}

/* What operator i sends for state (64 bytes) of t. */
static json_t *submission_n(const task *t, int i, const uint8_t *state, size_t state_len)
{
    mp_avsw_task at = {t->id, t->identifier, t->ref, t->metadata, t->metadata_len};
    return mp_avsw_submission(&W, &W.ops[i], &at, state, state_len);
}

static json_t *submission(const task *t, int i, const uint8_t state[64])
{
    return submission_n(t, i, state, 64);
}

/* Submits s (stolen); returns the JSON-RPC error code, 0 when accepted; *dup set. */
static long long submit(json_t *s, bool *dup)
{
    json_t *res;
    long long code;
    call("aggregator_submitTask", json_pack("[o]", s), &res, &code);
    if (dup)
        *dup = json_is_true(json_object_get(res, "duplicate"));
    json_decref(res);
    return code;
}

static void random_state(mp_test_ctx *mp_t, uint8_t state[64])
{
    uint8_t a[32], b[32];
    mp_test_rand_bytes(mp_t, a, 32);
    mp_test_rand_bytes(mp_t, b, 32);
    mp_state_l2block_state(state, a, b);
}

/* aggregator_getTask; the status string into out. */
static json_t *get_task(uint64_t id)
{
    json_t *res;
    long long code;
    call("aggregator_getTask", json_pack("[{s:I}]", "taskId", (json_int_t)id), &res, &code);
    return res;
}

/* Waits (up to 90 s) until task id leaves open/confirming; returns its status. */
static const char *wait_closed(uint64_t id, char *buf, size_t cap)
{
    snprintf(buf, cap, "timeout");
    for (int i = 0; i < 900; i++) {
        json_t *t = get_task(id);
        const char *st = json_string_value(json_object_get(t, "status"));
        if (st && strcmp(st, "open") && strcmp(st, "confirming")) {
            snprintf(buf, cap, "%s", st);
            json_decref(t);
            return buf;
        }
        json_decref(t);
        usleep(100 * 1000);
    }
    return buf;
}

static void confirmed_hash(mp_test_ctx *mp_t, const task *t, uint8_t out[32])
{
    mp_err e;
    uint8_t id[32];
    mp_u256_from_u64(id, t->identifier);
    CHECK_OK(mp_avs_confirmed_state_hash(&W.rpc, &W.d, id, t->metadata, t->metadata_len,
                                         MP_BLOCK_LATEST, out, &e),
             &e);
}

/* ---- tests ---- */

TEST(devnet_and_daemon_start)
{
    mp_err e;
    /* Five registered operators of equal stake: 3 signers (60%) pass, 2 (40%) do not. */
    const char *env[] = {"MPAVS_THRESHOLD_PERCENT=50", NULL};
    CHECK_OK(mp_avsw_deploy(&W, env, &e), &e);
    for (int i = 0; i <= OP_STRANGER && mp_t->failures == 0; i++) {
        CHECK_OK(mp_avsw_operator_new(&W, &W.ops[i], &e), &e);
        if (i != OP_STRANGER)
            CHECK_OK(mp_avsw_register(&W, &W.ops[i], i, &e), &e);
        if (i < N_LIVE)
            CHECK_OK(mp_avsw_submit_proof(&W, &W.ops[i], i, NULL, &e), &e);
    }
    CHECK_OK(write_config(&e), &e);
    CHECK_OK(agg_start(&e), &e);
    world_ok = mp_t->failures == 0;
}

TEST(fetch_task_long_polls_until_a_task_is_issued)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    mp_err e;
    task t;
    /* Nothing to fetch yet (the L2 is at block 0): an empty answer after the wait. */
    json_t *res;
    long long code;
    CHECK(call("aggregator_fetchTask",
               json_pack("[{s:I, s:i}]", "afterTaskId", (json_int_t)0, "maxWaitSeconds", 1), &res,
               &code) == MP_OK);
    CHECK(json_array_size(json_object_get(res, "tasks")) == 0);
    json_decref(res);
    /* L2 block 5 appears while a long poll waits: it returns with the task. */
    CHECK_OK(mine_l2(BLOCK_INTERVAL, &e), &e);
    CHECK(fetch(mp_t, &t, 30));
    CHECK(t.identifier == 1 && t.metadata_len == 64);
    uint8_t want[64];
    mp_state_l2block_metadata(want, W.d.l2_chain_id, BLOCK_INTERVAL);
    CHECK_MEM(t.metadata, want, 64);
    uint64_t head;
    CHECK_OK(mp_eth_block_number(&W.rpc, &head, &e), &e);
    CHECK(t.ref < head);
}

/* The task every other test works on: issued for the next L2 interval. */
static bool next_task(mp_test_ctx *mp_t, task *t)
{
    mp_err e;
    CHECK_OK(mine_l2(BLOCK_INTERVAL, &e), &e);
    return fetch(mp_t, t, 30);
}

static task T1;        /* rejections, kill -9, confirmation */
static uint8_t S1[64]; /* the honest state of T1 */

TEST(submissions_rejected_with_their_reason)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    CHECK(next_task(mp_t, &T1));
    random_state(mp_t, S1);
    /* Malformed JSON and invalid params (raw HTTP). */
    httpc_reply r = httpc_send((uint16_t)agg_port, "POST", "/", "{not json", 9, false);
    CHECK(r.status == 200 && strstr(r.body, "-32700") != NULL);
    httpc_free(&r);
    const char *bad = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_submitTask\","
                      "\"params\":[{\"taskId\":1}]}";
    r = httpc_send((uint16_t)agg_port, "POST", "/", bad, strlen(bad), false);
    CHECK(r.status == 200 && strstr(r.body, "-32602") != NULL);
    httpc_free(&r);
    /* A task never issued. */
    task never = T1;
    never.id = 999999;
    CHECK(submit(submission(&never, 0, S1), NULL) == -32001);
    /* The header differs from the task's. */
    task wrong = T1;
    wrong.ref = T1.ref - 1;
    CHECK(submit(submission(&wrong, 0, S1), NULL) == -32002);
    /* An operator that never registered. */
    CHECK(submit(submission(&T1, OP_STRANGER, S1), NULL) == -32003);
    /* Operator 1's BLS signature sent as operator 0's. */
    json_t *s = submission(&T1, 0, S1), *s1 = submission(&T1, 1, S1);
    json_object_set(s, "blsSignature", json_object_get(s1, "blsSignature"));
    json_decref(s1);
    CHECK(submit(s, NULL) == -32004);
    /* A prover signature by another enclave than the one named. */
    s = submission(&T1, 0, S1);
    s1 = submission(&T1, 1, S1);
    json_object_set(s, "proverSignature", json_object_get(s1, "proverSignature"));
    json_decref(s1);
    CHECK(submit(s, NULL) == -32005);
    /* Registered but never attested. */
    CHECK(submit(submission(&T1, OP_NOT_LIVE, S1), NULL) == -32006);
}

TEST(accepted_duplicate_and_equivocation)
{
    CHECK(world_ok && T1.id);
    if (!world_ok || !T1.id)
        return;
    bool dup = true;
    CHECK(submit(submission(&T1, 0, S1), &dup) == 0 && !dup);
    CHECK(submit(submission(&T1, 0, S1), &dup) == 0 && dup);
    CHECK(submit(submission(&T1, 1, S1), &dup) == 0 && !dup);
    uint8_t other[64];
    random_state(mp_t, other);
    CHECK(submit(submission(&T1, 1, other), NULL) == -32007);
    json_t *t = get_task(T1.id);
    CHECK_STR(json_string_value(json_object_get(t, "status")), "open");
    CHECK(json_integer_value(json_object_get(t, "responses")) == 2);
    json_decref(t);
}

/* One request's body for submission s (stolen), with id. */
static char *request_text(json_t *s, int id)
{
    json_t *req = json_pack("{s:s, s:i, s:s, s:[o]}", "jsonrpc", "2.0", "id", id, "method",
                            "aggregator_submitTask", "params", s);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return text;
}

/* A task's submissions: operators 0 and 1 honest (two of five, below the
 * threshold), operator 2 with operator 3's BLS signature, operator 3 with
 * operator 0's prover signature; want[i] is each one's expected code. */
static void mixed_submissions(const task *t, const uint8_t state[64], json_t *subs[4])
{
    static const int ops[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++)
        subs[i] = submission(t, ops[i], state);
    json_t *o3 = submission(t, 3, state);
    json_object_set(subs[2], "blsSignature", json_object_get(o3, "blsSignature"));
    json_decref(o3);
    json_object_set(subs[3], "proverSignature", json_object_get(subs[0], "proverSignature"));
}

static const long long mixed_want[4] = {0, 0, -32004, -32005};

static long long reply_code(const json_t *r)
{
    json_t *e = json_object_get(r, "error");
    if (e)
        return json_integer_value(json_object_get(e, "code"));
    return json_is_true(json_object_get(json_object_get(r, "result"), "accepted")) ? 0 : 1;
}

typedef struct sender {
    char *body;
    httpc_reply reply;
} sender;

static void *send_one(void *arg)
{
    sender *x = arg;
    x->reply = httpc_send((uint16_t)agg_port, "POST", "/", x->body, strlen(x->body), false);
    return NULL;
}

/* The value of a /metrics series (name with labels), -1 when absent. */
static double metric(const char *series)
{
    httpc_reply r = httpc_send((uint16_t)agg_port, "GET", "/metrics", NULL, 0, false);
    double v = -1;
    size_t n = strlen(series);
    for (const char *p = r.body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            v = atof(p + n + 1);
    httpc_free(&r);
    return v;
}

/* Submissions checked together (one BLS batch, one commit) still get their own
 * answers: sent at once on four connections (answered from the pipeline), and
 * as one JSON-RPC batch (answered by the server thread that waits for them). */
TEST(concurrent_and_batched_submissions_each_get_their_answer)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    task t;
    uint8_t state[64];
    json_t *subs[4];
    sender x[4];
    pthread_t th[4];
    CHECK(next_task(mp_t, &t));
    random_state(mp_t, state);
    mixed_submissions(&t, state, subs);
    for (int i = 0; i < 4; i++)
        x[i].body = request_text(subs[i], i + 1);
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, send_one, &x[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        json_t *r = json_loads(x[i].reply.body ? x[i].reply.body : "", 0, NULL);
        CHECK(x[i].reply.status == 200 && json_integer_value(json_object_get(r, "id")) == i + 1);
        CHECK(reply_code(r) == mixed_want[i]);
        json_decref(r);
        httpc_free(&x[i].reply);
        free(x[i].body);
    }
    json_t *got = get_task(t.id);
    CHECK(json_integer_value(json_object_get(got, "responses")) == 2);
    json_decref(got);
    /* the same mix for another task in one JSON-RPC batch; operators 0 and 2 sent a bad BLS
     * signature before, so theirs are now checked alone, outside the batch */
    double alone = metric("mpavs_aggregator_batches_total{kind=\"bls_alone\"}");
    CHECK(next_task(mp_t, &t));
    mixed_submissions(&t, state, subs);
    json_t *batch = json_array();
    for (int i = 0; i < 4; i++)
        json_array_append_new(batch,
                              json_pack("{s:s, s:i, s:s, s:[o]}", "jsonrpc", "2.0", "id", i + 1,
                                        "method", "aggregator_submitTask", "params", subs[i]));
    char *text = json_dumps(batch, JSON_COMPACT);
    json_decref(batch);
    httpc_reply r = httpc_send((uint16_t)agg_port, "POST", "/", text, strlen(text), false);
    free(text);
    json_t *answers = json_loads(r.body ? r.body : "", 0, NULL);
    CHECK(r.status == 200 && json_array_size(answers) == 4);
    for (size_t i = 0; i < json_array_size(answers); i++) {
        json_t *a = json_array_get(answers, i);
        long long id = json_integer_value(json_object_get(a, "id"));
        CHECK(id >= 1 && id <= 4 && reply_code(a) == mixed_want[id - 1]);
    }
    json_decref(answers);
    httpc_free(&r);
    got = get_task(t.id);
    CHECK(json_integer_value(json_object_get(got, "responses")) == 2);
    json_decref(got);
    CHECK(metric("mpavs_aggregator_batches_total{kind=\"bls_alone\"}") >= alone + 2);
}

TEST(kill_9_keeps_signatures_and_confirms_once)
{
    CHECK(world_ok && T1.id);
    if (!world_ok || !T1.id)
        return;
    mp_err e;
    CHECK(agg_signal(SIGKILL) == 128 + SIGKILL);
    CHECK_OK(agg_start(&e), &e);
    /* Both signatures survived: 2 of 5 is below 50%, the task is open. */
    json_t *t = get_task(T1.id);
    CHECK_STR(json_string_value(json_object_get(t, "status")), "open");
    CHECK(json_integer_value(json_object_get(t, "responses")) == 2);
    json_decref(t);
    bool dup = false;
    CHECK(submit(submission(&T1, 0, S1), &dup) == 0 && dup);
    /* The third signature reaches the threshold: confirmed on chain. */
    CHECK(submit(submission(&T1, 2, S1), &dup) == 0 && !dup);
    char st[32];
    CHECK_STR(wait_closed(T1.id, st, sizeof st), "confirmed");
    uint8_t got[32], want[32];
    confirmed_hash(mp_t, &T1, got);
    mp_keccak256(want, S1, 64);
    CHECK_MEM(got, want, 32);
    t = get_task(T1.id);
    CHECK(json_is_string(json_object_get(t, "txHash")));
    CHECK(json_integer_value(json_object_get(t, "gasUsed")) > 0);
    json_decref(t);
    /* Too late now. */
    CHECK(submit(submission(&T1, 3, S1), NULL) == -32008);
    /* Exactly one submission row for the task, three responses on disk. */
    char path[512];
    snprintf(path, sizeof path, "%s/aggregator.db", data_dir);
    mp_store *db;
    mp_store_opts ro = {.read_only = true};
    CHECK_OK(mp_store_open(&db, path, &ro, &e), &e);
    sqlite3_stmt *q;
    bool row = false;
    CHECK_OK(mp_store_prepare(db,
                              "SELECT (SELECT count(*) FROM submission WHERE task_id = ?1),"
                              " (SELECT count(*) FROM response WHERE task_id = ?1)",
                              &q, &e),
             &e);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)T1.id);
    CHECK_OK(mp_store_step(db, q, &row, &e), &e);
    CHECK(row && sqlite3_column_int(q, 0) == 1 && sqlite3_column_int(q, 1) == 3);
    if (row)
        sqlite3_reset(q);
    mp_store_close(db);
}

TEST(state_confirmed_by_someone_else_is_not_resent)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    mp_err e;
    task t;
    uint8_t state[64];
    CHECK(next_task(mp_t, &t));
    random_state(mp_t, state);
    /* Another aggregator (this test) confirms first, with operators 0-2. */
    mp_state_header h = {.metadata = t.metadata,
                         .metadata_len = t.metadata_len,
                         .state = state,
                         .state_len = 64,
                         .reference_block = t.ref};
    mp_u256_from_u64(h.identifier, t.identifier);
    mp_agg_digests dg;
    mp_agg_digests_of(&dg, &h, W.d.chain_id, W.d.service_manager);
    mp_avs_committee c;
    mp_agg_committee_state cs;
    CHECK_OK(mp_avs_get_committee(&W.rpc, &W.d, 1, MP_BLOCK_LATEST, &c, &e), &e);
    CHECK_OK(mp_agg_committee_load(&cs, &W.rpc, &W.d, &c, t.ref, &e), &e);
    mp_checksig_signer sg[3];
    for (int i = 0; i < 3; i++) {
        memcpy(sg[i].id, W.ops[i].key.id, 32);
        mp_bls_sign(&sg[i].sig, &W.ops[i].bls, dg.header);
    }
    mp_checksig_params p;
    mp_buf cd = MP_BUF_INIT;
    CHECK_OK(mp_agg_build_params(&p, &W.rpc, &W.d, &cs, sg, 3, &e), &e);
    CHECK_OK(mp_checksig_confirm_calldata(&cd, &h, &p, &e), &e);
    mp_checksig_params_free(&p);
    mp_agg_committee_free(&cs);
    CHECK_OK(mp_avsw_send_ok(&W.dev, W.d.service_manager, &cd, &e), &e);
    /* Then the operators answer the aggregator. */
    for (int i = 0; i < 3; i++)
        CHECK(submit(submission(&t, i, state), NULL) == 0);
    char st[32];
    CHECK_STR(wait_closed(t.id, st, sizeof st), "confirmed_elsewhere");
    json_t *j = get_task(t.id);
    CHECK(json_object_get(j, "txHash") == NULL);
    json_decref(j);
}

TEST(unanswered_task_expires_with_reason)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    task t;
    CHECK(next_task(mp_t, &t));
    char st[32];
    CHECK_STR(wait_closed(t.id, st, sizeof st), "expired"); /* task_ttl 60 s */
    json_t *j = get_task(t.id);
    const char *reason = json_string_value(json_object_get(j, "reason"));
    CHECK(reason && strstr(reason, "no valid responses") != NULL);
    json_decref(j);
}

static int l1_call(const char *method, json_t *params, json_t **res, mp_err *e)
{
    return mp_rpc_call(&W.rpc, method, params, res, e);
}

static int commit_batch(const uint8_t hash[32], uint64_t first, uint64_t last, mp_err *e)
{
    mp_buf cd = MP_BUF_INIT;
    MP_TRY(mp_abi_put_selector(&cd, "commitBatch(bytes32,uint64,uint64)", e));
    mp_abi_put_word(&cd, hash);
    mp_abi_put_u64(&cd, first);
    mp_abi_put_u64(&cd, last);
    MP_TRY(mp_avsw_send_ok(&W.dev, W.d.mock_rollup, &cd, e));
    json_t *res;
    MP_TRY(l1_call("anvil_mine", json_pack("[i]", 3), &res, e)); /* past the 2 confirmations */
    json_decref(res);
    return MP_OK;
}

static const char *task_status(uint64_t id, char *buf, size_t cap)
{
    json_t *t = get_task(id);
    const char *st = json_string_value(json_object_get(t, "status"));
    snprintf(buf, cap, "%s", st ? st : "?");
    json_decref(t);
    return buf;
}

TEST(batch_tasks_follow_the_rollup_and_its_reorgs)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    mp_err e;
    json_t *res = NULL;
    uint8_t hash_a[32], hash_b[32], meta[128];
    mp_test_rand_bytes(mp_t, hash_a, 32);
    mp_test_rand_bytes(mp_t, hash_b, 32);
    /* Batch 0 = L2 blocks 1..5, then an L1 reorg replaces it with blocks 1..7. */
    CHECK_OK(l1_call("evm_snapshot", json_array(), &res, &e), &e);
    json_t *snap = res;
    CHECK_OK(commit_batch(hash_a, 1, 5, &e), &e);
    task a = {0}, b = {0};
    CHECK(fetch_id(mp_t, &a, 30, 2));
    mp_state_l2batch_metadata(meta, W.d.l2_chain_id, 0, 1, 5);
    CHECK(a.metadata_len == 128 && memcmp(a.metadata, meta, 128) == 0);
    CHECK_OK(l1_call("evm_revert", json_pack("[O]", snap), &res, &e), &e);
    json_decref(res);
    json_decref(snap);
    W.dev.nonce_known = false; /* its last transaction is gone */
    CHECK_OK(l1_call("anvil_mine", json_pack("[i]", 8), &res, &e), &e);
    json_decref(res);
    CHECK_OK(commit_batch(hash_b, 1, 7, &e), &e);
    CHECK(fetch_id(mp_t, &b, 30, 2));
    mp_state_l2batch_metadata(meta, W.d.l2_chain_id, 0, 1, 7);
    CHECK(b.id > a.id && b.metadata_len == 128 && memcmp(b.metadata, meta, 128) == 0);
    char st[32];
    for (int i = 0; i < 100 && strcmp(task_status(a.id, st, sizeof st), "reorged") != 0; i++)
        usleep(100 * 1000);
    CHECK_STR(st, "reorged");
    /* The new batch's state (its hash as committed) is confirmed through the validator. */
    uint8_t state[96], prev[32], post[32];
    mp_test_rand_bytes(mp_t, prev, 32);
    mp_test_rand_bytes(mp_t, post, 32);
    mp_state_l2batch_state(state, prev, post, hash_b);
    for (int i = 0; i < 3; i++)
        CHECK(submit(submission_n(&b, i, state, sizeof state), NULL) == 0);
    CHECK_STR(wait_closed(b.id, st, sizeof st), "confirmed");
}

TEST(metrics_and_node_api)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    httpc_reply r = httpc_send((uint16_t)agg_port, "GET", "/metrics", NULL, 0, false);
    CHECK(r.status == 200);
    /* Since the restart: operator 2 for the first task, operators 0-2 for the second and for
     * the batch. */
    CHECK(r.body && strstr(r.body, "mpavs_aggregator_submissions_total{result=\"accepted\"} 7"));
    CHECK(r.body && strstr(r.body, "mpavs_aggregator_submissions_total{result=\"duplicate\"} 1"));
    CHECK(r.body &&
          strstr(r.body, "mpavs_aggregator_confirmations_total{outcome=\"confirmed\"} 2"));
    CHECK(r.body && strstr(r.body, "{outcome=\"confirmed_elsewhere\"} 1"));
    if (mp_t->failures)
        printf("# %.3000s\n", r.body ? r.body : "");
    httpc_free(&r);
    r = httpc_send((uint16_t)agg_port, "GET", "/eigen/node", NULL, 0, false);
    CHECK(r.status == 200 && strstr(r.body, "mpavs-aggregator") != NULL);
    httpc_free(&r);
}

/* The status page as a browser renders it (chromium --headless --dump-dom). */
TEST(status_page_in_headless_chromium)
{
    CHECK(world_ok && T1.id);
    if (!world_ok || !T1.id)
        return;
    char profile[400], url[64], out[400], arg_profile[420];
    snprintf(profile, sizeof profile, "%s/chromium-XXXXXX", W.tmp);
    CHECK(mkdtemp(profile) != NULL);
    snprintf(arg_profile, sizeof arg_profile, "--user-data-dir=%s", profile);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", agg_port);
    snprintf(out, sizeof out, "%s/dom.html", W.tmp);
    const char *argv[] = {"/usr/bin/chromium",
                          "--headless",
                          "--no-sandbox",
                          "--disable-gpu",
                          "--disable-quic",
                          "--no-first-run",
                          "--disable-background-networking",
                          "--disable-component-update",
                          "--disable-sync",
                          arg_profile,
                          "--dump-dom",
                          url,
                          NULL};
    CHECK(mp_avsw_run(argv, NULL, out) == 0);
    uint8_t *dom = NULL;
    size_t len = 0;
    CHECK_OK(mp_file_read(out, 1 << 22, &dom, &len, NULL), NULL);
    if (dom == NULL)
        return;
    char id[64], tx_prefix[16];
    snprintf(id, sizeof id, "id=\"task-%llu\"", (unsigned long long)T1.id);
    json_t *t = get_task(T1.id);
    const char *tx = json_string_value(json_object_get(t, "txHash"));
    snprintf(tx_prefix, sizeof tx_prefix, "%.12s", tx ? tx : "none");
    json_decref(t);
    const char *s = (const char *)dom;
    CHECK(strstr(s, "<h1>mpavs aggregator</h1>") != NULL);
    CHECK(strstr(s, id) != NULL);
    CHECK(strstr(s, "confirmed_elsewhere") != NULL && strstr(s, ">expired<") != NULL);
    CHECK(strstr(s, tx_prefix) != NULL); /* the confirmation's transaction */
    CHECK(strstr(s, "class=\"equivocation\"") != NULL);
    CHECK(strstr(s, "class=\"operator\"") != NULL);
    if (mp_t->failures)
        printf("# dom: %.2000s\n", s);
    free(dom);
}

TEST(sigterm_stops_cleanly)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    CHECK(agg_signal(SIGTERM) == 0);
}

/* A second instance (own port and data directory) with 2 requests/s per client. */
TEST(rate_limit_answers_32009)
{
    CHECK(world_ok);
    if (!world_ok)
        return;
    mp_err e;
    char port[16], dir[420];
    agg_port = mp_test_free_port();
    snprintf(port, sizeof port, "127.0.0.1:%d", agg_port);
    snprintf(dir, sizeof dir, "%s-limited", data_dir);
    const char *extra[] = {"--listen", port, "--data-dir", dir, "--rate-limit", "2", NULL};
    agg_extra = extra;
    CHECK_OK(agg_start(&e), &e);
    agg_extra = NULL;
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_listTasks\"}";
    int limited = 0, served = 0;
    for (int i = 0; i < 10; i++) {
        httpc_reply r = httpc_send((uint16_t)agg_port, "POST", "/", req, strlen(req), false);
        limited += r.body && strstr(r.body, "-32009") != NULL;
        served += r.body && strstr(r.body, "\"result\"") != NULL;
        httpc_free(&r);
    }
    CHECK(served >= 2 && limited >= 1 && served + limited == 10);
    CHECK(agg_signal(SIGTERM) == 0);
}

static const mp_test_case tests[] = {
    MP_TEST(devnet_and_daemon_start),
    MP_TEST(fetch_task_long_polls_until_a_task_is_issued),
    MP_TEST(submissions_rejected_with_their_reason),
    MP_TEST(accepted_duplicate_and_equivocation),
    MP_TEST(concurrent_and_batched_submissions_each_get_their_answer),
    MP_TEST(kill_9_keeps_signatures_and_confirms_once),
    MP_TEST(state_confirmed_by_someone_else_is_not_resent),
    MP_TEST(unanswered_task_expires_with_reason),
    MP_TEST(batch_tasks_follow_the_rollup_and_its_reorgs),
    MP_TEST(metrics_and_node_api),
    MP_TEST(status_page_in_headless_chromium),
    MP_TEST(sigterm_stops_cleanly),
    MP_TEST(rate_limit_answers_32009),
};

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = mp_avsw_setup(&W, &e);
    if (rc == MP_OK)
        rc = mp_anvil_start(&L2, NULL, &e);
    if (rc != MP_OK) {
        printf("not ok 1 - aggregator/setup: %s\n", e.msg);
    } else {
        rc = mp_test_main("aggregator", tests, sizeof tests / sizeof tests[0], argc, argv);
        if (rc != MP_OK && getenv("MPAVS_KEEP_LOGS") == NULL)
            mp_avsw_show_log(log_path);
    }
    agg_signal(SIGKILL);
    if (agg_ready)
        mp_rpc_close(&agg);
    mp_anvil_stop(&L2);
    mp_avsw_teardown(&W);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
