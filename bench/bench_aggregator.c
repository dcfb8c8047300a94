/*
** bench_aggregator.c: mpavs-aggregator under load (issue 13's performance
** figures; reported, not asserted). A devnet on anvil (tests/support/
** avsworld.h) with MPAVS_BENCH_AGG_OPS operators (default 100) registered and
** live, threshold 100% so every task stays open until every operator signed;
** the release aggregator issues MPAVS_BENCH_AGG_TASKS tasks (default 100);
** then a load generator of 4 client processes on loopback (keep-alive HTTP,
** one request in flight per connection, one connection per operator unless
** MPAVS_BENCH_AGG_INFLIGHT says otherwise) sends every operator's signed
** response to every task. Reported: accepted submissions per second, p50/p99 latency, the
** aggregator's peak RSS, and whether every accepted submission is in its
** database. Everything started is stopped on every path.
**
** A second run measures memory against the issue's "<= 200 MB with 1,000
** operators and 100 open tasks": MPAVS_BENCH_AGG_BIG_OPS operators in all
** (default 1000; 0 skips the run; the first run's operators and more), a fresh
** aggregator, MPAVS_BENCH_AGG_BIG_TASKS tasks (default 100), 100 requests in
** flight (the first run's 100 simulated operators). Every operator
** answers every task, task by task, except that the last operator's answers
** all come at the end: until the last 100 submissions no task reaches its
** threshold, so all of them stay open holding their responses (and their
** committee of 1,000). Besides the first run's rows it reports how many tasks
** were open when the sampled RSS was largest.
**
** Signatures are made before the clock starts; the daemon checks each one
** fully (BLS pairing, prover signature, liveness from its cache) and commits it
** with synchronous=FULL before answering. Operators are registered in bulk
** (mp_avsw_operators_live: 1,000 in about 15 s).
*/
#include "anvil.h"
#include "avsworld.h"
#include "bench.h"
#include "mpavs/aggregate.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keystore.h"
#include "mpavs/store.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS    4
#define L2_STEP    2
#define DEADLINE_S 300.0 /* no request is started after this */

static mp_avsw W;
static mp_anvil L2;
static pid_t agg_pid;
static int port;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

/* ---- HTTP (one keep-alive connection per process) ---- */

typedef struct sink {
    char buf[4096];
    size_t len;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    sink *s = user;
    size_t k = size * n;
    size_t room = sizeof s->buf - 1 - s->len;
    memcpy(s->buf + s->len, p, k < room ? k : room);
    s->len += k < room ? k : room;
    s->buf[s->len] = 0;
    return k;
}

static size_t on_buf(char *p, size_t size, size_t n, void *user)
{
    return mp_buf_append(user, p, size * n) == MP_OK ? size * n : 0;
}

static bool post(CURL *h, const char *body, sink *out)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    out->len = 0;
    out->buf[0] = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 70000L);
    return curl_easy_perform(h) == CURLE_OK;
}

/* ---- set-up ---- */

/* Starts the release aggregator `name` (files <name>.json, <name>.log and
 * <name>-data/ in W.tmp) on a port chosen here + port_off. */
