/*
** daemon.c: the skeleton every mpavs daemon's main runs (see daemon.h):
** options, logger, data directory, pid file, loop, graceful stop.
*/
#include "mpavs/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpavs/buf.h"
#include "mpavs/clock.h"
#include "mpavs/version.h"

#define DRAIN_POLL_MS 20

static const mp_cfg_opt common_opts[] = {
    {"data_dir", MP_CFG_STRING, offsetof(mp_daemon_cfg, data_dir), NULL, 0, 0, MP_CFG_REQUIRED,
     "directory for the store and the pid file (created 0700)"},
    {"log_level", MP_CFG_STRING, offsetof(mp_daemon_cfg, log_level), "info", 0, 0, 0,
     "debug, info, warn or error"},
    {"log_format", MP_CFG_STRING, offsetof(mp_daemon_cfg, log_format), "json", 0, 0, 0,
     "json (one object a line) or text"},
    {"workers", MP_CFG_INT, offsetof(mp_daemon_cfg, workers), "4", 1, 256, 0,
     "worker threads for blocking work (RPC, transactions, proving)"},
    {"queue_size", MP_CFG_INT, offsetof(mp_daemon_cfg, queue_size), "256", 1, 1000000, 0,
     "jobs that may wait for a worker"},
    {"shutdown_grace", MP_CFG_DURATION, offsetof(mp_daemon_cfg, shutdown_grace_ms), "10s", 0,
     3600000, 0, "how long a stop waits for running jobs"},
};
#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

/* ---- command line and configuration ------------------------------------------ */

/* The common rows (offsets moved into the daemon's struct), then the daemon's. */
static mp_cfg_opt *merged_table(const mp_daemon_def *def)
{
    mp_cfg_opt *t = calloc(NCOMMON + def->nopts, sizeof *t);
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < NCOMMON; i++) {
        t[i] = common_opts[i];
        t[i].offset += def->common_offset;
    }
    for (size_t i = 0; i < def->nopts; i++)
        t[NCOMMON + i] = def->opts[i];
    return t;
}

static void usage(const mp_daemon_def *def, const mp_cfg_spec *spec)
{
    printf("usage: %s [options]\n%s\n\n", def->prog, def->summary ? def->summary : "");
    printf("  --help                   this text\n");
    printf("  --version                print the version\n");
    printf("  --check-config           validate the configuration, print it (secrets\n"
           "                           redacted) and exit 0, or print the problem and exit 1\n");
    mp_cfg_usage(spec, stdout);
}

enum { ACT_RUN, ACT_HELP, ACT_VERSION, ACT_CHECK };

/* Takes --help, --version and --check-config out of argv (they are not table
 * options); the rest goes to mp_cfg_load. */
