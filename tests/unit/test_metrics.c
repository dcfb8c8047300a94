/*
** test_metrics.c: the metrics registry (mpavs/metrics.h), checked through a
** small strict parser of the Prometheus text exposition format 0.0.4 that
** judges every line of the rendered page: comment and sample syntax, names,
** label escapes, float values, TYPE before a family's samples, families kept
** together, no duplicate series, histogram buckets cumulative up to +Inf and
** matching _count.
*/
#include "mpavs/metrics.h"
#include "test.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* ---- the strict parser ---- */

#define MAXF 64  /* families */
#define MAXS 512 /* samples */

typedef struct pfam {
    char name[128];
    char type[16];
    bool help, done;
} pfam;

typedef struct psample {
    char key[512];  /* name{labels in page order} without le */
    char name[128]; /* as written, with _bucket/_sum/_count */
    char le[40];    /* "" when absent */
    double value;
    int fam;
} psample;

typedef struct page {
    pfam fam[MAXF];
    int nfam;
    psample s[MAXS];
    int ns;
    int cur; /* family whose samples are being read, -1 before any */
    int line;
    char why[200];
} page;

static bool fail(page *p, const char *why)
{
    snprintf(p->why, sizeof p->why, "line %d: %s", p->line, why);
    return false;
}

static bool is_name(const char *s, size_t n, bool colon)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

static int find_fam(page *p, const char *name)
{
    for (int i = 0; i < p->nfam; i++)
        if (strcmp(p->fam[i].name, name) == 0)
            return i;
    return -1;
}

static bool parse_float(const char *s, double *v)
{
    if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0 || strcmp(s, "NaN") == 0) {
        *v = s[0] == 'N' ? NAN : s[0] == '+' ? INFINITY : -INFINITY;
        return true;
    }
    char *end;
    if (*s == 0 || strchr("0123456789+-.", *s) == NULL)
        return false;
    *v = strtod(s, &end);
    return *end == 0 && isfinite(*v);
}

static bool comment_line(page *p, const char *l)
{
    bool help = strncmp(l, "# HELP ", 7) == 0, type = strncmp(l, "# TYPE ", 7) == 0;
    if (!help && !type)
        return fail(p, "comment is neither HELP nor TYPE");
    const char *name = l + 7, *sp = strchr(name, ' ');
    if (sp == NULL || !is_name(name, (size_t)(sp - name), true) || sp - name >= 128)
        return fail(p, "bad metric name in a comment");
    char n[128];
    snprintf(n, sizeof n, "%.*s", (int)(sp - name), name);
    int f = find_fam(p, n);
    if (f < 0) {
        if (p->nfam == MAXF)
            return fail(p, "too many families");
        f = p->nfam++;
        snprintf(p->fam[f].name, sizeof p->fam[f].name, "%s", n);
    }
    if (p->fam[f].done || (p->cur == f))
        return fail(p, "comment after the family's samples");
    if (help) {
        if (p->fam[f].help)
            return fail(p, "second HELP");
        p->fam[f].help = true;
        for (const char *c = sp + 1; *c; c++)
            if (*c == '\\' && (c[1] != '\\' && c[1] != 'n'))
                return fail(p, "bad escape in HELP");
            else if (*c == '\\')
                c++;
        return true;
    }
    if (p->fam[f].type[0])
        return fail(p, "second TYPE");
    const char *t = sp + 1;
    if (strcmp(t, "counter") && strcmp(t, "gauge") && strcmp(t, "histogram") &&
        strcmp(t, "summary") && strcmp(t, "untyped"))
        return fail(p, "unknown TYPE");
    snprintf(p->fam[f].type, sizeof p->fam[f].type, "%s", t);
    return true;
}

