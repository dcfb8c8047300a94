/*
** pcs_json.c: reading Intel's signed JSON collateral.
**
** The signature of TCB info and QE identity covers the exact bytes of the
** "tcbInfo" / "enclaveIdentity" value as served, not a re-serialisation (any
** whitespace or letter case changes them). jansson does not report byte spans,
** so a small scanner walks the top-level object to find the span; the
** document and then the span are parsed with jansson, duplicate keys
** rejected, so the values used are exactly the bytes the signature covers.
*/
#include "mpavs/collateral.h"
#include "mpavs/dcap.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "sgx/sgx_util.h"

#include <stdlib.h>
#include <string.h>

static void skip_ws(const uint8_t *s, size_t len, size_t *p)
{
    while (*p < len && (s[*p] == ' ' || s[*p] == '\t' || s[*p] == '\n' || s[*p] == '\r'))
        (*p)++;
}

/* Moves *p past the string starting at *p (on its opening quote). */
static int skip_string(const uint8_t *s, size_t len, size_t *p, bool *escaped, mp_err *err)
{
    size_t i = *p + 1;
    *escaped = false;
    while (i < len && s[i] != '"') {
        if (s[i] < 0x20)
            return MP_FAIL(err, MP_ERR_PARSE, "JSON: control character in a string at %zu", i);
        if (s[i] == '\\') {
            *escaped = true;
            i++;
        }
        i++;
    }
    if (i >= len)
        return MP_FAIL(err, MP_ERR_PARSE, "JSON: unterminated string");
    *p = i + 1;
    return MP_OK;
}

/* Moves *p past one value; nesting is tracked with a counter, not recursion. */
static int skip_value(const uint8_t *s, size_t len, size_t *p, mp_err *err)
{
    bool esc;
    if (*p >= len)
        return MP_FAIL(err, MP_ERR_PARSE, "JSON: value expected at the end");
    if (s[*p] == '"')
        return skip_string(s, len, p, &esc, err);
    if (s[*p] != '{' && s[*p] != '[') {
        while (*p < len && !strchr(",}] \t\r\n", s[*p]))
            (*p)++;
        return MP_OK;
    }
    size_t depth = 0;
    while (*p < len) {
        uint8_t c = s[*p];
        if (c == '"') {
            MP_TRY(skip_string(s, len, p, &esc, err));
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0) {
            (*p)++;
            return MP_OK;
        }
        (*p)++;
    }
    return MP_FAIL(err, MP_ERR_PARSE, "JSON: unterminated object or array");
}

int mp_collateral_member_span(const uint8_t *s, size_t len, const char *key, size_t *off,
                              size_t *vlen, mp_err *err)
{
    size_t p = 0, klen = strlen(key);
    bool found = false, esc;
    skip_ws(s, len, &p);
    if (p >= len || s[p] != '{')
        return MP_FAIL(err, MP_ERR_PARSE, "JSON: document is not an object");
    p++;
    skip_ws(s, len, &p);
    if (p < len && s[p] == '}')
        p = len + 1; /* empty object: no members */
    while (p < len) {
        if (s[p] != '"')
            return MP_FAIL(err, MP_ERR_PARSE, "JSON: member name expected at %zu", p);
        size_t kstart = p + 1;
        MP_TRY(skip_string(s, len, &p, &esc, err));
        if (esc)
            return MP_FAIL(err, MP_ERR_PARSE, "JSON: escaped top-level member name");
        bool match = p - 1 - kstart == klen && memcmp(s + kstart, key, klen) == 0;
        skip_ws(s, len, &p);
        if (p >= len || s[p] != ':')
            return MP_FAIL(err, MP_ERR_PARSE, "JSON: ':' expected at %zu", p);
        p++;
        skip_ws(s, len, &p);
        size_t vstart = p;
        MP_TRY(skip_value(s, len, &p, err));
        if (match) {
            if (found)
                return MP_FAIL(err, MP_ERR_PARSE, "JSON: member \"%s\" appears twice", key);
            found = true;
            *off = vstart;
            *vlen = p - vstart;
        }
        skip_ws(s, len, &p);
        if (p < len && s[p] == ',') {
            p++;
            skip_ws(s, len, &p);
            continue;
        }
        if (p < len && s[p] == '}')
            break;
        return MP_FAIL(err, MP_ERR_PARSE, "JSON: ',' or '}' expected at %zu", p);
    }
    if (!found)
        return MP_FAIL(err, MP_ERR_PARSE, "JSON: no member \"%s\"", key);
    return MP_OK;
}