static int start_aggregator(const char *name, int port_off, int threads, mp_err *e)
{
    char ks[400], pw[400], cfg[400], data[400], log[400], bin[512];
    uint8_t sk[32];
    snprintf(ks, sizeof ks, "%s/submitter.json", W.tmp);
    snprintf(pw, sizeof pw, "%s/password", W.tmp);
    snprintf(cfg, sizeof cfg, "%s/%s.json", W.tmp, name);
    snprintf(data, sizeof data, "%s/%s-data", W.tmp, name);
    snprintf(log, sizeof log, "%s/%s.log", W.tmp, name);
    snprintf(bin, sizeof bin, "%s/mpavs-aggregator", mp_avsw_bin_dir());
    MP_TRY(mp_hex_decode_exact(sk, 32, mp_avsw_dev_key1, e));
    mp_keystore_params light = MP_KEYSTORE_LIGHT;
    MP_TRY(mp_keystore_eth_write(ks, sk, "bench", &light, e));
    FILE *f = fopen(pw, "w");
    if (f == NULL)
        return MP_FAIL(e, MP_ERR_IO, "cannot write %s", pw);
    fputs("bench\n", f);
    fclose(f);
    chmod(pw, 0600);
    port = 20000 + (int)(getpid() % 20000) + port_off;
    f = fopen(cfg, "w");
    if (f == NULL)
        return MP_FAIL(e, MP_ERR_IO, "cannot write %s", cfg);
    fprintf(f,
            "{\"rpc_url\":\"%s\",\"deployment\":\"%s\",\"keystore\":\"%s\","
            "\"keystore_password_file\":\"%s\",\"listen\":\"127.0.0.1:%d\",\"l2_rpc_url\":\"%s\","
            "\"block_interval\":%d,\"poll_interval\":\"100ms\",\"task_ttl\":\"1h\","
            "\"liveness_cache\":\"10m\",\"data_dir\":\"%s\",\"log_level\":\"warn\","
            "\"http_threads\":%d,\"workers\":2}\n",
            W.anvil.url, W.deployment, ks, pw, port, L2.url, L2_STEP, data, threads);
    fclose(f);
    fflush(NULL);
    agg_pid = fork();
    if (agg_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin, bin, "--config", cfg, (char *)NULL);
        _exit(127);
    }
    CURL *h = curl_easy_init();
    sink s;
    bool up = false;
    for (int i = 0; i < 300 && !up; i++) {
        up = post(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_listTasks\"}", &s) &&
             strstr(s.buf, "\"result\"") != NULL;
        if (!up)
            usleep(100 * 1000);
    }
    curl_easy_cleanup(h);
    if (!up) {
        mp_avsw_show_log(log);
        return MP_FAIL(e, MP_ERR_IO, "the aggregator did not start");
    }
    return MP_OK;
}

typedef struct task {
    uint64_t id;
    uint32_t ref;
    uint8_t meta[64];
} task;

/* Mines L2 blocks until n tasks are issued (each fetched by long poll). */
static int issue_tasks(task *tasks, int n, mp_err *e)
{
    mp_rpc l2;
    MP_TRY(mp_rpc_init(&l2, L2.url, NULL, NULL, e));
    CURL *h = curl_easy_init();
    uint64_t after = 0;
    int got = 0, rc = MP_OK;
    while (got < n && rc == MP_OK) {
        json_t *res;
        rc = mp_rpc_call(&l2, "anvil_mine", json_pack("[i]", L2_STEP), &res, e);
        if (rc != MP_OK)
            break;
        json_decref(res);
        char body[200];
        sink s;
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_fetchTask\",\"params\":"
                 "[{\"afterTaskId\":%llu,\"maxWaitSeconds\":10}]}",
                 (unsigned long long)after);
        json_t *j = post(h, body, &s) ? json_loads(s.buf, 0, NULL) : NULL;
        json_t *arr = json_object_get(json_object_get(j, "result"), "tasks");
        for (size_t i = 0; i < json_array_size(arr) && got < n && rc == MP_OK; i++) {
            json_t *x = json_array_get(arr, i);
            task *t = &tasks[got++];
            t->id = (uint64_t)json_integer_value(json_object_get(x, "taskId"));
            t->ref = (uint32_t)json_integer_value(json_object_get(x, "referenceBlockNumber"));
            rc = mp_json_get_hex(x, "metadata", MP_JSON_0X, t->meta, 64, e);
            after = t->id;
        }
        if (rc == MP_OK && json_array_size(arr) == 0)
            rc = MP_FAIL(e, MP_ERR_TIMEOUT, "no task after mining L2 blocks");
        json_decref(j);
    }
    curl_easy_cleanup(h);
    mp_rpc_close(&l2);
    return rc;
}

/* Operator i's submission for t (a JSON-RPC request text, malloc'd). */
static char *make_body(const task *t, int i, uint64_t rid)
{
    uint8_t state[64], a[32], b[32];
    memset(a, 0xaa, 32);
    memcpy(b, &t->id, sizeof t->id);
    memset(b + 8, 0xbb, 24);
    mp_state_l2block_state(state, a, b);
    mp_avsw_task at = {t->id, 1, t->ref, t->meta, 64};
    json_t *sub = mp_avsw_submission(&W, &W.ops[i], &at, state, 64);
    if (sub == NULL)
        return NULL;
    json_t *req = json_pack("{s:s, s:I, s:s, s:[o]}", "jsonrpc", "2.0", "id", (json_int_t)rid,
                            "method", "aggregator_submitTask", "params", sub);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return text;
}

