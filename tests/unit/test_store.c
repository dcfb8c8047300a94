/*
** test_store.c: the SQLite store on real files: pragmas, migrations,
** transactions, the statement cache, SQLite's messages in errors, and a
** writer killed with SIGKILL in the middle of transactions.
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpavs/store.h"
#include "test.h"

static char tmpdir[128];

static const char *db_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static long long query_int(mp_store *s, const char *sql)
{
    sqlite3_stmt *st;
    bool row = false;
    long long v = -1;
    if (mp_store_prepare(s, sql, &st, NULL) == MP_OK && mp_store_step(s, st, &row, NULL) == MP_OK &&
        row) {
        v = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return v;
}

static const char *query_text(mp_store *s, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    bool row = false;
    out[0] = 0;
    if (mp_store_prepare(s, sql, &st, NULL) == MP_OK && mp_store_step(s, st, &row, NULL) == MP_OK &&
        row) {
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
    }
    return out;
}

TEST(open_sets_wal_and_sync)
{
    mp_store *s = NULL;
    mp_err e;
    char t[32];
    CHECK_OK(mp_store_open(&s, db_path("pragmas.db"), NULL, &e), &e);
    if (!s)
        return;
    CHECK_STR(query_text(s, "PRAGMA journal_mode", t, sizeof t), "wal");
    CHECK(query_int(s, "PRAGMA synchronous") == 2); /* FULL */
    CHECK(query_int(s, "PRAGMA busy_timeout") == 5000);
    CHECK(query_int(s, "PRAGMA foreign_keys") == 1);
    mp_store_close(s);
    mp_store_opts o = {.busy_timeout_ms = 250, .sync_normal = true};
    CHECK_OK(mp_store_open(&s, db_path("pragmas.db"), &o, &e), &e);
    if (!s)
        return;
    CHECK(query_int(s, "PRAGMA synchronous") == 1); /* NORMAL */
    CHECK(query_int(s, "PRAGMA busy_timeout") == 250);
    mp_store_close(s);
}

static long long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f)
        fclose(f);
    return n;
}

/* n transactions of one 64 KiB row each into t. */
static int write_rows(mp_store *s, int n, mp_err *e)
{
    sqlite3_stmt *st;
    static uint8_t blob[65536];
    for (int i = 0; i < n; i++) {
        MP_TRY(mp_store_prepare(s, "INSERT INTO t (b) VALUES (?)", &st, e));
        sqlite3_bind_blob(st, 1, blob, sizeof blob, SQLITE_STATIC);
        MP_TRY(mp_store_run(s, st, e));
    }
    return MP_OK;
}

/* Without automatic checkpoints the WAL grows past SQLite's 1000 pages until
 * mp_store_checkpoint copies it; the WAL then starts over from its beginning
 * instead of growing. */
TEST(manual_checkpoints_keep_commits_short)
{
    mp_store *s = NULL, *ck = NULL;
    mp_err e;
    char wal[300];
    mp_store_opts manual = {.manual_checkpoint = true};
    snprintf(wal, sizeof wal, "%s-wal", db_path("ckpt.db"));
    CHECK_OK(mp_store_open(&s, db_path("ckpt.db"), &manual, &e), &e);
    CHECK_OK(mp_store_open(&ck, db_path("ckpt.db"), &manual, &e), &e);
    if (!s || !ck)
        return;
    CHECK(query_int(s, "PRAGMA wal_autocheckpoint") == 0);
    CHECK_OK(mp_store_exec(s, "CREATE TABLE t (b BLOB NOT NULL)", &e), &e);
    CHECK_OK(write_rows(s, 100, &e), &e); /* 6.4 MB: 1600 pages of 4 KiB */
    long long grown = file_size(wal);
    CHECK(grown > 1200LL * 4096);
    int left = -1;
    CHECK_OK(mp_store_checkpoint(ck, &left, &e), &e);
    CHECK(left == 0);
    CHECK_OK(write_rows(s, 50, &e), &e); /* reuses the WAL from its start */
    CHECK(file_size(wal) == grown);
    CHECK(query_int(ck, "SELECT count(*) FROM t") == 150);
    mp_store_close(ck);
    mp_store_close(s);
}

