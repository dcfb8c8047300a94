/*
** test_opstore.c: the operator's signing-safety record and task table on real
** SQLite files: one signature per (identifier, metadata, reference block), a
** different state refused (also from a second connection and after a crash of
** the signing process), nothing kept when signing fails, tasks resumed.
*/
#include "mpavs/opstore.h"
#include "mpavs/store.h"
#include "test.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct signer {
    int calls;
    uint8_t byte; /* the fake signature's bytes */
    int fail;
} signer;

/* A stand-in for BLS signing: counts calls, fills the signature with one byte. */
static int fake_sign(void *ctx, const uint8_t digest[32], uint8_t sig[64], mp_err *err)
{
    signer *g = ctx;
    g->calls++;
    if (g->fail)
        return MP_FAIL(err, MP_ERR_IO, "signer down");
    memset(sig, g->byte, 64);
    sig[0] = digest[0];
    return MP_OK;
}

static void tmp_path(char *out, size_t cap, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(out, cap, "%s/mpavs-opstore-%d-%s.db", dir && *dir ? dir : "/tmp", (int)getpid(),
             name);
    char side[600];
    unlink(out);
    snprintf(side, sizeof side, "%s-wal", out);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", out);
    unlink(side);
}

/* A daemon store with the operator's tables. */
static int open_store(mp_store **s, const char *path, mp_err *e)
{
    MP_TRY(mp_store_open(s, path, NULL, e));
    int rc = mp_opstore_init(*s, e);
    if (rc != MP_OK) {
        mp_store_close(*s);
        *s = NULL;
    }
    return rc;
}

static void header(mp_opstore_header *h, uint8_t meta, uint8_t state, uint32_t ref)
{
    memset(h, 0, sizeof *h);
    h->identifier[31] = 1;
    memset(h->metadata_hash, meta, 32);
    memset(h->state_hash, state, 32);
    h->reference_block = ref;
    memset(h->digest, (uint8_t)(meta ^ state ^ ref), 32);
}

TEST(one_state_per_task_and_repeat_gets_same_signature)
{
    char path[512];
    mp_err e;
    mp_store *s;
    tmp_path(path, sizeof path, "sign");
    CHECK_OK(open_store(&s, path, &e), &e);
    signer g = {.byte = 0xaa};
    mp_opstore_header h;
    uint8_t sig[64], again[64], st[32];
    bool reused = true;
    header(&h, 1, 2, 100);
    CHECK_RC(mp_opstore_signed_state(s, h.identifier, h.metadata_hash, st, &e), MP_ERR_NOTFOUND);
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 1000, sig, &reused, &e), &e);
    CHECK(!reused && g.calls == 1 && sig[1] == 0xaa);
    /* a repeat: the stored signature, the signer not asked */
    g.byte = 0xbb;
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 1001, again, &reused, &e), &e);
    CHECK(reused && g.calls == 1);
    CHECK_MEM(sig, again, 64);
    CHECK_OK(mp_opstore_signed_state(s, h.identifier, h.metadata_hash, st, &e), &e);
    CHECK_MEM(st, h.state_hash, 32);
    /* another state for the same task: refused, nothing signed */
    mp_opstore_header other;
    header(&other, 1, 3, 100);
    memset(again, 0, 64);
    int rc = mp_opstore_sign(s, &other, fake_sign, &g, 1002, again, &reused, &e);
    CHECK(rc == MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION));
    CHECK(g.calls == 1 && again[1] == 0);
    /* also at another reference block */
    header(&other, 1, 3, 101);
    CHECK(mp_opstore_sign(s, &other, fake_sign, &g, 1002, again, &reused, &e) ==
          MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION));
    /* the same state at another reference block is a new digest: signed */
    header(&h, 1, 2, 101);
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 1003, again, &reused, &e), &e);
    CHECK(!reused && g.calls == 2 && again[1] == 0xbb);
    /* another task is independent */
    header(&h, 9, 3, 100);
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 1004, again, &reused, &e), &e);
    CHECK(!reused && g.calls == 3);
    /* a stored signature for another digest means a store shared by deployments */
    header(&h, 1, 2, 100);
    h.digest[5] ^= 1;
    CHECK_RC(mp_opstore_sign(s, &h, fake_sign, &g, 1005, again, &reused, &e), MP_ERR_INVALID);
    mp_store_close(s);
    unlink(path);
}

