/*
** store.h: a daemon's SQLite database: WAL journal, busy timeout, schema
** migrations on PRAGMA user_version, transaction helpers, a cache of
** prepared statements, and failures that carry SQLite's own message.
**
**   static const char *const steps[] = {
**       "CREATE TABLE task (id INTEGER PRIMARY KEY, hash BLOB NOT NULL);",   // -> version 1
**       "ALTER TABLE task ADD COLUMN created INTEGER NOT NULL DEFAULT 0;",   // -> version 2
**   };
**   MP_TRY(mp_store_open(&st, path, NULL, err));
**   MP_TRY(mp_store_migrate(st, steps, 2, err));
**
** Durability (the fsync policy). In WAL mode a commit appends to the -wal
** file; a checkpoint later copies pages into the database file.
**  - synchronous=FULL (the default here) fsyncs the WAL at every commit: once
**    mp_store_commit returns, the transaction survives a process crash, a
**    kernel crash and a power cut. Use it for anything the daemon acts on
**    and must not forget: what it signed (never sign twice), nonces, task
**    responses it accepted.
**  - synchronous=NORMAL (opts.sync_normal) fsyncs only at checkpoints. A
**    process crash (SIGKILL, abort) still loses nothing, since the WAL is in
**    the OS page cache; a kernel crash or power cut may roll back the last
**    transactions, never corrupt the file. Acceptable for data that can be
**    re-derived: caches of chain state, a watcher's progress (it re-reads),
**    metrics history.
** Either way a transaction is atomic: after any crash it is whole or absent.
**
** Checkpoints. By default the commit that takes the WAL past 1000 pages also
** runs a checkpoint (writes pages to the database file and fsyncs it): that
** commit can take tens of milliseconds. A daemon whose commits are on its
** answer path opens every connection with opts.manual_checkpoint and calls
** mp_store_checkpoint from a background thread on a connection of its own;
** WAL mode lets it run beside the writer.
**
** Statements: mp_store_prepare returns a statement cached by its SQL text,
** reset and with cleared bindings; the store owns it (do not finalize it).
** mp_store_step resets it when it is done or fails; a caller that stops
** reading rows early calls sqlite3_reset itself, so no read snapshot stays
** open (an open snapshot blocks checkpoints and lets the WAL grow).
**
** Library modules keep their own tables, named mp_*, created with
** CREATE TABLE IF NOT EXISTS (e.g. the chain watcher's cursor); the
** user_version steps belong to the daemon.
**
** A store is one SQLite connection: use it from one thread at a time. Worker
** threads open their own (WAL lets readers run beside the one writer; a
** writer waits up to busy_timeout_ms for another).
**
** Failures are MP_RC(MP_ERR_DB, <SQLite extended result code>) with SQLite's
** message; SQLITE_BUSY after the timeout is MP_RC(MP_ERR_DB, SQLITE_BUSY).
*/
#ifndef MPAVS_STORE_H
#define MPAVS_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "mpavs/err.h"

typedef struct mp_store mp_store;

typedef struct mp_store_opts {
    int busy_timeout_ms;    /* wait for another writer; 0: 5000 */
    bool sync_normal;       /* synchronous=NORMAL instead of FULL (see above) */
    bool read_only;         /* open read-only (the file must exist) */
    bool manual_checkpoint; /* commits never checkpoint: see mp_store_checkpoint */
} mp_store_opts;

/** Opens (creating if needed) the database at path: WAL journal, busy
 ** timeout, synchronous FULL or NORMAL, foreign keys on. opts may be NULL. */
MP_WUR int mp_store_open(mp_store **out, const char *path, const mp_store_opts *opts, mp_err *err);
/** Finalizes the cached statements and closes (a no-op for NULL). An open
 ** transaction is rolled back. */
void mp_store_close(mp_store *s);
/** The connection, for what this API does not cover (same thread rules). */
sqlite3 *mp_store_db(mp_store *s);

/** Brings the schema to version nsteps: runs steps[v], steps[v+1], ... for
 ** the database's user_version v, each in its own IMMEDIATE transaction
 ** that also sets user_version, so a crash leaves a whole version. A database
 ** newer than nsteps is refused (an older program must not write it). */
MP_WUR int mp_store_migrate(mp_store *s, const char *const *steps, size_t nsteps, mp_err *err);
/** The schema version (PRAGMA user_version). */
MP_WUR int mp_store_version(mp_store *s, int *version, mp_err *err);

/** Runs SQL text with no results (one or more statements). */
MP_WUR int mp_store_exec(mp_store *s, const char *sql, mp_err *err);

/** BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy
 ** timeout), so the transaction cannot fail later on a lock upgrade. */
MP_WUR int mp_store_begin(mp_store *s, mp_err *err);
/** COMMIT. On failure the transaction is rolled back. */
MP_WUR int mp_store_commit(mp_store *s, mp_err *err);
/** ROLLBACK if a transaction is open; safe to call on every error path. */
void mp_store_rollback(mp_store *s);
/** True while a transaction is open. */
bool mp_store_in_tx(mp_store *s);
/** Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back if fn fails. */
MP_WUR int mp_store_tx(mp_store *s, int (*fn)(mp_store *s, void *arg, mp_err *err), void *arg,
                       mp_err *err);

/** A statement for sql from the cache (prepared on first use), reset and with
 ** no bindings. Owned by the store. */
MP_WUR int mp_store_prepare(mp_store *s, const char *sql, sqlite3_stmt **out, mp_err *err);
/** sqlite3_step: *row is true with a row to read, false when done (then the
 ** statement is reset). On failure the statement is reset too. */
MP_WUR int mp_store_step(mp_store *s, sqlite3_stmt *st, bool *row, mp_err *err);
/** Steps a statement that returns no rows (INSERT, UPDATE, DELETE) to the end. */
MP_WUR int mp_store_run(mp_store *s, sqlite3_stmt *st, mp_err *err);
/** A PASSIVE checkpoint: copies the WAL's committed pages into the database
 ** file as far as readers allow, without waiting for any lock and without
 ** blocking the writer. *left (may be NULL) gets the WAL frames not copied yet. */
MP_WUR int mp_store_checkpoint(mp_store *s, int *left, mp_err *err);
/** Statements in the cache (for tests and metrics). */
size_t mp_store_cached(const mp_store *s);

/** Fills err with SQLite's message for rc and returns MP_RC(MP_ERR_DB, rc);
 ** what names the operation ("inserting task"). */
int mp_store_fail(mp_store *s, int rc, const char *what, mp_err *err);

#endif /* MPAVS_STORE_H */
