/*
** test_watcher.c: the chain watcher against a real anvil: logs delivered once
** each after confirmation, a shallow reorg (evm_snapshot / evm_revert, then a
** different chain mined) detected at the right fork point with the replaced
** logs never delivered, a reorg deeper than the confirmations un-delivering
** logs through on_reorg, and the cursor surviving a restart.
**
** The caller's state lives in the same store as the cursor (table ev): on_logs
** inserts, on_reorg deletes above the fork, so after every poll ev must hold
** exactly the events of the canonical confirmed chain.
*/
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anvil.h"
#include "mpavs/clock.h"
#include "mpavs/ethrpc.h"
#include "mpavs/hex.h"
#include "mpavs/store.h"
#include "mpavs/watcher.h"
#include "test.h"

#define EMITTER "0x7e57000000000000000000000000000000c0de01"
#define NIDS    16

typedef struct world {
    mp_anvil anvil;
    mp_rpc rpc;
    mp_store *st;
    char from[64];
    char dbpath[128];
    uint8_t emitter[20];
    int delivered[NIDS]; /* deliveries per event id */
    int reorgs;
    uint64_t last_fork;
    uint64_t heads;
} world;

static world W;

/* ---- anvil helpers -------------------------------------------------------------- */

static int call(const char *method, json_t *params, json_t **res, mp_err *err)
{
    json_t *r = NULL;
    int rc = mp_rpc_call(&W.rpc, method, params, &r, err);
    if (res)
        *res = r;
    else
        json_decref(r);
    return rc;
}

/* A transaction to the emitter logging id: one block (anvil mines each
 * transaction and manages the nonce, also across evm_revert). */
static int emit(int id, mp_err *err)
{
    char data[67];
    snprintf(data, sizeof data, "0x%064x", id);
    json_t *tx = json_pack("{s:s,s:s,s:s,s:s}", "from", W.from, "to", EMITTER, "data", data, "gas",
                           "0x30000");
    json_t *res = NULL;
    uint8_t hash[32];
    MP_TRY(call("eth_sendTransaction", json_pack("[o]", tx), &res, err));
    int rc = mp_hex_decode_exact(hash, 32, json_string_value(res), err);
    json_decref(res);
    /* mined asynchronously: wait for the receipt (bounded, a hang is a failure) */
    for (int i = 0; rc == MP_OK && i < 500; i++) {
        mp_eth_receipt r;
        rc = mp_eth_get_transaction_receipt(&W.rpc, hash, &r, err);
        if (rc == MP_OK) {
            bool logged = r.logs.n == 1;
            mp_eth_receipt_free(&r);
            return logged ? MP_OK : MP_FAIL(err, MP_ERR_INVALID, "the emitter did not log");
        }
        if (mp_rc_class(rc) == MP_ERR_NOTFOUND) {
            rc = MP_OK;
            mp_clock_sleep_ms(10);
        }
    }
    return rc == MP_OK ? MP_FAIL(err, MP_ERR_TIMEOUT, "transaction not mined") : rc;
}

static int mine(int n, mp_err *err)
{
    for (int i = 0; i < n; i++)
        MP_TRY(call("evm_mine", NULL, NULL, err));
    return MP_OK;
}

static int snapshot(char *id, size_t cap, mp_err *err)
{
    json_t *r = NULL;
    MP_TRY(call("evm_snapshot", NULL, &r, err));
    snprintf(id, cap, "%s", json_string_value(r) ? json_string_value(r) : "");
    json_decref(r);
    return MP_OK;
}

static int revert(const char *id, mp_err *err)
{
    return call("evm_revert", json_pack("[s]", id), NULL, err);
}

static uint64_t block_number(void)
{
    uint64_t n = 0;
    if (mp_eth_block_number(&W.rpc, &n, NULL) != MP_OK)
        return 0;
    return n;
}

/* ---- the watcher's caller --------------------------------------------------------- */

static void on_head(void *arg, const mp_eth_block *b)
{
    (void)arg, (void)b;
    W.heads++;
}

