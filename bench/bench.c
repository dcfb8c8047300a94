/*
** bench.c: timing harness (see bench.h).
*/
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double mp_bench_ns(mp_bench_fn fn, void *arg, int rounds, double budget_ms)
{
    /* Calibrate: grow the batch until one batch takes ~1/10 of the budget. */
    size_t iters = 1;
    for (;;) {
        double t0 = now_ns();
        fn(arg, iters);
        double dt = now_ns() - t0;
        if (dt > budget_ms * 1e5 || iters > ((size_t)1 << 40))
            break;
        iters *= 2;
    }
    double *per = calloc((size_t)rounds, sizeof *per);
    if (per == NULL)
        return -1;
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns(), spent;
        size_t done = 0;
        do {
            fn(arg, iters);
            done += iters;
            spent = now_ns() - t0;
        } while (spent < budget_ms * 1e6);
        per[r] = spent / (double)done;
    }
    qsort(per, (size_t)rounds, sizeof *per, cmp_double);
    double median = per[rounds / 2];
    free(per);
    return median;
}

double mp_bench_best_ns(mp_bench_fn fn, void *arg, double budget_ms)
{
    size_t iters = 1;
    double t0 = now_ns();
    fn(arg, 1);
    double one = now_ns() - t0;
    /* batches of about 2 ms (at least one operation), 40 of them or the budget */
    if (one < 2e6)
        iters = (size_t)(2e6 / (one > 1 ? one : 1)) + 1;
    double best = 1e300, spent = 0;
    for (int b = 0; b < 40 && spent < budget_ms * 1e6; b++) {
        t0 = now_ns();
        fn(arg, iters);
        double dt = now_ns() - t0;
        spent += dt;
        if (dt / (double)iters < best)
            best = dt / (double)iters;
    }
    return best;
}

void mp_bench_format_ns(char *out, size_t cap, double ns)
{
    if (ns >= 1e6)
        snprintf(out, cap, "%.2f ms", ns / 1e6);
    else if (ns >= 1e3)
        snprintf(out, cap, "%.1f us", ns / 1e3);
    else
        snprintf(out, cap, "%.0f ns", ns);
}

void mp_bench_header(const char *section)
{
    printf("\n### %s\n\n| operation | measured | target |\n|---|---|---|\n", section);
}

void mp_bench_row(const char *name, double ns, const char *target)
{
    char value[64];
    mp_bench_format_ns(value, sizeof value, ns);
    mp_bench_row_text(name, value, target);
}

void mp_bench_row_text(const char *name, const char *value, const char *target)
{
    printf("| %s | %s | %s |\n", name, value, target ? target : "");
    fflush(stdout);
}

void mp_bench_consume(const void *p, size_t n)
{
    static volatile unsigned char sink;
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        sink ^= b[i];
}