/* ---- the load ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One simulated operator's connection: a keep-alive easy handle and the
 * request it carries now. */
typedef struct slot {
    CURL *h;
    size_t req;
    double t0;
    sink s;
} slot;

static void slot_send(CURLM *m, slot *sl, char **bodies, size_t req, const char *url)
{
    sl->req = req;
    sl->s.len = 0;
    sl->s.buf[0] = 0;
    curl_easy_setopt(sl->h, CURLOPT_URL, url);
    curl_easy_setopt(sl->h, CURLOPT_POSTFIELDS, bodies[req]);
    curl_easy_setopt(sl->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(sl->h, CURLOPT_WRITEDATA, &sl->s);
    curl_easy_setopt(sl->h, CURLOPT_PRIVATE, sl);
    curl_easy_setopt(sl->h, CURLOPT_TIMEOUT_MS, 70000L);
    sl->t0 = now_s();
    curl_multi_add_handle(m, sl->h);
}

/* Client k sends requests k, k + CLIENTS, ... over `conns` connections at once
 * (one request in flight on each, as `conns` operators would); latency < 0
 * marks a refusal or a request not sent before the deadline. */
static void client(char **bodies, size_t n, int k, int conns, double deadline, double *lat)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    CURLM *m = curl_multi_init();
    slot *slots = calloc((size_t)conns, sizeof *slots);
    size_t next = (size_t)k;
    int running = 0;
    for (int i = 0; m && slots && i < conns && next < n; i++, next += CLIENTS) {
        if ((slots[i].h = curl_easy_init()) == NULL)
            break;
        slot_send(m, &slots[i], bodies, next, url);
        running++;
    }
    while (running > 0) {
        int still = 0, q = 0;
        curl_multi_perform(m, &still);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(m, &q)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *sl;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
            bool ok =
                msg->data.result == CURLE_OK && strstr(sl->s.buf, "\"accepted\":true") != NULL;
            lat[sl->req] = ok ? now_s() - sl->t0 : -1;
            curl_multi_remove_handle(m, sl->h);
            running--;
            if (next < n && now_s() < deadline) {
                slot_send(m, sl, bodies, next, url);
                next += CLIENTS;
                running++;
            }
        }
        if (running > 0)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    for (; next < n; next += CLIENTS)
        lat[next] = -1;
    for (int i = 0; slots && i < conns; i++)
        if (slots[i].h)
            curl_easy_cleanup(slots[i].h);
    free(slots);
    if (m)
        curl_multi_cleanup(m);
}

/* A kB figure of /proc/<pid>/status (field "VmHWM:", "VmRSS:"). */
static long status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    long kb = -1;
    size_t n = strlen(field);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kb = atol(line + n);
    if (f)
        fclose(f);
    return kb;
}

/* utime + stime of pid in seconds (/proc/<pid>/stat fields 14 and 15). */
static double cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut = 0, st = 0;
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The value of a metric line (name with labels, e.g. x{kind="bls"}) in text. */
static double metric_value(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return atof(p + n + 1);
    return -1;
}

/* The aggregator's /metrics text into body (NUL-terminated). */
static bool get_metrics(mp_buf *body)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_buf);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    bool ok = h && curl_easy_perform(h) == CURLE_OK && mp_buf_append(body, "", 1) == MP_OK;
    curl_easy_cleanup(h);
    return ok;
}