TEST(failed_signing_records_nothing)
{
    char path[512];
    mp_err e;
    mp_store *s;
    tmp_path(path, sizeof path, "fail");
    CHECK_OK(open_store(&s, path, &e), &e);
    signer g = {.byte = 1, .fail = 1};
    mp_opstore_header h;
    uint8_t sig[64], st[32];
    bool reused;
    header(&h, 4, 5, 7);
    CHECK_RC(mp_opstore_sign(s, &h, fake_sign, &g, 1, sig, &reused, &e), MP_ERR_IO);
    CHECK_RC(mp_opstore_signed_state(s, h.identifier, h.metadata_hash, st, &e), MP_ERR_NOTFOUND);
    /* so a later attempt may sign any state */
    g.fail = 0;
    header(&h, 4, 6, 7);
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 2, sig, &reused, &e), &e);
    mp_store_close(s);
    unlink(path);
}

TEST(second_connection_sees_the_record)
{
    char path[512];
    mp_err e;
    mp_store *a, *b;
    tmp_path(path, sizeof path, "two");
    CHECK_OK(open_store(&a, path, &e), &e);
    CHECK_OK(open_store(&b, path, &e), &e);
    signer g = {.byte = 3};
    mp_opstore_header h;
    uint8_t sig[64];
    bool reused;
    header(&h, 1, 2, 3);
    CHECK_OK(mp_opstore_sign(a, &h, fake_sign, &g, 1, sig, &reused, &e), &e);
    header(&h, 1, 7, 3);
    CHECK(mp_opstore_sign(b, &h, fake_sign, &g, 1, sig, &reused, &e) ==
          MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION));
    mp_store_close(a);
    mp_store_close(b);
    unlink(path);
}

/* A child signs and is killed with SIGKILL right after the signature came back
 * (as a daemon would be between signing and sending): the record survives. */
TEST(record_survives_kill_after_signing)
{
    char path[512];
    mp_err e;
    tmp_path(path, sizeof path, "kill");
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        mp_store *s;
        signer g = {.byte = 0x5a};
        mp_opstore_header h;
        uint8_t sig[64];
        bool reused;
        header(&h, 8, 9, 10);
        if (open_store(&s, path, NULL) != MP_OK ||
            mp_opstore_sign(s, &h, fake_sign, &g, 1, sig, &reused, NULL) != MP_OK)
            _exit(1);
        if (write(fds[1], sig, 64) != 64)
            _exit(1);
        raise(SIGKILL);
        _exit(2);
    }
    close(fds[1]);
    uint8_t sent[64] = {0};
    CHECK(read(fds[0], sent, 64) == 64);
    close(fds[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    mp_store *s;
    CHECK_OK(open_store(&s, path, &e), &e);
    signer g = {.byte = 0x11};
    mp_opstore_header h;
    uint8_t sig[64];
    bool reused = false;
    header(&h, 8, 9, 10);
    CHECK_OK(mp_opstore_sign(s, &h, fake_sign, &g, 2, sig, &reused, &e), &e);
    CHECK(reused && g.calls == 0);
    CHECK_MEM(sig, sent, 64);
    header(&h, 8, 1, 10);
    CHECK(mp_opstore_sign(s, &h, fake_sign, &g, 2, sig, &reused, &e) ==
          MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION));
    mp_store_close(s);
    unlink(path);
}

static void task(mp_opstore_task *t, uint64_t id, uint64_t expires)
{
    memset(t, 0, sizeof *t);
    t->task_id = id;
    t->identifier = 1;
    t->reference_block = 50;
    t->expires_at = expires;
    if (mp_buf_append(&t->metadata, "meta", 4) != 0)
        abort();
}

