/*
** watcher.c: chain following by polling (see watcher.h). Tuned for a daemon
** polling every few seconds: one header fetch per new block plus one to
** re-check the remembered top, and log queries in bounded ranges.
*/
#include "mpavs/watcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ring {
    uint64_t *num;
    uint8_t (*hash)[32];
    size_t n, cap;
} ring;

struct mp_watcher {
    mp_watcher_opts o;
    mp_watcher_cb cb;
    mp_rpc *rpc;
    mp_store *st;
    const mp_log *lg;
    char *name;
    uint64_t next; /* first block whose logs are not delivered */
    uint64_t head;
    ring r; /* remembered canonical blocks, contiguous, ascending */
};

/* ---- the remembered hashes ------------------------------------------------------ */

static int ring_init(ring *r, size_t cap, mp_err *err)
{
    r->num = calloc(cap, sizeof *r->num);
    r->hash = calloc(cap, sizeof *r->hash);
    r->n = 0;
    r->cap = cap;
    if (r->num == NULL || r->hash == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    return MP_OK;
}

static void ring_free(ring *r)
{
    free(r->num);
    free(r->hash);
    memset(r, 0, sizeof *r);
}

static void ring_push(ring *r, uint64_t num, const uint8_t hash[32])
{
    if (r->n == r->cap) { /* drop the oldest */
        memmove(r->num, r->num + 1, (r->n - 1) * sizeof *r->num);
        memmove(r->hash, r->hash + 1, (r->n - 1) * sizeof *r->hash);
        r->n--;
    }
    r->num[r->n] = num;
    memcpy(r->hash[r->n], hash, 32);
    r->n++;
}

/* The remembered hash of block num, or NULL. */
static const uint8_t *ring_find(const ring *r, uint64_t num)
{
    if (r->n == 0 || num < r->num[0] || num > r->num[r->n - 1])
        return NULL;
    return r->hash[num - r->num[0]];
}

static int ring_copy(ring *dst, const ring *src, mp_err *err)
{
    MP_TRY(ring_init(dst, src->cap, err));
    memcpy(dst->num, src->num, src->n * sizeof *src->num);
    memcpy(dst->hash, src->hash, src->n * sizeof *src->hash);
    dst->n = src->n;
    return MP_OK;
}

/* ---- the store ------------------------------------------------------------------------ */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS mp_watcher (name TEXT PRIMARY KEY, next_block INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS mp_watcher_block (name TEXT NOT NULL, number INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY (name, number));";

static int load_cursor(mp_watcher *w, mp_err *err)
{
    sqlite3_stmt *q;
    bool row;
    MP_TRY(mp_store_prepare(w->st, "SELECT next_block FROM mp_watcher WHERE name = ?", &q, err));
    sqlite3_bind_text(q, 1, w->name, -1, SQLITE_STATIC);
    MP_TRY(mp_store_step(w->st, q, &row, err));
    if (row) {
        w->next = (uint64_t)sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        return MP_OK;
    }
    w->next = w->o.start_block;
    MP_TRY(mp_store_prepare(w->st, "INSERT INTO mp_watcher VALUES (?, ?)", &q, err));
    sqlite3_bind_text(q, 1, w->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)w->next);
    return mp_store_run(w->st, q, err);
}

static int load_ring(mp_watcher *w, mp_err *err)
{
    sqlite3_stmt *q;
    bool row = true;
    MP_TRY(mp_store_prepare(w->st,
                            "SELECT number, hash FROM mp_watcher_block WHERE name = ? "
                            "ORDER BY number",
                            &q, err));
    sqlite3_bind_text(q, 1, w->name, -1, SQLITE_STATIC);
    for (;;) {
        MP_TRY(mp_store_step(w->st, q, &row, err));
        if (!row)
            break;
        uint64_t num = (uint64_t)sqlite3_column_int64(q, 0);
        if (sqlite3_column_bytes(q, 1) != 32 || (w->r.n && num != w->r.num[w->r.n - 1] + 1)) {
            sqlite3_reset(q);
            return MP_FAIL(err, MP_ERR_DB, "watcher %s: stored block hashes are malformed",
                           w->name);
        }
        ring_push(&w->r, num, sqlite3_column_blob(q, 1));
    }
    return MP_OK;
}

static int save_next(mp_watcher *w, uint64_t next, mp_err *err)
{
    sqlite3_stmt *q;
    MP_TRY(mp_store_prepare(w->st, "UPDATE mp_watcher SET next_block = ? WHERE name = ?", &q, err));
    sqlite3_bind_int64(q, 1, (sqlite3_int64)next);
    sqlite3_bind_text(q, 2, w->name, -1, SQLITE_STATIC);
    return mp_store_run(w->st, q, err);
}

/* Replaces the stored hashes by r (small: at most `history` rows). */
static int save_ring(mp_watcher *w, const ring *r, mp_err *err)
{
    sqlite3_stmt *q;
    MP_TRY(mp_store_prepare(w->st, "DELETE FROM mp_watcher_block WHERE name = ?", &q, err));
    sqlite3_bind_text(q, 1, w->name, -1, SQLITE_STATIC);
    MP_TRY(mp_store_run(w->st, q, err));
    for (size_t i = 0; i < r->n; i++) {
        MP_TRY(mp_store_prepare(w->st, "INSERT INTO mp_watcher_block VALUES (?, ?, ?)", &q, err));
        sqlite3_bind_text(q, 1, w->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)r->num[i]);
        sqlite3_bind_blob(q, 3, r->hash[i], 32, SQLITE_STATIC);
        MP_TRY(mp_store_run(w->st, q, err));
    }
    return MP_OK;
}

