/*
** abi_type.c: parsing Solidity type strings and signatures into mp_abi_type
** trees, and printing them back in canonical form (see include/mpavs/abi.h).
**
** A recursive-descent parser over the text; depth and size limits are
** enforced while parsing so hostile input cannot exhaust the stack or make
** later encoders and decoders overflow size computations.
*/
#include "abi_int.h"
#include "mpavs/keccak.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FARRAY_LEN 1000000u

typedef struct parser {
    const char *s;
    size_t pos;
    int depth; /* open brackets and parentheses */
    mp_err *err;
} parser;

static int fail_at(parser *p, const char *what)
{
    return MP_FAIL(p->err, MP_ERR_INVALID, "%s at position %zu of \"%.60s\"", what, p->pos, p->s);
}

static void skip_ws(parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n')
        p->pos++;
}

static bool is_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || c == '$';
}

static bool is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Reads an identifier into [*start, *start + *n); returns false if none. */
static bool read_ident(parser *p, size_t *start, size_t *n)
{
    skip_ws(p);
    if (!is_ident_start(p->s[p->pos]))
        return false;
    *start = p->pos;
    while (is_ident_char(p->s[p->pos]))
        p->pos++;
    *n = p->pos - *start;
    return true;
}

static bool word_is(const parser *p, size_t start, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(p->s + start, w, n) == 0;
}

static mp_abi_type *new_type(mp_abi_kind kind, unsigned size)
{
    mp_abi_type *t = calloc(1, sizeof *t);
    if (t) {
        t->kind = kind;
        t->size = size;
    }
    return t;
}

void mp_abi_type_free(mp_abi_type *t)
{
    if (t == NULL)
        return;
    mp_abi_type_free(t->elem);
    for (size_t i = 0; i < t->nfields; i++)
        mp_abi_type_free(t->fields[i]);
    free(t->fields);
    free(t->name);
    free(t);
}