static int scan_actions(int argc, char **argv, char **rest, int *nrest)
{
    int act = ACT_RUN;
    *nrest = 0;
    rest[(*nrest)++] = argv[0];
    for (int i = 1; i < argc; i++) {
        bool end = !strcmp(argv[i], "--");
        if (!end && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")))
            return ACT_HELP;
        if (!end && !strcmp(argv[i], "--version"))
            return ACT_VERSION;
        if (!end && !strcmp(argv[i], "--check-config"))
            act = ACT_CHECK;
        else
            rest[(*nrest)++] = argv[i];
        if (end) /* copy the rest untouched */
            while (++i < argc)
                rest[(*nrest)++] = argv[i];
    }
    rest[*nrest] = NULL;
    return act;
}

static int check_common(const mp_daemon_cfg *c, mp_err *err)
{
    int level;
    if (mp_log_level_parse(c->log_level, &level, err) != MP_OK) {
        mp_err_wrap(err, "log_level");
        return MP_ERR_INVALID;
    }
    if (strcmp(c->log_format, "json") != 0 && strcmp(c->log_format, "text") != 0)
        return MP_FAIL(err, MP_ERR_INVALID, "log_format must be json or text, not \"%s\"",
                       c->log_format);
    return MP_OK;
}

static int load_config(const mp_daemon_def *def, const mp_cfg_spec *spec, void *cfg, int argc,
                       char **argv, mp_err *err)
{
    MP_TRY(mp_cfg_load(spec, cfg, argc, argv, NULL, err));
    MP_TRY(check_common((const mp_daemon_cfg *)((char *)cfg + def->common_offset), err));
    if (def->validate)
        MP_TRY(def->validate(cfg, err));
    return MP_OK;
}

static int print_config(const mp_cfg_spec *spec, const void *cfg)
{
    mp_buf out = MP_BUF_INIT;
    mp_err err;
    if (mp_cfg_dump_json(spec, cfg, &out, &err) != MP_OK) {
        fprintf(stderr, "%s: %s\n", spec->prog, err.msg);
        mp_buf_free(&out);
        return 1;
    }
    printf("%s\n", (const char *)out.data);
    mp_buf_free(&out);
    return 0;
}

/* ---- data directory and pid file ----------------------------------------------- */

int mp_daemon_make_dir(const char *dir, const mp_log *lg, mp_err *err)
{
    MP_ARG_CHECK(err, dir != NULL && *dir);
    char *path = strdup(dir);
    if (path == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = MP_OK;
    /* Parents first: cut the path at each '/' in turn. */
    for (char *p = path + 1;; p++) {
        bool last = *p == 0;
        if (*p != '/' && !last)
            continue;
        *p = 0;
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            rc = MP_FAIL(err, MP_ERR_IO, "cannot create directory %s: %s", path, strerror(errno));
            break;
        }
        if (last)
            break;
        *p = '/';
    }
    struct stat st;
    if (rc == MP_OK && stat(dir, &st) != 0)
        rc = MP_FAIL(err, MP_ERR_IO, "cannot stat %s: %s", dir, strerror(errno));
    else if (rc == MP_OK && !S_ISDIR(st.st_mode))
        rc = MP_FAIL(err, MP_ERR_IO, "%s exists and is not a directory", dir);
    else if (rc == MP_OK && (st.st_mode & 077))
        MP_WARN(lg, "data directory is accessible to group or others; chmod 700 it", "dir", dir);
    free(path);
    return rc;
}

int mp_daemon_lock_pidfile(const char *path, int *fd, mp_err *err)
{
    MP_ARG_CHECK(err, path != NULL && fd != NULL);
    *fd = -1;
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0)
        return MP_FAIL(err, MP_ERR_IO, "cannot open pid file %s: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char holder[32] = "";
        ssize_t n = read(f, holder, sizeof holder - 1);
        holder[n > 0 ? n : 0] = 0;
        holder[strcspn(holder, "\n")] = 0;
        close(f);
        if (e == EWOULDBLOCK)
            return MP_FAIL(err, MP_ERR_BUSY,
                           "%s is locked by another instance (pid %s): one data directory, one "
                           "daemon",
                           path, holder[0] ? holder : "unknown");
        return MP_FAIL(err, MP_ERR_IO, "cannot lock %s: %s", path, strerror(e));
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, text, (size_t)len, 0) != len) {
        int e = errno;
        close(f);
        return MP_FAIL(err, MP_ERR_IO, "cannot write pid file %s: %s", path, strerror(e));
    }
    *fd = f;
    return MP_OK;
}

void mp_daemon_unlock_pidfile(int fd)
{
    if (fd < 0)
        return;
    if (ftruncate(fd, 0) != 0) {
        /* Harmless: the next instance rewrites it under the lock. */
    }
    close(fd);
}

/* ---- stopping ------------------------------------------------------------------------ */

static void drain_check(mp_loop *loop, void *arg)
{
    mp_daemon *d = arg;
    bool idle = mp_loop_jobs_pending(loop) == 0 && (!d->def->idle || d->def->idle(d));
    if (idle || mp_clock_now_ms() >= d->stop_deadline_ms) {
        mp_loop_timer_stop(loop, &d->drain_timer);
        mp_loop_stop(loop);
    }
}

void mp_daemon_shutdown(mp_daemon *d)
{
    if (d->stopping)
        return;
    d->stopping = true;
    mp_loop_set_stopping(d->loop);
    MP_INFO(&d->log, "stopping");
    if (d->def->stop)
        d->def->stop(d);
    d->stop_deadline_ms = mp_clock_now_ms() + d->common->shutdown_grace_ms;
    mp_loop_timer_start(d->loop, &d->drain_timer, 0, DRAIN_POLL_MS, drain_check, d);
}

void mp_daemon_fail(mp_daemon *d, const char *what, const mp_err *err)
{
    mp_log_err(&d->log, MP_LOG_ERROR, what, err);
    d->exit_code = 1;
    mp_daemon_shutdown(d);
}