/* ---- creation ------------------------------------------------------------------------------ */

int mp_watcher_new(mp_watcher **out, const mp_watcher_opts *opts, const mp_watcher_cb *cb,
                   mp_rpc *rpc, mp_store *st, const mp_log *lg, mp_err *err)
{
    MP_ARG_CHECK(err, out && opts && opts->name && rpc && st);
    *out = NULL;
    unsigned history = opts->history ? opts->history : 128;
    if (history <= opts->confirmations)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "watcher %s: history (%u) must exceed confirmations (%u)", opts->name,
                       history, opts->confirmations);
    mp_watcher *w = calloc(1, sizeof *w);
    if (w == NULL || (w->name = strdup(opts->name)) == NULL) {
        free(w);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    w->o = *opts;
    w->o.history = history;
    w->o.max_range = opts->max_range ? opts->max_range : 1000;
    if (cb)
        w->cb = *cb;
    w->rpc = rpc;
    w->st = st;
    w->lg = lg;
    int rc = ring_init(&w->r, history, err);
    if (rc == MP_OK)
        rc = mp_store_exec(st, schema, err);
    if (rc == MP_OK)
        rc = load_cursor(w, err);
    if (rc == MP_OK)
        rc = load_ring(w, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "watcher %s", opts->name);
        mp_watcher_free(w);
        return rc;
    }
    *out = w;
    return MP_OK;
}

void mp_watcher_free(mp_watcher *w)
{
    if (w == NULL)
        return;
    ring_free(&w->r);
    free(w->name);
    free(w);
}

uint64_t mp_watcher_next(const mp_watcher *w)
{
    return w->next;
}

uint64_t mp_watcher_head(const mp_watcher *w)
{
    return w->head;
}

/* ---- one poll -------------------------------------------------------------------------------- */

/* The node reports a head below ours. If our block at its height is still
 * canonical, the node is lagging (or the chain got shorter: the two cannot be
 * told apart); *behind says so and the poll waits for the node. If not, the
 * blocks above its head are dropped and find_fork walks back from there. */