static const char *const steps[] = {
    "CREATE TABLE task (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);",
    "ALTER TABLE task ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX task_weight ON task(weight);",
    "CREATE TABLE broken (",
};

TEST(migrations_run_once_in_order)
{
    mp_store *s = NULL;
    mp_err e;
    int v = -1;
    CHECK_OK(mp_store_open(&s, db_path("mig.db"), NULL, &e), &e);
    if (!s)
        return;
    CHECK_OK(mp_store_migrate(s, steps, 1, &e), &e);
    CHECK_OK(mp_store_version(s, &v, &e), &e);
    CHECK(v == 1);
    CHECK_OK(mp_store_exec(s, "INSERT INTO task(name) VALUES ('a')", &e), &e);
    CHECK_OK(mp_store_migrate(s, steps, 2, &e), &e);
    CHECK_OK(mp_store_migrate(s, steps, 2, &e), &e); /* idempotent */
    CHECK_OK(mp_store_version(s, &v, &e), &e);
    CHECK(v == 2);
    CHECK(query_int(s, "SELECT weight FROM task WHERE name = 'a'") == 1);
    /* a failing step leaves the previous version whole */
    CHECK_RC(mp_store_migrate(s, steps, 3, &e), MP_ERR_DB);
    CHECK(strstr(e.msg, "version 3") && strstr(e.msg, "incomplete input"));
    CHECK_OK(mp_store_version(s, &v, &e), &e);
    CHECK(v == 2);
    /* an older program refuses a newer database */
    CHECK_RC(mp_store_migrate(s, steps, 1, &e), MP_ERR_DB);
    CHECK(strstr(e.msg, "newer") != NULL);
    mp_store_close(s);
}

static int insert_two(mp_store *s, void *arg, mp_err *err)
{
    sqlite3_stmt *st;
    const char *second = arg;
    MP_TRY(mp_store_prepare(s, "INSERT INTO task(name) VALUES (?)", &st, err));
    sqlite3_bind_text(st, 1, "first", -1, SQLITE_STATIC);
    MP_TRY(mp_store_run(s, st, err));
    MP_TRY(mp_store_prepare(s, "INSERT INTO task(name) VALUES (?)", &st, err));
    sqlite3_bind_text(st, 1, second, -1, SQLITE_STATIC);
    return mp_store_run(s, st, err);
}

TEST(transactions_commit_or_roll_back_whole)
{
    mp_store *s = NULL;
    mp_err e;
    CHECK_OK(mp_store_open(&s, db_path("tx.db"), NULL, &e), &e);
    if (!s)
        return;
    CHECK_OK(mp_store_migrate(s, steps, 2, &e), &e);
    /* the second insert repeats the unique name: nothing of the transaction stays */
    CHECK_RC(mp_store_tx(s, insert_two, "first", &e), MP_ERR_DB);
    CHECK(mp_rc_detail(mp_store_tx(s, insert_two, "first", &e)) == SQLITE_CONSTRAINT_UNIQUE);
    CHECK(strstr(e.msg, "UNIQUE constraint failed: task.name") != NULL);
    CHECK(!mp_store_in_tx(s));
    CHECK(query_int(s, "SELECT count(*) FROM task") == 0);
    CHECK_OK(mp_store_tx(s, insert_two, "second", &e), &e);
    CHECK(query_int(s, "SELECT count(*) FROM task") == 2);

    CHECK_OK(mp_store_begin(s, &e), &e);
    CHECK(mp_store_in_tx(s));
    CHECK_OK(mp_store_exec(s, "DELETE FROM task", &e), &e);
    mp_store_rollback(s);
    mp_store_rollback(s); /* harmless twice */
    CHECK(query_int(s, "SELECT count(*) FROM task") == 2);
    mp_store_close(s);
}

