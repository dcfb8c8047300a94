/*
** opstore.c: the operator's tables in a daemon store (include/mpavs/opstore.h).
** Workload: a few writes per task (tens per minute at most), each fsync'd, so
** nothing here is tuned for throughput; what matters is that a signature is
** durable before anyone sees it and that two connections cannot race.
*/
#include "mpavs/opstore.h"
#include "mpavs/mem.h"

#include <stdio.h>
#include <string.h>

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS mp_op_signed_states ("
    " identifier BLOB NOT NULL, metadata_hash BLOB NOT NULL, state_hash BLOB NOT NULL,"
    " signed_at INTEGER NOT NULL, PRIMARY KEY (identifier, metadata_hash));"
    "CREATE TABLE IF NOT EXISTS mp_op_signatures ("
    " identifier BLOB NOT NULL, metadata_hash BLOB NOT NULL, reference_block INTEGER NOT NULL,"
    " digest BLOB NOT NULL, signature BLOB NOT NULL, signed_at INTEGER NOT NULL,"
    " PRIMARY KEY (identifier, metadata_hash, reference_block));"
    "CREATE TABLE IF NOT EXISTS mp_op_tasks ("
    " task_id INTEGER PRIMARY KEY, identifier INTEGER NOT NULL, metadata BLOB NOT NULL,"
    " reference_block INTEGER NOT NULL, expires_at INTEGER NOT NULL, status INTEGER NOT NULL,"
    " state BLOB, prover_signature BLOB, enclave BLOB, bls_signature BLOB,"
    " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS mp_op_tasks_status ON mp_op_tasks (status, task_id);";

int mp_opstore_init(mp_store *s, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL);
    return mp_store_exec(s, schema, err);
}

/* ---- signing safety ---- */

static bool blob_eq(sqlite3_stmt *st, int col, const uint8_t *want, size_t n)
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

int mp_opstore_signed_state(mp_store *s, const uint8_t identifier[32],
                            const uint8_t metadata_hash[32], uint8_t state_hash[32], mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && identifier != NULL && metadata_hash != NULL);
    sqlite3_stmt *st;
    bool row;
    MP_TRY(mp_store_prepare(s,
                            "SELECT state_hash FROM mp_op_signed_states WHERE identifier = ?1 AND "
                            "metadata_hash = ?2",
                            &st, err));
    sqlite3_bind_blob(st, 1, identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, metadata_hash, 32, SQLITE_STATIC);
    MP_TRY(mp_store_step(s, st, &row, err));
    if (!row)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "no state signed for this identifier and metadata");
    int rc = copy_blob(st, 0, state_hash, 32, "a state hash", err);
    sqlite3_reset(st);
    return rc;
}

/* Inside the transaction: MP_OK with *found when a signature for h exists, the
 * equivocation error when another state was signed, MP_OK !*found otherwise. */
static int check_previous(mp_store *s, const mp_opstore_header *h, uint8_t sig[64], bool *found,
                          mp_err *err)
{
    uint8_t prev[32];
    bool row;
    *found = false;
    int rc = mp_opstore_signed_state(s, h->identifier, h->metadata_hash, prev, err);
    if (mp_rc_class(rc) == MP_ERR_NOTFOUND)
        return MP_OK;
    MP_TRY(rc);
    if (memcmp(prev, h->state_hash, 32) != 0)
        return MP_FAIL(err, MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION),
                       "refusing to sign: another state was signed for this task before");
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s,
                            "SELECT digest, signature FROM mp_op_signatures WHERE identifier = ?1"
                            " AND metadata_hash = ?2 AND reference_block = ?3",
                            &st, err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h->reference_block);
    MP_TRY(mp_store_step(s, st, &row, err));
    if (!row)
        return MP_OK;
    if (!blob_eq(st, 0, h->digest, 32))
        rc = MP_FAIL(err, MP_ERR_INVALID,
                     "the stored signature is for another digest: is this store shared by two "
                     "deployments?");
    else if ((rc = copy_blob(st, 1, sig, 64, "a signature", err)) == MP_OK)
        *found = true;
    sqlite3_reset(st);
    return rc;
}

static int record(mp_store *s, const mp_opstore_header *h, const uint8_t sig[64], uint64_t now,
                  mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s, "INSERT OR IGNORE INTO mp_op_signed_states VALUES (?1, ?2, ?3, ?4)",
                            &st, err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, h->state_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
    MP_TRY(mp_store_run(s, st, err));
    MP_TRY(mp_store_prepare(s, "INSERT INTO mp_op_signatures VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st,
                            err));
    sqlite3_bind_blob(st, 1, h->identifier, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h->metadata_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h->reference_block);
    sqlite3_bind_blob(st, 4, h->digest, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, sig, 64, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    return mp_store_run(s, st, err);
}

int mp_opstore_sign(mp_store *s, const mp_opstore_header *h, mp_opstore_signer sign, void *ctx,
                    uint64_t now, uint8_t sig[64], bool *reused, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && h != NULL && sign != NULL && sig != NULL && reused != NULL);
    uint8_t fresh[64];
    bool found = false;
    /* IMMEDIATE takes the write lock first: two connections cannot both pass the check. */
    MP_TRY(mp_store_begin(s, err));
    int rc = check_previous(s, h, fresh, &found, err);
    if (rc == MP_OK && !found && (rc = sign(ctx, h->digest, fresh, err)) == MP_OK)
        rc = record(s, h, fresh, now, err);
    if (rc == MP_OK)
        rc = mp_store_commit(s, err); /* fsync'd (synchronous=FULL) */
    if (rc != MP_OK) {
        mp_store_rollback(s);
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

int mp_opstore_task_add(mp_store *s, const mp_opstore_task *t, uint64_t now, bool *inserted,
                        mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && t != NULL && t->task_id <= INT64_MAX);
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s,
                            "INSERT OR IGNORE INTO mp_op_tasks (task_id, identifier, metadata,"
                            " reference_block, expires_at, status, updated_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->task_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)t->identifier);
    sqlite3_bind_blob(st, 3, t->metadata.data ? (const void *)t->metadata.data : "",
                      (int)t->metadata.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, t->reference_block);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)t->expires_at);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    MP_TRY(mp_store_run(s, st, err));
    if (inserted)
        *inserted = sqlite3_changes(mp_store_db(s)) > 0;
    return MP_OK;
}