static int check_shorter(mp_watcher *w, ring *r, uint64_t latest, bool *behind, bool *reorged,
                         mp_err *err)
{
    const uint8_t *h = ring_find(r, latest);
    mp_eth_block b;
    *behind = true;
    if (h == NULL) /* far below what we remember: certainly a lagging node */
        return MP_OK;
    MP_TRY(mp_eth_get_block_by_number(w->rpc, latest, &b, err));
    if (!memcmp(b.hash, h, 32))
        return MP_OK;
    *behind = false;
    *reorged = true;
    r->n = (size_t)(latest - r->num[0]) + 1;
    return MP_OK;
}

/* Pops remembered blocks that are no longer canonical. *fork is the newest
 * one still canonical; *reorged tells whether anything was popped. */
static int find_fork(mp_watcher *w, ring *r, uint64_t latest, bool *behind, bool *reorged,
                     uint64_t *fork, mp_err *err)
{
    *reorged = *behind = false;
    if (r->n > 0 && latest < r->num[r->n - 1]) {
        MP_TRY(check_shorter(w, r, latest, behind, reorged, err));
        if (*behind)
            return MP_OK;
    }
    while (r->n > 0) {
        mp_eth_block b;
        int rc = mp_eth_get_block_by_number(w->rpc, r->num[r->n - 1], &b, err);
        if (rc != MP_OK && mp_rc_class(rc) != MP_ERR_NOTFOUND)
            return rc;
        if (rc == MP_OK && !memcmp(b.hash, r->hash[r->n - 1], 32))
            break;
        r->n--;
        *reorged = true;
    }
    if (*reorged && r->n == 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "watcher %s: reorg deeper than the %u remembered blocks",
                       w->name, w->o.history);
    *fork = *reorged ? r->num[r->n - 1] : 0;
    return MP_OK;
}

/* Appends the new canonical headers up to latest to r. Stops early (without
 * failing) when a parent hash does not match: a reorg under way, found by
 * the next poll. *heads receives the new blocks for on_head. */
