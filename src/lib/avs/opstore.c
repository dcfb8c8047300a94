/*
** opstore.c: the operator's SQLite file (include/mpavs/opstore.h). Workload:
** a few writes per task (tens per minute at most), every one fsync'd, so
** nothing here is tuned for throughput; what matters is that a signature is
** durable before anyone sees it and that two connections cannot race.
*/
#include "mpavs/opstore.h"
#include "mpavs/mem.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mp_opstore {
    sqlite3 *db;
};

#define SCHEMA_VERSION 1

static const char schema_v1[] =
    "CREATE TABLE signed_states ("
    " identifier BLOB NOT NULL, metadata_hash BLOB NOT NULL, state_hash BLOB NOT NULL,"
    " signed_at INTEGER NOT NULL, PRIMARY KEY (identifier, metadata_hash));"
    "CREATE TABLE signatures ("
    " identifier BLOB NOT NULL, metadata_hash BLOB NOT NULL, reference_block INTEGER NOT NULL,"
    " digest BLOB NOT NULL, signature BLOB NOT NULL, signed_at INTEGER NOT NULL,"
    " PRIMARY KEY (identifier, metadata_hash, reference_block));"
    "CREATE TABLE tasks ("
    " task_id INTEGER PRIMARY KEY, identifier INTEGER NOT NULL, metadata BLOB NOT NULL,"
    " reference_block INTEGER NOT NULL, expires_at INTEGER NOT NULL, status INTEGER NOT NULL,"
    " state BLOB, prover_signature BLOB, enclave BLOB, bls_signature BLOB,"
    " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX tasks_status ON tasks (status, task_id);";

static int db_fail(mp_opstore *s, mp_err *err, const char *what)
{
    return MP_FAIL(err, MP_ERR_DB, "operator store: %s: %s", what, sqlite3_errmsg(s->db));
}

static int exec(mp_opstore *s, const char *sql, mp_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = MP_FAIL(err, MP_ERR_DB, "operator store: %s", msg ? msg : "exec failed");
        sqlite3_free(msg);
        return rc;
    }
    return MP_OK;
}

static int prepare(mp_opstore *s, sqlite3_stmt **st, const char *sql, mp_err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(s, err, "prepare");
    return MP_OK;
}

/* Steps a statement that returns no row (INSERT, UPDATE) and finalizes it. */
static int step_done(mp_opstore *s, sqlite3_stmt *st, const char *what, mp_err *err)
{
    int r = sqlite3_step(st);
    int rc = r == SQLITE_DONE ? MP_OK : db_fail(s, err, what);
    sqlite3_finalize(st);
    return rc;
}

static int migrate(mp_opstore *s, mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st, "PRAGMA user_version", err));
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (version < 0)
        return db_fail(s, err, "reading the schema version");
    if (version > SCHEMA_VERSION)
        return MP_FAIL(err, MP_ERR_DB,
                       "operator store: schema version %d is newer than this program's (%d)",
                       version, SCHEMA_VERSION);
    if (version == SCHEMA_VERSION)
        return MP_OK;
    MP_TRY(exec(s, "BEGIN IMMEDIATE", err));
    int rc = exec(s, schema_v1, err);
    if (rc == MP_OK)
        rc = exec(s, "PRAGMA user_version = 1", err);
    if (rc == MP_OK)
        return exec(s, "COMMIT", err);
    (void)exec(s, "ROLLBACK", NULL);
    return rc;
}

int mp_opstore_open(mp_opstore **out, const char *path, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && path != NULL);
    *out = NULL;
    /* Create the file 0600 ourselves: SQLite would use the umask. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return MP_FAIL(err, MP_ERR_IO, "operator store %s: cannot open or create", path);
    close(fd);
    mp_opstore *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = MP_OK;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK)
        rc = db_fail(s, err, "open");
    if (rc == MP_OK)
        sqlite3_busy_timeout(s->db, 10000);
    /* WAL + FULL: each COMMIT fsyncs the log, so a returned signature is on disk. */
    if (rc == MP_OK)
        rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", err);
    if (rc == MP_OK)
        rc = migrate(s, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "%s", path);
        mp_opstore_close(s);
        return rc;
    }
    *out = s;
    return MP_OK;
}