/* Reads {a="x",b="y"} into key (without le) and le; *pos moves past '}'. */
static bool parse_labels(page *p, const char *l, size_t *pos, char *key, size_t cap, char *le)
{
    size_t i = *pos + 1, k = strlen(key);
    char seen[MP_METRICS_MAX_LABELS + 1][64];
    int nseen = 0;
    k += (size_t)snprintf(key + k, cap - k, "{");
    for (bool first = true; l[i] != '}'; first = false) {
        if (!first && l[i++] != ',')
            return fail(p, "',' expected between labels");
        size_t st = i;
        while (l[i] && l[i] != '=')
            i++;
        if (!is_name(l + st, i - st, false) || i - st >= 64 || l[i + 1] != '"')
            return fail(p, "bad label name or no '=\"'");
        char ln[64];
        snprintf(ln, sizeof ln, "%.*s", (int)(i - st), l + st);
        for (int s = 0; s < nseen; s++)
            if (strcmp(seen[s], ln) == 0)
                return fail(p, "label given twice");
        if (nseen <= MP_METRICS_MAX_LABELS)
            snprintf(seen[nseen++], 64, "%s", ln);
        i += 2;
        char val[256];
        size_t v = 0;
        for (; l[i] != '"'; i++) {
            if (l[i] == 0 || v + 2 >= sizeof val)
                return fail(p, "unterminated label value");
            bool esc = l[i] == '\\';
            if (esc && l[++i] != '\\' && l[i] != '"' && l[i] != 'n')
                return fail(p, "bad escape in a label value");
            val[v++] = esc && l[i] == 'n' ? '\n' : l[i];
        }
        val[v] = 0;
        i++;
        if (strcmp(ln, "le") == 0)
            snprintf(le, 40, "%.39s", val);
        else
            k += (size_t)snprintf(key + k, cap - k, "%s%s=\"%.*s\"", key[k - 1] == '{' ? "" : ",",
                                  ln, (int)(i - st - strlen(ln) - 3), l + st + strlen(ln) + 2);
    }
    if (key[k - 1] == '{')
        key[--k] = 0;
    else
        snprintf(key + k, cap - k, "}");
    *pos = i + 1;
    return true;
}

/* The family a sample name belongs to: its own, or a histogram's. */
static int sample_family(page *p, const char *name)
{
    int f = find_fam(p, name);
    if (f >= 0)
        return p->fam[f].type[0] ? f : -1;
    static const char *const sfx[] = {"_bucket", "_sum", "_count"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(name), k = strlen(sfx[i]);
        if (n > k && strcmp(name + n - k, sfx[i]) == 0) {
            char base[128];
            snprintf(base, sizeof base, "%.*s", (int)(n - k), name);
            f = find_fam(p, base);
            if (f >= 0 && strcmp(p->fam[f].type, "histogram") == 0)
                return f;
        }
    }
    return -1;
}

static bool sample_line(page *p, const char *l)
{
    if (p->ns == MAXS)
        return fail(p, "too many samples");
    psample *s = &p->s[p->ns];
    memset(s, 0, sizeof *s);
    size_t i = 0;
    while (l[i] && l[i] != '{' && l[i] != ' ')
        i++;
    if (!is_name(l, i, true) || i >= sizeof s->name)
        return fail(p, "bad sample name");
    snprintf(s->name, sizeof s->name, "%.*s", (int)i, l);
    memcpy(s->key, s->name, strlen(s->name) + 1);
    if (l[i] == '{' && !parse_labels(p, l, &i, s->key, sizeof s->key, s->le))
        return false;
    if (l[i] != ' ')
        return fail(p, "space expected before the value");
    if (!parse_float(l + i + 1, &s->value))
        return fail(p, "bad value (or a timestamp, which this page never has)");
    int f = sample_family(p, s->name);
    if (f < 0)
        return fail(p, "sample before its TYPE");
    if (p->fam[f].done)
        return fail(p, "family's samples are not together");
    if (p->cur >= 0 && p->cur != f)
        p->fam[p->cur].done = true;
    p->cur = f;
    s->fam = f;
    bool hist = strcmp(p->fam[f].type, "histogram") == 0;
    bool bucket = hist && strcmp(s->name, p->fam[f].name) != 0 &&
                  strstr(s->name + strlen(p->fam[f].name), "_bucket") != NULL;
    if (bucket != (s->le[0] != 0))
        return fail(p, "le on a non-bucket sample or a bucket without le");
    if (strcmp(p->fam[f].type, "counter") == 0 && !(s->value >= 0))
        return fail(p, "negative or NaN counter");
    for (int k = 0; k < p->ns; k++)
        if (strcmp(p->s[k].key, s->key) == 0 && strcmp(p->s[k].le, s->le) == 0)
            return fail(p, "duplicate series");
    p->ns++;
    return true;
}

