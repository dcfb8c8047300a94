/*
** store.c: SQLite for the daemons (see store.h for the durability policy).
** Tuned for small, frequent write transactions from one loop thread: WAL,
** IMMEDIATE transactions, statements prepared once and reused.
*/
#include "mpavs/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 64

typedef struct cached {
    char *sql;
    sqlite3_stmt *st;
    struct cached *next;
} cached;

struct mp_store {
    sqlite3 *db;
    cached *buckets[NBUCKETS];
    size_t ncached;
};

int mp_store_fail(mp_store *s, int rc, const char *what, mp_err *err)
{
    int ext = s && s->db ? sqlite3_extended_errcode(s->db) : rc;
    if ((ext & 0xff) != (rc & 0xff))
        ext = rc; /* the connection's last error is another one */
    const char *msg = s && s->db && ext == sqlite3_extended_errcode(s->db) ? sqlite3_errmsg(s->db)
                                                                           : sqlite3_errstr(rc);
    return MP_FAIL(err, MP_RC(MP_ERR_DB, ext), "%s: %s (sqlite %d)", what, msg, ext);
}

sqlite3 *mp_store_db(mp_store *s)
{
    return s->db;
}

/* ---- opening ---------------------------------------------------------------- */

static int pragma_text(mp_store *s, const char *sql, char *out, size_t cap, mp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, cap, "%s", t ? (const char *)t : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        out[0] = 0;
        rc = SQLITE_OK;
    }
    int r = rc == SQLITE_OK ? MP_OK : mp_store_fail(s, rc, sql, err);
    sqlite3_finalize(st);
    return r;
}