void mp_opstore_close(mp_opstore *s)
{
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    free(s);
}

/* ---- signing safety ---- */

static int blob_eq(sqlite3_stmt *st, int col, const uint8_t *want, size_t n)
{
    return (size_t)sqlite3_column_bytes(st, col) == n &&
           memcmp(sqlite3_column_blob(st, col), want, n) == 0;
}

static int copy_blob(sqlite3_stmt *st, int col, uint8_t *out, size_t n, const char *what,
                     mp_err *err)
{
    if ((size_t)sqlite3_column_bytes(st, col) != n)
        return MP_FAIL(err, MP_ERR_DB, "operator store: %s has %d bytes, not %zu", what,
                       sqlite3_column_bytes(st, col), n);
    memcpy(out, sqlite3_column_blob(st, col), n);
    return MP_OK;
}

int mp_opstore_signed_state(mp_opstore *s, const uint8_t identifier[32],
                            const uint8_t metadata_hash[32], uint8_t state_hash[32], mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && identifier != NULL && metadata_hash != NULL);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "SELECT state_hash FROM signed_states WHERE identifier = ?1 AND "
                   "metadata_hash = ?2",
                   err));
    sqlite3_bind_blob(st, 1, identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, metadata_hash, 32, SQLITE_STATIC);
    int r = sqlite3_step(st), rc;
    if (r == SQLITE_ROW)
        rc = copy_blob(st, 0, state_hash, 32, "a state hash", err);
    else if (r == SQLITE_DONE)
        rc = MP_FAIL(err, MP_ERR_NOTFOUND, "no state signed for this identifier and metadata");
    else
        rc = db_fail(s, err, "reading signed states");
    sqlite3_finalize(st);
    return rc;
}

/* Inside the transaction: MP_OK with *found when a signature for h exists, the
 * equivocation error when another state was signed, MP_OK !*found otherwise. */
static int check_previous(mp_opstore *s, const mp_opstore_header *h, uint8_t sig[64], bool *found,
                          mp_err *err)
{
    uint8_t prev[32];
    *found = false;
    int rc = mp_opstore_signed_state(s, h->identifier, h->metadata_hash, prev, err);
    if (mp_rc_class(rc) == MP_ERR_NOTFOUND)
        return MP_OK;
    MP_TRY(rc);
    if (memcmp(prev, h->state_hash, 32) != 0)
        return MP_FAIL(err, MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION),
                       "refusing to sign: another state was signed for this task before");
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "SELECT digest, signature FROM signatures WHERE identifier = ?1 AND "
                   "metadata_hash = ?2 AND reference_block = ?3",
                   err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h->reference_block);
    int r = sqlite3_step(st);
    rc = MP_OK;
    if (r == SQLITE_ROW && !blob_eq(st, 0, h->digest, 32))
        rc = MP_FAIL(err, MP_ERR_INVALID,
                     "the stored signature is for another digest: is this store shared by two "
                     "deployments?");
    else if (r == SQLITE_ROW && (rc = copy_blob(st, 1, sig, 64, "a signature", err)) == MP_OK)
        *found = true;
    else if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = db_fail(s, err, "reading signatures");
    sqlite3_finalize(st);
    return rc;
}

