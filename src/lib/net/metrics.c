/*
** metrics.c: a Prometheus metrics registry and its text exposition (see
** include/mpavs/metrics.h).
**
** Tuned for a daemon with a handful of families and tens of series each,
** updated from a few worker threads and scraped every few seconds: one mutex
** per family guards its series list and values, and rendering takes each
** family's mutex in turn, so a scrape never stalls updates of other families.
*/
#include "mpavs/metrics.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct mp_series {
    mp_series *next;
    mp_metric *fam;
    char **values;    /* one per label name */
    double value;     /* counter or gauge */
    uint64_t *counts; /* histogram: per bucket, not cumulative; [nbounds] is +Inf */
    double sum;
    uint64_t count;
};

struct mp_metric {
    mp_metric *next;
    pthread_mutex_t mu;
    mp_metric_type type;
    char *name, *help;
    char *labels[MP_METRICS_MAX_LABELS];
    size_t nlabels;
    double bounds[MP_METRICS_MAX_BUCKETS];
    size_t nbounds;
    mp_series *series, **tail;
};

struct mp_metrics {
    pthread_mutex_t mu; /* guards the family list */
    mp_metric *families, **tail;
    bool process;
};

/* ---- registry ---- */

int mp_metrics_new(mp_metrics **out, bool process, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL);
    mp_metrics *r = calloc(1, sizeof *r);
    if (r == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&r->mu, NULL);
    r->tail = &r->families;
    r->process = process;
    *out = r;
    return MP_OK;
}

static void series_free(mp_series *s, size_t nlabels)
{
    for (size_t i = 0; s->values && i < nlabels; i++)
        free(s->values[i]);
    free(s->values);
    free(s->counts);
    free(s);
}

static void family_free(mp_metric *m)
{
    for (mp_series *s = m->series, *next; s; s = next) {
        next = s->next;
        series_free(s, m->nlabels);
    }
    for (size_t i = 0; i < m->nlabels; i++)
        free(m->labels[i]);
    free(m->name);
    free(m->help);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void mp_metrics_free(mp_metrics *reg)
{
    if (reg == NULL)
        return;
    for (mp_metric *m = reg->families, *next; m; m = next) {
        next = m->next;
        family_free(m);
    }
    pthread_mutex_destroy(&reg->mu);
    free(reg);
}

/* ---- declaring families ---- */

static bool name_ok(const char *s, bool colon)
{
    if (s == NULL || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                       (colon && *s == ':')))
        return false;
    for (s++; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || (colon && *s == ':')))
            return false;
    return true;
}

static int check_labels(const char *const *labels, mp_metric_type type, size_t *n, mp_err *err)
{
    *n = 0;
    for (; labels && labels[*n]; (*n)++) {
        const char *l = labels[*n];
        if (*n == MP_METRICS_MAX_LABELS)
            return MP_FAIL(err, MP_ERR_INVALID, "metrics: more than %d labels",
                           MP_METRICS_MAX_LABELS);
        if (!name_ok(l, false) || strncmp(l, "__", 2) == 0)
            return MP_FAIL(err, MP_ERR_INVALID, "metrics: bad label name \"%.40s\"", l);
        if (type == MP_METRIC_HISTOGRAM && strcmp(l, "le") == 0)
            return MP_FAIL(err, MP_ERR_INVALID, "metrics: a histogram may not have a label \"le\"");
        for (size_t k = 0; k < *n; k++)
            if (strcmp(labels[k], l) == 0)
                return MP_FAIL(err, MP_ERR_INVALID, "metrics: label \"%s\" given twice", l);
    }
    return MP_OK;
}

static int check_bounds(const double *b, size_t n, mp_err *err)
{
    if (n > MP_METRICS_MAX_BUCKETS)
        return MP_FAIL(err, MP_ERR_INVALID, "metrics: more than %d buckets",
                       MP_METRICS_MAX_BUCKETS);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(b[i]) || (i > 0 && b[i] <= b[i - 1]))
            return MP_FAIL(err, MP_ERR_INVALID,
                           "metrics: bucket bounds must be finite and strictly increasing");
    return MP_OK;
}

static bool name_taken(const mp_metrics *reg, const char *name)
{
    for (const mp_metric *m = reg->families; m; m = m->next)
        if (strcmp(m->name, name) == 0)
            return true;
    return false;
}

