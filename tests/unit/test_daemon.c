/*
** test_daemon.c: the daemon skeleton, through a tiny example daemon built
** into this binary ("test_daemon example-daemon ARGS..." runs it). The tests
** run that daemon as a child process and check --help, --version,
** --check-config, the pid lock, SIGTERM and the shutdown grace period.
**
** The example is also the smallest complete use of daemon.h: a config struct
** embedding mp_daemon_cfg, an option table, and init/start/stop/fini.
*/
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpavs/clock.h"
#include "mpavs/daemon.h"
#include "mpavs/file.h"
#include "mpavs/version.h"
#include "test.h"

/* ---- the example daemon ------------------------------------------------------- */

typedef struct ex_cfg {
    mp_daemon_cfg common;
    char *greeting;
    long long tick_ms;
    long long job_ms;
    mp_cfg_strlist peers;
    char *rpc_url;
    char *api_key;
} ex_cfg;

typedef struct ex_ctx {
    mp_daemon *d;
    mp_timer tick;
    int submitted, completed;
} ex_ctx;

static const mp_cfg_opt ex_opts[] = {
    {"greeting", MP_CFG_STRING, offsetof(ex_cfg, greeting), "hello", 0, 0, 0, "what to log"},
    {"tick", MP_CFG_DURATION, offsetof(ex_cfg, tick_ms), "20ms", 1, 60000, 0,
     "how often a job is queued"},
    {"job_time", MP_CFG_DURATION, offsetof(ex_cfg, job_ms), "5ms", 0, 0, 0,
     "how long each job blocks its worker"},
    {"peers", MP_CFG_STRLIST, offsetof(ex_cfg, peers), NULL, 0, 0, 0, "peer names"},
    {"rpc_url", MP_CFG_URL, offsetof(ex_cfg, rpc_url), "http://127.0.0.1:8545", 0, 0, 0,
     "an endpoint"},
    {"api_key", MP_CFG_STRING, offsetof(ex_cfg, api_key), NULL, 0, 0, MP_CFG_SECRET,
     "a secret that --check-config must not print"},
};

static void ex_work(void *arg)
{
    ex_ctx *c = arg;
    mp_clock_sleep_ms(((ex_cfg *)c->d->cfg)->job_ms);
}

static void ex_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop;
    ex_ctx *c = arg;
    if (!canceled)
        c->completed++;
}

static void ex_tick(mp_loop *loop, void *arg)
{
    ex_ctx *c = arg;
    if (mp_loop_submit(loop, ex_work, ex_done, c, NULL) == MP_OK)
        c->submitted++;
}

static int ex_init(mp_daemon *d, mp_err *err)
{
    (void)err;
    ex_ctx *c = d->ctx;
    c->d = d;
    MP_INFO(&d->log, ((ex_cfg *)d->cfg)->greeting);
    return MP_OK;
}

static int ex_start(mp_daemon *d, mp_err *err)
{
    (void)err;
    ex_ctx *c = d->ctx;
    long long t = ((ex_cfg *)d->cfg)->tick_ms;
    mp_loop_timer_start(d->loop, &c->tick, 0, t, ex_tick, c);
    return MP_OK;
}

static void ex_stop(mp_daemon *d)
{
    ex_ctx *c = d->ctx;
    mp_loop_timer_stop(d->loop, &c->tick);
}

/* Leaves a trace that fini ran after every job completed. */
static void ex_fini(mp_daemon *d)
{
    ex_ctx *c = d->ctx;
    char path[512], text[64];
    snprintf(path, sizeof path, "%s/fini", d->common->data_dir);
    int n = snprintf(text, sizeof text, "%d %d\n", c->submitted, c->completed);
    if (mp_file_write_atomic(path, text, (size_t)n, 0600, NULL) != MP_OK)
        MP_ERROR(&d->log, "cannot write fini");
}

static int ex_validate(const void *cfg, mp_err *err)
{
    const ex_cfg *c = cfg;
    if (strcmp(c->greeting, "forbidden") == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "greeting must not be \"forbidden\"");
    return MP_OK;
}

static const mp_daemon_def ex_def = {
    .prog = "mpavs-example",
    .summary = "an example daemon for the skeleton's tests",
    .env_prefix = "MPAVS_EXAMPLE",
    .opts = ex_opts,
    .nopts = sizeof ex_opts / sizeof ex_opts[0],
    .common_offset = offsetof(ex_cfg, common),
    .validate = ex_validate,
    .init = ex_init,
    .start = ex_start,
    .stop = ex_stop,
    .fini = ex_fini,
};