static int record(mp_opstore *s, const mp_opstore_header *h, const uint8_t sig[64], uint64_t now,
                  mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st, "INSERT OR IGNORE INTO signed_states VALUES (?1, ?2, ?3, ?4)", err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, h->state_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
    MP_TRY(step_done(s, st, "recording the signed state", err));
    MP_TRY(prepare(s, &st, "INSERT INTO signatures VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h->reference_block);
    sqlite3_bind_blob(st, 4, h->digest, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, sig, 64, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    return step_done(s, st, "recording the signature", err);
}

int mp_opstore_sign(mp_opstore *s, const mp_opstore_header *h, mp_opstore_signer sign, void *ctx,
                    uint64_t now, uint8_t sig[64], bool *reused, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && h != NULL && sign != NULL && sig != NULL && reused != NULL);
    uint8_t fresh[64];
    bool found = false;
    /* IMMEDIATE takes the write lock first: two connections cannot both pass the check. */
    MP_TRY(exec(s, "BEGIN IMMEDIATE", err));
    int rc = check_previous(s, h, fresh, &found, err);
    if (rc == MP_OK && !found && (rc = sign(ctx, h->digest, fresh, err)) == MP_OK)
        rc = record(s, h, fresh, now, err);
    if (rc == MP_OK)
        rc = exec(s, "COMMIT", err);
    if (rc != MP_OK) {
        (void)exec(s, "ROLLBACK", NULL);
        mp_memzero(fresh, sizeof fresh);
        return rc;
    }
    memcpy(sig, fresh, 64); /* only now, after the commit, does the signature leave */
    *reused = found;
    return MP_OK;
}

/* ---- tasks ---- */

void mp_opstore_task_free(mp_opstore_task *t)
{
    if (t == NULL)
        return;
    mp_buf_free(&t->metadata);
    mp_buf_free(&t->state);
}

int mp_opstore_task_add(mp_opstore *s, const mp_opstore_task *t, uint64_t now, bool *inserted,
                        mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && t != NULL && t->task_id <= INT64_MAX);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "INSERT OR IGNORE INTO tasks (task_id, identifier, metadata, reference_block,"
                   " expires_at, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
                   err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->task_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)t->identifier);
    sqlite3_bind_blob(st, 3, t->metadata.data ? (const void *)t->metadata.data : "",
                      (int)t->metadata.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, t->reference_block);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)t->expires_at);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    MP_TRY(step_done(s, st, "adding a task", err));
    if (inserted)
        *inserted = sqlite3_changes(s->db) > 0;
    return MP_OK;
}

static int expect_change(mp_opstore *s, uint64_t task_id, mp_err *err)
{
    if (sqlite3_changes(s->db) == 0)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "operator store: no task %llu",
                       (unsigned long long)task_id);
    return MP_OK;
}

int mp_opstore_task_signed(mp_opstore *s, const mp_opstore_task *t, uint64_t now, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && t != NULL);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "UPDATE tasks SET status = 1, state = ?2, prover_signature = ?3, enclave = ?4,"
                   " bls_signature = ?5, updated_at = ?6 WHERE task_id = ?1",
                   err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->task_id);
    sqlite3_bind_blob(st, 2, t->state.data ? (const void *)t->state.data : "", (int)t->state.len,
                      SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, t->prover_signature, 65, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, t->enclave, 20, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, t->bls_signature, 64, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    MP_TRY(step_done(s, st, "recording a signed task", err));
    return expect_change(s, t->task_id, err);
}

int mp_opstore_task_set(mp_opstore *s, uint64_t task_id, int status, const char *reason,
                        bool attempt, uint64_t now, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && status >= MP_TASK_RECEIVED && status <= MP_TASK_FAILED);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "UPDATE tasks SET status = ?2, reason = ?3, attempts = attempts + ?4,"
                   " updated_at = ?5 WHERE task_id = ?1",
                   err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)task_id);
    sqlite3_bind_int(st, 2, status);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, attempt ? 1 : 0);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
    MP_TRY(step_done(s, st, "updating a task", err));
    return expect_change(s, task_id, err);
}

static int blob_to_buf(sqlite3_stmt *st, int col, mp_buf *out, mp_err *err)
{
    int n = sqlite3_column_bytes(st, col);
    if (n > 0 && mp_buf_append(out, sqlite3_column_blob(st, col), (size_t)n) != 0)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    return MP_OK;
}

/* Copies an optional fixed-size blob (zeros when NULL). */
static int opt_blob(sqlite3_stmt *st, int col, uint8_t *out, size_t n, const char *what,
                    mp_err *err)
{
    memset(out, 0, n);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return MP_OK;
    return copy_blob(st, col, out, n, what, err);
}

#define TASK_COLUMNS                                                                               \
    "task_id, identifier, metadata, reference_block, expires_at, status, state,"                   \
    " prover_signature, enclave, bls_signature, attempts, reason, updated_at"

