/*
** bench_daemon.c: the daemon groundwork's costs: a one-row store commit with
** synchronous=FULL (an fsync of the WAL each time) and NORMAL (no fsync), and
** a worker-pool round trip (submit on the loop thread, work on a worker, done
** back on the loop thread).
*/
#include "bench.h"
#include "mpavs/loop.h"
#include "mpavs/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct store_arg {
    mp_store *st;
    long long n;
} store_arg;

static void commit_loop(void *arg, size_t iters)
{
    store_arg *a = arg;
    for (size_t i = 0; i < iters; i++) {
        sqlite3_stmt *q;
        if (mp_store_begin(a->st, NULL) != MP_OK ||
            mp_store_prepare(a->st, "INSERT INTO t VALUES (?)", &q, NULL) != MP_OK)
            abort();
        sqlite3_bind_int64(q, 1, a->n++);
        if (mp_store_run(a->st, q, NULL) != MP_OK || mp_store_commit(a->st, NULL) != MP_OK)
            abort();
    }
}

static void bench_commit(const char *name, bool normal)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/mpavs-bench-store-%d.db", (int)getpid());
    mp_store_opts o = {.sync_normal = normal};
    store_arg a = {0};
    if (mp_store_open(&a.st, path, &o, NULL) != MP_OK ||
        mp_store_exec(a.st, "CREATE TABLE t (v INTEGER)", NULL) != MP_OK)
        abort();
    mp_bench_row(name, mp_bench_ns(commit_loop, &a, 3, 300), NULL);
    mp_store_close(a.st);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

typedef struct pool_arg {
    mp_loop *loop;
    size_t left;
} pool_arg;

static void nothing(void *arg)
{
    (void)arg;
}

static void next_job(mp_loop *loop, void *arg, bool canceled)
{
    pool_arg *p = arg;
    (void)canceled;
    if (--p->left == 0 || mp_loop_submit(loop, nothing, next_job, p, NULL) != MP_OK)
        mp_loop_stop(loop);
}

static void pool_loop(void *arg, size_t iters)
{
    pool_arg *p = arg;
    p->left = iters;
    if (mp_loop_submit(p->loop, nothing, next_job, p, NULL) != MP_OK ||
        mp_loop_run(p->loop, NULL) != MP_OK)
        abort();
}

int main(void)
{
    mp_bench_header("Daemon groundwork");
    bench_commit("store commit, 1 row, synchronous=FULL", false);
    bench_commit("store commit, 1 row, synchronous=NORMAL", true);
    pool_arg p = {0};
    mp_loop_opts o = {.workers = 2, .queue_cap = 16};
    if (mp_loop_new(&p.loop, &o, NULL) != MP_OK)
        return 1;
    mp_bench_row("worker pool round trip (submit, work, done)", mp_bench_ns(pool_loop, &p, 5, 50),
                 NULL);
    mp_loop_free(p.loop);
    return 0;
}
