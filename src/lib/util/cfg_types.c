/*
** cfg_types.c: the option types daemons need beyond string, int and bool:
** durations, listen addresses, Ethereum addresses, hex bytes, string lists
** and URLs. Each parser rejects malformed text with a message naming the
** problem; cfg.c adds the option and the layer. Secret values are never
** quoted in messages.
*/
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mpavs/address.h"
#include "mpavs/buf.h"
#include "mpavs/hex.h"
#include "util/cfg_int.h"

#define FIELD(cfg, o, T) ((T *)((char *)(cfg) + (o)->offset))

/* ---- durations -------------------------------------------------------- */

static long long unit_ms(const char *u, size_t n)
{
    static const struct {
        const char *name;
        long long ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n && !memcmp(units[i].name, u, n))
            return units[i].ms;
    return 0;
}

int mp_cfg_parse_duration(const char *text, long long *ms, mp_err *err)
{
    if (!strcmp(text, "0")) {
        *ms = 0;
        return MP_OK;
    }
    if (!*text)
        return MP_FAIL(err, MP_ERR_INVALID, "empty duration (write e.g. 30s, 5m, 250ms)");
    long long total = 0;
    for (const char *p = text; *p;) {
        if (!isdigit((unsigned char)*p))
            return MP_FAIL(err, MP_ERR_INVALID,
                           "duration \"%s\" must be <number><unit> terms, e.g. 30s or 1h30m", text);
        long long v = 0;
        for (; isdigit((unsigned char)*p); p++) {
            if (v > (LLONG_MAX - 9) / 10)
                return MP_FAIL(err, MP_ERR_INVALID, "duration \"%s\" is too large", text);
            v = v * 10 + (*p - '0');
        }
        const char *u = p;
        while (isalpha((unsigned char)*p))
            p++;
        if (p == u)
            return MP_FAIL(err, MP_ERR_INVALID, "duration \"%s\" lacks a unit (ms, s, m, h or d)",
                           text);
        long long m = unit_ms(u, (size_t)(p - u));
        if (m == 0)
            return MP_FAIL(err, MP_ERR_INVALID,
                           "duration \"%s\" has unknown unit \"%.*s\" (ms, s, m, h or d)", text,
                           (int)(p - u), u);
        if (v > (LLONG_MAX - total) / m)
            return MP_FAIL(err, MP_ERR_INVALID, "duration \"%s\" is too large", text);
        total += v * m;
    }
    *ms = total;
    return MP_OK;
}

/* ---- listen addresses ---------------------------------------------------- */

static int parse_port(const char *s, size_t n, unsigned lo, unsigned *port, mp_err *err)
{
    if (n == 0 || n > 5)
        return MP_FAIL(err, MP_ERR_INVALID, "port must be a number %u..65535", lo);
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return MP_FAIL(err, MP_ERR_INVALID, "port \"%.*s\" is not a number", (int)n, s);
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v < lo || v > 65535)
        return MP_FAIL(err, MP_ERR_INVALID, "port %u is outside %u..65535", v, lo);
    *port = v;
    return MP_OK;
}

/* A host name or IPv4 literal (letters, digits, '.', '-', '_'), or with
 * v6 set an IPv6 literal (hex digits, ':', '.', '%' zone). */
static bool host_ok(const char *h, size_t n, bool v6)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        bool ok = v6 ? (isxdigit(c) || c == ':' || c == '.' || c == '%')
                     : (isalnum(c) || c == '.' || c == '-' || c == '_');
        if (!ok)
            return false;
    }
    return true;
}

/* Splits "host:port" / "[v6]:port" into host (brackets removed) and port text. */
static int split_host_port(const char *text, const char **host, size_t *hlen, const char **port,
                           bool *v6, mp_err *err)
{
    *v6 = text[0] == '[';
    if (*v6) {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':')
            return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" must be [ipv6]:port", text);
        *host = text + 1;
        *hlen = (size_t)(close - text - 1);
        *port = close + 2;
        return MP_OK;
    }
    const char *colon = strrchr(text, ':');
    if (colon == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" lacks a port (write host:port)", text);
    if (memchr(text, ':', (size_t)(colon - text)) != NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "\"%s\": write IPv6 hosts in brackets, [::1]:port",
                       text);
    *host = text;
    *hlen = (size_t)(colon - text);
    *port = colon + 1;
    return MP_OK;
}

int mp_cfg_parse_listen(const char *text, mp_cfg_listen *out, mp_err *err)
{
    const char *host = NULL, *port = NULL;
    size_t hlen = 0;
    bool v6 = false;
    MP_TRY(split_host_port(text, &host, &hlen, &port, &v6, err));
    if (hlen == 0 && !v6) {
        host = "0.0.0.0";
        hlen = 7;
    }
    if (hlen >= sizeof out->host || !host_ok(host, hlen, v6))
        return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" has a malformed host", text);
    unsigned p;
    MP_TRY(parse_port(port, strlen(port), 0, &p, err));
    memcpy(out->host, host, hlen);
    out->host[hlen] = 0;
    out->port = p;
    out->set = true;
    return MP_OK;
}

