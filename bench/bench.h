/*
** bench.h: the benchmark harness. A benchmark measures one operation by
** running it in batches until a time budget is spent, repeats that several
** times, and reports the median time per operation, so one slow batch (the
** other core busy, a page fault) does not move the figure.
**
** Each bench binary prints Markdown table rows:
**   | keccak256 32 B | 0.31 us | target <= 1 us |
** scripts/run-bench.sh gathers them into build/bench-report.md.
*/
#ifndef MPAVS_BENCH_H
#define MPAVS_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef void (*mp_bench_fn)(void *arg, size_t iters);

/** Median nanoseconds per iteration of fn over `rounds` rounds of ~budget_ms each. */
double mp_bench_ns(mp_bench_fn fn, void *arg, int rounds, double budget_ms);
/** Nanoseconds per iteration of the fastest of up to 40 batches of about 2 ms
 ** within budget_ms: the time when the code has a core to itself, which a busy
 ** shared machine hides in the median. */
double mp_bench_best_ns(mp_bench_fn fn, void *arg, double budget_ms);
/** Writes ns in the best unit ("312 ns", "4.7 us", "1.23 ms"). */
void mp_bench_format_ns(char *out, size_t cap, double ns);
/** Prints one table row: name, the value in the best unit, and the target text (may be NULL). */
void mp_bench_row(const char *name, double ns_per_op, const char *target);
/** Prints a row with a free-form value (e.g. gas, ops/s). */
void mp_bench_row_text(const char *name, const char *value, const char *target);
/** Prints the table header for a section. */
void mp_bench_header(const char *section);
/** Keeps a value alive so the compiler cannot drop the measured work. */
void mp_bench_consume(const void *p, size_t n);

#endif /* MPAVS_BENCH_H */