/* Each histogram series: buckets in increasing le, cumulative, ending at
** +Inf equal to _count; _sum present. */
static bool check_histograms(page *p)
{
    p->line = 0;
    for (int i = 0; i < p->ns; i++) {
        psample *c = &p->s[i];
        size_t n = strlen(c->name);
        if (strcmp(p->fam[c->fam].type, "histogram") || n < 6 || strcmp(c->name + n - 6, "_count"))
            continue;
        char want[512];
        const char *lb = strchr(c->key, '{');
        double prev_le = -INFINITY, prev = 0;
        bool inf = false, sum = false;
        for (int k = 0; k < p->ns; k++) {
            psample *b = &p->s[k];
            const char *bl = strchr(b->key, '{');
            if (b->fam != c->fam || strcmp(lb ? lb : "", bl ? bl : ""))
                continue;
            snprintf(want, sizeof want, "%s_sum", p->fam[c->fam].name);
            sum |= strcmp(b->name, want) == 0;
            if (!b->le[0])
                continue;
            double le;
            if (!parse_float(b->le, &le) || isnan(le) || le <= prev_le || inf)
                return fail(p, "bucket le not increasing");
            if (b->value < prev || b->value != floor(b->value))
                return fail(p, "bucket counts not cumulative integers");
            prev_le = le;
            prev = b->value;
            inf = isinf(le);
        }
        if (!inf || prev != c->value || !sum)
            return fail(p, "histogram lacks +Inf = _count or _sum");
    }
    return true;
}

static bool parse_page(page *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->cur = -1;
    size_t n = strlen(text);
    if (n == 0 || text[n - 1] != '\n')
        return fail(p, "page does not end with a newline");
    char *copy = strdup(text);
    bool ok = copy != NULL;
    for (char *l = copy; ok && l < copy + n; l += strlen(l) + 1) {
        char *nl = strchr(l, '\n');
        *nl = 0;
        p->line++;
        if (*l == 0)
            ok = fail(p, "empty line");
        else
            ok = *l == '#' ? comment_line(p, l) : sample_line(p, l);
    }
    free(copy);
    return ok && check_histograms(p);
}

static double value_of(const page *p, const char *key, const char *le)
{
    for (int i = 0; i < p->ns; i++)
        if (strcmp(p->s[i].key, key) == 0 && strcmp(p->s[i].le, le ? le : "") == 0)
            return p->s[i].value;
    return NAN;
}

static bool render(mp_metrics *reg, page *p, char **text)
{
    mp_buf b = MP_BUF_INIT;
    mp_err e;
    if (mp_metrics_render(reg, &b, &e) != MP_OK || mp_buf_push(&b, 0) != MP_OK) {
        mp_buf_free(&b);
        return false;
    }
    *text = (char *)b.data;
    bool ok = parse_page(p, *text);
    if (!ok)
        printf("# %s\n%s", p->why, *text);
    return ok;
}

/* ---- tests ---- */

