/*
** test.c: the test harness (see test.h).
*/
#include "test.h"
#include "mpavs/file.h"

#include <stdlib.h>

void mp_test_fail(mp_test_ctx *t, const char *file, int line, const char *what)
{
    t->failures++;
    printf("# %s:%d: %s\n", file, line, what);
    fflush(stdout);
}

uint64_t mp_test_rand(mp_test_ctx *t)
{
    uint64_t x = t->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return t->rng = x;
}

void mp_test_rand_bytes(mp_test_ctx *t, void *out, size_t n)
{
    uint8_t *p = out;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(mp_test_rand(t) >> 32);
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t mp_test_unhex(uint8_t *out, size_t cap, const char *hex)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap) {
        fprintf(stderr, "bad test hex (%zu digits, cap %zu)\n", n, cap);
        abort();
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad test hex digit\n");
            abort();
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

const char *mp_test_errmsg(const mp_err *err)
{
    return err ? err->msg : "";
}

const char *mp_test_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("MPAVS_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", rel);
    return buf;
}

uint8_t *mp_test_slurp(const char *rel, size_t *len)
{
    uint8_t *data = NULL;
    mp_err err;
    if (mp_file_read(mp_test_path(rel), 1 << 20, &data, len, &err) != MP_OK) {
        fprintf(stderr, "cannot read %s: %s\n", rel, err.msg);
        abort();
    }
    return data;
}

uint16_t mp_test_logged_port(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[600];
    unsigned port = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "\"msg\":\"listening\"");
        p = p ? strstr(p, "\"port\":") : NULL;
        if (p)
            port = (unsigned)strtoul(p + 7, NULL, 10);
    }
    if (f)
        fclose(f);
    return (uint16_t)port;
}

static uint64_t seed_for(const char *name, uint64_t base)
{
    uint64_t h = base ^ 0x9e3779b97f4a7c15ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
    return h ? h : 1;
}

int mp_test_main(const char *suite, const mp_test_case *cases, size_t n, int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    const char *seed_env = getenv("MPAVS_TEST_SEED");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 1;
    printf("# suite %s, seed %llu\n", suite, (unsigned long long)seed);
    int failed = 0, num = 0;
    for (size_t i = 0; i < n; i++) {
        if (filter && !strstr(cases[i].name, filter))
            continue;
        mp_test_ctx t = {cases[i].name, 0, seed_for(cases[i].name, seed)};
        cases[i].fn(&t);
        num++;
        printf("%s %d - %s/%s\n", t.failures ? "not ok" : "ok", num, suite, cases[i].name);
        fflush(stdout);
        failed += t.failures != 0;
    }
    printf("1..%d\n", num);
    return failed ? 1 : 0;
}
