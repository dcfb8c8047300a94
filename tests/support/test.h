/*
** test.h: the tiny test harness every C test binary uses.
**
** A test is "TEST(name) { ... CHECK(cond); ... }". Each binary lists its tests
** in a table and calls mp_test_main. Output is TAP-like, one line per test:
**
**   ok 3 - keccak/long_input
**   not ok 4 - keccak/vectors
**   # tests/unit/test_keccak.c:42: CHECK(memcmp(a, b, 32) == 0)
**
** scripts/run-tests.sh counts the "ok" / "not ok" lines of every binary.
** CHECK stays on in every build (it is not assert) and does not stop the
** test, so one run shows every failing check.
*/
#ifndef MPAVS_TEST_H
#define MPAVS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mpavs/err.h"

typedef struct mp_test_ctx {
    const char *name; /* running test */
    int failures;     /* failed checks in it */
    uint64_t rng;     /* xorshift state, seeded per test from MPAVS_TEST_SEED */
} mp_test_ctx;

typedef struct mp_test_case {
    const char *name;
    void (*fn)(mp_test_ctx *mp_t);
} mp_test_case;

#define TEST(name) static void name(mp_test_ctx *mp_t)
#define MP_TEST(name)                                                                              \
    {                                                                                              \
#name, name                                                                                \
    }

void mp_test_fail(mp_test_ctx *t, const char *file, int line, const char *what);
/** Runs the tests whose name contains argv[1] (all if absent). Exit status 0 iff all pass. */
int mp_test_main(const char *suite, const mp_test_case *cases, size_t n, int argc, char **argv);
/** Deterministic pseudo-random numbers for randomized tests (not for keys). */
uint64_t mp_test_rand(mp_test_ctx *t);
void mp_test_rand_bytes(mp_test_ctx *t, void *out, size_t n);
/** Hex helper for tests: decodes or aborts the test binary on bad test data. */
size_t mp_test_unhex(uint8_t *out, size_t cap, const char *hex);
/** err's message, or "" for NULL (a function, so &e is not a constant-true test). */
const char *mp_test_errmsg(const mp_err *err);
/** Path of a file under the repository root (tests run from there). */
const char *mp_test_path(const char *rel);
/** The bytes of that file (NUL-terminated one past *len; the caller frees them), or
 ** an abort of the test binary when it cannot be read: missing test data. */
uint8_t *mp_test_slurp(const char *rel, size_t *len);
/** The port a daemon logged in its "listening" JSON log line (the last one), 0
 ** while the log has none: how tests find a daemon started on port 0. */
uint16_t mp_test_logged_port(const char *log);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            mp_test_fail(mp_t, __FILE__, __LINE__, "CHECK(" #cond ")");                            \
    } while (0)

/* Checks that expr returns MP_OK; on failure prints the code and err's message. */
#define CHECK_OK(expr, errp)                                                                       \
    do {                                                                                           \
        int chk_rc_ = (expr);                                                                      \
        if (chk_rc_ != MP_OK) {                                                                    \
            char chk_msg_[MP_ERR_MSG_MAX + 96];                                                    \
            snprintf(chk_msg_, sizeof chk_msg_, "%s returned %s: %s", #expr, mp_rc_name(chk_rc_),  \
                     mp_test_errmsg(errp));                                                        \
            mp_test_fail(mp_t, __FILE__, __LINE__, chk_msg_);                                      \
        }                                                                                          \
    } while (0)

/* Checks that expr fails with the given error class. */
#define CHECK_RC(expr, cls)                                                                        \
    do {                                                                                           \
        int chk_rc_ = (expr);                                                                      \
        if (mp_rc_class(chk_rc_) != (cls)) {                                                       \
            char chk_msg_[160];                                                                    \
            snprintf(chk_msg_, sizeof chk_msg_, "%s returned %s, expected %s", #expr,              \
                     mp_rc_name(chk_rc_), mp_rc_name(cls));                                        \
            mp_test_fail(mp_t, __FILE__, __LINE__, chk_msg_);                                      \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define CHECK_STR(a, b)    CHECK(strcmp((a), (b)) == 0)

#define MP_TEST_MAIN(suite, table)                                                                 \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return mp_test_main((suite), (table), sizeof(table) / sizeof((table)[0]), argc, argv);     \
    }

#endif /* MPAVS_TEST_H */