static int configure(mp_store *s, const mp_store_opts *o, mp_err *err)
{
    int rc = sqlite3_busy_timeout(s->db, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
    if (rc != SQLITE_OK)
        return mp_store_fail(s, rc, "setting the busy timeout", err);
    sqlite3_extended_result_codes(s->db, 1);
    char mode[32];
    if (!o->read_only) {
        MP_TRY(pragma_text(s, "PRAGMA journal_mode=WAL", mode, sizeof mode, err));
        if (strcmp(mode, "wal") != 0)
            return MP_FAIL(err, MP_ERR_DB, "the database refused WAL mode (journal_mode is %s)",
                           mode);
    }
    MP_TRY(mp_store_exec(
        s, o->sync_normal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL", err));
    if (o->manual_checkpoint && (rc = sqlite3_wal_autocheckpoint(s->db, 0)) != SQLITE_OK)
        return mp_store_fail(s, rc, "turning automatic checkpoints off", err);
    return mp_store_exec(s, "PRAGMA foreign_keys=ON", err);
}

int mp_store_open(mp_store **out, const char *path, const mp_store_opts *opts, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && path != NULL);
    *out = NULL;
    mp_store_opts o = opts ? *opts : (mp_store_opts){0};
    mp_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int flags = o.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    int r = MP_OK;
    if (rc != SQLITE_OK)
        r = mp_store_fail(s, rc, "opening the database", err);
    else
        r = configure(s, &o, err);
    if (r != MP_OK) {
        mp_err_wrap(err, "%s", path);
        mp_store_close(s);
        return r;
    }
    *out = s;
    return MP_OK;
}

void mp_store_close(mp_store *s)
{
    if (s == NULL)
        return;
    for (size_t b = 0; b < NBUCKETS; b++)
        for (cached *c = s->buckets[b], *next; c; c = next) {
            next = c->next;
            sqlite3_finalize(c->st);
            free(c->sql);
            free(c);
        }
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(s->db);
    free(s);
}

/* ---- plain SQL and transactions --------------------------------------------------- */

int mp_store_exec(mp_store *s, const char *sql, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && sql != NULL);
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return MP_OK;
    int ext = sqlite3_extended_errcode(s->db);
    int r = MP_FAIL(err, MP_RC(MP_ERR_DB, ext), "%.60s%s: %s (sqlite %d)", sql,
                    strlen(sql) > 60 ? "..." : "", msg ? msg : sqlite3_errstr(rc), ext);
    sqlite3_free(msg);
    return r;
}

int mp_store_begin(mp_store *s, mp_err *err)
{
    return mp_store_exec(s, "BEGIN IMMEDIATE", err);
}

int mp_store_commit(mp_store *s, mp_err *err)
{
    int r = mp_store_exec(s, "COMMIT", err);
    if (r != MP_OK)
        mp_store_rollback(s);
    return r;
}

void mp_store_rollback(mp_store *s)
{
    if (s && s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

bool mp_store_in_tx(mp_store *s)
{
    return s && s->db && !sqlite3_get_autocommit(s->db);
}

int mp_store_tx(mp_store *s, int (*fn)(mp_store *s, void *arg, mp_err *err), void *arg, mp_err *err)
{
    MP_TRY(mp_store_begin(s, err));
    int r = fn(s, arg, err);
    if (r != MP_OK) {
        mp_store_rollback(s);
        return r;
    }
    return mp_store_commit(s, err);
}

/* ---- migrations ------------------------------------------------------------------------- */

int mp_store_version(mp_store *s, int *version, mp_err *err)
{
    char text[32];
    MP_TRY(pragma_text(s, "PRAGMA user_version", text, sizeof text, err));
    *version = atoi(text);
    return MP_OK;
}

static int migrate_step(mp_store *s, const char *sql, int to, mp_err *err)
{
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", to);
    MP_TRY(mp_store_begin(s, err));
    int r = mp_store_exec(s, sql, err);
    if (r == MP_OK)
        r = mp_store_exec(s, pragma, err);
    if (r != MP_OK) {
        mp_store_rollback(s);
        mp_err_wrap(err, "schema migration to version %d", to);
        return r;
    }
    return mp_store_commit(s, err);
}

int mp_store_migrate(mp_store *s, const char *const *steps, size_t nsteps, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && (steps != NULL || nsteps == 0) && nsteps < 1000000);
    int v;
    MP_TRY(mp_store_version(s, &v, err));
    if (v < 0 || (size_t)v > nsteps)
        return MP_FAIL(err, MP_ERR_DB,
                       "the database schema is version %d but this program knows %zu: it was "
                       "written by a newer version",
                       v, nsteps);
    for (size_t i = (size_t)v; i < nsteps; i++)
        MP_TRY(migrate_step(s, steps[i], (int)i + 1, err));
    return MP_OK;
}

/* ---- the statement cache ------------------------------------------------------------------ */

static size_t bucket_of(const char *sql)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % NBUCKETS;
}

int mp_store_prepare(mp_store *s, const char *sql, sqlite3_stmt **out, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && sql != NULL && out != NULL);
    size_t b = bucket_of(sql);
    for (cached *c = s->buckets[b]; c; c = c->next)
        if (!strcmp(c->sql, sql)) {
            sqlite3_reset(c->st);
            sqlite3_clear_bindings(c->st);
            *out = c->st;
            return MP_OK;
        }
    cached *c = calloc(1, sizeof *c);
    if (c == NULL || (c->sql = strdup(sql)) == NULL) {
        free(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st, NULL);
    if (rc != SQLITE_OK) {
        int r = mp_store_fail(s, rc, "preparing SQL", err);
        mp_err_wrap(err, "%.80s", sql);
        free(c->sql);
        free(c);
        return r;
    }
    c->next = s->buckets[b];
    s->buckets[b] = c;
    s->ncached++;
    *out = c->st;
    return MP_OK;
}

int mp_store_step(mp_store *s, sqlite3_stmt *st, bool *row, mp_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *row = true;
        return MP_OK;
    }
    *row = false;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return MP_OK;
    }
    int r = mp_store_fail(s, rc, "running SQL", err);
    mp_err_wrap(err, "%.80s", sqlite3_sql(st));
    sqlite3_reset(st);
    return r;
}

int mp_store_run(mp_store *s, sqlite3_stmt *st, mp_err *err)
{
    bool row = true;
    while (row)
        MP_TRY(mp_store_step(s, st, &row, err));
    return MP_OK;
}

int mp_store_checkpoint(mp_store *s, int *left, mp_err *err)
{
    int frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc != SQLITE_OK)
        return mp_store_fail(s, rc, "checkpointing the WAL", err);
    if (left)
        *left = frames - copied;
    return MP_OK;
}

size_t mp_store_cached(const mp_store *s)
{
    return s->ncached;
}