/* Parses the decimal suffix of uintN/intN/bytesN; -1 if absent or malformed. */
static long size_suffix(const char *s, size_t n)
{
    if (n == 0 || n > 3 || s[0] == '0')
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int int_type(parser *p, const char *w, size_t n, mp_abi_kind kind, mp_abi_type **out)
{
    size_t plen = kind == MP_ABI_UINT ? 4 : 3;
    long bits = n == plen ? 256 : size_suffix(w + plen, n - plen);
    if (bits < 8 || bits > 256 || bits % 8)
        return fail_at(p, "integer width must be 8..256 in steps of 8");
    *out = new_type(kind, (unsigned)bits);
    return *out ? MP_OK : MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
}

static int elementary(parser *p, size_t start, size_t n, mp_abi_type **out)
{
    const char *w = p->s + start;
    mp_abi_type *t = NULL;
    if (n >= 4 && !memcmp(w, "uint", 4))
        return int_type(p, w, n, MP_ABI_UINT, out);
    if (n >= 3 && !memcmp(w, "int", 3))
        return int_type(p, w, n, MP_ABI_INT, out);
    if (word_is(p, start, n, "address"))
        t = new_type(MP_ABI_ADDRESS, 0);
    else if (word_is(p, start, n, "bool"))
        t = new_type(MP_ABI_BOOL, 0);
    else if (word_is(p, start, n, "string"))
        t = new_type(MP_ABI_STRING, 0);
    else if (word_is(p, start, n, "bytes"))
        t = new_type(MP_ABI_BYTES, 0);
    else if (word_is(p, start, n, "byte"))
        t = new_type(MP_ABI_BYTESN, 1);
    else if (n > 5 && !memcmp(w, "bytes", 5)) {
        long k = size_suffix(w + 5, n - 5);
        if (k < 1 || k > 32)
            return fail_at(p, "bytesN needs N in 1..32");
        t = new_type(MP_ABI_BYTESN, (unsigned)k);
    } else {
        p->pos = start;
        return MP_FAIL(p->err, MP_ERR_INVALID, "unknown or unsupported type \"%.*s\"",
                       (int)(n < 40 ? n : 40), w);
    }
    if (t == NULL)
        return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
    *out = t;
    return MP_OK;
}

/* Wraps *t in array types for each "[]" or "[k]" that follows. */
static int array_suffixes(parser *p, mp_abi_type **t)
{
    for (;;) {
        skip_ws(p);
        if (p->s[p->pos] != '[')
            return MP_OK;
        p->pos++;
        skip_ws(p);
        mp_abi_type *a = new_type(MP_ABI_ARRAY, 0);
        if (a == NULL)
            return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
        a->elem = *t;
        *t = a;
        if (isdigit((unsigned char)p->s[p->pos])) {
            size_t k = 0;
            if (p->s[p->pos] == '0')
                return fail_at(p, "array length must be 1 or more, without leading zeros");
            while (isdigit((unsigned char)p->s[p->pos])) {
                k = k * 10 + (size_t)(p->s[p->pos++] - '0');
                if (k > MAX_FARRAY_LEN)
                    return fail_at(p, "fixed array length above 1000000");
            }
            a->kind = MP_ABI_FARRAY;
            a->length = k;
            skip_ws(p);
        }
        if (p->s[p->pos] != ']')
            return fail_at(p, "expected ']'");
        p->pos++;
        MP_TRY(mp_abi_finalize_type(a, p->err));
    }
}

static int parse_tuple(parser *p, mp_abi_type **out, bool top, bool allow_empty);

/* A type: elementary or parenthesised tuple, then array suffixes. */
static int parse_type(parser *p, mp_abi_type **out)
{
    skip_ws(p);
    *out = NULL;
    if (p->s[p->pos] == '(') {
        MP_TRY(parse_tuple(p, out, false, false));
    } else {
        size_t start, n;
        if (!read_ident(p, &start, &n))
            return fail_at(p, "expected a type");
        /* "tuple(...)" is how JSON ABIs spell a tuple; accept it here too. */
        if (word_is(p, start, n, "tuple") && p->s[p->pos] == '(')
            MP_TRY(parse_tuple(p, out, false, false));
        else
            MP_TRY(elementary(p, start, n, out));
        if ((*out)->kind == MP_ABI_ADDRESS) {
            size_t save = p->pos, s2, n2;
            if (!read_ident(p, &s2, &n2) || !word_is(p, s2, n2, "payable"))
                p->pos = save;
        }
        MP_TRY(mp_abi_finalize_type(*out, p->err));
    }
    return array_suffixes(p, out);
}

static bool is_location(const parser *p, size_t start, size_t n)
{
    return word_is(p, start, n, "memory") || word_is(p, start, n, "calldata") ||
           word_is(p, start, n, "storage");
}

/* After a component's type: optional "indexed" (top level only), data
 ** location and name. */
static int component_extras(parser *p, mp_abi_type *t, bool top)
{
    size_t start, n;
    size_t save = p->pos;
    while (read_ident(p, &start, &n)) {
        if (word_is(p, start, n, "indexed")) {
            if (!top || t->indexed || t->name)
                return fail_at(p, "\"indexed\" only marks a top-level event parameter, once");
            t->indexed = true;
        } else if (is_location(p, start, n)) {
            continue;
        } else {
            if (t->name)
                return fail_at(p, "unexpected word after the parameter name");
            t->name = strndup(p->s + start, n);
            if (t->name == NULL)
                return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
        }
        save = p->pos;
    }
    p->pos = save;
    return MP_OK;
}

static int add_field(parser *p, mp_abi_type *tuple, mp_abi_type *f)
{
    mp_abi_type **nf = realloc(tuple->fields, (tuple->nfields + 1) * sizeof *nf);
    if (nf == NULL) {
        mp_abi_type_free(f);
        return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
    }
    tuple->fields = nf;
    tuple->fields[tuple->nfields++] = f;
    return MP_OK;
}

/* Parses "(T [extras], ...)" starting at '('; the tuple goes to *out even on
 ** failure so the caller can free it. */
static int parse_tuple(parser *p, mp_abi_type **out, bool top, bool allow_empty)
{
    if (++p->depth > MP_ABI_MAX_DEPTH)
        return fail_at(p, "type nested too deeply");
    mp_abi_type *t = new_type(MP_ABI_TUPLE, 0);
    if ((*out = t) == NULL)
        return MP_FAIL(p->err, MP_ERR_NOMEM, "out of memory");
    p->pos++; /* '(' */
    skip_ws(p);
    if (p->s[p->pos] == ')') {
        p->pos++;
        p->depth--;
        return allow_empty ? mp_abi_finalize_type(t, p->err) : fail_at(p, "empty tuple");
    }
    for (;;) {
        mp_abi_type *f = NULL;
        int rc = parse_type(p, &f);
        if (rc == MP_OK)
            rc = component_extras(p, f, top);
        if (rc != MP_OK) {
            mp_abi_type_free(f);
            return rc;
        }
        MP_TRY(add_field(p, t, f));
        skip_ws(p);
        if (p->s[p->pos] == ')')
            break;
        if (p->s[p->pos] != ',')
            return fail_at(p, "expected ',' or ')'");
        p->pos++;
    }
    p->pos++;
    p->depth--;
    return mp_abi_finalize_type(t, p->err);
}

static int check_text(const char *text, mp_err *err)
{
    if (text == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "missing type text");
    if (strnlen(text, MP_ABI_MAX_TEXT + 1) > MP_ABI_MAX_TEXT)
        return MP_FAIL(err, MP_ERR_INVALID, "type text longer than %d bytes", MP_ABI_MAX_TEXT);
    return MP_OK;
}

static int expect_end(parser *p)
{
    skip_ws(p);
    return p->s[p->pos] == 0 ? MP_OK : fail_at(p, "unexpected text");
}

int mp_abi_type_parse(mp_abi_type **out, const char *text, mp_err *err)
{
    MP_TRY(check_text(text, err));
    parser p = {text, 0, 0, err};
    mp_abi_type *t = NULL;
    int rc = parse_type(&p, &t);
    if (rc == MP_OK)
        rc = expect_end(&p);
    if (rc != MP_OK) {
        mp_abi_type_free(t);
        return rc;
    }
    *out = t;
    return MP_OK;
}

/* The parameter list of a signature, or a bare "a,b" list wrapped as "(a,b)". */
static int parse_params(parser *p, mp_abi_type **out)
{
    skip_ws(p);
    if (p->s[p->pos] == '(')
        return parse_tuple(p, out, true, true);
    return fail_at(p, "expected '('");
}

int mp_abi_params_parse(mp_abi_type **out, const char *text, mp_err *err)
{
    MP_TRY(check_text(text, err));
    size_t n = strlen(text);
    char *wrapped = malloc(n + 3);
    if (wrapped == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    /* "(a,b)" is the list a,b; anything else is wrapped in parentheses. */
    parser probe = {text, 0, 0, NULL};
    skip_ws(&probe);
    bool paren = text[probe.pos] == '(';
    snprintf(wrapped, n + 3, paren ? "%s" : "(%s)", text);
    parser p = {wrapped, 0, 0, err};
    mp_abi_type *t = NULL;
    int rc = parse_params(&p, &t);
    if (rc == MP_OK)
        rc = expect_end(&p);
    /* "(a,b)[]" is one array of tuples, not a list. */
    if (rc != MP_OK && paren) {
        mp_abi_type_free(t);
        t = NULL;
        snprintf(wrapped, n + 3, "(%s)", text);
        parser q = {wrapped, 0, 0, err};
        rc = parse_params(&q, &t);
        if (rc == MP_OK)
            rc = expect_end(&q);
    }
    free(wrapped);
    if (rc != MP_OK) {
        mp_abi_type_free(t);
        return rc;
    }
    *out = t;
    return MP_OK;
}

int mp_abi_sig_parse(mp_abi_sig *out, const char *text, mp_err *err)
{
    MP_TRY(check_text(text, err));
    parser p = {text, 0, 0, err};
    size_t start, n;
    if (!read_ident(&p, &start, &n))
        return fail_at(&p, "expected a function or event name");
    mp_abi_sig s = {strndup(text + start, n), NULL};
    if (s.name == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = parse_params(&p, &s.params);
    if (rc == MP_OK)
        rc = expect_end(&p);
    if (rc != MP_OK) {
        mp_abi_sig_free(&s);
        return rc;
    }
    *out = s;
    return MP_OK;
}

void mp_abi_sig_free(mp_abi_sig *s)
{
    free(s->name);
    mp_abi_type_free(s->params);
    s->name = NULL;
    s->params = NULL;
}

bool mp_abi_is_word(const mp_abi_type *t)
{
    return t->kind <= MP_ABI_BYTESN;
}

size_t mp_abi_seq_head(const mp_abi_type *t)
{
    if (t->kind == MP_ABI_FARRAY)
        return t->length * t->elem->head_size;
    size_t sum = 0;
    for (size_t i = 0; i < t->nfields; i++)
        sum += t->fields[i]->head_size;
    return sum;
}

int mp_abi_finalize_type(mp_abi_type *t, mp_err *err)
{
    t->depth = 1;
    t->dynamic = t->kind == MP_ABI_BYTES || t->kind == MP_ABI_STRING || t->kind == MP_ABI_ARRAY;
    t->head_size = 32;
    if (t->kind == MP_ABI_ARRAY || t->kind == MP_ABI_FARRAY) {
        t->depth = t->elem->depth + 1;
        t->dynamic |= t->elem->dynamic;
        if (t->kind == MP_ABI_FARRAY && !t->dynamic) {
            if (t->length > MP_ABI_MAX_STATIC / t->elem->head_size)
                return MP_FAIL(err, MP_ERR_INVALID, "fixed array encoding larger than %u bytes",
                               MP_ABI_MAX_STATIC);
            t->head_size = t->length * t->elem->head_size;
        }
    } else if (t->kind == MP_ABI_TUPLE) {
        size_t sum = 0;
        for (size_t i = 0; i < t->nfields; i++) {
            const mp_abi_type *f = t->fields[i];
            t->dynamic |= f->dynamic;
            if (f->depth + 1 > t->depth)
                t->depth = f->depth + 1;
            sum += f->head_size; /* each <= MP_ABI_MAX_STATIC; checked below */
            if (sum > MP_ABI_MAX_STATIC)
                return MP_FAIL(err, MP_ERR_INVALID, "tuple encoding larger than %u bytes",
                               MP_ABI_MAX_STATIC);
        }
        if (!t->dynamic)
            t->head_size = sum;
    }
    if (t->depth > MP_ABI_MAX_DEPTH)
        return MP_FAIL(err, MP_ERR_INVALID, "type nested deeper than %d levels", MP_ABI_MAX_DEPTH);
    return MP_OK;
}

void mp_abi_put_type_name(mp_buf *b, const mp_abi_type *t)
{
    switch (t->kind) {
    case MP_ABI_UINT:
        mp_buf_printf(b, "uint%u", t->size);
        break;
    case MP_ABI_INT:
        mp_buf_printf(b, "int%u", t->size);
        break;
    case MP_ABI_ADDRESS:
        mp_buf_puts(b, "address");
        break;
    case MP_ABI_BOOL:
        mp_buf_puts(b, "bool");
        break;
    case MP_ABI_BYTESN:
        mp_buf_printf(b, "bytes%u", t->size);
        break;
    case MP_ABI_BYTES:
        mp_buf_puts(b, "bytes");
        break;
    case MP_ABI_STRING:
        mp_buf_puts(b, "string");
        break;
    case MP_ABI_ARRAY:
        mp_abi_put_type_name(b, t->elem);
        mp_buf_puts(b, "[]");
        break;
    case MP_ABI_FARRAY:
        mp_abi_put_type_name(b, t->elem);
        mp_buf_printf(b, "[%zu]", t->length);
        break;
    case MP_ABI_TUPLE:
        mp_buf_push(b, '(');
        for (size_t i = 0; i < t->nfields; i++) {
            if (i)
                mp_buf_push(b, ',');
            mp_abi_put_type_name(b, t->fields[i]);
        }
        mp_buf_push(b, ')');
        break;
    }
}

int mp_abi_type_canonical(const mp_abi_type *t, mp_buf *out, mp_err *err)
{
    mp_abi_put_type_name(out, t);
    return mp_buf_check(out, err);
}

int mp_abi_sig_canonical(const mp_abi_sig *s, mp_buf *out, mp_err *err)
{
    mp_buf_puts(out, s->name);
    mp_abi_put_type_name(out, s->params);
    return mp_buf_check(out, err);
}

int mp_abi_sig_hash(const mp_abi_sig *s, uint8_t out[32], mp_err *err)
{
    mp_buf b = MP_BUF_INIT;
    int rc = mp_abi_sig_canonical(s, &b, err);
    if (rc == MP_OK)
        mp_keccak256(out, b.data, b.len);
    mp_buf_free(&b);
    return rc;
}

int mp_abi_event_topic(uint8_t out[32], const char *sig, mp_err *err)
{
    mp_abi_sig s;
    MP_TRY(mp_abi_sig_parse(&s, sig, err));
    int rc = mp_abi_sig_hash(&s, out, err);
    mp_abi_sig_free(&s);
    return rc;
}

int mp_abi_selector(uint8_t out[4], const char *sig, mp_err *err)
{
    uint8_t h[32];
    MP_TRY(mp_abi_event_topic(h, sig, err));
    memcpy(out, h, 4);
    return MP_OK;
}
