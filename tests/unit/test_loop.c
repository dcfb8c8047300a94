/*
** test_loop.c: the daemon main loop: timers, cross-thread posts, the worker
** pool (completions on the loop thread, bounded queue, cancellation) and
** real signals sent to this process.
*/
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpavs/clock.h"
#include "mpavs/loop.h"
#include "test.h"

/* ---- timers ---------------------------------------------------------------- */

typedef struct tstate {
    int order[8];
    int n;
    int ticks;
    mp_timer once_a, once_b, cancelled, periodic;
} tstate;

static void note_a(mp_loop *loop, void *arg)
{
    (void)loop;
    tstate *s = arg;
    s->order[s->n++] = 1;
}

static void note_b(mp_loop *loop, void *arg)
{
    (void)loop;
    tstate *s = arg;
    s->order[s->n++] = 2;
}

static void never(mp_loop *loop, void *arg)
{
    (void)loop;
    tstate *s = arg;
    s->order[s->n++] = 99;
}

static void tick(mp_loop *loop, void *arg)
{
    tstate *s = arg;
    if (++s->ticks == 5) {
        mp_loop_timer_stop(loop, &s->periodic); /* from inside its own callback */
        mp_loop_stop(loop);
    }
}

TEST(timers_order_period_cancel)
{
    mp_loop *loop = NULL;
    mp_err e;
    CHECK_OK(mp_loop_new(&loop, NULL, &e), &e);
    if (!loop)
        return;
    tstate s = {0};
    mp_loop_timer_start(loop, &s.once_b, 20, 0, note_b, &s);
    mp_loop_timer_start(loop, &s.once_a, 5, 0, note_a, &s);
    mp_loop_timer_start(loop, &s.cancelled, 1, 0, never, &s);
    mp_loop_timer_stop(loop, &s.cancelled);
    mp_loop_timer_start(loop, &s.periodic, 0, 10, tick, &s);
    CHECK_OK(mp_loop_run(loop, &e), &e);
    CHECK(s.ticks == 5);
    CHECK(s.n == 2 && s.order[0] == 1 && s.order[1] == 2);
    CHECK(!s.periodic.armed && !s.once_a.armed && !s.cancelled.armed);
    CHECK(mp_loop_stopping(loop));
    mp_loop_free(loop);
}

/* A one-shot timer re-arming itself with delay 0 must not starve the loop:
 * posted callbacks still run between its runs. */
typedef struct rearm {
    mp_timer t;
    int runs;
    bool posted_ran;
} rearm;

static void rearm_fn(mp_loop *loop, void *arg)
{
    rearm *r = arg;
    r->runs++;
    if (r->posted_ran)
        mp_loop_stop(loop);
    else
        mp_loop_timer_start(loop, &r->t, 0, 0, rearm_fn, r);
}

static void mark_posted(mp_loop *loop, void *arg)
{
    (void)loop;
    ((rearm *)arg)->posted_ran = true;
}

TEST(timer_rearm_zero_does_not_starve)
{
    mp_loop *loop = NULL;
    mp_err e;
    CHECK_OK(mp_loop_new(&loop, NULL, &e), &e);
    if (!loop)
        return;
    rearm r = {0};
    mp_loop_timer_start(loop, &r.t, 0, 0, rearm_fn, &r);
    CHECK_OK(mp_loop_post(loop, mark_posted, &r, &e), &e);
    CHECK_OK(mp_loop_run(loop, &e), &e);
    CHECK(r.posted_ran && r.runs >= 1);
    mp_loop_free(loop);
}

/* ---- posts from another thread ---------------------------------------------------- */

typedef struct pstate {
    mp_loop *loop;
    pthread_t loop_thread;
    atomic_int posted;
    bool on_loop_thread;
    int ran;
} pstate;

static void posted_fn(mp_loop *loop, void *arg)
{
    pstate *s = arg;
    s->on_loop_thread = pthread_equal(pthread_self(), s->loop_thread);
    if (++s->ran == 50)
        mp_loop_stop(loop);
}

static void *poster(void *arg)
{
    pstate *s = arg;
    for (int i = 0; i < 50; i++)
        if (mp_loop_post(s->loop, posted_fn, s, NULL) == MP_OK)
            atomic_fetch_add(&s->posted, 1);
    return NULL;
}

TEST(post_from_thread_wakes_loop)
{
    pstate s = {0};
    mp_err e;
    CHECK_OK(mp_loop_new(&s.loop, NULL, &e), &e);
    if (!s.loop)
        return;
    s.loop_thread = pthread_self();
    pthread_t th;
    pthread_create(&th, NULL, poster, &s);
    CHECK_OK(mp_loop_run(s.loop, &e), &e);
    pthread_join(th, NULL);
    CHECK(s.ran == 50 && atomic_load(&s.posted) == 50);
    CHECK(s.on_loop_thread);
    mp_loop_free(s.loop);
}

/* ---- worker pool ------------------------------------------------------------------- */

#define NJOBS 200