static json_t *load(const uint8_t *s, size_t len, json_error_t *jerr)
{
    return json_loadb((const char *)s, len, JSON_REJECT_DUPLICATES, jerr);
}

int mp_collateral_signed_parse(const uint8_t *json, size_t len, const char *key, json_t **body,
                               uint8_t sig[64], uint8_t **body_bytes, size_t *body_len, mp_err *err)
{
    if (len > MP_COLLATERAL_MAX_JSON)
        return MP_FAIL(err, MP_ERR_PARSE, "JSON document of %zu bytes is too large", len);
    json_t *doc;
    MP_TRY(mp_json_parse(&doc, (const char *)json, len, err));
    int rc = MP_OK;
    size_t off = 0, vlen = 0;
    if (!json_is_object(json_object_get(doc, key)))
        rc = MP_FAIL(err, MP_ERR_PARSE, "JSON: \"%s\" is missing or not an object", key);
    if (rc == MP_OK)
        rc = mp_json_get_hex(doc, "signature", MP_JSON_BARE, sig, 64, err);
    if (rc == MP_OK)
        rc = mp_collateral_member_span(json, len, key, &off, &vlen, err);
    json_decref(doc);
    if (rc != MP_OK)
        return rc;
    json_error_t jerr;
    json_t *val = load(json + off, vlen, &jerr);
    uint8_t *copy = malloc(vlen ? vlen : 1);
    if (val == NULL || !json_is_object(val) || copy == NULL) {
        json_decref(val);
        free(copy);
        return copy == NULL ? MP_FAIL(err, MP_ERR_NOMEM, "out of memory")
                            : MP_FAIL(err, MP_ERR_PARSE, "JSON: \"%s\" value does not parse", key);
    }
    memcpy(copy, json + off, vlen);
    *body = val;
    *body_bytes = copy;
    *body_len = vlen;
    return MP_OK;
}

int mp_collateral_date(const json_t *obj, const char *key, int64_t *out, mp_err *err)
{
    const char *s;
    MP_TRY(mp_json_get_str(obj, key, &s, err));
    int rc = mp_iso8601_parse(s, out, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "\"%s\"", key);
    return rc;
}

void mp_collateral_advisories_free(char **ids, size_t n)
{
    for (size_t i = 0; ids != NULL && i < n; i++)
        free(ids[i]);
    free(ids);
}

int mp_collateral_advisories(const json_t *obj, char ***ids, size_t *n, mp_err *err)
{
    *ids = NULL;
    *n = 0;
    json_t *arr = json_object_get(obj, "advisoryIDs");
    if (arr == NULL)
        return MP_OK;
    if (!json_is_array(arr) || json_array_size(arr) > MP_TCB_MAX_ADVISORIES)
        return MP_FAIL(err, MP_ERR_PARSE, "\"advisoryIDs\" must be an array of at most %d",
                       MP_TCB_MAX_ADVISORIES);
    size_t count = json_array_size(arr);
    char **out = calloc(count ? count : 1, sizeof *out);
    if (out == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        size_t sl = s ? strlen(s) : 0;
        if (s == NULL || sl == 0 || sl >= MP_DCAP_ADVISORY_LEN || !(out[i] = strdup(s))) {
            mp_collateral_advisories_free(out, i);
            return MP_FAIL(err, MP_ERR_PARSE, "advisory ID %zu is not a short string", i);
        }
        for (size_t j = 0; j < sl; j++)
            if (s[j] < 0x21 || s[j] > 0x7e || s[j] == '"' || s[j] == '\\') {
                mp_collateral_advisories_free(out, i + 1);
                return MP_FAIL(err, MP_ERR_PARSE, "advisory ID %zu has a bad character", i);
            }
    }
    *ids = out;
    *n = count;
    return MP_OK;
}