static mp_metric *family_new(mp_metric_type type, const char *name, const char *help,
                             const char *const *labels, size_t nlabels)
{
    mp_metric *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    pthread_mutex_init(&m->mu, NULL);
    m->type = type;
    m->tail = &m->series;
    m->name = strdup(name);
    m->help = strdup(help ? help : "");
    bool ok = m->name && m->help;
    for (; ok && m->nlabels < nlabels; m->nlabels++)
        ok = (m->labels[m->nlabels] = strdup(labels[m->nlabels])) != NULL;
    if (!ok) {
        family_free(m);
        return NULL;
    }
    return m;
}

static int declare(mp_metrics *reg, mp_metric_type type, const char *name, const char *help,
                   const char *const *labels, const double *bounds, size_t nbounds, mp_metric **out,
                   mp_err *err)
{
    MP_ARG_CHECK(err, reg != NULL && out != NULL && (nbounds == 0 || bounds != NULL));
    size_t nlabels;
    if (!name_ok(name, true))
        return MP_FAIL(err, MP_ERR_INVALID, "metrics: bad metric name \"%.60s\"",
                       name ? name : "(null)");
    if (reg->process && strncmp(name, "process_", 8) == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "metrics: \"%s\": process_* names are the registry's",
                       name);
    MP_TRY(check_labels(labels, type, &nlabels, err));
    MP_TRY(check_bounds(bounds, nbounds, err));
    mp_metric *m = family_new(type, name, help, labels, nlabels);
    if (m == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (nbounds)
        memcpy(m->bounds, bounds, nbounds * sizeof *bounds);
    m->nbounds = nbounds;
    pthread_mutex_lock(&reg->mu);
    bool taken = name_taken(reg, name);
    if (!taken) {
        *reg->tail = m;
        reg->tail = &m->next;
    }
    pthread_mutex_unlock(&reg->mu);
    if (taken) {
        family_free(m);
        return MP_FAIL(err, MP_ERR_INVALID, "metrics: \"%s\" is declared twice", name);
    }
    *out = m;
    return MP_OK;
}

int mp_metrics_counter(mp_metrics *reg, const char *name, const char *help,
                       const char *const *labels, mp_metric **out, mp_err *err)
{
    return declare(reg, MP_METRIC_COUNTER, name, help, labels, NULL, 0, out, err);
}

int mp_metrics_gauge(mp_metrics *reg, const char *name, const char *help, const char *const *labels,
                     mp_metric **out, mp_err *err)
{
    return declare(reg, MP_METRIC_GAUGE, name, help, labels, NULL, 0, out, err);
}

int mp_metrics_histogram(mp_metrics *reg, const char *name, const char *help,
                         const char *const *labels, const double *bounds, size_t nbounds,
                         mp_metric **out, mp_err *err)
{
    return declare(reg, MP_METRIC_HISTOGRAM, name, help, labels, bounds, nbounds, out, err);
}

int mp_metrics_exp_buckets(double *out, double start, double factor, size_t n, mp_err *err)
{
    if (!(start > 0) || !(factor > 1) || n == 0 || n > MP_METRICS_MAX_BUCKETS ||
        !isfinite(start * pow(factor, (double)(n - 1))))
        return MP_FAIL(err, MP_ERR_INVALID, "metrics: bad exponential buckets");
    for (size_t i = 0; i < n; i++, start *= factor)
        out[i] = start;
    return MP_OK;
}

/* ---- series and updates ---- */

static bool values_match(const mp_series *s, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s->values[i], values[i]) != 0)
            return false;
    return true;
}

/* Called with m->mu held. */
static mp_series *series_new(mp_metric *m, const char *const *values)
{
    mp_series *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->fam = m;
    s->values = calloc(m->nlabels + 1, sizeof *s->values);
    bool ok = s->values != NULL;
    for (size_t i = 0; ok && i < m->nlabels; i++)
        ok = (s->values[i] = strdup(values[i])) != NULL;
    if (ok && m->type == MP_METRIC_HISTOGRAM)
        ok = (s->counts = calloc(m->nbounds + 1, sizeof *s->counts)) != NULL;
    if (!ok) {
        series_free(s, m->nlabels);
        return NULL;
    }
    *m->tail = s;
    m->tail = &s->next;
    return s;
}