typedef struct wstate {
    pthread_t loop_thread;
    atomic_int worked;
    int done, wrong_thread, canceled;
    int seen[NJOBS];
    int ran[NJOBS];
    sem_t gate;    /* holds the first job of the bounded-queue tests */
    sem_t started; /* posted when a held job has started */
} wstate;

typedef struct wjob {
    wstate *s;
    int id;
    bool hold;
    int *payload; /* allocated per job: ASan sees any use after free or leak */
} wjob;

static void work_fn(void *arg)
{
    wjob *j = arg;
    if (j->hold) {
        sem_post(&j->s->started);
        sem_wait(&j->s->gate);
    }
    *j->payload = j->id * 3;
    j->s->ran[j->id] = 1;
    atomic_fetch_add(&j->s->worked, 1);
}

static void done_fn(mp_loop *loop, void *arg, bool canceled)
{
    wjob *j = arg;
    wstate *s = j->s;
    if (!pthread_equal(pthread_self(), s->loop_thread))
        s->wrong_thread++;
    s->seen[j->id]++;
    if (canceled)
        s->canceled++;
    else if (*j->payload != j->id * 3)
        s->wrong_thread += 1000;
    free(j->payload);
    free(j);
    if (++s->done == NJOBS)
        mp_loop_stop(loop);
}

static wjob *new_job(wstate *s, int id, bool hold)
{
    wjob *j = calloc(1, sizeof *j);
    j->s = s;
    j->id = id;
    j->hold = hold;
    j->payload = calloc(1, sizeof(int));
    return j;
}

TEST(pool_runs_jobs_and_completes_on_loop_thread)
{
    wstate *s = calloc(1, sizeof *s);
    s->loop_thread = pthread_self();
    mp_loop *loop = NULL;
    mp_err e;
    mp_loop_opts o = {.workers = 4, .queue_cap = NJOBS};
    CHECK_OK(mp_loop_new(&loop, &o, &e), &e);
    if (!loop) {
        free(s);
        return;
    }
    for (int i = 0; i < NJOBS; i++)
        CHECK_OK(mp_loop_submit(loop, work_fn, done_fn, new_job(s, i, false), &e), &e);
    CHECK_OK(mp_loop_run(loop, &e), &e);
    CHECK(s->done == NJOBS && atomic_load(&s->worked) == NJOBS);
    CHECK(s->wrong_thread == 0 && s->canceled == 0);
    int once = 0;
    for (int i = 0; i < NJOBS; i++)
        once += s->seen[i] == 1;
    CHECK(once == NJOBS);
    CHECK(mp_loop_jobs_pending(loop) == 0);
    mp_loop_free(loop);
    free(s);
}

TEST(pool_queue_is_bounded)
{
    wstate *s = calloc(1, sizeof *s);
    sem_init(&s->gate, 0, 0);
    sem_init(&s->started, 0, 0);
    s->loop_thread = pthread_self();
    mp_loop *loop = NULL;
    mp_err e;
    mp_loop_opts o = {.workers = 1, .queue_cap = 2};
    CHECK_OK(mp_loop_new(&loop, &o, &e), &e);
    if (!loop) {
        free(s);
        return;
    }
    CHECK_OK(mp_loop_submit(loop, work_fn, done_fn, new_job(s, 0, true), &e), &e);
    sem_wait(&s->started); /* the worker holds job 0: exactly queue_cap more fit */
    int accepted = 0, busy = 0;
    for (int i = 1; i < 6; i++) {
        wjob *j = new_job(s, i, false);
        int rc = mp_loop_submit(loop, work_fn, done_fn, j, &e);
        if (rc == MP_OK)
            accepted++;
        else {
            busy += mp_rc_class(rc) == MP_ERR_BUSY;
            free(j->payload);
            free(j);
        }
    }
    CHECK(accepted == 2 && busy == 3);
    sem_post(&s->gate);
    mp_loop_free(loop); /* runs completions or cancels: each job exactly once */
    CHECK(s->done == 3);
    for (int i = 0; i < 3; i++)
        CHECK(s->seen[i] == 1);
    sem_destroy(&s->gate);
    sem_destroy(&s->started);
    free(s);
}

typedef struct release_arg {
    wstate *s;
    mp_loop *loop;
} release_arg;

/* Releases job 0 once mp_loop_free has begun (the loop cannot be freed before:
 * its worker is held by job 0), so the queued jobs are certainly canceled. */
static void *release_when_freeing(void *arg)
{
    release_arg *r = arg;
    while (!mp_loop_stopping(r->loop))
        mp_clock_sleep_ms(1);
    sem_post(&r->s->gate);
    return NULL;
}