static int extend(mp_watcher *w, ring *r, uint64_t latest, mp_eth_block **heads, size_t *nheads,
                  mp_err *err)
{
    uint64_t oldest = latest + 1 > w->o.history ? latest + 1 - w->o.history : 0;
    uint64_t from = r->n ? r->num[r->n - 1] + 1 : oldest;
    if (from < oldest) { /* too far behind to fetch every header: start afresh */
        r->n = 0;
        from = oldest;
    }
    *nheads = 0;
    *heads = latest >= from ? calloc(latest - from + 1, sizeof **heads) : NULL;
    if (latest >= from && *heads == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (uint64_t num = from; num <= latest; num++) {
        mp_eth_block *b = &(*heads)[*nheads];
        MP_TRY(mp_eth_get_block_by_number(w->rpc, num, b, err));
        if (r->n && memcmp(b->parent_hash, r->hash[r->n - 1], 32) != 0) {
            MP_DEBUG(w->lg, "parent hash changed while walking: reorg under way", "watcher",
                     w->name);
            break;
        }
        ring_push(r, b->number, b->hash);
        (*nheads)++;
    }
    return MP_OK;
}

/* Stores the new hashes (and after a reorg: on_reorg, the rewound cursor) in
 * one transaction. */
static int commit_heads(mp_watcher *w, const ring *r, bool reorged, uint64_t fork, mp_err *err)
{
    MP_TRY(mp_store_begin(w->st, err));
    int rc = MP_OK;
    if (reorged && w->cb.on_reorg)
        rc = w->cb.on_reorg(w->cb.arg, w->st, fork, err);
    if (rc == MP_OK && reorged && w->next > fork + 1)
        rc = save_next(w, fork + 1, err);
    if (rc == MP_OK)
        rc = save_ring(w, r, err);
    if (rc != MP_OK) {
        mp_store_rollback(w->st);
        return rc;
    }
    MP_TRY(mp_store_commit(w->st, err));
    if (reorged && w->next > fork + 1)
        w->next = fork + 1;
    return MP_OK;
}

/* Every log must come from the block we remember at its height. */
static bool logs_match(const mp_watcher *w, const mp_eth_logs *logs)
{
    for (size_t i = 0; i < logs->n; i++) {
        const uint8_t *h = ring_find(&w->r, logs->v[i].block_number);
        if (logs->v[i].removed || (h && memcmp(h, logs->v[i].block_hash, 32) != 0))
            return false;
    }
    return true;
}

static int deliver_range(mp_watcher *w, uint64_t from, uint64_t to, bool *stop, mp_err *err)
{
    mp_eth_filter f = w->o.filter;
    f.from_block = from;
    f.to_block = to;
    f.max_range = w->o.max_range;
    mp_eth_logs logs = {0};
    int rc = mp_eth_get_logs(w->rpc, &f, &logs, err);
    if (rc == MP_OK && !logs_match(w, &logs)) {
        MP_DEBUG(w->lg, "logs from a replaced block: reorg under way", "watcher", w->name);
        *stop = true;
        goto done;
    }
    if (rc != MP_OK || (rc = mp_store_begin(w->st, err)) != MP_OK)
        goto done;
    if (w->cb.on_logs)
        rc = w->cb.on_logs(w->cb.arg, w->st, logs.v, logs.n, from, to, err);
    if (rc == MP_OK)
        rc = save_next(w, to + 1, err);
    if (rc == MP_OK)
        rc = mp_store_commit(w->st, err);
    else
        mp_store_rollback(w->st);
    if (rc == MP_OK)
        w->next = to + 1;
done:
    mp_eth_logs_free(&logs);
    return rc;
}

static int deliver_logs(mp_watcher *w, uint64_t latest, mp_err *err)
{
    if (latest < w->o.confirmations)
        return MP_OK;
    uint64_t confirmed = latest - w->o.confirmations;
    bool stop = false;
    while (w->next <= confirmed && !stop) {
        uint64_t to =
            confirmed - w->next < w->o.max_range - 1 ? confirmed : w->next + w->o.max_range - 1;
        MP_TRY(deliver_range(w, w->next, to, &stop, err));
    }
    return MP_OK;
}

static int poll_heads(mp_watcher *w, uint64_t latest, bool *behind, mp_err *err)
{
    ring r = {0};
    mp_eth_block *heads = NULL;
    size_t nheads = 0;
    bool reorged = false;
    uint64_t fork = 0;
    int rc = ring_copy(&r, &w->r, err);
    if (rc == MP_OK)
        rc = find_fork(w, &r, latest, behind, &reorged, &fork, err);
    if (rc == MP_OK && *behind) {
        MP_DEBUG(w->lg, "the node is behind the watcher's head: waiting", "watcher", w->name);
        ring_free(&r);
        return MP_OK;
    }
    if (rc == MP_OK)
        rc = extend(w, &r, latest, &heads, &nheads, err);
    if (rc == MP_OK && (reorged || nheads > 0))
        rc = commit_heads(w, &r, reorged, fork, err);
    if (rc == MP_OK) {
        ring t = w->r;
        w->r = r;
        r = t;
        if (w->r.n > 0)
            w->head = w->r.num[w->r.n - 1];
        if (reorged) {
            char f[24];
            snprintf(f, sizeof f, "%llu", (unsigned long long)fork);
            MP_WARN(w->lg, "chain reorganisation", "watcher", w->name, "fork_block", f);
        }
        for (size_t i = 0; i < nheads && w->cb.on_head; i++)
            w->cb.on_head(w->cb.arg, &heads[i]);
    }
    ring_free(&r);
    free(heads);
    return rc;
}

int mp_watcher_poll(mp_watcher *w, mp_err *err)
{
    MP_ARG_CHECK(err, w != NULL);
    uint64_t latest;
    bool behind = false;
    int rc = mp_eth_block_number(w->rpc, &latest, err);
    if (rc == MP_OK)
        rc = poll_heads(w, latest, &behind, err);
    /* A lagging node would answer eth_getLogs without the newest logs. */
    if (rc == MP_OK && !behind && w->r.n > 0)
        rc = deliver_logs(w, w->r.num[w->r.n - 1], err);
    if (rc != MP_OK)
        mp_err_wrap(err, "watcher %s", w->name);
    return rc;
}
