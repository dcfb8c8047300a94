/*
** db.c: the aggregator's SQLite database (WAL, synchronous FULL: an accepted
** response is on disk before the submitter hears "accepted"). Tables: task,
** response (one per task and operator), equivocation, submission (each
** confirmState outcome with its receipt) and kv (the task sources' cursors).
** Called with agg_ctx.mu held, except agg_db_commit_rows (group commit of
** responses on its own connection, from the pipeline's committer) and the
** checkpoints (a worker job on a third connection, so that no commit on an
** answer's path ever copies the WAL into the database file) and the
** confirmation records (agg_db_update_task, agg_db_insert_submission: the loop
** thread's own connection, written without agg_ctx.mu, so their fsync never
** holds up a submission).
*/
#include "agg.h"

#include "mpavs/bn254_g1.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/log.h"

#include <stdlib.h>
#include <string.h>

/* Every connection: commits never checkpoint (agg_db_checkpoint does, on its own connection). */
const mp_store_opts agg_db_opts = {.manual_checkpoint = true};

static const char *const schema[] = {
    "CREATE TABLE task (id INTEGER PRIMARY KEY AUTOINCREMENT, identifier INTEGER NOT NULL,"
    " metadata BLOB NOT NULL, reference_block INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
    " confirmed_hash BLOB, tx_hash BLOB, gas_used INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (identifier, metadata));"
    "CREATE INDEX task_status ON task (status);"
    "CREATE TABLE response (task_id INTEGER NOT NULL REFERENCES task (id),"
    " operator BLOB NOT NULL, operator_id BLOB NOT NULL, state BLOB NOT NULL,"
    " state_hash BLOB NOT NULL, bls_signature BLOB NOT NULL, prover_signature BLOB NOT NULL,"
    " enclave BLOB NOT NULL, received_ms INTEGER NOT NULL, PRIMARY KEY (task_id, operator));"
    "CREATE TABLE equivocation (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,"
    " operator BLOB NOT NULL, first_state_hash BLOB NOT NULL, second_state_hash BLOB NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE TABLE submission (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,"
    " outcome TEXT NOT NULL, tx_hash BLOB, gas_used INTEGER NOT NULL DEFAULT 0,"
    " at INTEGER NOT NULL);"
    "CREATE TABLE kv (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
    /* 2: identifier 2 tasks remember the L1 block of their BatchCommitted event */
    "ALTER TABLE task ADD COLUMN source_block INTEGER NOT NULL DEFAULT 0;",
};

int agg_db_open(agg_ctx *c, mp_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/aggregator.db", c->cfg->common.data_dir);
    MP_TRY(mp_store_open(&c->db, path, &agg_db_opts, err));
    MP_TRY(mp_store_migrate(c->db, schema, sizeof schema / sizeof *schema, err));
    MP_TRY(mp_store_open(&c->ckdb, path, &agg_db_opts, err));
    MP_TRY(mp_store_open(&c->ldb, path, &agg_db_opts, err));
    return mp_store_open(&c->gdb, path, &agg_db_opts, err);
}

/* ---- checkpoints, on a worker: no commit waits for one ---- */

static void checkpoint_work(void *arg)
{
    agg_ctx *c = arg;
    mp_err err = {0};
    if (mp_store_checkpoint(c->ckdb, NULL, &err) != MP_OK)
        MP_WARN(&c->d->log, "cannot checkpoint the database", "error", err.msg);
}

static void checkpoint_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop, (void)canceled;
    agg_ctx *c = arg;
    c->checkpointing = false;
}

void agg_db_checkpoint(agg_ctx *c)
{
    mp_err err = {0};
    if (c->ckdb == NULL || c->checkpointing)
        return;
    if (mp_loop_submit(c->d->loop, checkpoint_work, checkpoint_done, c, &err) == MP_OK)
        c->checkpointing = true;
}

void agg_db_close(agg_ctx *c)
{
    mp_store_close(c->gdb);
    c->gdb = NULL;
    mp_store_close(c->ckdb);
    c->ckdb = NULL;
    mp_store_close(c->ldb);
    c->ldb = NULL;
    mp_store_close(c->db);
    c->db = NULL;
}

static int bind_blob(mp_store *s, sqlite3_stmt *st, int i, const void *p, size_t n, mp_err *err)
{
    int rc = sqlite3_bind_blob(st, i, p ? p : "", (int)n, SQLITE_TRANSIENT);
    return rc == SQLITE_OK ? MP_OK : mp_store_fail(s, rc, "binding a value", err);
}