/* ---- URLs ---------------------------------------------------------------- */

/* Checks the authority ([userinfo@]host[:port]) of length n. */
static int check_authority(const char *a, size_t n, mp_err *err)
{
    const char *at = memchr(a, '@', n);
    if (at != NULL) { /* credentials are allowed but never quoted */
        n -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    bool v6 = n > 0 && a[0] == '[';
    const char *host = a, *end = a + n, *port = NULL;
    size_t hlen;
    if (v6) {
        const char *close = memchr(a, ']', n);
        if (close == NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "URL has an unclosed [ in its host");
        host = a + 1;
        hlen = (size_t)(close - a - 1);
        if (close + 1 < end && close[1] != ':')
            return MP_FAIL(err, MP_ERR_INVALID, "URL has junk after its IPv6 host");
        port = close + 1 < end ? close + 2 : NULL;
    } else {
        const char *colon = memchr(a, ':', n);
        hlen = colon ? (size_t)(colon - a) : n;
        port = colon ? colon + 1 : NULL;
    }
    if (!host_ok(host, hlen, v6))
        return MP_FAIL(err, MP_ERR_INVALID, "URL has a missing or malformed host");
    unsigned p;
    if (port != NULL)
        MP_TRY(parse_port(port, (size_t)(end - port), 1, &p, err));
    return MP_OK;
}

int mp_cfg_check_url(const char *text, mp_err *err)
{
    size_t skip;
    if (!strncasecmp(text, "http://", 7))
        skip = 7;
    else if (!strncasecmp(text, "https://", 8))
        skip = 8;
    else
        return MP_FAIL(err, MP_ERR_INVALID, "URL must start with http:// or https://");
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return MP_FAIL(err, MP_ERR_INVALID, "URL contains a space or control character");
    const char *a = text + skip;
    size_t n = strcspn(a, "/?#");
    return check_authority(a, n, err);
}

/* ---- string lists ---------------------------------------------------------- */

void mp_cfg_strlist_free(mp_cfg_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static int strlist_add(mp_cfg_strlist *l, const char *s, size_t n, mp_err *err)
{
    char **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (items == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    l->items = items;
    if ((items[l->n] = strndup(s, n)) == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    l->n++;
    return MP_OK;
}

int mp_cfg_parse_strlist(const char *text, mp_cfg_strlist *out, mp_err *err)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return MP_OK;
    int rc = MP_OK;
    for (size_t k = 1;; k++) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (s == e) {
            rc = MP_FAIL(err, MP_ERR_INVALID, "list item %zu is empty", k);
            break;
        }
        if ((rc = strlist_add(out, s, (size_t)(e - s), err)) != MP_OK || !p[n])
            break;
        p += n + 1;
    }
    if (rc != MP_OK)
        mp_cfg_strlist_free(out);
    return rc;
}

/* ---- the seam with cfg.c ------------------------------------------------------ */

bool mp_cfg_typed_handles(mp_cfg_type t)
{
    return t >= MP_CFG_DURATION && t <= MP_CFG_URL;
}

const char *mp_cfg_typed_expects(mp_cfg_type t)
{
    return t == MP_CFG_STRLIST ? "an array of strings or a comma-separated string" : "a string";
}

static int set_hex(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    mp_buf tmp = MP_BUF_INIT;
    int rc = mp_hex_decode_buf(&tmp, text, err);
    if (rc == MP_OK && o->max > 0 && ((long long)tmp.len < o->min || (long long)tmp.len > o->max))
        rc = MP_FAIL(err, MP_ERR_INVALID, "%zu bytes, expected %lld to %lld", tmp.len, o->min,
                     o->max);
    if (rc != MP_OK) {
        mp_buf_clear(&tmp);
        return rc;
    }
    mp_cfg_typed_free(cfg, o);
    *FIELD(cfg, o, mp_buf) = tmp;
    return MP_OK;
}

static int set_duration(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    long long ms;
    MP_TRY(mp_cfg_parse_duration(text, &ms, err));
    if (o->max > 0 && (ms < o->min || ms > o->max))
        return MP_FAIL(err, MP_ERR_INVALID, "%lld ms is outside [%lld, %lld] ms", ms, o->min,
                       o->max);
    *FIELD(cfg, o, long long) = ms;
    return MP_OK;
}

static int set_url(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    MP_TRY(mp_cfg_check_url(text, err));
    char *copy = strdup(text);
    if (copy == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    mp_cfg_typed_free(cfg, o);
    *FIELD(cfg, o, char *) = copy;
    return MP_OK;
}

static int set_strlist(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    mp_cfg_strlist l = {0};
    MP_TRY(mp_cfg_parse_strlist(text, &l, err));
    mp_cfg_typed_free(cfg, o);
    *FIELD(cfg, o, mp_cfg_strlist) = l;
    return MP_OK;
}

static int set_typed(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    switch (o->type) {
    case MP_CFG_DURATION:
        return set_duration(cfg, o, text, err);
    case MP_CFG_LISTEN: {
        mp_cfg_listen l = {0};
        MP_TRY(mp_cfg_parse_listen(text, &l, err));
        *FIELD(cfg, o, mp_cfg_listen) = l;
        return MP_OK;
    }
    case MP_CFG_ETH_ADDRESS: {
        mp_cfg_eth_address *a = FIELD(cfg, o, mp_cfg_eth_address);
        MP_TRY(mp_address_parse(a->bytes, text, err));
        a->set = true;
        return MP_OK;
    }
    case MP_CFG_HEX:
        return set_hex(cfg, o, text, err);
    case MP_CFG_STRLIST:
        return set_strlist(cfg, o, text, err);
    case MP_CFG_URL:
        return set_url(cfg, o, text, err);
    default:
        return MP_FAIL(err, MP_ERR_MISUSE, "option type %d is not an extended type", (int)o->type);
    }
}

int mp_cfg_typed_set_text(void *cfg, const mp_cfg_opt *o, const char *text, const char *from,
                          mp_err *err)
{
    int rc = set_typed(cfg, o, text, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s: %s", from, o->name);
    return rc;
}

int mp_cfg_typed_set_array(void *cfg, const mp_cfg_opt *o, json_t *arr, const char *from,
                           mp_err *err)
{
    if (o->type != MP_CFG_STRLIST)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: %s must be a string, not an array", from, o->name);
    mp_cfg_strlist l = {0};
    size_t i;
    json_t *v;
    int rc = MP_OK;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (s == NULL || !*s) {
            rc = MP_FAIL(err, MP_ERR_INVALID, "%s: %s: item %zu must be a non-empty string", from,
                         o->name, i + 1);
            break;
        }
        if ((rc = strlist_add(&l, s, strlen(s), err)) != MP_OK)
            break;
    }
    if (rc != MP_OK) {
        mp_cfg_strlist_free(&l);
        return rc;
    }
    mp_cfg_typed_free(cfg, o);
    *FIELD(cfg, o, mp_cfg_strlist) = l;
    return MP_OK;
}

bool mp_cfg_typed_is_set(const void *cfg, const mp_cfg_opt *o)
{
    void *c = (void *)cfg;
    switch (o->type) {
    case MP_CFG_LISTEN:
        return FIELD(c, o, mp_cfg_listen)->set;
    case MP_CFG_ETH_ADDRESS:
        return FIELD(c, o, mp_cfg_eth_address)->set;
    case MP_CFG_HEX:
        return FIELD(c, o, mp_buf)->len > 0;
    case MP_CFG_STRLIST:
        return FIELD(c, o, mp_cfg_strlist)->n > 0;
    case MP_CFG_URL:
        return *FIELD(c, o, char *) != NULL;
    default:
        return true; /* durations always have a value */
    }
}

json_t *mp_cfg_typed_dump(const void *cfg, const mp_cfg_opt *o)
{
    void *c = (void *)cfg;
    switch (o->type) {
    case MP_CFG_DURATION:
        return json_integer(*FIELD(c, o, long long));
    case MP_CFG_LISTEN: {
        const mp_cfg_listen *l = FIELD(c, o, mp_cfg_listen);
        if (!l->set)
            return json_null();
        bool v6 = strchr(l->host, ':') != NULL;
        return json_sprintf(v6 ? "[%s]:%u" : "%s:%u", l->host, l->port);
    }
    case MP_CFG_ETH_ADDRESS: {
        const mp_cfg_eth_address *a = FIELD(c, o, mp_cfg_eth_address);
        char text[MP_ADDRESS_TEXT_LEN];
        if (!a->set)
            return json_null();
        mp_address_to_checksum(text, a->bytes);
        return json_string(text);
    }
    case MP_CFG_HEX: {
        const mp_buf *b = FIELD(c, o, mp_buf);
        char *text = mp_hex_dup0x(b->data, b->len);
        json_t *v = text ? json_string(text) : NULL;
        free(text);
        return v;
    }
    case MP_CFG_STRLIST: {
        const mp_cfg_strlist *l = FIELD(c, o, mp_cfg_strlist);
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l->n; i++)
            json_array_append_new(arr, json_string(l->items[i]));
        return arr;
    }
    case MP_CFG_URL:
        return *FIELD(c, o, char *) ? json_string(*FIELD(c, o, char *)) : json_null();
    default:
        return json_null();
    }
}

void mp_cfg_typed_free(void *cfg, const mp_cfg_opt *o)
{
    switch (o->type) {
    case MP_CFG_HEX:
        if (o->flags & MP_CFG_SECRET)
            mp_buf_clear(FIELD(cfg, o, mp_buf));
        else
            mp_buf_free(FIELD(cfg, o, mp_buf));
        break;
    case MP_CFG_STRLIST:
        mp_cfg_strlist_free(FIELD(cfg, o, mp_cfg_strlist));
        break;
    case MP_CFG_URL:
        free(*FIELD(cfg, o, char *));
        *FIELD(cfg, o, char *) = NULL;
        break;
    default:
        break;
    }
}