static int read_task(sqlite3_stmt *st, mp_opstore_task *t, mp_err *err)
{
    memset(t, 0, sizeof *t);
    t->task_id = (uint64_t)sqlite3_column_int64(st, 0);
    t->identifier = (uint64_t)sqlite3_column_int64(st, 1);
    t->reference_block = (uint32_t)sqlite3_column_int64(st, 3);
    t->expires_at = (uint64_t)sqlite3_column_int64(st, 4);
    t->status = sqlite3_column_int(st, 5);
    t->attempts = (unsigned)sqlite3_column_int(st, 10);
    t->updated_at = (uint64_t)sqlite3_column_int64(st, 12);
    const unsigned char *reason = sqlite3_column_text(st, 11);
    snprintf(t->reason, sizeof t->reason, "%s", reason ? (const char *)reason : "");
    int rc = blob_to_buf(st, 2, &t->metadata, err);
    if (rc == MP_OK)
        rc = blob_to_buf(st, 6, &t->state, err);
    if (rc == MP_OK)
        rc = opt_blob(st, 7, t->prover_signature, 65, "a prover signature", err);
    if (rc == MP_OK)
        rc = opt_blob(st, 8, t->enclave, 20, "an enclave address", err);
    if (rc == MP_OK)
        rc = opt_blob(st, 9, t->bls_signature, 64, "a BLS signature", err);
    if (rc != MP_OK)
        mp_opstore_task_free(t);
    return rc;
}

/* Runs a query with one integer parameter that selects at most one task. */
static int get_one(mp_opstore *s, const char *sql, uint64_t arg, mp_opstore_task *out,
                   const char *missing, mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st, sql, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)arg);
    int r = sqlite3_step(st), rc;
    if (r == SQLITE_ROW)
        rc = read_task(st, out, err);
    else if (r == SQLITE_DONE)
        rc = MP_FAIL(err, MP_ERR_NOTFOUND, "%s", missing);
    else
        rc = db_fail(s, err, "reading a task");
    sqlite3_finalize(st);
    return rc;
}

int mp_opstore_task_get(mp_opstore *s, uint64_t task_id, mp_opstore_task *out, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && out != NULL);
    return get_one(s, "SELECT " TASK_COLUMNS " FROM tasks WHERE task_id = ?1", task_id, out,
                   "no such task", err);
}

int mp_opstore_task_last_acked(mp_opstore *s, mp_opstore_task *out, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && out != NULL);
    return get_one(s,
                   "SELECT " TASK_COLUMNS " FROM tasks WHERE status = ?1"
                   " ORDER BY updated_at DESC, task_id DESC LIMIT 1",
                   MP_TASK_ACKED, out, "no task acknowledged yet", err);
}

int mp_opstore_task_expire(mp_opstore *s, uint64_t now, size_t *n, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st,
                   "UPDATE tasks SET status = 3, reason = 'expired', updated_at = ?1"
                   " WHERE status IN (0, 1) AND expires_at <= ?1",
                   err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    MP_TRY(step_done(s, st, "expiring tasks", err));
    if (n)
        *n = (size_t)sqlite3_changes(s->db);
    return MP_OK;
}

int mp_opstore_task_open(mp_opstore *s, uint64_t *ids, size_t max, size_t *n, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && n != NULL && (ids != NULL || max == 0));
    sqlite3_stmt *st;
    *n = 0;
    MP_TRY(prepare(
        s, &st, "SELECT task_id FROM tasks WHERE status IN (0, 1) ORDER BY task_id LIMIT ?1", err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
    int rc = r == SQLITE_DONE ? MP_OK : db_fail(s, err, "listing open tasks");
    sqlite3_finalize(st);
    return rc;
}

int mp_opstore_task_last_id(mp_opstore *s, uint64_t *id, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && id != NULL);
    sqlite3_stmt *st;
    MP_TRY(prepare(s, &st, "SELECT COALESCE(MAX(task_id), 0) FROM tasks", err));
    int rc = MP_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = (uint64_t)sqlite3_column_int64(st, 0);
    else
        rc = db_fail(s, err, "reading the last task id");
    sqlite3_finalize(st);
    return rc;
}
