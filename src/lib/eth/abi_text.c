/*
** abi_text.c: ABI values from command-line text and to JSON (see
** include/mpavs/abi.h).
**
** The text syntax follows cast: numbers decimal or 0x hex, [a,b] arrays,
** (a,b) tuples, strings bare or double-quoted inside them.
*/
#include "abi_int.h"
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

typedef struct text_parser {
    const char *s;
    size_t pos;
    mp_err *err;
} text_parser;

static int tfail(text_parser *p, const char *what)
{
    return MP_FAIL(p->err, MP_ERR_INVALID, "%s at position %zu of \"%.60s\"", what, p->pos, p->s);
}

static void tskip(text_parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n')
        p->pos++;
}

/* ---- scalars ---- */

/* intN takes -2^(N-1) .. 2^(N-1)-1: compare the magnitude with 2^(N-1). */
static int int_from_text(uint8_t w[32], const mp_abi_type *t, const char *tok, mp_err *err)
{
    bool neg = tok[0] == '-';
    MP_TRY(mp_u256_from_text(w, tok + neg, err));
    uint8_t limit[32] = {0};
    limit[32 - t->size / 8] = 0x80;
    int c = mp_u256_cmp(w, limit);
    if (neg ? c > 0 : c >= 0)
        return MP_FAIL(err, MP_ERR_INVALID, "%.80s does not fit in int%u", tok, t->size);
    if (neg)
        mp_u256_negate(w);
    return MP_OK;
}

static int scalar_from_text(mp_abi_value *v, const mp_abi_type *t, const char *tok, mp_err *err)
{
    v->type = t;
    switch (t->kind) {
    case MP_ABI_UINT:
        MP_TRY(mp_u256_from_text(v->word, tok, err));
        return mp_abi_check_word(t, v->word, MP_ABI_NO_OFFSET, MP_ERR_INVALID, err) == MP_OK
                   ? MP_OK
                   : MP_FAIL(err, MP_ERR_INVALID, "%s does not fit in uint%u", tok, t->size);
    case MP_ABI_INT:
        return int_from_text(v->word, t, tok, err);
    case MP_ABI_ADDRESS:
        return mp_address_parse(v->word + 12, tok, err);
    case MP_ABI_BOOL:
        if (strcmp(tok, "true") != 0 && strcmp(tok, "false") != 0)
            return MP_FAIL(err, MP_ERR_INVALID, "bool must be true or false, got \"%.40s\"", tok);
        v->word[31] = tok[0] == 't';
        return MP_OK;
    case MP_ABI_BYTESN:
        return mp_hex_decode_exact(v->word, t->size, tok, err);
    case MP_ABI_BYTES: {
        mp_buf b = MP_BUF_INIT;
        int rc = mp_hex_decode_buf(&b, tok, err);
        if (rc == MP_OK && b.data == NULL)
            rc = mp_buf_zeros(&b, 0) == MP_OK ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "no memory");
        if (rc != MP_OK) {
            mp_buf_free(&b);
            return rc;
        }
        v->bytes = mp_buf_take(&b, &v->len);
        return MP_OK;
    }
    case MP_ABI_STRING:
        v->len = strlen(tok);
        v->bytes = (uint8_t *)strdup(tok);
        return v->bytes ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    default:
        return MP_FAIL(err, MP_ERR_MISUSE, "not a scalar type");
    }
}

/* A double-quoted string with \" and \\ escapes, appended to b. */
static int quoted_token(text_parser *p, mp_buf *b)
{
    p->pos++;
    for (;;) {
        char c = p->s[p->pos];
        if (c == 0)
            return tfail(p, "unterminated string");
        p->pos++;
        if (c == '"')
            return MP_OK;
        if (c == '\\') {
            c = p->s[p->pos];
            if (c != '"' && c != '\\')
                return tfail(p, "only \\\" and \\\\ escapes are allowed");
            p->pos++;
        }
        mp_buf_push(b, (uint8_t)c);
    }
}

/* A bare token inside brackets: up to ',', ']' or ')', trailing blanks trimmed. */
static void bare_token(text_parser *p, mp_buf *b)
{
    size_t start = p->pos;
    while (p->s[p->pos] && !strchr(",])", p->s[p->pos]))
        p->pos++;
    size_t end = p->pos;
    while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t'))
        end--;
    mp_buf_append(b, p->s + start, end - start);
}

static int parse_scalar(text_parser *p, const mp_abi_type *t, mp_abi_value *v)
{
    mp_buf tok = MP_BUF_INIT;
    int rc = MP_OK;
    if (p->s[p->pos] == '"')
        rc = quoted_token(p, &tok);
    else
        bare_token(p, &tok);
    mp_buf_push(&tok, 0);
    if (rc == MP_OK)
        rc = mp_buf_check(&tok, p->err);
    if (rc == MP_OK)
        rc = scalar_from_text(v, t, (const char *)tok.data, p->err);
    mp_buf_free(&tok);
    return rc;
}

/* ---- arrays and tuples ---- */

static int parse_value(text_parser *p, const mp_abi_type *t, mp_abi_value *v);

static int push_item(text_parser *p, const mp_abi_type *it, mp_abi_value *v)
{
    mp_abi_value *items = realloc(v->items, (v->nitems + 1) * sizeof *items);
    if (items == NULL)
        return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
    v->items = items;
    memset(&items[v->nitems], 0, sizeof *items);
    v->nitems++;
    return parse_value(p, it, &items[v->nitems - 1]);
}