TEST(statement_cache_reuses_by_text)
{
    mp_store *s = NULL;
    mp_err e;
    CHECK_OK(mp_store_open(&s, db_path("cache.db"), NULL, &e), &e);
    if (!s)
        return;
    sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(mp_store_prepare(s, "SELECT 1", &a, &e), &e);
    char copy[] = "SELECT 1"; /* same text, another pointer */
    CHECK_OK(mp_store_prepare(s, copy, &b, &e), &e);
    CHECK_OK(mp_store_prepare(s, "SELECT 2", &c, &e), &e);
    CHECK(a == b && a != c);
    CHECK(mp_store_cached(s) == 2);
    /* bindings are cleared between uses */
    sqlite3_stmt *p = NULL;
    CHECK_OK(mp_store_prepare(s, "SELECT ?", &p, &e), &e);
    sqlite3_bind_int(p, 1, 42);
    CHECK_OK(mp_store_prepare(s, "SELECT ?", &p, &e), &e);
    bool row = false;
    CHECK_OK(mp_store_step(s, p, &row, &e), &e);
    CHECK(row && sqlite3_column_type(p, 0) == SQLITE_NULL);
    sqlite3_reset(p);
    /* bad SQL: SQLite's message and the text */
    CHECK_RC(mp_store_prepare(s, "SELEKT 1", &p, &e), MP_ERR_DB);
    CHECK(strstr(e.msg, "SELEKT") && strstr(e.msg, "syntax error"));
    CHECK(mp_store_cached(s) == 3);
    mp_store_close(s);
}

TEST(open_failures_name_the_file)
{
    mp_store *s = NULL;
    mp_err e;
    CHECK_RC(mp_store_open(&s, "/nonexistent-dir/x.db", NULL, &e), MP_ERR_DB);
    CHECK(s == NULL && strstr(e.msg, "/nonexistent-dir/x.db") != NULL);
    mp_store_opts ro = {.read_only = true};
    CHECK_RC(mp_store_open(&s, db_path("absent.db"), &ro, &e), MP_ERR_DB);
}

/* ---- SIGKILL mid-transaction ------------------------------------------------------------- */

static const char *const kill_steps[] = {
    "CREATE TABLE item (txn INTEGER NOT NULL, i INTEGER NOT NULL, PRIMARY KEY (txn, i));"
    "CREATE TABLE summary (id INTEGER PRIMARY KEY CHECK (id = 1), txns INTEGER NOT NULL);"
    "INSERT INTO summary VALUES (1, 0);",
};

/* Transaction t inserts size(t) rows and bumps summary.txns: a whole one
 * leaves all of them, a partial one would break the counts. */
static int txn_size(long long t)
{
    return 1 + (int)(t % 7) * 3;
}

/* The child: writes transactions forever, reporting each commit on fd; with
 * stop_at >= 0 it stops inside transaction stop_at, half written, and says so. */
static void writer(const char *path, int fd, long long stop_at)
{
    mp_store *s = NULL;
    if (mp_store_open(&s, path, NULL, NULL) != MP_OK || mp_store_migrate(s, kill_steps, 1, NULL))
        _exit(3);
    long long t = 0;
    sqlite3_stmt *st;
    if (mp_store_prepare(s, "SELECT txns FROM summary", &st, NULL) != MP_OK)
        _exit(4);
    bool row;
    if (mp_store_step(s, st, &row, NULL) != MP_OK || !row)
        _exit(5);
    t = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (;; t++) {
        if (mp_store_begin(s, NULL) != MP_OK)
            _exit(6);
        for (int i = 0; i < txn_size(t); i++) {
            if (i == txn_size(t) / 2 && t == stop_at) {
                char c = 'H';
                if (write(fd, &c, 1) != 1)
                    _exit(7);
                pause(); /* killed here, half-way through */
            }
            if (mp_store_prepare(s, "INSERT INTO item VALUES (?, ?)", &st, NULL) != MP_OK)
                _exit(8);
            sqlite3_bind_int64(st, 1, t);
            sqlite3_bind_int(st, 2, i);
            if (mp_store_run(s, st, NULL) != MP_OK)
                _exit(9);
        }
        if (mp_store_exec(s, "UPDATE summary SET txns = txns + 1", NULL) != MP_OK ||
            mp_store_commit(s, NULL) != MP_OK)
            _exit(10);
        char c = 'C';
        if (write(fd, &c, 1) != 1)
            _exit(11);
    }
}

