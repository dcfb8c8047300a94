/*
** metrics.h: counters, gauges and histograms with labels, rendered in the
** Prometheus text exposition format 0.0.4 for a daemon's GET /metrics.
**
** A registry (mp_metrics) is a value owned by a daemon's context; there is no
** global registry. Families are declared at start-up; each distinct set of
** label values is a series, created on first use and kept until the registry
** is freed. Updates are thread-safe (one mutex per family, held for a few
** instructions), so worker threads update series directly. Hot paths look a
** series up once (mp_metric_series) and keep the pointer; the lookup is a
** linear scan, fine for the tens of series a daemon has per family.
**
**   mp_metric *calls;
**   MP_TRY(mp_metrics_counter(reg, "mpavs_rpc_calls_total", "JSON-RPC calls served.",
**                             MP_LABELS("method", "code"), &calls, err));
**   mp_series_inc(mp_metric_series(calls, MP_LABELS("eth_call", "ok")));
**   ...
**   mp_buf page = MP_BUF_INIT;
**   MP_TRY(mp_metrics_render(reg, &page, err));
*/
#ifndef MPAVS_METRICS_H
#define MPAVS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

typedef struct mp_metrics mp_metrics; /* a registry */
typedef struct mp_metric mp_metric;   /* a family: name, help, type, label names */
typedef struct mp_series mp_series;   /* one family with one set of label values */

typedef enum mp_metric_type {
    MP_METRIC_COUNTER = 1,
    MP_METRIC_GAUGE = 2,
    MP_METRIC_HISTOGRAM = 3,
} mp_metric_type;

/* The content type a /metrics response carries. */
#define MP_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* At most this many labels per family. */
#define MP_METRICS_MAX_LABELS 8
/* At most this many histogram buckets (besides +Inf). */
#define MP_METRICS_MAX_BUCKETS 32

/* A NULL-terminated list of label names or values, as a compound literal. */
#define MP_LABELS(...) ((const char *const[]){__VA_ARGS__, NULL})

/** Creates an empty registry. With process = true, rendering also emits the
 ** process_* metrics of the calling process (CPU seconds, resident and
 ** virtual memory, open and maximum file descriptors, start time), read from
 ** /proc at render time. */
MP_WUR int mp_metrics_new(mp_metrics **out, bool process, mp_err *err);
/** Frees the registry, its families and series (their pointers die with it). */
void mp_metrics_free(mp_metrics *reg);

/** Declares a counter (a value that only goes up; name it *_total). labels is
 ** a NULL-terminated list of label names (MP_LABELS(...)) or NULL for none.
 ** MP_ERR_INVALID for a bad or duplicate metric name, a bad label name
 ** (reserved "__" prefix included) or too many labels. *out lives as long as
 ** reg. */
MP_WUR int mp_metrics_counter(mp_metrics *reg, const char *name, const char *help,
                              const char *const *labels, mp_metric **out, mp_err *err);
/** Declares a gauge (a value that goes up and down); as mp_metrics_counter. */
MP_WUR int mp_metrics_gauge(mp_metrics *reg, const char *name, const char *help,
                            const char *const *labels, mp_metric **out, mp_err *err);
/** Declares a histogram with nbounds finite, strictly increasing upper bounds
 ** (the +Inf bucket is implicit). "le" may not be a label name. */
MP_WUR int mp_metrics_histogram(mp_metrics *reg, const char *name, const char *help,
                                const char *const *labels, const double *bounds, size_t nbounds,
                                mp_metric **out, mp_err *err);

/** The series of m for these label values (a NULL-terminated list with one
 ** value per label name, or NULL when m has no labels), created on first use.
 ** Returns NULL when out of memory or when the number of values is wrong;
 ** every update below accepts NULL and does nothing, so a metrics failure
 ** never stops the daemon. */
mp_series *mp_metric_series(mp_metric *m, const char *const *values);

/** Adds 1 to a counter or gauge. */
void mp_series_inc(mp_series *s);
/** Adds v to a counter (v < 0 and NaN are ignored: counters only go up) or
 ** to a gauge (any v). */
void mp_series_add(mp_series *s, double v);
/** Sets a gauge to v (ignored for counters and histograms). */
void mp_series_set(mp_series *s, double v);
/** Records one observation in a histogram (ignored for other types). */
void mp_series_observe(mp_series *s, double v);

/** Appends the whole registry in the text exposition format 0.0.4 to out:
 ** for each family "# HELP", "# TYPE", then its samples; histograms as
 ** cumulative _bucket{le="..."} series ending with le="+Inf", then _sum and
 ** _count. Label values and help text are escaped as the format requires.
 ** A family without series renders HELP and TYPE only (a metric without
 ** labels renders its zero value). MP_ERR_NOMEM if out could not grow. */
MP_WUR int mp_metrics_render(mp_metrics *reg, mp_buf *out, mp_err *err);

/** Exponential bucket bounds: start, start*factor, ... (n of them) into out.
 ** MP_ERR_INVALID unless start > 0, factor > 1 and 1 <= n <= MAX_BUCKETS. */
MP_WUR int mp_metrics_exp_buckets(double *out, double start, double factor, size_t n, mp_err *err);

#endif /* MPAVS_METRICS_H */