/* Signatures per BLS verifier batch and responses per group commit (from /metrics). */
static void report_batching(void)
{
    mp_buf body = MP_BUF_INIT;
    if (get_metrics(&body)) {
        const char *t = (const char *)body.data;
        double bb = metric_value(t, "mpavs_aggregator_batches_total{kind=\"bls\"}"),
               bs = metric_value(t, "mpavs_aggregator_batched_total{kind=\"bls\"}"),
               cb = metric_value(t, "mpavs_aggregator_batches_total{kind=\"commit\"}"),
               cr = metric_value(t, "mpavs_aggregator_batched_total{kind=\"commit\"}");
        char v[160];
        snprintf(v, sizeof v, "%.1f signatures per BLS batch, %.1f responses per group commit",
                 bb > 0 ? bs / bb : 0, cb > 0 ? cr / cb : 0);
        mp_bench_row_text("batching (whole run)", v, "");
    }
    mp_buf_free(&body);
}

/* The memory run's view of the aggregator while the clients run: its largest
 * RSS seen (sampled every 250 ms) and how many tasks were open then. */
typedef struct mem_watch {
    long start_kb; /* RSS when the clients start: tasks issued, committees loaded */
    long rss_kb;
    double open_tasks;
} mem_watch;

/* Waits for the client processes; samples the aggregator into mw if not NULL. */
static void wait_clients(pid_t *kids, mem_watch *mw)
{
    for (bool left = true; mw && left;) {
        usleep(250 * 1000);
        long rss = status_kb(agg_pid, "VmRSS:");
        mp_buf body = MP_BUF_INIT;
        if (rss > mw->rss_kb && get_metrics(&body)) {
            mw->rss_kb = rss;
            mw->open_tasks = metric_value((const char *)body.data, "mpavs_aggregator_open_tasks");
        }
        mp_buf_free(&body);
        left = false;
        for (int k = 0; k < CLIENTS; k++)
            if (kids[k] > 0 && waitpid(kids[k], NULL, WNOHANG) == 0)
                left = true;
            else
                kids[k] = 0; /* reaped (or failed) */
    }
    for (int k = 0; k < CLIENTS; k++)
        if (kids[k] > 0)
            waitpid(kids[k], NULL, 0);
}

/* CPU seconds of the children waited for so far. */
static double children_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void stop_aggregator(void)
{
    if (agg_pid > 0) {
        kill(agg_pid, SIGTERM);
        waitpid(agg_pid, NULL, 0);
    }
    agg_pid = 0;
}

static long long db_responses(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s-data/aggregator.db", W.tmp, name);
    mp_store *db;
    mp_store_opts ro = {.read_only = true};
    long long n = -1;
    sqlite3_stmt *q;
    bool row = false;
    if (mp_store_open(&db, path, &ro, NULL) != MP_OK)
        return -1;
    if (mp_store_prepare(db, "SELECT count(*) FROM response", &q, NULL) == MP_OK &&
        mp_store_step(db, q, &row, NULL) == MP_OK && row) {
        n = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
    }
    mp_store_close(db);
    return n;
}

/* Submission i's task and operator: task by task (operators answer a new task
 * together) or, with spread, interleaved (every submission on another digest).
 * hold_last: the last operator answers every task only at the end, so that no
 * task meets its 100% threshold (and is confirmed and dropped) before the last
 * n_tasks submissions: until then every task is open and holds its responses. */
static void order_of(size_t i, int n_ops, int n_tasks, bool spread, bool hold_last, size_t *ti,
                     int *oi)
{
    size_t m = (size_t)n_ops - (hold_last ? 1 : 0), nt = (size_t)n_tasks;
    size_t tail = (size_t)n_ops * nt - (hold_last ? nt : 0);
    if (i >= tail) {
        *ti = i - tail;
        *oi = n_ops - 1;
        return;
    }
    *ti = spread ? i % nt : i / m;
    *oi = (int)(spread ? i / nt : i % m);
}

/* One measured run: the aggregator `name` (on port + port_off) with operators
 * W.ops[0 .. n_ops), n_tasks tasks, every operator's response to every task;
 * the rows go under a header starting with title. The aggregator is stopped. */