static int example_main(int argc, char **argv)
{
    ex_cfg cfg = {0};
    ex_ctx ctx = {0};
    return mp_daemon_main(&ex_def, &cfg, &ctx, argc, argv);
}

/* ---- running it as a child ----------------------------------------------------------- */

static char tmpdir[128];

typedef struct child {
    pid_t pid;
    char out[256], errf[256];
} child;

/* Starts this binary as the example daemon with args (NULL-terminated), env
 * entries "K=V" added; stdout and stderr go to files named after tag. */
static void spawn(child *c, const char *tag, const char *const *env, const char *const *args)
{
    snprintf(c->out, sizeof c->out, "%s/%s.out", tmpdir, tag);
    snprintf(c->errf, sizeof c->errf, "%s/%s.err", tmpdir, tag);
    c->pid = fork();
    if (c->pid != 0)
        return;
    int o = open(c->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(c->errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    for (; env && *env; env++)
        putenv((char *)*env);
    char *argv[32] = {"test_daemon", "example-daemon"};
    int n = 2;
    for (; args && *args && n < 31; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    execv("/proc/self/exe", argv);
    _exit(127);
}

/* Waits for the child (killing it after 30 s: a hang is a failure, not a wait). */
static int reap(child *c)
{
    int status = 0;
    for (int i = 0; i < 3000; i++) {
        if (waitpid(c->pid, &status, WNOHANG) == c->pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        mp_clock_sleep_ms(10);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &status, 0);
    return -1;
}

static char *slurp(const char *path)
{
    uint8_t *data = NULL;
    size_t len;
    if (mp_file_read(path, 1 << 20, &data, &len, NULL) != MP_OK)
        return strdup("");
    return (char *)data;
}

static bool file_has(const char *path, const char *text)
{
    char *s = slurp(path);
    bool yes = strstr(s, text) != NULL;
    free(s);
    return yes;
}

/* Waits until path holds the child's pid: the daemon is up. */
static bool wait_running(const child *c, const char *pidfile)
{
    char want[32];
    snprintf(want, sizeof want, "%ld\n", (long)c->pid);
    for (int i = 0; i < 3000; i++) {
        char *s = slurp(pidfile);
        bool up = !strcmp(s, want) && file_has(c->errf, "\"started\"");
        free(s);
        if (up)
            return true;
        if (waitpid(c->pid, NULL, WNOHANG) == c->pid)
            return false;
        mp_clock_sleep_ms(10);
    }
    return false;
}

/* ---- tests ------------------------------------------------------------------------------ */

TEST(help_lists_every_option)
{
    child c;
    const char *args[] = {"--help", NULL};
    spawn(&c, "help", NULL, args);
    CHECK(reap(&c) == 0);
    const char *want[] = {"--data-dir",     "--log-level",      "--log-format", "--workers",
                          "--queue-size",   "--shutdown-grace", "--greeting",   "--tick",
                          "--job-time",     "--peers",          "--rpc-url",    "--api-key",
                          "--check-config", "--version",        "MPAVS_EXAMPLE"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK(file_has(c.out, want[i]));
}

TEST(version)
{
    child c;
    const char *args[] = {"--version", NULL};
    spawn(&c, "version", NULL, args);
    CHECK(reap(&c) == 0);
    char *s = slurp(c.out);
    CHECK_STR(s, "mpavs-example " MPAVS_VERSION "\n");
    free(s);
}

TEST(check_config_prints_redacted_layers)
{
    char file[256], dd[256];
    snprintf(file, sizeof file, "%s/ex.json", tmpdir);
    snprintf(dd, sizeof dd, "%s/unused", tmpdir);
    const char *json = "{\"peers\": [\"a\", \"b\"], \"tick\": \"1m\", \"greeting\": \"file\"}";
    if (mp_file_write_atomic(file, json, strlen(json), 0600, NULL) != MP_OK)
        CHECK(!"cannot write config file");
    const char *env[] = {"MPAVS_EXAMPLE_API_KEY=sekrit-value-123", "MPAVS_EXAMPLE_TICK=250ms",
                         NULL};
    const char *args[] = {"--check-config",  "--config", file, "--data-dir", dd,
                          "--greeting=flag", NULL};
    child c;
    spawn(&c, "check", env, args);
    CHECK(reap(&c) == 0);
    CHECK(file_has(c.out, "\"tick\":250"));          /* env beats file */
    CHECK(file_has(c.out, "\"greeting\":\"flag\"")); /* flag beats file */
    CHECK(file_has(c.out, "\"peers\":[\"a\",\"b\"]"));
    CHECK(file_has(c.out, "\"api_key\":\"<redacted>\""));
    CHECK(!file_has(c.out, "sekrit") && !file_has(c.errf, "sekrit"));
    struct stat st;
    CHECK(stat(dd, &st) != 0); /* checking creates nothing */
}

TEST(check_config_names_option_and_layer)
{
    const char *env[] = {"MPAVS_EXAMPLE_TICK=5 minutes", NULL};
    const char *args[] = {"--check-config", "--data-dir", "/nonexistent", NULL};
    child c;
    spawn(&c, "badenv", env, args);
    CHECK(reap(&c) == 1);
    CHECK(file_has(c.errf, "env MPAVS_EXAMPLE_TICK: tick: "));
    CHECK(file_has(c.errf, "unit"));

    const char *args2[] = {"--check-config", "--data-dir", "x", "--rpc-url", "ftp://h", NULL};
    spawn(&c, "badflag", NULL, args2);
    CHECK(reap(&c) == 1);
    CHECK(file_has(c.errf, "flag --rpc-url: rpc_url: URL must start with http"));

    const char *args3[] = {"--check-config", NULL};
    spawn(&c, "missing", NULL, args3);
    CHECK(reap(&c) == 1);
    CHECK(file_has(c.errf, "data_dir is required"));

    const char *args4[] = {"--check-config", "--data-dir", "x", "--greeting", "forbidden", NULL};
    spawn(&c, "validate", NULL, args4);
    CHECK(reap(&c) == 1);
    CHECK(file_has(c.errf, "must not be \"forbidden\""));

    const char *args5[] = {"--check-config", "--data-dir", "x", "--log-level", "loud", NULL};
    spawn(&c, "loglevel", NULL, args5);
    CHECK(reap(&c) == 1);
    CHECK(file_has(c.errf, "log_level"));
}

TEST(runs_locks_and_stops_on_sigterm)
{
    char dd[256], pidfile[300], fini[300];
    snprintf(dd, sizeof dd, "%s/data/nested", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s/mpavs-example.pid", dd);
    snprintf(fini, sizeof fini, "%s/fini", dd);
    const char *args[] = {"--data-dir", dd, "--workers", "2", NULL};
    child a, b;
    spawn(&a, "run-a", NULL, args);
    CHECK(wait_running(&a, pidfile));
    struct stat st;
    CHECK(stat(dd, &st) == 0 && (st.st_mode & 0777) == 0700);

    spawn(&b, "run-b", NULL, args); /* same data directory: refused */
    CHECK(reap(&b) == 1);
    CHECK(file_has(b.errf, "locked by another instance"));

    /* let a few jobs run, then stop */
    mp_clock_sleep_ms(100);
    kill(a.pid, SIGTERM);
    CHECK(reap(&a) == 0);
    CHECK(file_has(a.errf, "\"stopping\"") && file_has(a.errf, "\"stopped\""));
    char *s = slurp(fini);
    int submitted = -1, completed = -2;
    CHECK(sscanf(s, "%d %d", &submitted, &completed) == 2);
    CHECK(submitted >= 1 && submitted == completed); /* every job finished before fini */
    free(s);
    s = slurp(pidfile);
    CHECK_STR(s, ""); /* released */
    free(s);

    spawn(&b, "run-c", NULL, args); /* the directory is free again */
    CHECK(wait_running(&b, pidfile));
    kill(b.pid, SIGINT);
    CHECK(reap(&b) == 0);
}

TEST(grace_period_ends_a_stuck_stop)
{
    char dd[256], pidfile[300], fini[300];
    snprintf(dd, sizeof dd, "%s/stuck", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s/mpavs-example.pid", dd);
    snprintf(fini, sizeof fini, "%s/fini", dd);
    const char *args[] = {"--data-dir", dd, "--job-time", "1h", "--shutdown-grace", "100ms", NULL};
    child a;
    spawn(&a, "stuck", NULL, args);
    CHECK(wait_running(&a, pidfile));
    kill(a.pid, SIGTERM);
    CHECK(reap(&a) == 1);
    CHECK(file_has(a.errf, "grace period over"));
    struct stat st;
    CHECK(stat(fini, &st) != 0); /* fini must not run under busy workers */
}

static const mp_test_case tests[] = {
    MP_TEST(help_lists_every_option),
    MP_TEST(version),
    MP_TEST(check_config_prints_redacted_layers),
    MP_TEST(check_config_names_option_and_layer),
    MP_TEST(runs_locks_and_stops_on_sigterm),
    MP_TEST(grace_period_ends_a_stuck_stop),
};

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "example-daemon"))
        return example_main(argc - 1, argv + 1);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mpavs-test-daemon-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    int rc = mp_test_main("daemon", tests, sizeof tests / sizeof tests[0], argc, argv);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", tmpdir);
    return rc;
}