TEST(tasks_resume_after_reopen)
{
    char path[512];
    mp_err e;
    mp_store *s;
    tmp_path(path, sizeof path, "tasks");
    CHECK_OK(open_store(&s, path, &e), &e);
    mp_opstore_task t, got;
    uint64_t ids[8], last;
    size_t n;
    bool ins;
    CHECK_OK(mp_opstore_task_last_id(s, &last, &e), &e);
    CHECK(last == 0);
    for (uint64_t id = 1; id <= 3; id++) {
        task(&t, id, 100 * id);
        CHECK_OK(mp_opstore_task_add(s, &t, 10, &ins, &e), &e);
        CHECK(ins);
        mp_opstore_task_free(&t);
    }
    task(&t, 2, 999);
    CHECK_OK(mp_opstore_task_add(s, &t, 11, &ins, &e), &e);
    CHECK(!ins); /* fetched twice: kept as it was */
    CHECK(mp_buf_append(&t.state, "state", 5) == 0);
    memset(t.prover_signature, 0x33, 65);
    memset(t.enclave, 0x44, 20);
    memset(t.bls_signature, 0x55, 64);
    CHECK_OK(mp_opstore_task_signed(s, &t, 12, &e), &e);
    mp_opstore_task_free(&t);
    CHECK_OK(mp_opstore_task_set(s, 1, MP_TASK_ACKED, NULL, true, 13, &e), &e);
    CHECK_RC(mp_opstore_task_set(s, 77, MP_TASK_ACKED, NULL, true, 13, &e), MP_ERR_NOTFOUND);
    mp_store_close(s);

    CHECK_OK(open_store(&s, path, &e), &e);
    CHECK_OK(mp_opstore_task_open(s, ids, 8, &n, &e), &e);
    CHECK(n == 2 && ids[0] == 2 && ids[1] == 3);
    CHECK_OK(mp_opstore_task_get(s, 2, &got, &e), &e);
    CHECK(got.status == MP_TASK_SIGNED && got.expires_at == 200 && got.reference_block == 50);
    CHECK(got.metadata.len == 4 && got.state.len == 5 && got.enclave[0] == 0x44 &&
          got.prover_signature[64] == 0x33 && got.bls_signature[63] == 0x55);
    mp_opstore_task_free(&got);
    CHECK_OK(mp_opstore_task_last_acked(s, &got, &e), &e);
    CHECK(got.task_id == 1 && got.attempts == 1);
    mp_opstore_task_free(&got);
    CHECK_OK(mp_opstore_task_last_id(s, &last, &e), &e);
    CHECK(last == 3);
    /* expiry: task 2 (expires 200) goes, task 3 (300) stays */
    CHECK_OK(mp_opstore_task_expire(s, 250, &n, &e), &e);
    CHECK(n == 1);
    CHECK_OK(mp_opstore_task_open(s, ids, 8, &n, &e), &e);
    CHECK(n == 1 && ids[0] == 3);
    CHECK_OK(mp_opstore_task_set(s, 3, MP_TASK_FAILED, "unknown identifier", false, 14, &e), &e);
    CHECK_OK(mp_opstore_task_get(s, 3, &got, &e), &e);
    CHECK_STR(got.reason, "unknown identifier");
    mp_opstore_task_free(&got);
    CHECK_RC(mp_opstore_task_get(s, 99, &got, &e), MP_ERR_NOTFOUND);
    mp_store_close(s);
    unlink(path);
}

TEST(init_is_idempotent)
{
    char path[512];
    mp_err e;
    mp_store *s;
    tmp_path(path, sizeof path, "init");
    CHECK_OK(open_store(&s, path, &e), &e);
    CHECK_OK(mp_opstore_init(s, &e), &e);
    mp_store_close(s);
    CHECK_OK(open_store(&s, path, &e), &e);
    mp_store_close(s);
    unlink(path);
}

static const mp_test_case tests[] = {
    MP_TEST(one_state_per_task_and_repeat_gets_same_signature),
    MP_TEST(failed_signing_records_nothing),
    MP_TEST(second_connection_sees_the_record),
    MP_TEST(record_survives_kill_after_signing),
    MP_TEST(tasks_resume_after_reopen),
    MP_TEST(init_is_idempotent),
};
MP_TEST_MAIN("opstore", tests)