int agg_db_insert_task(agg_ctx *c, agg_task *t, mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(c->db,
                            "INSERT INTO task (identifier, metadata, reference_block, created_at,"
                            " expires_at, status) VALUES (?, ?, ?, ?, ?, ?)",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->identifier);
    MP_TRY(bind_blob(c->db, st, 2, t->metadata, t->metadata_len, err));
    sqlite3_bind_int64(st, 3, t->reference_block);
    sqlite3_bind_int64(st, 4, t->created_at);
    sqlite3_bind_int64(st, 5, t->expires_at);
    sqlite3_bind_text(st, 6, agg_status_name(t->status), -1, SQLITE_STATIC);
    MP_TRY(mp_store_run(c->db, st, err));
    t->id = (uint64_t)sqlite3_last_insert_rowid(mp_store_db(c->db));
    return MP_OK;
}

int agg_db_update_task(agg_ctx *c, const agg_task *t, mp_err *err)
{
    sqlite3_stmt *st;
    static const uint8_t zero[32];
    MP_TRY(mp_store_prepare(c->ldb,
                            "UPDATE task SET status = ?, reason = ?, confirmed_hash = ?,"
                            " tx_hash = ?, gas_used = ? WHERE id = ?",
                            &st, err));
    sqlite3_bind_text(st, 1, agg_status_name(t->status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->reason, -1, SQLITE_TRANSIENT);
    if (memcmp(t->confirmed_hash, zero, 32) != 0)
        MP_TRY(bind_blob(c->ldb, st, 3, t->confirmed_hash, 32, err));
    if (t->has_tx)
        MP_TRY(bind_blob(c->ldb, st, 4, t->tx_hash, 32, err));
    sqlite3_bind_int64(st, 5, (sqlite3_int64)t->gas_used);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)t->id);
    return mp_store_run(c->ldb, st, err);
}

