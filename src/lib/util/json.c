/*
** json.c: typed JSON readers and hex writers over jansson (see
** include/mpavs/json.h).
**
** Every reader funnels through hex_digits()/as_str() so one value is judged
** by one set of rules and one wording, whichever module reads it.
*/
#include "mpavs/json.h"
#include "mpavs/address.h"
#include "mpavs/hex.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int bad(mp_err *err, const char *name, const char *why)
{
    return MP_FAIL(err, MP_ERR_PARSE, "%s %s", name, why);
}

int mp_json_parse(json_t **out, const char *text, size_t len, mp_err *err)
{
    json_error_t je;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (*out == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "not JSON: %s (line %d, column %d)", je.text, je.line,
                       je.column);
    return MP_OK;
}

bool mp_json_present(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

/* ---- value readers ---- */

int mp_json_as_str(const json_t *v, const char *name, const char **out, mp_err *err)
{
    if (v == NULL)
        return bad(err, name, "is missing");
    if (!json_is_string(v))
        return bad(err, name, "must be a string");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return bad(err, name, "contains a NUL character");
    *out = s;
    return MP_OK;
}

int mp_json_as_u64(const json_t *v, const char *name, uint64_t min, uint64_t max, uint64_t *out,
                   mp_err *err)
{
    if (v == NULL)
        return bad(err, name, "is missing");
    json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
    if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
        return MP_FAIL(err, MP_ERR_PARSE, "%s must be an integer in [%" PRIu64 ", %" PRIu64 "]",
                       name, min, max);
    *out = (uint64_t)i;
    return MP_OK;
}

int mp_json_as_bool(const json_t *v, const char *name, bool *out, mp_err *err)
{
    if (v == NULL)
        return bad(err, name, "is missing");
    if (!json_is_boolean(v))
        return bad(err, name, "must be true or false");
    *out = json_is_true(v);
    return MP_OK;
}

/* The digits of a hex string after the prefix rules of mode; all hex. */
static int hex_digits(const json_t *v, const char *name, mp_json_hex_mode mode, const char **digits,
                      size_t *ndigits, mp_err *err)
{
    const char *s;
    if (v != NULL && !json_is_string(v))
        return bad(err, name, "must be a string of hex digits");
    MP_TRY(mp_json_as_str(v, name, &s, err));
    bool has_0x = s[0] == '0' && s[1] == 'x';
    if (mode == MP_JSON_0X && !has_0x)
        return bad(err, name, "lacks the 0x prefix");
    if (mode == MP_JSON_BARE && mp_hex_has_0x(s))
        return bad(err, name, "must not have a 0x prefix");
    if (mode == MP_JSON_0X_OPT)
        has_0x = mp_hex_has_0x(s);
    s += has_0x ? 2 : 0;
    for (size_t i = 0; s[i]; i++)
        if (!isxdigit((unsigned char)s[i]))
            return MP_FAIL(err, MP_ERR_PARSE, "%s is not hex (character %zu)", name,
                           i + (has_0x ? 2 : 0));
    *digits = s;
    *ndigits = strlen(s);
    return MP_OK;
}

int mp_json_as_quantity(const json_t *v, const char *name, uint64_t *out, mp_err *err)
{
    const char *d;
    size_t n;
    MP_TRY(hex_digits(v, name, MP_JSON_0X, &d, &n, err));
    if (n == 0 || n > 16)
        return bad(err, name, "is not a 64-bit hex quantity");
    return mp_hex_to_u64(out, d - 2, err);
}

int mp_json_as_hex_max(const json_t *v, const char *name, mp_json_hex_mode mode, uint8_t *out,
                       size_t min, size_t max, size_t *n, mp_err *err)
{
    const char *d;
    size_t nd;
    MP_TRY(hex_digits(v, name, mode, &d, &nd, err));
    if (nd % 2)
        return bad(err, name, "has an odd number of hex digits");
    if (nd / 2 < min || nd / 2 > max) {
        if (min == max)
            return MP_FAIL(err, MP_ERR_PARSE, "%s is not %zu bytes", name, min);
        return MP_FAIL(err, MP_ERR_PARSE, "%s must hold %zu to %zu bytes, has %zu", name, min, max,
                       nd / 2);
    }
    *n = nd / 2;
    return mp_hex_decode_exact(out, nd / 2, d, err);
}

int mp_json_as_hex(const json_t *v, const char *name, mp_json_hex_mode mode, uint8_t *out, size_t n,
                   mp_err *err)
{
    size_t got;
    return mp_json_as_hex_max(v, name, mode, out, n, n, &got, err);
}

int mp_json_as_hex_buf(const json_t *v, const char *name, mp_json_hex_mode mode, size_t max,
                       mp_buf *out, mp_err *err)
{
    const char *d;
    size_t nd;
    MP_TRY(hex_digits(v, name, mode, &d, &nd, err));
    if (nd % 2)
        return bad(err, name, "has an odd number of hex digits");
    if (nd / 2 > max)
        return MP_FAIL(err, MP_ERR_PARSE, "%s is longer than %zu bytes", name, max);
    size_t before = out->len;
    int rc = mp_hex_decode_buf(out, d, err);
    if (rc != MP_OK)
        out->len = before;
    return rc;
}

int mp_json_as_address(const json_t *v, const char *name, uint8_t out[20], mp_err *err)
{
    const char *d;
    size_t nd;
    MP_TRY(hex_digits(v, name, MP_JSON_0X, &d, &nd, err));
    if (nd != 40)
        return bad(err, name, "is not 20 bytes");
    if (mp_address_parse(out, d - 2, NULL) != MP_OK)
        return bad(err, name, "has a bad EIP-55 checksum");
    return MP_OK;
}

int mp_json_as_word(const json_t *v, const char *name, uint8_t out[32], mp_err *err)
{
    return mp_json_as_hex(v, name, MP_JSON_0X, out, 32, err);
}

int mp_json_as_array(const json_t *v, const char *name, size_t max, size_t *n, mp_err *err)
{
    if (v == NULL)
        return bad(err, name, "is missing");
    if (!json_is_array(v))
        return bad(err, name, "must be an array");
    if (json_array_size(v) > max)
        return MP_FAIL(err, MP_ERR_PARSE, "%s has %zu items, more than %zu", name,
                       json_array_size(v), max);
    *n = json_array_size(v);
    return MP_OK;
}

int mp_json_as_object(const json_t *v, const char *name, mp_err *err)
{
    if (v == NULL)
        return bad(err, name, "is missing");
    return json_is_object(v) ? MP_OK : bad(err, name, "must be an object");
}

/* ---- field readers ---- */

int mp_json_get(const json_t *obj, const char *key, json_t **out, mp_err *err)
{
    *out = json_object_get(obj, key);
    return *out ? MP_OK : bad(err, key, "is missing");
}

int mp_json_get_str(const json_t *obj, const char *key, const char **out, mp_err *err)
{
    return mp_json_as_str(json_object_get(obj, key), key, out, err);
}

int mp_json_get_u64(const json_t *obj, const char *key, uint64_t min, uint64_t max, uint64_t *out,
                    mp_err *err)
{
    return mp_json_as_u64(json_object_get(obj, key), key, min, max, out, err);
}

int mp_json_get_bool(const json_t *obj, const char *key, bool *out, mp_err *err)
{
    return mp_json_as_bool(json_object_get(obj, key), key, out, err);
}

int mp_json_get_quantity(const json_t *obj, const char *key, uint64_t *out, mp_err *err)
{
    return mp_json_as_quantity(json_object_get(obj, key), key, out, err);
}

int mp_json_get_hex(const json_t *obj, const char *key, mp_json_hex_mode mode, uint8_t *out,
                    size_t n, mp_err *err)
{
    return mp_json_as_hex(json_object_get(obj, key), key, mode, out, n, err);
}

int mp_json_get_hex_max(const json_t *obj, const char *key, mp_json_hex_mode mode, uint8_t *out,
                        size_t min, size_t max, size_t *n, mp_err *err)
{
    return mp_json_as_hex_max(json_object_get(obj, key), key, mode, out, min, max, n, err);
}

int mp_json_get_hex_buf(const json_t *obj, const char *key, mp_json_hex_mode mode, size_t max,
                        mp_buf *out, mp_err *err)
{
    return mp_json_as_hex_buf(json_object_get(obj, key), key, mode, max, out, err);
}

int mp_json_get_address(const json_t *obj, const char *key, uint8_t out[20], mp_err *err)
{
    return mp_json_as_address(json_object_get(obj, key), key, out, err);
}

int mp_json_get_word(const json_t *obj, const char *key, uint8_t out[32], mp_err *err)
{
    return mp_json_as_word(json_object_get(obj, key), key, out, err);
}

int mp_json_get_array(const json_t *obj, const char *key, size_t max, json_t **arr, size_t *n,
                      mp_err *err)
{
    *arr = json_object_get(obj, key);
    return mp_json_as_array(*arr, key, max, n, err);
}

int mp_json_get_object(const json_t *obj, const char *key, json_t **out, mp_err *err)
{
    *out = json_object_get(obj, key);
    return mp_json_as_object(*out, key, err);
}

/* ---- optional fields ---- */

int mp_json_opt_str(const json_t *obj, const char *key, const char **out, mp_err *err)
{
    *out = NULL;
    return mp_json_present(obj, key) ? mp_json_get_str(obj, key, out, err) : MP_OK;
}

int mp_json_opt_u64(const json_t *obj, const char *key, uint64_t min, uint64_t max, uint64_t *out,
                    bool *has, mp_err *err)
{
    *has = mp_json_present(obj, key);
    return *has ? mp_json_get_u64(obj, key, min, max, out, err) : MP_OK;
}

int mp_json_opt_bool(const json_t *obj, const char *key, bool *out, bool *has, mp_err *err)
{
    *has = mp_json_present(obj, key);
    return *has ? mp_json_get_bool(obj, key, out, err) : MP_OK;
}

int mp_json_opt_quantity(const json_t *obj, const char *key, uint64_t *out, bool *has, mp_err *err)
{
    *has = mp_json_present(obj, key);
    return *has ? mp_json_get_quantity(obj, key, out, err) : MP_OK;
}

int mp_json_opt_address(const json_t *obj, const char *key, uint8_t out[20], bool *has, mp_err *err)
{
    *has = mp_json_present(obj, key);
    if (!*has)
        memset(out, 0, 20);
    return *has ? mp_json_get_address(obj, key, out, err) : MP_OK;
}

/* ---- writers ---- */

json_t *mp_json_hex_new(const uint8_t *p, size_t n, mp_json_hex_mode mode)
{
    char *h = malloc(2 * n + 3);
    if (h == NULL)
        return NULL;
    if (mode == MP_JSON_0X)
        mp_hex_encode0x(h, p, n);
    else
        mp_hex_encode(h, p, n);
    json_t *j = json_string(h);
    free(h);
    return j;
}

json_t *mp_json_quantity_new(uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "0x%" PRIx64, v);
    return json_string(s);
}

json_t *mp_json_quantity256_new(const uint8_t v[32])
{
    char h[65];
    mp_hex_encode(h, v, 32);
    size_t skip = 0;
    while (skip < 63 && h[skip] == '0')
        skip++;
    char s[68];
    snprintf(s, sizeof s, "0x%s", h + skip);
    return json_string(s);
}

json_t *mp_json_u64_new(uint64_t v)
{
    return v > INT64_MAX ? NULL : json_integer((json_int_t)v);
}