/* The parser itself refuses what it must, so a pass means something. */
TEST(parser_rejects_bad_pages)
{
    static const char *const bad[] = {
        "x 1\n",                                           /* no TYPE */
        "# TYPE x counter\nx -1\n",                        /* negative counter */
        "# TYPE x gauge\nx 1",                             /* no final newline */
        "# TYPE x gauge\n\nx 1\n",                         /* empty line */
        "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",    /* duplicate */
        "# TYPE x gauge\nx{a=\"\\t\"} 1\n",                /* bad escape */
        "# TYPE x gauge\nx{a=\"1\",} 1\n",                 /* trailing comma */
        "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n",          /* label twice */
        "# TYPE x gauge\nx 1 2\n",                         /* timestamp / junk */
        "# TYPE x gauge\nx one\n",                         /* not a float */
        "# TYPE x gauge\n# TYPE x gauge\nx 1\n",           /* TYPE twice */
        "# TYPE x gauge\nx 1\n# HELP x late\n",            /* HELP after samples */
        "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx 2\n", /* family split */
        "# TYPE 1x gauge\n",                               /* bad name */
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n"
        "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
    };
    page *p = malloc(sizeof *p);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool ok = parse_page(p, bad[i]);
        if (ok)
            printf("# accepted bad page %zu\n", i);
        CHECK(!ok);
    }
    CHECK(parse_page(p, "# HELP x a \\\\ b\\n\n# TYPE x gauge\nx{a=\"q\\\"\\n\\\\\"} -1.5e3\n"
                        "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\n"
                        "h_sum 7\nh_count 3\n"));
    free(p);
}

TEST(families_series_and_values)
{
    mp_metrics *reg;
    mp_metric *calls, *height, *lat, *plain;
    mp_err e;
    CHECK_OK(mp_metrics_new(&reg, false, &e), &e);
    CHECK_OK(mp_metrics_counter(reg, "mpavs_rpc_calls_total", "Calls served,\nby \\method.",
                                MP_LABELS("method", "code"), &calls, &e),
             &e);
    CHECK_OK(mp_metrics_gauge(reg, "mpavs_chain_head", "Last block seen.", NULL, &height, &e), &e);
    double bounds[4];
    CHECK_OK(mp_metrics_exp_buckets(bounds, 0.001, 10, 4, &e), &e);
    CHECK_OK(mp_metrics_histogram(reg, "mpavs_rpc_seconds", "Call latency.", MP_LABELS("method"),
                                  bounds, 4, &lat, &e),
             &e);
    CHECK_OK(mp_metrics_counter(reg, "mpavs_untouched_total", "Never updated.", NULL, &plain, &e),
             &e);
    mp_series *ok = mp_metric_series(calls, MP_LABELS("eth_call", "ok"));
    CHECK(ok != NULL && ok == mp_metric_series(calls, MP_LABELS("eth_call", "ok")));
    mp_series_inc(ok);
    mp_series_add(ok, 2.5);
    mp_series_add(ok, -7); /* counters never go down */
    mp_series_add(ok, NAN);
    mp_series_inc(mp_metric_series(calls, MP_LABELS("we\"ird\\\nname", "err")));
    CHECK(mp_metric_series(calls, MP_LABELS("one value only")) == NULL);
    CHECK(mp_metric_series(calls, NULL) == NULL);
    mp_series_inc(NULL); /* a failed lookup is harmless */
    mp_series_set(mp_metric_series(height, NULL), 1e18 + 1);
    mp_series_set(ok, 100); /* not a gauge: ignored */
    mp_series *l = mp_metric_series(lat, MP_LABELS("eth_call"));
    double obs[] = {0.0005, 0.001, 0.02, 0.02, 5, INFINITY};
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
        mp_series_observe(l, obs[i]);
    mp_series_observe(mp_metric_series(lat, MP_LABELS("eth_getLogs")), 0.5);
    page *p = malloc(sizeof *p);
    char *text = NULL;
    CHECK(render(reg, p, &text));
    CHECK(value_of(p, "mpavs_rpc_calls_total{method=\"eth_call\",code=\"ok\"}", NULL) == 3.5);
    CHECK(strstr(text, "{method=\"we\\\"ird\\\\\\nname\",code=\"err\"} 1\n") != NULL);
    CHECK(strstr(text, "# HELP mpavs_rpc_calls_total Calls served,\\nby \\\\method.\n") != NULL);
    CHECK(value_of(p, "mpavs_chain_head", NULL) == 1e18 + 1);
    CHECK(strstr(text, "mpavs_chain_head 1.00000000000000001e+18\n") != NULL ||
          strstr(text, "mpavs_chain_head 1e+18\n") != NULL);
    CHECK(value_of(p, "mpavs_untouched_total", NULL) == 0);
    const char *lk = "mpavs_rpc_seconds_bucket{method=\"eth_call\"}";
    CHECK(value_of(p, lk, "0.001") == 2 && value_of(p, lk, "0.01") == 2);
    CHECK(value_of(p, lk, "0.1") == 4 && value_of(p, lk, "1") == 4);
    CHECK(value_of(p, lk, "+Inf") == 6);
    CHECK(value_of(p, "mpavs_rpc_seconds_count{method=\"eth_call\"}", NULL) == 6);
    CHECK(isinf(value_of(p, "mpavs_rpc_seconds_sum{method=\"eth_call\"}", NULL)));
    CHECK(value_of(p, "mpavs_rpc_seconds_sum{method=\"eth_getLogs\"}", NULL) == 0.5);
    /* TYPE lines say what each family is. */
    CHECK(strstr(text, "# TYPE mpavs_rpc_seconds histogram\n") != NULL);
    CHECK(strstr(text, "# TYPE mpavs_chain_head gauge\n") != NULL);
    free(text);
    free(p);
    mp_metrics_free(reg);
}