static int measure(const char *name, int port_off, const char *title, int n_ops, int n_tasks,
                   int inflight, int threads, bool spread, bool hold_last, mp_err *e)
{
    mem_watch mw = {0};
    MP_TRY(start_aggregator(name, port_off, threads, e));
    task *tasks = calloc((size_t)n_tasks, sizeof *tasks);
    size_t n = (size_t)n_ops * (size_t)n_tasks;
    char **bodies = calloc(n, sizeof *bodies);
    double *lat =
        mmap(NULL, n * sizeof *lat, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int rc =
        tasks && bodies && lat != MAP_FAILED ? MP_OK : MP_FAIL(e, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK)
        rc = issue_tasks(tasks, n_tasks, e);
    double t0 = now_s();
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        size_t ti;
        int oi;
        order_of(i, n_ops, n_tasks, spread, hold_last, &ti, &oi);
        if ((bodies[i] = make_body(&tasks[ti], oi, i + 1)) == NULL)
            rc = MP_FAIL(e, MP_ERR_NOMEM, "cannot build a submission");
    }
    if (rc == MP_OK) {
        printf("# %zu submissions signed in %.1f s\n", n, now_s() - t0);
        fflush(NULL);
        double start = now_s(), cpu0 = cpu_s(agg_pid), gen0 = children_cpu_s();
        mw.start_kb = status_kb(agg_pid, "VmRSS:");
        pid_t kids[CLIENTS];
        int conns = (inflight + CLIENTS - 1) / CLIENTS;
        for (int k = 0; k < CLIENTS; k++) {
            kids[k] = fork();
            if (kids[k] == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                client(bodies, n, k, conns, start + DEADLINE_S, lat);
                _exit(0);
            }
        }
        wait_clients(kids, hold_last ? &mw : NULL);
        double wall = now_s() - start, cpu = cpu_s(agg_pid) - cpu0;
        double gen = children_cpu_s() - gen0; /* the clients waited for just now */
        size_t ok = 0;
        for (size_t i = 0; i < n; i++)
            if (lat[i] >= 0)
                lat[ok++] = lat[i];
        qsort(lat, ok, sizeof *lat, cmp_double);
        char v[200];
        snprintf(v, sizeof v,
                 "%s (loopback, %d client processes, %d requests in flight, %d server threads)",
                 title, CLIENTS, conns * CLIENTS, threads);
        mp_bench_header(v);
        snprintf(v, sizeof v, "%.0f/s (%zu of %zu accepted, %d operators x %d tasks, %s%s)",
                 (double)ok / wall, ok, n, n_ops, n_tasks,
                 spread ? "tasks interleaved" : "task by task",
                 hold_last ? ", the last operator's at the end" : "");
        mp_bench_row_text("submissions accepted and persisted", v, ">= 5,000/s (issue 13)");
        if (ok) {
            snprintf(v, sizeof v, "p50 %.1f ms, p99 %.1f ms", 1e3 * lat[ok / 2],
                     1e3 * lat[(size_t)((double)ok * 0.99)]);
            mp_bench_row_text("submission latency", v, "p99 <= 50 ms");
        }
        if (ok && cpu0 >= 0) {
            snprintf(v, sizeof v, "%.0f us per accepted submission (%.2f cores busy on average)",
                     1e6 * cpu / (double)ok, cpu / wall);
            mp_bench_row_text("aggregator CPU time (user + system)", v, "");
            snprintf(v, sizeof v, "%.0f us per accepted submission (%.2f cores busy on average)",
                     1e6 * gen / (double)ok, gen / wall);
            mp_bench_row_text("load generator CPU time (4 processes)", v, "");
        }
        snprintf(v, sizeof v, "%ld MB peak RSS (%d operators, %d tasks)",
                 status_kb(agg_pid, "VmHWM:") / 1024, n_ops, n_tasks);
        mp_bench_row_text("aggregator memory", v, "<= 200 MB with 1,000 operators, 100 tasks");
        if (hold_last) {
            snprintf(v, sizeof v,
                     "%.0f of %d (RSS %ld MB then, sampled every 250 ms; %ld MB before the "
                     "first submission)",
                     mw.open_tasks, n_tasks, mw.rss_kb / 1024, mw.start_kb / 1024);
            mp_bench_row_text("tasks open at the largest RSS sampled", v, "");
        }
        report_batching();
        long long in_db = db_responses(name);
        snprintf(v, sizeof v, "%lld rows for %zu accepted: %s", in_db, ok,
                 in_db == (long long)ok ? "all there" : "MISMATCH");
        mp_bench_row_text("accepted submissions in the database", v, "all");
    }
    for (size_t i = 0; bodies && i < n; i++)
        free(bodies[i]);
    free(bodies);
    free(tasks);
    if (lat != MAP_FAILED && lat)
        munmap(lat, n * sizeof *lat);
    stop_aggregator();
    return rc;
}