static int on_reorg(void *arg, mp_store *st, uint64_t fork, mp_err *err)
{
    (void)arg;
    W.reorgs++;
    W.last_fork = fork;
    sqlite3_stmt *q;
    MP_TRY(mp_store_prepare(st, "DELETE FROM ev WHERE block > ?", &q, err));
    sqlite3_bind_int64(q, 1, (sqlite3_int64)fork);
    return mp_store_run(st, q, err);
}

static int on_logs(void *arg, mp_store *st, const mp_eth_log *logs, size_t n, uint64_t from,
                   uint64_t to, mp_err *err)
{
    (void)arg, (void)from, (void)to;
    for (size_t i = 0; i < n; i++) {
        if (logs[i].data_len != 32)
            return MP_FAIL(err, MP_ERR_PARSE, "unexpected log data");
        int id = logs[i].data[31];
        if (id < NIDS)
            W.delivered[id]++;
        sqlite3_stmt *q;
        MP_TRY(mp_store_prepare(st, "INSERT INTO ev (id, block) VALUES (?, ?)", &q, err));
        sqlite3_bind_int(q, 1, id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)logs[i].block_number);
        MP_TRY(mp_store_run(st, q, err));
    }
    return MP_OK;
}

static const mp_watcher_cb cbs = {on_head, on_reorg, on_logs, NULL};

static int new_watcher(mp_watcher **w, uint64_t start, mp_err *err)
{
    mp_watcher_opts o = {
        .name = "emitter", .start_block = start, .confirmations = 2, .max_range = 3, .history = 16};
    o.filter.addresses = (const uint8_t(*)[20])W.emitter;
    o.filter.naddresses = 1;
    return mp_watcher_new(w, &o, &cbs, &W.rpc, W.st, NULL, err);
}

/* The ids in ev, in block order, as "1,2,3". */
static void ev_ids(char *out, size_t cap)
{
    sqlite3_stmt *q;
    bool row = false;
    size_t len = 0;
    out[0] = 0;
    if (mp_store_prepare(W.st, "SELECT id FROM ev ORDER BY block, rowid", &q, NULL) != MP_OK)
        return;
    while (mp_store_step(W.st, q, &row, NULL) == MP_OK && row)
        len += (size_t)snprintf(out + len, cap - len, "%s%d", len ? "," : "",
                                sqlite3_column_int(q, 0));
}

/* ---- the test ------------------------------------------------------------------------ */