static void on_signal(mp_loop *loop, int signo, void *arg)
{
    mp_daemon *d = arg;
    (void)loop;
    if (signo == SIGHUP) {
        MP_INFO(&d->log, "SIGHUP ignored: restart the daemon to change its configuration");
        return;
    }
    MP_INFO(&d->log, "signal received", "signal", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    mp_daemon_shutdown(d);
}

/* ---- running ---------------------------------------------------------------------------- */

static int setup(mp_daemon *d, mp_err *err)
{
    const mp_daemon_cfg *c = d->common;
    int level = MP_LOG_INFO;
    MP_TRY(mp_log_level_parse(c->log_level, &level, err));
    d->log.level = level;
    d->log.text = !strcmp(c->log_format, "text");
    MP_TRY(mp_daemon_make_dir(c->data_dir, &d->log, err));
    size_t n = strlen(c->data_dir) + strlen(d->def->prog) + 8;
    if ((d->pid_path = malloc(n)) == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    snprintf(d->pid_path, n, "%s/%s.pid", c->data_dir, d->def->prog);
    MP_TRY(mp_daemon_lock_pidfile(d->pid_path, &d->lock_fd, err));
    signal(SIGPIPE, SIG_IGN); /* a peer that went away is an EPIPE, not our death */
    mp_loop_opts lo = {(unsigned)c->workers, (unsigned)c->queue_size, true, on_signal, d};
    return mp_loop_new(&d->loop, &lo, err);
}

/* The grace period ended with jobs still running on workers that cannot be
 * interrupted: joining them could take minutes, so the process ends now. */
static void abandon(mp_daemon *d, size_t pending)
{
    char n[32];
    snprintf(n, sizeof n, "%zu", pending);
    MP_ERROR(&d->log, "shutdown grace period over; exiting without waiting for jobs", "jobs", n);
    mp_daemon_unlock_pidfile(d->lock_fd);
    _exit(1);
}

static int run(mp_daemon *d)
{
    mp_err err = {0};
    bool inited = false;
    int rc = setup(d, &err);
    if (rc == MP_OK && d->def->init) {
        inited = true;
        rc = d->def->init(d, &err);
    }
    inited = inited || rc == MP_OK;
    if (rc == MP_OK && d->def->start)
        rc = d->def->start(d, &err);
    if (rc == MP_OK) {
        MP_INFO(&d->log, "started", "version", MPAVS_VERSION, "data_dir", d->common->data_dir);
        rc = mp_loop_run(d->loop, &err);
    }
    if (rc != MP_OK) {
        mp_log_err(&d->log, MP_LOG_ERROR, "daemon failed", &err);
        d->exit_code = 1;
    }
    size_t pending = d->loop ? mp_loop_jobs_pending(d->loop) : 0;
    if (pending > 0 && rc == MP_OK)
        abandon(d, pending);
    mp_loop_free(d->loop);
    d->loop = NULL;
    if (inited && d->def->fini)
        d->def->fini(d);
    mp_daemon_unlock_pidfile(d->lock_fd);
    free(d->pid_path);
    if (d->exit_code == 0)
        MP_INFO(&d->log, "stopped");
    return d->exit_code;
}

int mp_daemon_main(const mp_daemon_def *def, void *cfg, void *ctx, int argc, char **argv)
{
    mp_cfg_opt *table = merged_table(def);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (table == NULL || rest == NULL) {
        fprintf(stderr, "%s: out of memory\n", def->prog);
        free(table);
        free(rest);
        return 1;
    }
    mp_cfg_spec spec = {def->prog, def->env_prefix, table, NCOMMON + def->nopts};
    int nrest, status = 0;
    mp_err err = {0};
    int act = scan_actions(argc, argv, rest, &nrest);
    if (act == ACT_HELP)
        usage(def, &spec);
    else if (act == ACT_VERSION)
        printf("%s %s\n", def->prog, MPAVS_VERSION);
    else if (load_config(def, &spec, cfg, nrest, rest, &err) != MP_OK) {
        fprintf(stderr, "%s: %s\n", def->prog, err.msg);
        status = 1;
    } else if (act == ACT_CHECK)
        status = print_config(&spec, cfg);
    else {
        mp_daemon d = {.def = def, .cfg = cfg, .ctx = ctx, .lock_fd = -1};
        d.common = (const mp_daemon_cfg *)((char *)cfg + def->common_offset);
        d.log = mp_log_default(def->prog);
        status = run(&d);
    }
    fflush(stdout);
    mp_cfg_free(&spec, cfg);
    free(table);
    free(rest);
    return status;
}