/* One row of a group (on c->gdb, inside its transaction). */
static int insert_row(agg_ctx *c, agg_row *r, mp_err *err)
{
    sqlite3_stmt *st;
    mp_store *db = c->gdb;
    MP_TRY(mp_store_prepare(db,
                            "INSERT OR IGNORE INTO response (task_id, operator, operator_id, state,"
                            " state_hash, bls_signature, prover_signature, enclave, received_ms)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)r->task_id);
    MP_TRY(bind_blob(db, st, 2, r->operator_addr, 20, err));
    MP_TRY(bind_blob(db, st, 3, r->operator_id, 32, err));
    MP_TRY(bind_blob(db, st, 4, r->state, r->state_len, err));
    MP_TRY(bind_blob(db, st, 5, r->state_hash, 32, err));
    MP_TRY(bind_blob(db, st, 6, r->bls, 64, err));
    MP_TRY(bind_blob(db, st, 7, r->prover_sig, 65, err));
    MP_TRY(bind_blob(db, st, 8, r->enclave, 20, err));
    sqlite3_bind_int64(st, 9, r->at_ms);
    MP_TRY(mp_store_run(db, st, err));
    r->inserted = sqlite3_changes(mp_store_db(db)) > 0;
    return MP_OK;
}

void agg_db_commit_rows(agg_ctx *c, agg_row **rows, size_t n)
{
    mp_err err = {0};
    int rc = mp_store_begin(c->gdb, &err);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        rc = insert_row(c, rows[i], &err);
    if (rc == MP_OK)
        rc = mp_store_commit(c->gdb, &err);
    if (rc != MP_OK)
        mp_store_rollback(c->gdb);
    for (size_t i = 0; i < n; i++) {
        rows[i]->rc = rc;
        if (rc != MP_OK)
            rows[i]->err = err;
    }
    agg_count(c->m.batches, "commit", 1);
    agg_count(c->m.batched, "commit", (double)n);
}

int agg_db_insert_equivocation(agg_ctx *c, uint64_t task_id, const uint8_t op[20],
                               const uint8_t first[32], const uint8_t second[32], mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(c->db,
                            "INSERT INTO equivocation (task_id, operator, first_state_hash,"
                            " second_state_hash, at) VALUES (?, ?, ?, ?, ?)",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)task_id);
    MP_TRY(bind_blob(c->db, st, 2, op, 20, err));
    MP_TRY(bind_blob(c->db, st, 3, first, 32, err));
    MP_TRY(bind_blob(c->db, st, 4, second, 32, err));
    sqlite3_bind_int64(st, 5, agg_now_s());
    return mp_store_run(c->db, st, err);
}

int agg_db_insert_submission(agg_ctx *c, const agg_task *t, const char *outcome, mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(mp_store_prepare(c->ldb,
                            "INSERT INTO submission (task_id, outcome, tx_hash, gas_used, at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->id);
    sqlite3_bind_text(st, 2, outcome, -1, SQLITE_TRANSIENT);
    if (t->has_tx)
        MP_TRY(bind_blob(c->ldb, st, 3, t->tx_hash, 32, err));
    sqlite3_bind_int64(st, 4, (sqlite3_int64)t->gas_used);
    sqlite3_bind_int64(st, 5, agg_now_s());
    return mp_store_run(c->ldb, st, err);
}

int agg_db_get_u64(agg_ctx *c, const char *key, uint64_t *v, bool *found, mp_err *err)
{
    sqlite3_stmt *st;
    bool row = false;
    MP_TRY(mp_store_prepare(c->db, "SELECT value FROM kv WHERE key = ?", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    MP_TRY(mp_store_step(c->db, st, &row, err));
    *found = row;
    if (row) {
        *v = (uint64_t)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return MP_OK;
}

int agg_db_set_u64(agg_ctx *c, const char *key, uint64_t v, mp_err *err)
{
    sqlite3_stmt *st;
    MP_TRY(
        mp_store_prepare(c->db, "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)v);
    return mp_store_run(c->db, st, err);
}

/* ---- loading after a restart ---- */

static void copy_blob(uint8_t *out, size_t n, sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p && (size_t)sqlite3_column_bytes(st, col) == n)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

static int load_responses(agg_ctx *c, agg_task *t, mp_err *err)
{
    sqlite3_stmt *st;
    bool row = false;
    MP_TRY(mp_store_prepare(c->db,
                            "SELECT operator, state, state_hash, bls_signature, enclave,"
                            " received_ms FROM response WHERE task_id = ? ORDER BY received_ms",
                            &st, err));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->id);
    while (true) {
        MP_TRY(mp_store_step(c->db, st, &row, err));
        if (!row)
            return MP_OK;
        agg_resp r = {0};
        uint8_t hash[32];
        copy_blob(r.operator_addr, 20, st, 0);
        copy_blob(hash, 32, st, 2);
        copy_blob(r.sig_enc, 64, st, 3);
        copy_blob(r.enclave, 20, st, 4);
        r.at_ms = sqlite3_column_int64(st, 5);
        if (mp_bn254_g1_decode(&r.sig, r.sig_enc, NULL) != MP_OK)
            continue; /* it was checked on the way in; a damaged row is not counted */
        r.state = agg_task_state(t, hash, sqlite3_column_blob(st, 1),
                                 (size_t)sqlite3_column_bytes(st, 1));
        agg_resp *grown = realloc(t->resps, (t->n_resps + 1) * sizeof *grown);
        if (r.state == SIZE_MAX || grown == NULL) {
            sqlite3_reset(st);
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory loading responses");
        }
        t->resps = grown;
        t->resps[t->n_resps++] = r;
    }
}

/* A task row (id, identifier, metadata, reference_block, created_at, expires_at) into t. */
static void task_from_row(agg_task *t, sqlite3_stmt *st)
{
    memset(t, 0, sizeof *t);
    t->id = (uint64_t)sqlite3_column_int64(st, 0);
    t->identifier = (uint64_t)sqlite3_column_int64(st, 1);
    t->metadata_len = (size_t)sqlite3_column_bytes(st, 2);
    if (t->metadata_len > AGG_MAX_METADATA)
        t->metadata_len = AGG_MAX_METADATA;
    if (t->metadata_len)
        memcpy(t->metadata, sqlite3_column_blob(st, 2), t->metadata_len);
    t->reference_block = (uint32_t)sqlite3_column_int64(st, 3);
    t->created_at = sqlite3_column_int64(st, 4);
    t->expires_at = sqlite3_column_int64(st, 5);
    t->status = AGG_OPEN;
}

int agg_db_load(agg_ctx *c, mp_err *err)
{
    sqlite3_stmt *st;
    bool row = false;
    MP_TRY(mp_store_prepare(c->db,
                            "SELECT id, identifier, metadata, reference_block, created_at,"
                            " expires_at, status, reason FROM task WHERE status IN ('open',"
                            " 'confirming') ORDER BY id",
                            &st, err));
    while (true) {
        MP_TRY(mp_store_step(c->db, st, &row, err));
        if (!row)
            break;
        agg_task t;
        task_from_row(&t, st);
        /* status open: a confirmation in flight is re-checked on chain first */
        if (agg_task_add(c, &t, err) == NULL) {
            sqlite3_reset(st);
            return MP_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < c->n_tasks; i++) {
        MP_TRY(load_responses(c, &c->tasks[i], err));
        agg_task_recount(&c->tasks[i]);
    }
    return MP_OK;
}

int agg_db_sync_batches(agg_ctx *c, bool *added, mp_err *err)
{
    sqlite3_stmt *st;
    bool row = false;
    *added = false;
    MP_TRY(mp_store_prepare(c->db,
                            "SELECT id, identifier, metadata, reference_block, created_at,"
                            " expires_at, status FROM task WHERE identifier = 2 AND status IN"
                            " ('open', 'reorged') AND expires_at > ? ORDER BY id",
                            &st, err));
    sqlite3_bind_int64(st, 1, agg_now_s());
    while (true) {
        MP_TRY(mp_store_step(c->db, st, &row, err));
        if (!row)
            return MP_OK;
        bool reorged = strcmp((const char *)sqlite3_column_text(st, 6), "reorged") == 0;
        agg_task *t = agg_task_find(c, (uint64_t)sqlite3_column_int64(st, 0));
        if (reorged && t && t->status == AGG_OPEN) {
            t->status = AGG_REORGED;
            snprintf(t->reason, sizeof t->reason, "its BatchCommitted event was reorged out");
            MP_INFO(&c->d->log, "task reorged out", MP_LU64("task", t->id));
        } else if (!reorged && (t == NULL || t->status == AGG_REORGED)) {
            agg_task fresh;
            task_from_row(&fresh, st);
            if (t) { /* derived again from the new chain: a fresh start */
                agg_task_free(t);
                *t = fresh;
            } else if (agg_task_add(c, &fresh, err) == NULL) {
                sqlite3_reset(st);
                return MP_ERR_NOMEM;
            }
            *added = true;
            MP_INFO(&c->d->log, "batch task", MP_LU64("task", fresh.id),
                    MP_LU64("reference_block", fresh.reference_block));
        } else {
            MP_DEBUG(&c->d->log, "batch task unchanged", MP_LU64("task", t ? t->id : 0),
                     MP_LBOOL("reorged", reorged), MP_LU64("status", t ? t->status : 99));
        }
    }
}

int agg_db_count_responses(agg_ctx *c, uint64_t *n, mp_err *err)
{
    sqlite3_stmt *st;
    bool row = false;
    MP_TRY(mp_store_prepare(c->db, "SELECT count(*) FROM response", &st, err));
    MP_TRY(mp_store_step(c->db, st, &row, err));
    *n = row ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    if (row)
        sqlite3_reset(st);
    return MP_OK;
}

/* ---- listings ---- */

static json_t *blob_hex(sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL)
        return json_null();
    return mp_json_hex_new(p, (size_t)sqlite3_column_bytes(st, col), MP_JSON_0X);
}

json_t *agg_db_equivocations(agg_ctx *c, size_t limit)
{
    sqlite3_stmt *st;
    bool row = false;
    json_t *arr = json_array();
    if (mp_store_prepare(c->db,
                         "SELECT task_id, operator, first_state_hash, second_state_hash, at"
                         " FROM equivocation ORDER BY id DESC LIMIT ?",
                         &st, NULL) != MP_OK)
        return arr;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
    while (mp_store_step(c->db, st, &row, NULL) == MP_OK && row)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:I}", "taskId",
                                             (json_int_t)sqlite3_column_int64(st, 0), "operator",
                                             blob_hex(st, 1), "firstStateHash", blob_hex(st, 2),
                                             "secondStateHash", blob_hex(st, 3), "at",
                                             (json_int_t)sqlite3_column_int64(st, 4)));
    return arr;
}

json_t *agg_db_list_tasks(agg_ctx *c, int status, size_t limit)
{
    sqlite3_stmt *st;
    bool row = false;
    json_t *arr = json_array();
    if (mp_store_prepare(c->db,
                         "SELECT id, identifier, metadata, reference_block, expires_at, status,"
                         " reason, confirmed_hash, tx_hash, gas_used FROM task"
                         " WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2",
                         &st, NULL) != MP_OK)
        return arr;
    if (status >= 0)
        sqlite3_bind_text(st, 1, agg_status_name((agg_status)status), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    while (mp_store_step(c->db, st, &row, NULL) == MP_OK && row)
        json_array_append_new(
            arr, json_pack("{s:I, s:I, s:o, s:I, s:I, s:s, s:s, s:o, s:o, s:I}", "taskId",
                           (json_int_t)sqlite3_column_int64(st, 0), "identifier",
                           (json_int_t)sqlite3_column_int64(st, 1), "metadata", blob_hex(st, 2),
                           "referenceBlockNumber", (json_int_t)sqlite3_column_int64(st, 3),
                           "expiresAt", (json_int_t)sqlite3_column_int64(st, 4), "status",
                           (const char *)sqlite3_column_text(st, 5), "reason",
                           (const char *)sqlite3_column_text(st, 6), "confirmedStateHash",
                           blob_hex(st, 7), "txHash", blob_hex(st, 8), "gasUsed",
                           (json_int_t)sqlite3_column_int64(st, 9)));
    return arr;
}