TEST(logs_once_after_confirmation_and_reorgs)
{
    mp_err e = {0};
    char ids[256], snap[64];
    mp_watcher *w = NULL;
    uint64_t start = block_number() + 1;
    CHECK_OK(new_watcher(&w, start, &e), &e);
    if (!w)
        return;
    for (int id = 1; id <= 5; id++)
        CHECK_OK(emit(id, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3"); /* ids 4 and 5 are 1 and 0 blocks deep: not yet */
    CHECK_OK(mine(2, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e); /* nothing new: nothing again */
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5");
    CHECK(mp_watcher_head(w) == block_number());

    /* Shallow reorg: ids 6 and 7 are never confirmed, the new chain has 8. */
    uint64_t h = block_number();
    CHECK_OK(snapshot(snap, sizeof snap, &e), &e);
    CHECK_OK(emit(6, &e), &e);
    CHECK_OK(emit(7, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(mp_watcher_head(w) == h + 2 && W.reorgs == 0);
    CHECK_OK(revert(snap, &e), &e);
    CHECK(block_number() == h);
    /* the node is now below our head with block h unchanged: wait, report nothing */
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(W.reorgs == 0 && mp_watcher_head(w) == h + 2);
    CHECK_OK(emit(8, &e), &e);
    CHECK_OK(mine(3, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(W.reorgs == 1 && W.last_fork == h);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5,8");
    CHECK(W.delivered[6] == 0 && W.delivered[7] == 0);

    /* Deep reorg: 9 is confirmed and delivered, then replaced by 10. */
    CHECK_OK(mine(2, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    uint64_t h2 = block_number();
    CHECK_OK(snapshot(snap, sizeof snap, &e), &e);
    CHECK_OK(emit(9, &e), &e);
    CHECK_OK(mine(2, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5,8,9");
    CHECK_OK(revert(snap, &e), &e);
    CHECK_OK(emit(10, &e), &e);
    /* the new chain is shorter than ours and differs at its head: found now */
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(W.reorgs == 2 && W.last_fork == h2);
    CHECK(mp_watcher_head(w) == h2 + 1 && mp_watcher_next(w) == h2 + 1);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5,8");
    CHECK_OK(mine(3, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(W.reorgs == 2);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5,8,10");

    for (int id = 1; id <= 10; id++) {
        int want = (id == 6 || id == 7) ? 0 : 1;
        CHECK(W.delivered[id] == want);
    }
    CHECK(W.heads > 0);

    /* Restart: the cursor and hashes come from the store; nothing is repeated. */
    uint64_t next = mp_watcher_next(w);
    mp_watcher_free(w);
    w = NULL;
    CHECK_OK(new_watcher(&w, start, &e), &e);
    if (!w)
        return;
    CHECK(mp_watcher_next(w) == next);
    CHECK_OK(emit(11, &e), &e);
    CHECK_OK(mine(2, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    ev_ids(ids, sizeof ids);
    CHECK_STR(ids, "1,2,3,4,5,8,10,11");
    CHECK(W.delivered[10] == 1 && W.delivered[11] == 1);
    mp_watcher_free(w);
}

/* A reorg that happened while the watcher was not running is found from the
 * hashes in the store. */
TEST(reorg_while_down)
{
    mp_err e = {0};
    char snap[64], ids[256];
    mp_watcher *w = NULL;
    CHECK_OK(mine(1, &e), &e);
    CHECK_OK(new_watcher(&w, 0, &e), &e);
    if (!w)
        return;
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    uint64_t h = block_number();
    CHECK_OK(snapshot(snap, sizeof snap, &e), &e);
    CHECK_OK(emit(12, &e), &e);
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    mp_watcher_free(w);
    w = NULL;
    int before = W.reorgs;
    CHECK_OK(revert(snap, &e), &e);
    CHECK_OK(emit(13, &e), &e);
    CHECK_OK(mine(2, &e), &e);
    CHECK_OK(new_watcher(&w, 0, &e), &e);
    if (!w)
        return;
    CHECK_OK(mp_watcher_poll(w, &e), &e);
    CHECK(W.reorgs == before + 1 && W.last_fork == h);
    ev_ids(ids, sizeof ids);
    CHECK(strstr(ids, ",13") != NULL && strstr(ids, "12") == NULL);
    mp_watcher_free(w);
}

static int setup(mp_err *err)
{
    MP_TRY(mp_anvil_start(&W.anvil, NULL, err));
    MP_TRY(mp_rpc_init(&W.rpc, W.anvil.url, NULL, NULL, err));
    MP_TRY(mp_hex_decode_exact(W.emitter, 20, EMITTER, err));
    /* runtime: copy calldata to memory, LOG1(topic 7) with it */
    static const char runtime[] = "0x3660006000376007366000a100";
    MP_TRY(call("anvil_setCode", json_pack("[s,s]", EMITTER, runtime), NULL, err));
    json_t *accts = NULL;
    MP_TRY(call("eth_accounts", NULL, &accts, err));
    snprintf(W.from, sizeof W.from, "%s", json_string_value(json_array_get(accts, 0)));
    json_decref(accts);
    snprintf(W.dbpath, sizeof W.dbpath, "/tmp/mpavs-test-watcher-%d.db", (int)getpid());
    MP_TRY(mp_store_open(&W.st, W.dbpath, NULL, err));
    return mp_store_exec(W.st, "CREATE TABLE ev (id INTEGER NOT NULL, block INTEGER NOT NULL)",
                         err);
}

static const mp_test_case tests[] = {
    MP_TEST(logs_once_after_confirmation_and_reorgs),
    MP_TEST(reorg_while_down),
};

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mp_err e = {0};
    int rc = setup(&e);
    if (rc != MP_OK)
        printf("not ok 1 - watcher/setup: %s\n", e.msg);
    else
        rc = mp_test_main("watcher", tests, sizeof tests / sizeof tests[0], argc, argv);
    mp_store_close(W.st);
    char p[160];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", W.dbpath, sfx[i]);
        unlink(p);
    }
    mp_rpc_close(&W.rpc);
    mp_anvil_stop(&W.anvil);
    curl_global_cleanup();
    return rc == MP_OK ? 0 : 1;
}
