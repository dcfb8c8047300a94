/*
** loop.h: the main loop of a daemon, in the style of Knot DNS: one loop
** thread runs timers, signal handling and completion callbacks; a pool of
** worker threads runs blocking work (JSON-RPC calls, transaction sending,
** proving) taken from a bounded queue.
**
**   loop thread:  timers ─┐
**                 signals ─┼─> callbacks (never block here)
**   workers:      work() ──┘   done() runs back on the loop thread
**
** Signals: with opts.signals, SIGTERM, SIGINT and SIGHUP are blocked in every
** thread and read through a signalfd by the loop thread, so handlers are
** ordinary callbacks. SIGTERM or a first SIGINT asks for a graceful stop
** (opts.on_signal, or mp_loop_stop when it is NULL); a second SIGINT ends the
** process at once (_exit(130)), for an operator who does not want to wait
** for the grace period. Create the loop before any other thread, so every
** thread inherits the blocked mask.
**
** Thread safety: mp_loop_stop, mp_loop_post, mp_loop_submit and
** mp_loop_stopping may be called from any thread; everything else only on the
** loop thread (or before mp_loop_run).
*/
#ifndef MPAVS_LOOP_H
#define MPAVS_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "mpavs/err.h"

typedef struct mp_loop mp_loop;

/** A callback run on the loop thread. */
typedef void (*mp_loop_fn)(mp_loop *loop, void *arg);
/** Blocking work, run on a worker thread. */
typedef void (*mp_loop_work_fn)(void *arg);
/** Completion of a job, run on the loop thread; canceled is true when the job
 ** was still queued when the loop was freed (work never ran). */
typedef void (*mp_loop_done_fn)(mp_loop *loop, void *arg, bool canceled);
/** A signal the loop took (SIGTERM, SIGINT, SIGHUP), on the loop thread. */
typedef void (*mp_loop_signal_fn)(mp_loop *loop, int signo, void *arg);

typedef struct mp_loop_opts {
    unsigned workers;            /* worker threads; 0: no pool (mp_loop_submit fails) */
    unsigned queue_cap;          /* jobs waiting for a worker; 0: 256 */
    bool signals;                /* take SIGTERM, SIGINT, SIGHUP (see above) */
    mp_loop_signal_fn on_signal; /* NULL: SIGTERM/SIGINT call mp_loop_stop */
    void *signal_arg;            /* passed to on_signal */
} mp_loop_opts;

/** A timer. The caller owns the storage (zero it or use MP_TIMER_INIT); it
 ** must stay valid while the timer is armed. */
typedef struct mp_timer {
    long long due_ms;    /* monotonic time of the next run */
    long long period_ms; /* 0: one-shot */
    mp_loop_fn fn;
    void *arg;
    bool armed;
    unsigned long pass;    /* loop pass that armed it: not run again in that pass */
    struct mp_timer *next; /* in the loop's list, by due time */
} mp_timer;

#define MP_TIMER_INIT                                                                              \
    {                                                                                              \
        0, 0, NULL, NULL, false, 0, NULL                                                           \
    }

/** Creates a loop: blocks the signals (opts.signals), then starts the workers.
 ** opts may be NULL (no workers, no signals). */
MP_WUR int mp_loop_new(mp_loop **out, const mp_loop_opts *opts, mp_err *err);
/** Marks the loop stopping (jobs polling mp_loop_stopping can give up), then
 ** stops and joins the workers (each running job finishes first), calls done
 ** with canceled=true for queued jobs and runs completions not yet delivered,
 ** frees posted callbacks without running them, restores the signal mask.
 ** NULL is a no-op. */
void mp_loop_free(mp_loop *loop);

/** Runs timers, signals, posted callbacks and completions until mp_loop_stop.
 ** Returns MP_OK then, or MP_ERR_IO if waiting itself failed. */
MP_WUR int mp_loop_run(mp_loop *loop, mp_err *err);
/** Makes mp_loop_run return after the callback now running (any thread). */
void mp_loop_stop(mp_loop *loop);
/** True once a stop or a graceful-stop signal was seen (any thread): long
 ** jobs may poll it to give up early. */
bool mp_loop_stopping(const mp_loop *loop);
/** Marks the loop as stopping without stopping it (a daemon draining work). */
void mp_loop_set_stopping(mp_loop *loop);

/** Arms t to run fn(loop, arg) after delay_ms, then every period_ms if
 ** period_ms > 0. Re-arming an armed timer moves it. */
void mp_loop_timer_start(mp_loop *loop, mp_timer *t, long long delay_ms, long long period_ms,
                         mp_loop_fn fn, void *arg);
/** Disarms t (no-op if not armed); safe inside t's own callback. */
void mp_loop_timer_stop(mp_loop *loop, mp_timer *t);

/** Runs fn(loop, arg) on the loop thread soon (any thread): the wakeup for
 ** events that happen on other threads. MP_ERR_NOMEM if it cannot queue. */
MP_WUR int mp_loop_post(mp_loop *loop, mp_loop_fn fn, void *arg, mp_err *err);

/** Queues work(arg) for a worker, then done(loop, arg, false) on the loop
 ** thread (any thread may submit). MP_ERR_BUSY when the queue is full (the
 ** caller decides: retry later, refuse the request), MP_ERR_MISUSE without
 ** workers or once the loop is being freed. */
MP_WUR int mp_loop_submit(mp_loop *loop, mp_loop_work_fn work, mp_loop_done_fn done, void *arg,
                          mp_err *err);
/** Jobs queued, running, or finished with their done not yet run. */
size_t mp_loop_jobs_pending(mp_loop *loop);

#endif /* MPAVS_LOOP_H */