TEST(pool_free_cancels_queued_jobs)
{
    wstate *s = calloc(1, sizeof *s);
    sem_init(&s->gate, 0, 0);
    sem_init(&s->started, 0, 0);
    s->loop_thread = pthread_self();
    mp_loop *loop = NULL;
    mp_err e;
    mp_loop_opts o = {.workers = 1, .queue_cap = 16};
    CHECK_OK(mp_loop_new(&loop, &o, &e), &e);
    if (!loop) {
        free(s);
        return;
    }
    CHECK_OK(mp_loop_submit(loop, work_fn, done_fn, new_job(s, 0, true), &e), &e);
    for (int i = 1; i < 10; i++)
        CHECK_OK(mp_loop_submit(loop, work_fn, done_fn, new_job(s, i, false), &e), &e);
    sem_wait(&s->started); /* job 0 runs; 1..9 wait in the queue */
    pthread_t th;
    release_arg ra = {s, loop};
    pthread_create(&th, NULL, release_when_freeing, &ra);
    mp_loop_free(loop); /* joins the worker once job 0 is released */
    pthread_join(th, NULL);
    CHECK(s->done == 10);
    for (int i = 0; i < 10; i++)
        CHECK(s->seen[i] == 1);
    /* the running job completes; the queued ones are canceled without running */
    CHECK(s->ran[0] == 1 && s->canceled == 9);
    for (int i = 1; i < 10; i++)
        CHECK(s->ran[i] == 0);
    CHECK(s->wrong_thread == 0);
    sem_destroy(&s->gate);
    sem_destroy(&s->started);
    free(s);
}

TEST(submit_without_workers_is_misuse)
{
    mp_loop *loop = NULL;
    mp_err e;
    CHECK_OK(mp_loop_new(&loop, NULL, &e), &e);
    if (!loop)
        return;
    wstate s = {0};
    wjob j = {&s, 0, false, NULL};
    CHECK_RC(mp_loop_submit(loop, work_fn, done_fn, &j, &e), MP_ERR_MISUSE);
    mp_loop_free(loop);
}

/* ---- signals --------------------------------------------------------------------------- */

typedef struct sstate {
    int got[4];
    int n;
} sstate;

static void record_signal(mp_loop *loop, int signo, void *arg)
{
    sstate *s = arg;
    if (s->n < 4)
        s->got[s->n++] = signo;
    if (signo == SIGHUP)
        kill(getpid(), SIGINT); /* the next one arrives while the loop runs */
    else
        mp_loop_stop(loop);
}

TEST(sigterm_stops_the_loop)
{
    mp_loop *loop = NULL;
    mp_err e;
    mp_loop_opts o = {.signals = true};
    CHECK_OK(mp_loop_new(&loop, &o, &e), &e);
    if (!loop)
        return;
    CHECK(kill(getpid(), SIGTERM) == 0);
    CHECK_OK(mp_loop_run(loop, &e), &e); /* returns: we are still alive */
    CHECK(mp_loop_stopping(loop));
    mp_loop_free(loop);
}

TEST(signal_callback_sees_hup_then_int)
{
    mp_loop *loop = NULL;
    mp_err e;
    sstate s = {0};
    mp_loop_opts o = {.signals = true, .on_signal = record_signal, .signal_arg = &s};
    CHECK_OK(mp_loop_new(&loop, &o, &e), &e);
    if (!loop)
        return;
    CHECK(kill(getpid(), SIGHUP) == 0);
    CHECK_OK(mp_loop_run(loop, &e), &e);
    CHECK(s.n == 2 && s.got[0] == SIGHUP && s.got[1] == SIGINT);
    mp_loop_free(loop);
    /* the mask is restored and nothing is left pending */
    sigset_t pending;
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGHUP));
}

static void ignore_signal(mp_loop *loop, int signo, void *arg)
{
    (void)loop, (void)signo, (void)arg; /* a daemon draining slowly */
}

TEST(second_sigint_exits_at_once)
{
    pid_t pid = fork();
    if (pid == 0) {
        mp_loop *loop = NULL;
        mp_loop_opts o = {.signals = true, .on_signal = ignore_signal};
        if (mp_loop_new(&loop, &o, NULL) != MP_OK)
            _exit(3);
        kill(getpid(), SIGINT);
        if (mp_loop_run(loop, NULL) != MP_OK) /* blocks: the first SIGINT is ignored */
            _exit(4);
        _exit(5);
    }
    CHECK(pid > 0);
    /* the child's first SIGINT is consumed by its loop; send the second */
    int status = 0;
    for (int i = 0; i < 200; i++) {
        mp_clock_sleep_ms(20);
        kill(pid, SIGINT);
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
    }
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
}

static const mp_test_case tests[] = {
    MP_TEST(timers_order_period_cancel),
    MP_TEST(timer_rearm_zero_does_not_starve),
    MP_TEST(post_from_thread_wakes_loop),
    MP_TEST(pool_runs_jobs_and_completes_on_loop_thread),
    MP_TEST(pool_queue_is_bounded),
    MP_TEST(pool_free_cancels_queued_jobs),
    MP_TEST(submit_without_workers_is_misuse),
    MP_TEST(sigterm_stops_the_loop),
    MP_TEST(signal_callback_sees_hup_then_int),
    MP_TEST(second_sigint_exits_at_once),
};

MP_TEST_MAIN("loop", tests)