static int parse_list(text_parser *p, const mp_abi_type *t, mp_abi_value *v)
{
    bool tuple = t->kind == MP_ABI_TUPLE;
    char close = tuple ? ')' : ']';
    if (p->s[p->pos] != (tuple ? '(' : '['))
        return tfail(p, tuple ? "expected '(' to start a tuple" : "expected '[' to start an array");
    p->pos++;
    tskip(p);
    if (p->s[p->pos] != close) {
        for (;;) {
            if (tuple && v->nitems == t->nfields)
                return tfail(p, "too many tuple components");
            MP_TRY(push_item(p, tuple ? t->fields[v->nitems] : t->elem, v));
            tskip(p);
            if (p->s[p->pos] == close)
                break;
            if (p->s[p->pos] != ',')
                return tfail(p, tuple ? "expected ',' or ')'" : "expected ',' or ']'");
            p->pos++;
        }
    }
    p->pos++;
    size_t want = tuple ? t->nfields : t->kind == MP_ABI_FARRAY ? t->length : v->nitems;
    if (v->nitems != want)
        return MP_FAIL(p->err, MP_ERR_INVALID, "expected %zu items, got %zu, before position %zu",
                       want, v->nitems, p->pos);
    return MP_OK;
}

static bool is_scalar(const mp_abi_type *t)
{
    return mp_abi_is_word(t) || t->kind == MP_ABI_BYTES || t->kind == MP_ABI_STRING;
}

static int parse_value(text_parser *p, const mp_abi_type *t, mp_abi_value *v)
{
    v->type = t;
    tskip(p);
    return is_scalar(t) ? parse_scalar(p, t, v) : parse_list(p, t, v);
}

/* A whole argument that is one scalar: strings verbatim, others trimmed. */
static int top_scalar(mp_abi_value *v, const mp_abi_type *t, const char *text, mp_err *err)
{
    if (t->kind == MP_ABI_STRING)
        return scalar_from_text(v, t, text, err);
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\n'))
        n--;
    char *tok = strndup(text, n);
    if (tok == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = scalar_from_text(v, t, tok, err);
    free(tok);
    return rc;
}

int mp_abi_value_parse(mp_abi_value *out, const mp_abi_type *t, const char *text, mp_err *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (text == NULL) {
        rc = MP_FAIL(err, MP_ERR_INVALID, "missing value");
    } else if (is_scalar(t)) {
        rc = top_scalar(out, t, text, err);
    } else {
        text_parser p = {text, 0, err};
        rc = parse_value(&p, t, out);
        tskip(&p);
        if (rc == MP_OK && p.s[p.pos] != 0)
            rc = tfail(&p, "unexpected text after the value");
    }
    if (rc != MP_OK)
        mp_abi_value_free(out);
    return rc;
}

int mp_abi_value_parse_args(mp_abi_value *out, const mp_abi_type *params, int argc,
                            char *const *argv, mp_err *err)
{
    memset(out, 0, sizeof *out);
    if (params->kind != MP_ABI_TUPLE)
        return MP_FAIL(err, MP_ERR_MISUSE, "parameters must be a tuple");
    if (argc < 0 || (size_t)argc != params->nfields)
        return MP_FAIL(err, MP_ERR_INVALID, "%zu arguments expected, %d given", params->nfields,
                       argc);
    out->type = params;
    out->nitems = params->nfields;
    if (out->nitems && (out->items = calloc(out->nitems, sizeof *out->items)) == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < out->nitems; i++) {
        int rc = mp_abi_value_parse(&out->items[i], params->fields[i], argv[i], err);
        if (rc != MP_OK) {
            mp_err_wrap(err, "argument %zu", i + 1);
            mp_abi_value_free(out);
            return rc;
        }
    }
    return MP_OK;
}

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t k = c >= 0xc2 && c <= 0xdf   ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    if (k == 0 || k > n)
        return 0;
    /* The second byte's range excludes overlongs, surrogates and > U+10FFFF. */
    uint8_t lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    uint8_t hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return k;
}

static json_t *string_json(const uint8_t *p, size_t n)
{
    mp_buf b = MP_BUF_INIT;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0) {
            mp_buf_append(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
            i++;
        } else {
            mp_buf_append(&b, p + i, k);
            i += k;
        }
    }
    json_t *j = b.oom ? NULL : json_stringn(b.data ? (char *)b.data : "", b.len);
    mp_buf_free(&b);
    return j;
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    return mp_json_hex_new(p, n, MP_JSON_0X);
}

static json_t *word_json(const mp_abi_value *v)
{
    const mp_abi_type *t = v->type;
    char text[MP_U256_DEC_MAX > MP_ADDRESS_TEXT_LEN ? MP_U256_DEC_MAX : MP_ADDRESS_TEXT_LEN];
    switch (t->kind) {
    case MP_ABI_UINT:
        mp_u256_to_dec(text, v->word);
        return json_string(text);
    case MP_ABI_INT:
        mp_u256_to_dec_signed(text, v->word);
        return json_string(text);
    case MP_ABI_ADDRESS:
        mp_address_to_checksum(text, v->word + 12);
        return json_string(text);
    case MP_ABI_BOOL:
        return json_boolean(v->word[31]);
    default:
        return hex_json(v->word, t->size);
    }
}

json_t *mp_abi_value_to_json(const mp_abi_value *v)
{
    const mp_abi_type *t = v->type;
    if (v->hashed)
        return hex_json(v->word, 32);
    if (mp_abi_is_word(t))
        return word_json(v);
    if (t->kind == MP_ABI_BYTES)
        return hex_json(v->bytes, v->len);
    if (t->kind == MP_ABI_STRING)
        return string_json(v->bytes, v->len);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < v->nitems; i++) {
        json_t *item = mp_abi_value_to_json(&v->items[i]);
        if (item == NULL || json_array_append_new(arr, item) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}