mp_series *mp_metric_series(mp_metric *m, const char *const *values)
{
    if (m == NULL)
        return NULL;
    size_t n = 0;
    while (values && values[n])
        n++;
    if (n != m->nlabels)
        return NULL;
    pthread_mutex_lock(&m->mu);
    mp_series *s = m->series;
    while (s && !values_match(s, values, n))
        s = s->next;
    if (s == NULL)
        s = series_new(m, values);
    pthread_mutex_unlock(&m->mu);
    return s;
}

void mp_series_add(mp_series *s, double v)
{
    if (s == NULL || s->fam->type == MP_METRIC_HISTOGRAM)
        return;
    if (s->fam->type == MP_METRIC_COUNTER && !(v >= 0))
        return;
    pthread_mutex_lock(&s->fam->mu);
    s->value += v;
    pthread_mutex_unlock(&s->fam->mu);
}

void mp_series_inc(mp_series *s)
{
    mp_series_add(s, 1);
}

void mp_series_set(mp_series *s, double v)
{
    if (s == NULL || s->fam->type != MP_METRIC_GAUGE)
        return;
    pthread_mutex_lock(&s->fam->mu);
    s->value = v;
    pthread_mutex_unlock(&s->fam->mu);
}

void mp_series_observe(mp_series *s, double v)
{
    if (s == NULL || s->fam->type != MP_METRIC_HISTOGRAM)
        return;
    const mp_metric *m = s->fam;
    size_t b = 0;
    while (b < m->nbounds && !(v <= m->bounds[b]))
        b++;
    pthread_mutex_lock(&s->fam->mu);
    s->counts[b]++;
    s->sum += v;
    s->count++;
    pthread_mutex_unlock(&s->fam->mu);
}

/* ---- rendering ---- */

/* A float as Prometheus reads it: the shorter of %.15g/%.17g that reads back. */
static void format_float(char out[40], double v)
{
    if (isnan(v))
        snprintf(out, 40, "NaN");
    else if (isinf(v))
        snprintf(out, 40, "%s", v > 0 ? "+Inf" : "-Inf");
    else if (snprintf(out, 40, "%.15g", v), strtod(out, NULL) != v)
        snprintf(out, 40, "%.17g", v);
}

static void put_float(mp_buf *b, double v)
{
    char s[40];
    format_float(s, v);
    mp_buf_puts(b, s);
}

/* Label values escape \, " and newline; help text escapes \ and newline. */
static void put_escaped(mp_buf *b, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            mp_buf_puts(b, "\\\\");
        else if (*s == '\n')
            mp_buf_puts(b, "\\n");
        else if (quote && *s == '"')
            mp_buf_puts(b, "\\\"");
        else
            mp_buf_push(b, (uint8_t)*s);
    }
}

/* name{l1="v1",...,le="x"} with le omitted when NULL. */
static void put_series_name(mp_buf *b, const mp_series *s, const char *suffix, const char *le)
{
    const mp_metric *m = s->fam;
    mp_buf_puts(b, m->name);
    mp_buf_puts(b, suffix);
    if (m->nlabels == 0 && le == NULL)
        return;
    mp_buf_push(b, '{');
    for (size_t i = 0; i < m->nlabels; i++) {
        mp_buf_printf(b, "%s%s=\"", i ? "," : "", m->labels[i]);
        put_escaped(b, s->values[i], true);
        mp_buf_push(b, '"');
    }
    if (le != NULL)
        mp_buf_printf(b, "%sle=\"%s\"", m->nlabels ? "," : "", le);
    mp_buf_push(b, '}');
}

static void put_histogram(mp_buf *b, const mp_series *s)
{
    const mp_metric *m = s->fam;
    uint64_t cum = 0;
    for (size_t i = 0; i <= m->nbounds; i++) {
        char le[40];
        format_float(le, i < m->nbounds ? m->bounds[i] : INFINITY);
        cum += s->counts[i];
        put_series_name(b, s, "_bucket", le);
        mp_buf_printf(b, " %llu\n", (unsigned long long)cum);
    }
    put_series_name(b, s, "_sum", NULL);
    mp_buf_push(b, ' ');
    put_float(b, s->sum);
    mp_buf_push(b, '\n');
    put_series_name(b, s, "_count", NULL);
    mp_buf_printf(b, " %llu\n", (unsigned long long)s->count);
}