/* The second run keeps the first run's 100 requests in flight (the issue's load
 * generator: 100 simulated operators), which carry all 1,000 operators' responses. */
#define BIG_INFLIGHT 100

static int run(mp_err *e)
{
    int n_ops = env_int("MPAVS_BENCH_AGG_OPS", 100),
        n_tasks = env_int("MPAVS_BENCH_AGG_TASKS", 100);
    /* Every operator has one request in flight (MPAVS_BENCH_AGG_INFLIGHT overrides). */
    int inflight = env_int("MPAVS_BENCH_AGG_INFLIGHT", n_ops),
        threads = env_int("MPAVS_BENCH_AGG_HTTP_THREADS", 4); /* the daemon's default */
    /* The memory run: MPAVS_BENCH_AGG_BIG_OPS operators (0: no such run), _BIG_TASKS tasks. */
    int big_ops = env_int("MPAVS_BENCH_AGG_BIG_OPS", 1000),
        big_tasks = env_int("MPAVS_BENCH_AGG_BIG_TASKS", 100);
    /* Task-major order by default, as operators answer a new task together (the four
     * clients send one task's responses at once); MPAVS_BENCH_AGG_SPREAD=1 interleaves
     * the tasks instead (every submission on another digest). */
    bool spread = env_int("MPAVS_BENCH_AGG_SPREAD", 0) != 0;
    if (inflight < 1 || threads < 1)
        return MP_FAIL(e, MP_ERR_INVALID, "MPAVS_BENCH_AGG_INFLIGHT and _HTTP_THREADS >= 1");
    if (n_ops > MP_AVSW_MAX_OPS || n_ops < 1 || n_tasks < 1)
        return MP_FAIL(e, MP_ERR_INVALID, "1..%d operators", MP_AVSW_MAX_OPS);
    if (big_ops > 1000 || big_ops < 0 || (big_ops > 0 && (big_ops <= n_ops || big_tasks < 1)))
        return MP_FAIL(e, MP_ERR_INVALID,
                       "MPAVS_BENCH_AGG_BIG_OPS: 0 or more than MPAVS_BENCH_AGG_OPS, up to 1000 "
                       "(the deployment's maximum)");
    const char *env[] = {"MPAVS_THRESHOLD_PERCENT=100", "MPAVS_MAX_OPERATORS=1000", NULL};
    MP_TRY(mp_avsw_deploy(&W, env, e));
    double t0 = now_s();
    MP_TRY(mp_avsw_operators_live(&W, 0, n_ops, e));
    printf("# %d operators registered and live in %.1f s\n", n_ops, now_s() - t0);
    MP_TRY(mp_anvil_start(&L2, NULL, e));
    MP_TRY(measure("agg", 0, "aggregator under load", n_ops, n_tasks, inflight, threads, spread,
                   false, e));
    if (big_ops == 0)
        return MP_OK;
    t0 = now_s();
    MP_TRY(mp_avsw_operators_live(&W, n_ops, big_ops - n_ops, e));
    printf("# %d more operators registered and live in %.1f s (%d in all)\n", big_ops - n_ops,
           now_s() - t0, big_ops);
    char title[64];
    snprintf(title, sizeof title, "aggregator with %d operators", big_ops);
    return measure("agg-big", 1, title, big_ops, big_tasks, BIG_INFLIGHT, threads, spread, true, e);
}

int main(void)
{
    if (getenv("MPAVS_BIN") == NULL)
        setenv("MPAVS_BIN", "build/bin", 1);
    if (getenv("MPAVS_ROOT") == NULL)
        setenv("MPAVS_ROOT", ".", 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = mp_avsw_setup(&W, &e);
    if (rc == MP_OK)
        rc = run(&e);
    if (rc != MP_OK)
        printf("# bench_aggregator: %s\n", e.msg);
    stop_aggregator();
    mp_anvil_stop(&L2);
    mp_avsw_teardown(&W);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
