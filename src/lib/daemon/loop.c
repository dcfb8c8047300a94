/*
** loop.c: the daemon main loop (timers, a cross-thread wakeup, signals
** through a signalfd) and its worker pool (bounded queue, completions handed
** back to the loop thread). Tuned for a handful of timers and jobs that take
** milliseconds to minutes: a sorted list and one mutex are plenty, and keep
** the code small enough to trust.
*/
#include "mpavs/loop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "mpavs/clock.h"

typedef struct job {
    mp_loop_work_fn work;
    mp_loop_done_fn done;
    void *arg;
    struct job *next;
} job;

typedef struct post {
    mp_loop_fn fn;
    void *arg;
    struct post *next;
} post;

/* A FIFO of jobs or posts (both start with their payload, end with next). */
typedef struct jobq {
    job *head, *tail;
    size_t n;
} jobq;

struct mp_loop {
    mp_loop_opts opts;
    int wake_fd; /* eventfd: any thread writes, the loop reads */
    int sig_fd;  /* signalfd, -1 without opts.signals */
    sigset_t old_mask;
    atomic_bool stop;
    atomic_bool stopping;
    int sigints;
    mp_timer *timers; /* sorted by due_ms */
    unsigned long pass;

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cv;  /* workers wait here for jobs */
    jobq queue, done;
    post *posts, *posts_tail;
    size_t running;
    bool closing;
    pthread_t *threads;
    unsigned nthreads;
};

static void q_push(jobq *q, job *j)
{
    j->next = NULL;
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->n++;
}

static job *q_pop(jobq *q)
{
    job *j = q->head;
    if (j) {
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->n--;
    }
    return j;
}

static void wake(mp_loop *loop)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is already non-zero: the loop will wake anyway. */
    ssize_t n = write(loop->wake_fd, &one, sizeof one);
    (void)n;
}

/* ---- workers ---------------------------------------------------------------- */

static void *worker_main(void *arg)
{
    mp_loop *loop = arg;
    pthread_mutex_lock(&loop->mu);
    for (;;) {
        while (!loop->closing && loop->queue.n == 0)
            pthread_cond_wait(&loop->cv, &loop->mu);
        if (loop->closing)
            break;
        job *j = q_pop(&loop->queue);
        loop->running++;
        pthread_mutex_unlock(&loop->mu);
        j->work(j->arg);
        pthread_mutex_lock(&loop->mu);
        loop->running--;
        q_push(&loop->done, j);
        wake(loop);
    }
    pthread_mutex_unlock(&loop->mu);
    return NULL;
}

/* Workers start with every signal blocked: signals belong to the loop thread. */
static int start_workers(mp_loop *loop, unsigned n, mp_err *err)
{
    loop->threads = calloc(n ? n : 1, sizeof *loop->threads);
    if (loop->threads == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = MP_OK;
    for (; loop->nthreads < n; loop->nthreads++) {
        int e = pthread_create(&loop->threads[loop->nthreads], NULL, worker_main, loop);
        if (e != 0) {
            rc = MP_FAIL(err, MP_ERR_IO, "cannot start worker thread: %s", strerror(e));
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* ---- creation --------------------------------------------------------------- */

static int take_signals(mp_loop *loop, mp_err *err)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &set, &loop->old_mask) != 0)
        return MP_FAIL(err, MP_ERR_IO, "cannot block signals");
    loop->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (loop->sig_fd < 0) {
        pthread_sigmask(SIG_SETMASK, &loop->old_mask, NULL);
        return MP_FAIL(err, MP_ERR_IO, "signalfd: %s", strerror(errno));
    }
    return MP_OK;
}

int mp_loop_new(mp_loop **out, const mp_loop_opts *opts, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL);
    *out = NULL;
    mp_loop *loop = calloc(1, sizeof *loop);
    if (loop == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (opts)
        loop->opts = *opts;
    if (loop->opts.queue_cap == 0)
        loop->opts.queue_cap = 256;
    loop->sig_fd = -1;
    pthread_mutex_init(&loop->mu, NULL);
    pthread_cond_init(&loop->cv, NULL);
    int rc = MP_OK;
    loop->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->wake_fd < 0) {
        rc = MP_FAIL(err, MP_ERR_IO, "eventfd: %s", strerror(errno));
        goto fail;
    }
    if (loop->opts.signals && (rc = take_signals(loop, err)) != MP_OK)
        goto fail;
    if ((rc = start_workers(loop, loop->opts.workers, err)) != MP_OK)
        goto fail;
    *out = loop;
    return MP_OK;
fail:
    mp_loop_free(loop);
    return rc;
}