TEST(declarations_are_checked)
{
    mp_metrics *reg;
    mp_metric *m;
    mp_err e;
    CHECK_OK(mp_metrics_new(&reg, false, &e), &e);
    CHECK_OK(mp_metrics_gauge(reg, "a:b_c", "ok", MP_LABELS("x"), &m, &e), &e);
    CHECK_RC(mp_metrics_gauge(reg, "a:b_c", "twice", NULL, &m, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "declared twice") != NULL);
    CHECK_RC(mp_metrics_gauge(reg, "9lives", "", NULL, &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_gauge(reg, "has-dash", "", NULL, &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_gauge(reg, "g1", "", MP_LABELS("__reserved"), &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_gauge(reg, "g2", "", MP_LABELS("a:b"), &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_gauge(reg, "g3", "", MP_LABELS("a", "a"), &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_gauge(reg, "g4", "", MP_LABELS("a", "b", "c", "d", "e", "f", "g", "h", "i"),
                              &m, &e),
             MP_ERR_INVALID);
    double up[] = {1, 2}, down[] = {2, 1}, inf[] = {1, INFINITY};
    CHECK_RC(mp_metrics_histogram(reg, "h1", "", MP_LABELS("le"), up, 2, &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_histogram(reg, "h2", "", NULL, down, 2, &m, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_histogram(reg, "h3", "", NULL, inf, 2, &m, &e), MP_ERR_INVALID);
    CHECK_OK(mp_metrics_histogram(reg, "h4", "no buckets but +Inf", NULL, NULL, 0, &m, &e), &e);
    double b[2];
    CHECK_RC(mp_metrics_exp_buckets(b, 0, 2, 2, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_exp_buckets(b, 1, 1, 2, &e), MP_ERR_INVALID);
    CHECK_RC(mp_metrics_exp_buckets(b, 1, 2, 0, &e), MP_ERR_INVALID);
    page *p = malloc(sizeof *p);
    char *text = NULL;
    CHECK(render(reg, p, &text));
    /* A labelled family with no series yet: HELP and TYPE only. */
    CHECK(strstr(text, "# TYPE a:b_c gauge\n# HELP h4") != NULL);
    CHECK(value_of(p, "h4_bucket", "+Inf") == 0 && value_of(p, "h4_count", NULL) == 0);
    free(text);
    free(p);
    mp_metrics_free(reg);
}

TEST(process_metrics)
{
    mp_metrics *reg;
    mp_err e;
    CHECK_OK(mp_metrics_new(&reg, true, &e), &e);
    mp_metric *m;
    CHECK_RC(mp_metrics_gauge(reg, "process_open_fds", "mine", NULL, &m, &e), MP_ERR_INVALID);
    page *p = malloc(sizeof *p);
    char *text = NULL;
    CHECK(render(reg, p, &text));
    double cpu = value_of(p, "process_cpu_seconds_total", NULL);
    double rss = value_of(p, "process_resident_memory_bytes", NULL);
    double fds = value_of(p, "process_open_fds", NULL);
    double start = value_of(p, "process_start_time_seconds", NULL);
    CHECK(cpu >= 0);
    CHECK(rss > 1 << 20); /* an ASan binary holds more than a MiB */
    CHECK(fds >= 3);      /* stdin, stdout, stderr */
    time_t now = time(NULL);
    CHECK(start > 1.7e9 && start <= (double)now + 1);
    CHECK(value_of(p, "process_virtual_memory_bytes", NULL) >= rss);
    free(text);
    /* One more open descriptor is seen. */
    FILE *f = fopen("/proc/self/stat", "r");
    CHECK(render(reg, p, &text));
    CHECK(value_of(p, "process_open_fds", NULL) == fds + 1);
    if (f)
        fclose(f);
    free(text);
    free(p);
    mp_metrics_free(reg);
}

typedef struct worker {
    mp_metric *c, *h;
    int n;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    char name[8];
    for (int i = 0; i < w->n; i++) {
        snprintf(name, sizeof name, "m%d", i % 5);
        mp_series_inc(mp_metric_series(w->c, MP_LABELS(name)));
        mp_series_observe(mp_metric_series(w->h, NULL), (double)(i % 3));
    }
    return NULL;
}

/* Four threads update and one renders concurrently; totals come out exact. */
TEST(threads_update_concurrently)
{
    mp_metrics *reg;
    mp_err e;
    worker w = {.n = 20000};
    CHECK_OK(mp_metrics_new(&reg, false, &e), &e);
    CHECK_OK(mp_metrics_counter(reg, "ops_total", "Ops.", MP_LABELS("kind"), &w.c, &e), &e);
    double b[] = {0.5, 1.5};
    CHECK_OK(mp_metrics_histogram(reg, "op_size", "Sizes.", NULL, b, 2, &w.h, &e), &e);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, hammer, &w) == 0);
    page *p = malloc(sizeof *p);
    char *text = NULL;
    CHECK(render(reg, p, &text)); /* mid-flight: still a valid page */
    free(text);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(render(reg, p, &text));
    for (int k = 0; k < 5; k++) {
        char key[64];
        snprintf(key, sizeof key, "ops_total{kind=\"m%d\"}", k);
        CHECK(value_of(p, key, NULL) == 4 * 20000 / 5);
    }
    CHECK(value_of(p, "op_size_count", NULL) == 80000);
    CHECK(value_of(p, "op_size_bucket", "0.5") == 4 * 6667);
    CHECK(value_of(p, "op_size_sum", NULL) == 4 * (6667 * 0 + 6667 * 1 + 6666 * 2));
    free(text);
    free(p);
    mp_metrics_free(reg);
}

static const mp_test_case tests[] = {
    MP_TEST(parser_rejects_bad_pages),    MP_TEST(families_series_and_values),
    MP_TEST(declarations_are_checked),    MP_TEST(process_metrics),
    MP_TEST(threads_update_concurrently),
};
MP_TEST_MAIN("metrics", tests)