/* Runs a writer, waits for `commits` commits (or the half-way mark), kills it;
 * returns how many commits it reported in all. */
static long long run_and_kill(mp_test_ctx *mp_t, const char *path, long long stop_at, int commits)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        writer(path, p[1], stop_at);
    }
    close(p[1]);
    long long seen = 0;
    char c;
    while (read(p[0], &c, 1) == 1) {
        if (c == 'H' || (c == 'C' && ++seen >= commits))
            break;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    /* commits reported after the one we waited for, still in the pipe */
    while (read(p[0], &c, 1) == 1)
        seen += c == 'C';
    close(p[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    return seen;
}

/* After a crash: integrity ok, every transaction whole, numbered 0..n-1. */
static long long check_consistent(mp_test_ctx *mp_t, const char *path)
{
    mp_store *s = NULL;
    mp_err e;
    char t[64];
    CHECK_OK(mp_store_open(&s, path, NULL, &e), &e);
    if (!s)
        return -1;
    CHECK_STR(query_text(s, "PRAGMA integrity_check", t, sizeof t), "ok");
    long long txns = query_int(s, "SELECT txns FROM summary");
    CHECK(query_int(s, "SELECT count(DISTINCT txn) FROM item") == txns);
    CHECK(query_int(s, "SELECT coalesce(max(txn) + 1, 0) FROM item") == txns);
    /* every transaction has exactly its rows: none partial */
    CHECK(query_int(s, "SELECT count(*) FROM (SELECT txn, count(*) AS n FROM item GROUP BY txn "
                       "HAVING n != 1 + (txn % 7) * 3)") == 0);
    long long rows = 0;
    for (long long i = 0; i < txns; i++)
        rows += txn_size(i);
    CHECK(query_int(s, "SELECT count(*) FROM item") == rows);
    mp_store_close(s);
    return txns;
}

TEST(sigkill_mid_transaction_leaves_whole_transactions)
{
    const char *path = db_path("kill.db");
    /* Killed half-way through transaction 40: exactly 40 survive. */
    long long seen = run_and_kill(mp_t, path, 40, 1000000);
    CHECK(seen == 40);
    CHECK(check_consistent(mp_t, path) == 40);
    /* Then killed at arbitrary points of a busy writer: every commit reported
     * before the kill survives, and at most one more (committed, not yet
     * reported) may have landed. */
    for (int round = 0; round < 5; round++) {
        long long before = check_consistent(mp_t, path);
        int want = 5 + (int)(mp_test_rand(mp_t) % 60);
        long long got = run_and_kill(mp_t, path, -1, want);
        long long after = check_consistent(mp_t, path);
        CHECK(after >= before + got && after <= before + got + 1);
    }
}

static const mp_test_case tests[] = {
    MP_TEST(open_sets_wal_and_sync),
    MP_TEST(manual_checkpoints_keep_commits_short),
    MP_TEST(migrations_run_once_in_order),
    MP_TEST(transactions_commit_or_roll_back_whole),
    MP_TEST(statement_cache_reuses_by_text),
    MP_TEST(open_failures_name_the_file),
    MP_TEST(sigkill_mid_transaction_leaves_whole_transactions),
};

int main(int argc, char **argv)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mpavs-test-store-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    int rc = mp_test_main("store", tests, sizeof tests / sizeof tests[0], argc, argv);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", tmpdir);
    return rc;
}
