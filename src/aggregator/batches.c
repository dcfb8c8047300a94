/*
** batches.c: identifier 2 tasks from the MockRollup's BatchCommitted events,
** through the chain watcher (watcher.h): logs of blocks at least
** batch_confirmations deep, read in bounded ranges, each range's tasks written
** in the same transaction as the watcher's cursor (its own connection to the
** database, on a worker thread). A reorg reaching below the confirmation
** depth marks the tasks of the replaced blocks "reorged"; when the new chain's
** logs come, the batches are derived again (the same batch reopens its task,
** a different one becomes a new task).
**
** The loop thread then brings memory in line with the database
** (agg_batches_sync): new open tasks are added, reorged ones closed.
*/
#include "agg.h"

#include "mpavs/abi.h"
#include "mpavs/keccak.h"
#include "mpavs/log.h"
#include "mpavs/stateheader.h"
#include "mpavs/u256.h"
#include "mpavs/watcher.h"

#include <stdlib.h>
#include <string.h>

/* One BatchCommitted log into a task row (inside the watcher's transaction). */
static int batch_task(agg_ctx *c, mp_store *st, const mp_eth_log *l, mp_err *err)
{
    uint64_t index = 0, first = 0, last = 0;
    if (l->ntopics != 3 || l->data_len != 64 || !mp_u256_to_u64(&index, l->topics[1]))
        return MP_FAIL(err, MP_ERR_PARSE, "malformed BatchCommitted log in block %llu",
                       (unsigned long long)l->block_number);
    MP_TRY(mp_abi_read_u64(&first, l->data, l->data_len, 0, err));
    MP_TRY(mp_abi_read_u64(&last, l->data, l->data_len, 1, err));
    uint8_t meta[128];
    mp_state_l2batch_metadata(meta, c->dep.l2_chain_id, index, first, last);
    uint64_t head = mp_watcher_head(c->watcher);
    int64_t now = agg_now_s();
    sqlite3_stmt *q;
    MP_TRY(mp_store_prepare(
        st,
        "INSERT INTO task (identifier, metadata, reference_block, created_at, expires_at, status,"
        " source_block) VALUES (2, ?1, ?2, ?3, ?4, 'open', ?5)"
        " ON CONFLICT (identifier, metadata) DO UPDATE SET status = 'open', reason = '',"
        " reference_block = ?2, created_at = ?3, expires_at = ?4, source_block = ?5"
        " WHERE task.status = 'reorged'",
        &q, err));
    sqlite3_bind_blob(q, 1, meta, sizeof meta, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)(head - (uint64_t)c->cfg->reference_lag));
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, now + c->cfg->task_ttl_ms / 1000);
    sqlite3_bind_int64(q, 5, (sqlite3_int64)l->block_number);
    return mp_store_run(st, q, err);
}

static int on_logs(void *arg, mp_store *st, const mp_eth_log *logs, size_t n, uint64_t from,
                   uint64_t to, mp_err *err)
{
    agg_ctx *c = arg;
    (void)from, (void)to;
    for (size_t i = 0; i < n; i++)
        MP_TRY(batch_task(c, st, &logs[i], err));
    return MP_OK;
}

static int on_reorg(void *arg, mp_store *st, uint64_t fork, mp_err *err)
{
    agg_ctx *c = arg;
    sqlite3_stmt *q;
    MP_TRY(mp_store_prepare(st,
                            "UPDATE task SET status = 'reorged', reason = 'its BatchCommitted "
                            "event was reorged out' WHERE identifier = 2 AND source_block > ?"
                            " AND status IN ('open', 'confirming')",
                            &q, err));
    sqlite3_bind_int64(q, 1, (sqlite3_int64)fork);
    MP_TRY(mp_store_run(st, q, err));
    MP_WARN(&c->d->log, "L1 reorg below the confirmation depth", MP_LU64("fork_block", fork));
    return MP_OK;
}

int agg_batches_init(agg_ctx *c, mp_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/aggregator.db", c->cfg->common.data_dir);
    MP_TRY(mp_store_open(&c->wdb, path, &agg_db_opts, err));
    MP_TRY(mp_rpc_init(&c->wrpc, c->cfg->rpc_url, NULL, &c->d->log, err));
    c->wrpc_ready = true;
    mp_keccak256(c->batch_topic, "BatchCommitted(uint256,bytes32,uint64,uint64)",
                 strlen("BatchCommitted(uint256,bytes32,uint64,uint64)"));
    mp_watcher_opts o = {.name = "batches",
                         .start_block = c->dep.start_block,
                         .confirmations = (unsigned)c->cfg->batch_confirmations,
                         .max_range = (unsigned)c->cfg->batch_max_range};
    o.filter.addresses = (const uint8_t(*)[20])c->dep.mock_rollup;
    o.filter.naddresses = 1;
    o.filter.topics[0].any = (const uint8_t(*)[32])c->batch_topic;
    o.filter.topics[0].n = 1;
    mp_watcher_cb cb = {.on_reorg = on_reorg, .on_logs = on_logs, .arg = c};
    return mp_watcher_new(&c->watcher, &o, &cb, &c->wrpc, c->wdb, &c->d->log, err);
}

void agg_batches_fini(agg_ctx *c)
{
    mp_watcher_free(c->watcher);
    c->watcher = NULL;
    mp_store_close(c->wdb);
    c->wdb = NULL;
    if (c->wrpc_ready)
        mp_rpc_close(&c->wrpc);
    c->wrpc_ready = false;
}

/* ---- one poll as a worker job ---- */

static void poll_work(void *arg)
{
    agg_ctx *c = arg;
    mp_err err = {0};
    if (mp_watcher_poll(c->watcher, &err) != MP_OK)
        MP_WARN(&c->d->log, "batch watcher poll failed", "error", err.msg);
}

static void poll_done(mp_loop *loop, void *arg, bool canceled)
{
    (void)loop;
    agg_ctx *c = arg;
    c->watching = false;
    if (canceled)
        return;
    mp_err err = {0};
    bool added = false;
    pthread_mutex_lock(&c->mu);
    if (agg_db_sync_batches(c, &added, &err) != MP_OK)
        MP_ERROR(&c->d->log, "cannot load batch tasks", "error", err.msg);
    pthread_mutex_unlock(&c->mu);
    if (added)
        agg_api_notify_task(c);
}

void agg_batches_poll(agg_ctx *c)
{
    if (c->watcher == NULL || c->watching)
        return;
    mp_err err = {0};
    if (mp_loop_submit(c->d->loop, poll_work, poll_done, c, &err) == MP_OK)
        c->watching = true;
}