/* Reads what is pending on the signalfd so that restoring the mask does not
 * deliver it with its default action (termination). */
static void release_signals(mp_loop *loop)
{
    if (loop->sig_fd < 0)
        return;
    struct signalfd_siginfo si;
    while (read(loop->sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
        ;
    close(loop->sig_fd);
    loop->sig_fd = -1;
    pthread_sigmask(SIG_SETMASK, &loop->old_mask, NULL);
}

static void drain_done(mp_loop *loop, bool canceled, jobq *q)
{
    job *j;
    while ((j = q_pop(q)) != NULL) {
        if (j->done)
            j->done(loop, j->arg, canceled);
        free(j);
    }
}

void mp_loop_free(mp_loop *loop)
{
    if (loop == NULL)
        return;
    pthread_mutex_lock(&loop->mu);
    loop->closing = true;
    /* Set under the lock after closing: whoever sees stopping knows no worker
     * will take another job. Long jobs polling it give up. */
    atomic_store(&loop->stopping, true);
    pthread_cond_broadcast(&loop->cv);
    pthread_mutex_unlock(&loop->mu);
    for (unsigned i = 0; i < loop->nthreads; i++)
        pthread_join(loop->threads[i], NULL);
    free(loop->threads);
    /* No worker is left: the lists are ours without the lock. */
    jobq queued = loop->queue, done = loop->done;
    loop->queue = (jobq){0};
    loop->done = (jobq){0};
    drain_done(loop, false, &done);
    drain_done(loop, true, &queued);
    for (post *p = loop->posts, *next; p; p = next) {
        next = p->next;
        free(p);
    }
    release_signals(loop);
    if (loop->wake_fd >= 0)
        close(loop->wake_fd);
    pthread_cond_destroy(&loop->cv);
    pthread_mutex_destroy(&loop->mu);
    free(loop);
}

/* ---- control ----------------------------------------------------------------- */

void mp_loop_stop(mp_loop *loop)
{
    atomic_store(&loop->stopping, true);
    atomic_store(&loop->stop, true);
    wake(loop);
}

bool mp_loop_stopping(const mp_loop *loop)
{
    return atomic_load(&((mp_loop *)loop)->stopping);
}

void mp_loop_set_stopping(mp_loop *loop)
{
    atomic_store(&loop->stopping, true);
}

/* ---- timers -------------------------------------------------------------------- */

void mp_loop_timer_stop(mp_loop *loop, mp_timer *t)
{
    if (!t->armed)
        return;
    for (mp_timer **pp = &loop->timers; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->armed = false;
    t->next = NULL;
}

static void timer_insert(mp_loop *loop, mp_timer *t)
{
    mp_timer **pp = &loop->timers;
    while (*pp && (*pp)->due_ms <= t->due_ms)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

void mp_loop_timer_start(mp_loop *loop, mp_timer *t, long long delay_ms, long long period_ms,
                         mp_loop_fn fn, void *arg)
{
    mp_loop_timer_stop(loop, t);
    t->due_ms = mp_clock_now_ms() + (delay_ms > 0 ? delay_ms : 0);
    t->period_ms = period_ms > 0 ? period_ms : 0;
    t->fn = fn;
    t->arg = arg;
    t->pass = loop->pass;
    timer_insert(loop, t);
}

/* Runs the timers due now. A timer armed during this pass waits for the next
 * one, so a callback re-arming itself with delay 0 cannot starve the loop. */
static void run_timers(mp_loop *loop)
{
    long long now = mp_clock_now_ms();
    unsigned long pass = ++loop->pass;
    while (loop->timers && loop->timers->due_ms <= now && loop->timers->pass != pass &&
           !atomic_load(&loop->stop)) {
        mp_timer *t = loop->timers;
        loop->timers = t->next;
        t->next = NULL;
        t->armed = false;
        if (t->period_ms > 0) {
            t->due_ms += t->period_ms;
            if (t->due_ms <= now) /* fell behind: skip missed runs rather than burst */
                t->due_ms = now + t->period_ms;
            t->pass = pass;
            timer_insert(loop, t);
        }
        t->fn(loop, t->arg);
    }
}

static int next_timeout(const mp_loop *loop)
{
    if (loop->timers == NULL)
        return -1;
    long long wait = loop->timers->due_ms - mp_clock_now_ms();
    if (wait <= 0)
        return 0;
    return wait > 60000 ? 60000 : (int)wait;
}

/* ---- posts and jobs ------------------------------------------------------------- */

int mp_loop_post(mp_loop *loop, mp_loop_fn fn, void *arg, mp_err *err)
{
    MP_ARG_CHECK(err, loop != NULL && fn != NULL);
    post *p = calloc(1, sizeof *p);
    if (p == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory posting to the loop");
    p->fn = fn;
    p->arg = arg;
    pthread_mutex_lock(&loop->mu);
    if (loop->posts_tail)
        loop->posts_tail->next = p;
    else
        loop->posts = p;
    loop->posts_tail = p;
    pthread_mutex_unlock(&loop->mu);
    wake(loop);
    return MP_OK;
}

int mp_loop_submit(mp_loop *loop, mp_loop_work_fn work, mp_loop_done_fn done, void *arg,
                   mp_err *err)
{
    MP_ARG_CHECK(err, loop != NULL && work != NULL);
    job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory queuing a job");
    *j = (job){work, done, arg, NULL};
    int rc = MP_OK;
    pthread_mutex_lock(&loop->mu);
    if (loop->nthreads == 0 || loop->closing)
        rc = MP_FAIL(err, MP_ERR_MISUSE, "the loop has no running workers");
    else if (loop->queue.n >= loop->opts.queue_cap)
        rc = MP_FAIL(err, MP_ERR_BUSY, "the work queue is full (%zu jobs)", loop->queue.n);
    else {
        q_push(&loop->queue, j);
        pthread_cond_signal(&loop->cv);
    }
    pthread_mutex_unlock(&loop->mu);
    if (rc != MP_OK)
        free(j);
    return rc;
}

size_t mp_loop_jobs_pending(mp_loop *loop)
{
    pthread_mutex_lock(&loop->mu);
    size_t n = loop->queue.n + loop->running + loop->done.n;
    pthread_mutex_unlock(&loop->mu);
    return n;
}

/* Takes the completions and posts queued so far and runs them unlocked. */
static void run_callbacks(mp_loop *loop)
{
    pthread_mutex_lock(&loop->mu);
    jobq done = loop->done;
    loop->done = (jobq){0};
    post *posts = loop->posts;
    loop->posts = loop->posts_tail = NULL;
    pthread_mutex_unlock(&loop->mu);
    for (post *p = posts, *next; p; p = next) {
        next = p->next;
        p->fn(loop, p->arg);
        free(p);
    }
    drain_done(loop, false, &done);
}

/* ---- signals and the run loop ----------------------------------------------------- */

static void on_signal(mp_loop *loop, int signo)
{
    if (signo == SIGINT && ++loop->sigints >= 2) {
        static const char msg[] = "second SIGINT: exiting now\n";
        ssize_t n = write(2, msg, sizeof msg - 1);
        (void)n;
        _exit(130);
    }
    if (signo != SIGHUP)
        atomic_store(&loop->stopping, true);
    if (loop->opts.on_signal)
        loop->opts.on_signal(loop, signo, loop->opts.signal_arg);
    else if (signo != SIGHUP)
        mp_loop_stop(loop);
}

static void read_signals(mp_loop *loop)
{
    struct signalfd_siginfo si;
    while (read(loop->sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
        on_signal(loop, (int)si.ssi_signo);
}

int mp_loop_run(mp_loop *loop, mp_err *err)
{
    MP_ARG_CHECK(err, loop != NULL);
    int rc = MP_OK;
    while (!atomic_load(&loop->stop)) {
        run_timers(loop);
        run_callbacks(loop);
        if (atomic_load(&loop->stop))
            break;
        struct pollfd fds[2] = {{loop->wake_fd, POLLIN, 0}, {loop->sig_fd, POLLIN, 0}};
        int n = poll(fds, loop->sig_fd >= 0 ? 2 : 1, next_timeout(loop));
        if (n < 0 && errno != EINTR) {
            rc = MP_FAIL(err, MP_ERR_IO, "poll: %s", strerror(errno));
            break;
        }
        if (n > 0 && (fds[0].revents & POLLIN)) {
            uint64_t v;
            ssize_t r = read(loop->wake_fd, &v, sizeof v);
            (void)r;
        }
        if (n > 0 && loop->sig_fd >= 0 && (fds[1].revents & POLLIN))
            read_signals(loop);
    }
    atomic_store(&loop->stop, false);
    return rc;
}