static const char *type_name(mp_metric_type t)
{
    return t == MP_METRIC_COUNTER ? "counter" : t == MP_METRIC_GAUGE ? "gauge" : "histogram";
}

static void put_family(mp_buf *b, mp_metric *m)
{
    mp_buf_printf(b, "# HELP %s ", m->name);
    put_escaped(b, m->help, false);
    mp_buf_printf(b, "\n# TYPE %s %s\n", m->name, type_name(m->type));
    pthread_mutex_lock(&m->mu);
    /* A metric without labels exists from its declaration, at zero. */
    if (m->series == NULL && m->nlabels == 0)
        series_new(m, NULL);
    for (const mp_series *s = m->series; s; s = s->next) {
        if (m->type == MP_METRIC_HISTOGRAM) {
            put_histogram(b, s);
            continue;
        }
        put_series_name(b, s, "", NULL);
        mp_buf_push(b, ' ');
        put_float(b, s->value);
        mp_buf_push(b, '\n');
    }
    pthread_mutex_unlock(&m->mu);
}

/* ---- process metrics, from /proc ---- */

typedef struct proc_stat {
    double cpu_seconds, start_time;
    uint64_t vsize, rss_bytes;
} proc_stat;

/* Fields of /proc/self/stat after the command name, which may hold spaces
** and parentheses, so parsing starts after its last ')'. */
static bool read_proc_stat(proc_stat *ps)
{
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    unsigned long utime, stime;
    unsigned long long start;
    unsigned long vsize;
    long rss;
    /* Fields 3..24: state ppid pgrp session tty tpgid flags minflt cminflt majflt
    ** cmajflt utime stime cutime cstime priority nice threads itreal starttime
    ** vsize rss. */
    if (p == NULL || sscanf(p + 1,
                            " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d "
                            "%*d %*d %llu %lu %ld",
                            &utime, &stime, &start, &vsize, &rss) != 5)
        return false;
    double tck = (double)sysconf(_SC_CLK_TCK);
    ps->cpu_seconds = (double)(utime + stime) / tck;
    ps->vsize = vsize;
    ps->rss_bytes = (uint64_t)(rss > 0 ? rss : 0) * (uint64_t)sysconf(_SC_PAGESIZE);
    /* starttime counts ticks since boot; btime in /proc/stat is the boot time. */
    unsigned long long btime = 0;
    char line[256];
    f = fopen("/proc/stat", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "btime %llu", &btime) == 1)
            break;
    if (f)
        fclose(f);
    ps->start_time = btime ? (double)btime + (double)start / tck : 0;
    return btime != 0;
}

static long count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    long n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the descriptor opendir itself holds */
}

static void put_process_metric(mp_buf *b, const char *name, const char *type, const char *help,
                               double v)
{
    mp_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s ", name, help, name, type, name);
    put_float(b, v);
    mp_buf_push(b, '\n');
}

static void put_process(mp_buf *b)
{
    proc_stat ps;
    if (read_proc_stat(&ps)) {
        put_process_metric(b, "process_cpu_seconds_total", "counter",
                           "Total user and system CPU time spent in seconds.", ps.cpu_seconds);
        put_process_metric(b, "process_resident_memory_bytes", "gauge",
                           "Resident memory size in bytes.", (double)ps.rss_bytes);
        put_process_metric(b, "process_virtual_memory_bytes", "gauge",
                           "Virtual memory size in bytes.", (double)ps.vsize);
        put_process_metric(b, "process_start_time_seconds", "gauge",
                           "Start time of the process since unix epoch in seconds.", ps.start_time);
    }
    long fds = count_fds();
    if (fds >= 0)
        put_process_metric(b, "process_open_fds", "gauge", "Number of open file descriptors.",
                           (double)fds);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        put_process_metric(b, "process_max_fds", "gauge",
                           "Maximum number of open file descriptors.", (double)rl.rlim_cur);
}

int mp_metrics_render(mp_metrics *reg, mp_buf *out, mp_err *err)
{
    MP_ARG_CHECK(err, reg != NULL && out != NULL);
    /* Lock order: the registry, then one family at a time. */
    pthread_mutex_lock(&reg->mu);
    for (mp_metric *m = reg->families; m; m = m->next)
        put_family(out, m);
    pthread_mutex_unlock(&reg->mu);
    if (reg->process)
        put_process(out);
    return mp_buf_check(out, err);
}
