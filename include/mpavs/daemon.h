/*
** daemon.h: what every mpavs daemon's main does, once.
**
** A daemon is a context struct, an option table and a few callbacks:
**
**   typedef struct agg_cfg { mp_daemon_cfg common; char *rpc_url; ... } agg_cfg;
**   static const mp_cfg_opt agg_opts[] = {
**       {"rpc_url", MP_CFG_URL, offsetof(agg_cfg, rpc_url), NULL, 0, 0, MP_CFG_REQUIRED,
**        "Ethereum JSON-RPC endpoint"}, ...};
**   static const mp_daemon_def agg_def = {
**       .prog = "mpavs-aggregator", .env_prefix = "MPAVS_AGGREGATOR", .summary = "...",
**       .opts = agg_opts, .nopts = ..., .common_offset = offsetof(agg_cfg, common),
**       .init = agg_init, .start = agg_start, .stop = agg_stop, .fini = agg_fini};
**   int main(int argc, char **argv) {
**       agg_cfg cfg = {0}; agg_ctx ctx = {0};
**       return mp_daemon_main(&agg_def, &cfg, &ctx, argc, argv);
**   }
**
** mp_daemon_main then:
**   1. answers --help (every option of both tables, with its env name) and
**      --version without reading any configuration;
**   2. loads the configuration through mp_cfg: table defaults, JSON file
**      (--config), env MPAVS_<PROG>_<OPT>, flags; then def->validate;
**      --check-config stops here: prints the redacted config on stdout and
**      exits 0, or the problem on stderr and exits 1;
**   3. sets up the logger (log_level, log_format), creates the data directory
**      (mode 0700), takes <data_dir>/<prog>.pid (an exclusive flock holding
**      the pid, so two instances cannot share a data directory), ignores
**      SIGPIPE;
**   4. creates the loop (signals taken, `workers` threads) and calls init
**      then start; runs the loop;
**   5. on SIGTERM or SIGINT (or mp_daemon_shutdown): calls stop once (stop
**      accepting work), waits until the worker pool is idle and def->idle
**      (if any) says so, at most shutdown_grace; then leaves the loop, frees
**      the loop (joining workers), calls fini and releases the pid file.
**      A second SIGINT exits at once. If the grace period passes with jobs
**      still running, the daemon logs it and exits 1 without waiting for them.
**
** Exit status: 0 after a clean stop (and for --help, --version and a valid
** --check-config), 1 on a configuration, start-up or runtime failure.
*/
#ifndef MPAVS_DAEMON_H
#define MPAVS_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "mpavs/cfg.h"
#include "mpavs/err.h"
#include "mpavs/log.h"
#include "mpavs/loop.h"

/** The options every daemon has; embed it in the daemon's config struct. */
typedef struct mp_daemon_cfg {
    char *data_dir;              /* required; created 0700; holds the pid file and the store */
    char *log_level;             /* debug, info, warn, error */
    char *log_format;            /* json or text */
    long long workers;           /* worker threads for blocking work */
    long long queue_size;        /* jobs waiting for a worker */
    long long shutdown_grace_ms; /* how long a stop waits for running jobs */
} mp_daemon_cfg;

typedef struct mp_daemon mp_daemon;

typedef struct mp_daemon_def {
    const char *prog;       /* "mpavs-aggregator": messages, --version, pid file name */
    const char *summary;    /* one line for --help */
    const char *env_prefix; /* "MPAVS_AGGREGATOR" */
    const mp_cfg_opt *opts; /* the daemon's own options (offsets into its config struct) */
    size_t nopts;
    size_t common_offset; /* offsetof(<config struct>, <mp_daemon_cfg member>) */
    /** Cross-option checks after loading (also run by --check-config); may be NULL. */
    int (*validate)(const void *cfg, mp_err *err);
    /** After logger, data directory and pid file, before the loop runs: open
     ** the store, load keys. May be NULL. A failure exits 1 (fini is called). */
    int (*init)(mp_daemon *d, mp_err *err);
    /** The loop exists: arm timers, start servers. May be NULL. */
    int (*start)(mp_daemon *d, mp_err *err);
    /** A stop began (signal or mp_daemon_shutdown): stop taking new work.
     ** Called once, on the loop thread. May be NULL. */
    void (*stop)(mp_daemon *d);
    /** While stopping: true when the daemon's own in-flight work is done
     ** (the worker pool is checked separately). May be NULL. */
    bool (*idle)(mp_daemon *d);
    /** After the loop ended and the workers were joined: free everything
     ** init and start made. Called whenever init was called. May be NULL. */
    void (*fini)(mp_daemon *d);
} mp_daemon_def;

/** The running daemon, handed to every callback. */
struct mp_daemon {
    const mp_daemon_def *def;
    void *cfg;                   /* the daemon's config struct */
    const mp_daemon_cfg *common; /* the embedded common options */
    void *ctx;                   /* the daemon's context struct */
    mp_log log;                  /* configured logger */
    mp_loop *loop;
    int exit_code; /* what mp_daemon_main returns; set by mp_daemon_fail */
    /* internal */
    int lock_fd;
    char *pid_path;
    bool stopping;
    long long stop_deadline_ms;
    mp_timer drain_timer;
};

/** Runs the daemon (see above) and returns the process exit status. cfg is the
 ** zeroed config struct, ctx the daemon's context (stored in d->ctx). */
int mp_daemon_main(const mp_daemon_def *def, void *cfg, void *ctx, int argc, char **argv);

/** Begins a graceful stop, as SIGTERM does (loop thread only). */
void mp_daemon_shutdown(mp_daemon *d);
/** Logs a fatal runtime failure, sets exit status 1 and begins a graceful
 ** stop (loop thread only). */
void mp_daemon_fail(mp_daemon *d, const char *what, const mp_err *err);

/** Creates dir and its missing parents with mode 0700; an existing directory
 ** is kept (a warning is logged if group or others may access it). */
MP_WUR int mp_daemon_make_dir(const char *dir, const mp_log *lg, mp_err *err);
/** Takes path as an exclusive pid/lock file: flock(LOCK_EX|LOCK_NB), then
 ** writes our pid. MP_ERR_BUSY naming the holder's pid if another process has
 ** it. *fd stays open while the lock is held. */
MP_WUR int mp_daemon_lock_pidfile(const char *path, int *fd, mp_err *err);
/** Empties and closes the pid file (the file stays: removing it would race a
 ** starting instance). */
void mp_daemon_unlock_pidfile(int fd);

#endif /* MPAVS_DAEMON_H */