static int expect_change(mp_store *s, uint64_t task_id, mp_err *err)
{
    if (sqlite3_changes(mp_store_db(s)) == 0)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "operator store: no task %llu",
                       (unsigned long long)task_id);
    return MP_OK;
}

int mp_opstore_task_signed(mp_store *s, const mp_opstore_task *t, uint64_t now, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && t != NULL);
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s,
                            "UPDATE mp_op_tasks SET status = 1, state = ?2, prover_signature = ?3,"
                            " enclave = ?4, bls_signature = ?5, updated_at = ?6 WHERE task_id = ?1",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->task_id);
    sqlite3_bind_blob(st, 2, t->state.data ? (const void *)t->state.data : "", (int)t->state.len,
                      SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, t->prover_signature, 65, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, t->enclave, 20, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, t->bls_signature, 64, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
    MP_TRY(mp_store_run(s, st, err));
    return expect_change(s, t->task_id, err);
}

int mp_opstore_task_set(mp_store *s, uint64_t task_id, int status, const char *reason, bool attempt,
                        uint64_t now, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && status >= MP_TASK_RECEIVED && status <= MP_TASK_FAILED);
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s,
                            "UPDATE mp_op_tasks SET status = ?2, reason = ?3,"
                            " attempts = attempts + ?4, updated_at = ?5 WHERE task_id = ?1",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)task_id);
    sqlite3_bind_int(st, 2, status);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, attempt ? 1 : 0);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
    MP_TRY(mp_store_run(s, st, err));
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
static int get_one(mp_store *s, const char *sql, uint64_t arg, mp_opstore_task *out,
                   const char *missing, mp_err *err)
{
    sqlite3_stmt *st;
    bool row;
    MP_TRY(mp_store_prepare(s, sql, &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)arg);
    MP_TRY(mp_store_step(s, st, &row, err));
    if (!row)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "%s", missing);
    int rc = read_task(st, out, err);
    sqlite3_reset(st);
    return rc;
}

int mp_opstore_task_get(mp_store *s, uint64_t task_id, mp_opstore_task *out, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && out != NULL);
    return get_one(s, "SELECT " TASK_COLUMNS " FROM mp_op_tasks WHERE task_id = ?1", task_id, out,
                   "no such task", err);
}

int mp_opstore_task_last_acked(mp_store *s, mp_opstore_task *out, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && out != NULL);
    return get_one(s,
                   "SELECT " TASK_COLUMNS " FROM mp_op_tasks WHERE status = ?1"
                   " ORDER BY updated_at DESC, task_id DESC LIMIT 1",
                   MP_TASK_ACKED, out, "no task acknowledged yet", err);
}

int mp_opstore_task_expire(mp_store *s, uint64_t now, size_t *n, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL);
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(s,
                            "UPDATE mp_op_tasks SET status = 3, reason = 'expired', updated_at = ?1"
                            " WHERE status IN (0, 1) AND expires_at <= ?1",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    MP_TRY(mp_store_run(s, st, err));
    if (n)
        *n = (size_t)sqlite3_changes(mp_store_db(s));
    return MP_OK;
}

int mp_opstore_task_open(mp_store *s, uint64_t *ids, size_t max, size_t *n, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && n != NULL && (ids != NULL || max == 0));
    sqlite3_stmt *st;
    bool row = true;
    *n = 0;
    MP_TRY(mp_store_prepare(
        s, "SELECT task_id FROM mp_op_tasks WHERE status IN (0, 1) ORDER BY task_id LIMIT ?1", &st,
        err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
    while (row) {
        MP_TRY(mp_store_step(s, st, &row, err));
        if (row)
            ids[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
    }
    return MP_OK;
}

int mp_opstore_task_last_id(mp_store *s, uint64_t *id, mp_err *err)
{
    MP_ARG_CHECK(err, s != NULL && id != NULL);
    sqlite3_stmt *st;
    bool row;
    MP_TRY(mp_store_prepare(s, "SELECT COALESCE(MAX(task_id), 0) FROM mp_op_tasks", &st, err));
    MP_TRY(mp_store_step(s, st, &row, err));
    if (!row)
        return MP_FAIL(err, MP_ERR_DB, "operator store: no answer for the last task id");
    *id = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return MP_OK;
}
