/*
** abi.c: ABI encoding and strict decoding of value trees, abi.encodePacked,
** and event log decoding (see include/mpavs/abi.h).
**
** Every read goes through need(), which compares lengths against what is left
** of the input instead of adding to offsets, so hostile offsets cannot wrap.
*/
#include "abi_int.h"
#include "mpavs/keccak.h"
#include "mpavs/mem.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

void mp_abi_value_free(mp_abi_value *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->nitems; i++)
        mp_abi_value_free(&v->items[i]);
    free(v->items);
    free(v->bytes);
    memset(v, 0, sizeof *v);
}

/* ---- scalar words ---- */

static bool all_eq(const uint8_t *p, size_t n, uint8_t b)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != b)
            return false;
    return true;
}

static int bad_word(const mp_abi_type *t, size_t at, const char *why, int code, mp_err *err)
{
    mp_buf name = MP_BUF_INIT;
    mp_abi_put_type_name(&name, t);
    const char *tn = name.data ? (char *)name.data : "?";
    int rc = at == MP_ABI_NO_OFFSET ? MP_FAIL(err, code, "%s for %s", why, tn)
                                    : MP_FAIL(err, code, "%s for %s at byte %zu", why, tn, at);
    mp_buf_free(&name);
    return rc;
}

int mp_abi_check_word(const mp_abi_type *t, const uint8_t w[32], size_t at, int code, mp_err *err)
{
    size_t pad = 0;
    switch (t->kind) {
    case MP_ABI_UINT:
        pad = 32 - t->size / 8;
        return all_eq(w, pad, 0) ? MP_OK : bad_word(t, at, "value out of range", code, err);
    case MP_ABI_INT:
        pad = 32 - t->size / 8;
        /* The padding must repeat the sign bit of the value's top byte. */
        return all_eq(w, pad, (w[pad] & 0x80) ? 0xff : 0x00)
                   ? MP_OK
                   : bad_word(t, at, "value out of range (bad sign extension)", code, err);
    case MP_ABI_ADDRESS:
        return all_eq(w, 12, 0) ? MP_OK : bad_word(t, at, "non-zero high bytes", code, err);
    case MP_ABI_BOOL:
        return all_eq(w, 31, 0) && w[31] <= 1 ? MP_OK : bad_word(t, at, "not 0 or 1", code, err);
    case MP_ABI_BYTESN:
        return all_eq(w + t->size, 32 - t->size, 0) ? MP_OK
                                                    : bad_word(t, at, "dirty padding", code, err);
    default:
        return MP_FAIL(err, MP_ERR_MISUSE, "not a scalar type");
    }
}

/* ---- encoding ---- */

static int encode_value(mp_buf *out, const mp_abi_value *v, mp_err *err);

static int check_count(const mp_abi_value *v, size_t want, mp_err *err)
{
    if (v->nitems != want)
        return MP_FAIL(err, MP_ERR_INVALID, "%s needs %zu items, got %zu",
                       v->type->kind == MP_ABI_TUPLE ? "tuple" : "fixed array", want, v->nitems);
    return MP_OK;
}

static int check_item_types(const mp_abi_value *v, mp_err *err)
{
    const mp_abi_type *t = v->type;
    for (size_t i = 0; i < v->nitems; i++) {
        const mp_abi_type *want = t->kind == MP_ABI_TUPLE ? t->fields[i] : t->elem;
        if (v->items[i].type != want)
            return MP_FAIL(err, MP_ERR_MISUSE, "item %zu does not belong to its type tree", i);
    }
    return MP_OK;
}

/* Heads then tails; offsets are relative to the start of this sequence. */
static int encode_seq(mp_buf *out, const mp_abi_value *items, size_t n, mp_err *err)
{
    size_t start = out->len;
    size_t *slots = calloc(n ? n : 1, sizeof *slots);
    if (slots == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory encoding");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        slots[i] = out->len;
        if (items[i].type->dynamic)
            mp_buf_zeros(out, 32); /* patched below */
        else
            rc = encode_value(out, &items[i], err);
    }
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        if (!items[i].type->dynamic)
            continue;
        if (out->oom)
            break;
        mp_u256_from_u64(out->data + slots[i], (uint64_t)(out->len - start));
        rc = encode_value(out, &items[i], err);
    }
    free(slots);
    if (rc == MP_OK)
        rc = mp_buf_check(out, err);
    return rc;
}

static int encode_value(mp_buf *out, const mp_abi_value *v, mp_err *err)
{
    const mp_abi_type *t = v->type;
    if (t == NULL)
        return MP_FAIL(err, MP_ERR_MISUSE, "value without a type");
    if (mp_abi_is_word(t)) {
        MP_TRY(mp_abi_check_word(t, v->word, MP_ABI_NO_OFFSET, MP_ERR_INVALID, err));
        mp_buf_append(out, v->word, 32);
        return mp_buf_check(out, err);
    }
    switch (t->kind) {
    case MP_ABI_BYTES:
    case MP_ABI_STRING:
        mp_abi_put_tail_bytes(out, v->bytes, v->len);
        return mp_buf_check(out, err);
    case MP_ABI_ARRAY:
        mp_abi_put_u64(out, v->nitems);
        break;
    case MP_ABI_FARRAY:
        MP_TRY(check_count(v, t->length, err));
        break;
    case MP_ABI_TUPLE:
        MP_TRY(check_count(v, t->nfields, err));
        break;
    default:
        return MP_FAIL(err, MP_ERR_MISUSE, "unknown ABI kind %d", (int)t->kind);
    }
    MP_TRY(check_item_types(v, err));
    return encode_seq(out, v->items, v->nitems, err);
}

int mp_abi_encode(mp_buf *out, const mp_abi_value *v, mp_err *err)
{
    size_t start = out->len;
    int rc = encode_value(out, v, err);
    if (rc != MP_OK && !out->oom)
        out->len = start; /* leave no half-written encoding behind */
    return rc;
}

/* ---- encodePacked ---- */

static int packed_scalar(mp_buf *out, const mp_abi_value *v, mp_err *err)
{
    const mp_abi_type *t = v->type;
    MP_TRY(mp_abi_check_word(t, v->word, MP_ABI_NO_OFFSET, MP_ERR_INVALID, err));
    switch (t->kind) {
    case MP_ABI_UINT:
    case MP_ABI_INT:
        mp_buf_append(out, v->word + 32 - t->size / 8, t->size / 8);
        break;
    case MP_ABI_ADDRESS:
        mp_buf_append(out, v->word + 12, 20);
        break;
    case MP_ABI_BOOL:
        mp_buf_push(out, v->word[31]);
        break;
    default: /* bytesN */
        mp_buf_append(out, v->word, t->size);
    }
    return mp_buf_check(out, err);
}

static int packed_value(mp_buf *out, const mp_abi_value *v, bool top, mp_err *err)
{
    const mp_abi_type *t = v->type;
    if (mp_abi_is_word(t))
        return packed_scalar(out, v, err);
    if (t->kind == MP_ABI_BYTES || t->kind == MP_ABI_STRING) {
        mp_buf_append(out, v->bytes, v->len);
        return mp_buf_check(out, err);
    }
    if (t->kind == MP_ABI_TUPLE && top) {
        MP_TRY(check_count(v, t->nfields, err));
        for (size_t i = 0; i < v->nitems; i++)
            MP_TRY(packed_value(out, &v->items[i], false, err));
        return MP_OK;
    }
    if ((t->kind == MP_ABI_ARRAY || t->kind == MP_ABI_FARRAY) && mp_abi_is_word(t->elem)) {
        if (t->kind == MP_ABI_FARRAY)
            MP_TRY(check_count(v, t->length, err));
        /* Solidity pads array elements to 32 bytes even in packed mode. */
        for (size_t i = 0; i < v->nitems; i++) {
            MP_TRY(mp_abi_check_word(t->elem, v->items[i].word, MP_ABI_NO_OFFSET, MP_ERR_INVALID,
                                     err));
            mp_buf_append(out, v->items[i].word, 32);
        }
        return mp_buf_check(out, err);
    }
    return MP_FAIL(err, MP_ERR_INVALID,
                   "encodePacked supports scalars, bytes, string and arrays of scalars only");
}

int mp_abi_encode_packed(mp_buf *out, const mp_abi_value *v, mp_err *err)
{
    return packed_value(out, v, true, err);
}

/* ---- decoding ---- */

typedef struct decoder {
    const uint8_t *data;
    size_t len;
    size_t budget; /* value nodes we may still create */
    mp_err *err;
} decoder;

static int need(decoder *d, size_t off, size_t n, const char *what)
{
    if (off > d->len || n > d->len - off)
        return MP_FAIL(d->err, MP_ERR_PARSE, "%s at byte %zu runs past the end of %zu bytes", what,
                       off, d->len);
    return MP_OK;
}

/* Reads a word that must hold a small unsigned number (an offset or length). */
static int read_size(decoder *d, size_t at, const char *what, size_t *out)
{
    MP_TRY(need(d, at, 32, what));
    const uint8_t *w = d->data + at;
    if (!all_eq(w, 24, 0))
        return MP_FAIL(d->err, MP_ERR_PARSE, "%s at byte %zu is too large", what, at);
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | w[i];
    if (v > d->len)
        return MP_FAIL(d->err, MP_ERR_PARSE, "%s %llu at byte %zu exceeds the data length %zu",
                       what, (unsigned long long)v, at, d->len);
    *out = (size_t)v;
    return MP_OK;
}

static int take_budget(decoder *d, size_t n)
{
    if (n > d->budget)
        return MP_FAIL(d->err, MP_ERR_PARSE,
                       "decoded value larger than the data allows (overlapping offsets?)");
    d->budget -= n;
    return MP_OK;
}

static int decode_at(decoder *d, const mp_abi_type *t, size_t off, mp_abi_value *v);

static int decode_bytes(decoder *d, const mp_abi_type *t, size_t off, mp_abi_value *v)
{
    size_t n;
    MP_TRY(read_size(d, off, t->kind == MP_ABI_STRING ? "string length" : "bytes length", &n));
    size_t body = off + 32, padded = (n + 31) / 32 * 32;
    MP_TRY(need(d, body, padded, t->kind == MP_ABI_STRING ? "string data" : "bytes data"));
    if (!all_eq(d->data + body + n, padded - n, 0))
        return MP_FAIL(d->err, MP_ERR_PARSE, "non-zero padding after %zu bytes at byte %zu", n,
                       body);
    v->bytes = malloc(n + 1);
    if (v->bytes == NULL)
        return MP_FAIL(d->err, MP_ERR_NOMEM, "out of memory decoding");
    if (n)
        memcpy(v->bytes, d->data + body, n);
    v->bytes[n] = 0;
    v->len = n;
    return MP_OK;
}

/* Decodes n items (tuple fields, or n copies of elem) whose heads start at base. */
static int decode_seq(decoder *d, const mp_abi_type *t, size_t n, size_t base, mp_abi_value *v)
{
    MP_TRY(take_budget(d, n));
    if (n > 0 && (v->items = calloc(n, sizeof *v->items)) == NULL)
        return MP_FAIL(d->err, MP_ERR_NOMEM, "out of memory decoding");
    v->nitems = n;
    size_t head = base;
    for (size_t i = 0; i < n; i++) {
        const mp_abi_type *it = t->kind == MP_ABI_TUPLE ? t->fields[i] : t->elem;
        size_t at = head;
        if (it->dynamic) {
            size_t rel;
            MP_TRY(read_size(d, head, "offset", &rel));
            if (rel > d->len - base)
                return MP_FAIL(d->err, MP_ERR_PARSE, "offset %zu at byte %zu points past the end",
                               rel, head);
            at = base + rel;
        }
        MP_TRY(decode_at(d, it, at, &v->items[i]));
        head += it->head_size;
    }
    return MP_OK;
}

static int decode_at(decoder *d, const mp_abi_type *t, size_t off, mp_abi_value *v)
{
    v->type = t;
    if (mp_abi_is_word(t)) {
        MP_TRY(need(d, off, 32, "value"));
        memcpy(v->word, d->data + off, 32);
        return mp_abi_check_word(t, v->word, off, MP_ERR_PARSE, d->err);
    }
    switch (t->kind) {
    case MP_ABI_BYTES:
    case MP_ABI_STRING:
        return decode_bytes(d, t, off, v);
    case MP_ABI_ARRAY: {
        size_t n;
        MP_TRY(read_size(d, off, "array length", &n));
        size_t base = off + 32;
        if (n > (d->len - base) / t->elem->head_size)
            return MP_FAIL(d->err, MP_ERR_PARSE,
                           "array length %zu at byte %zu needs more data than there is", n, off);
        return decode_seq(d, t, n, base, v);
    }
    case MP_ABI_FARRAY:
        MP_TRY(need(d, off, mp_abi_seq_head(t), "fixed array"));
        return decode_seq(d, t, t->length, off, v);
    case MP_ABI_TUPLE:
        MP_TRY(need(d, off, mp_abi_seq_head(t), "tuple"));
        return decode_seq(d, t, t->nfields, off, v);
    default:
        return MP_FAIL(d->err, MP_ERR_MISUSE, "unknown ABI kind %d", (int)t->kind);
    }
}

/* A non-overlapping encoding has at most one leaf per word, and at most
 ** depth containers above each leaf. */
static size_t budget_for(const mp_abi_type *t, size_t len)
{
    return (len / 32 + 2) * (size_t)(t->depth + 1);
}

int mp_abi_decode(mp_abi_value *out, const mp_abi_type *t, const uint8_t *data, size_t len,
                  mp_err *err)
{
    memset(out, 0, sizeof *out);
    decoder d = {data, len, budget_for(t, len), err};
    int rc = decode_at(&d, t, 0, out);
    if (rc != MP_OK)
        mp_abi_value_free(out);
    return rc;
}

/* ---- event logs ---- */

/* A tuple of the non-indexed parameters, borrowing the event's field types. */
static int data_tuple(mp_abi_type *tmp, const mp_abi_type *params, mp_err *err)
{
    memset(tmp, 0, sizeof *tmp);
    tmp->kind = MP_ABI_TUPLE;
    tmp->fields = calloc(params->nfields ? params->nfields : 1, sizeof *tmp->fields);
    if (tmp->fields == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < params->nfields; i++)
        if (!params->fields[i]->indexed)
            tmp->fields[tmp->nfields++] = params->fields[i];
    return mp_abi_finalize_type(tmp, err);
}

static int indexed_value(mp_abi_value *v, const mp_abi_type *t, const uint8_t topic[32], size_t i,
                         mp_err *err)
{
    v->type = t;
    memcpy(v->word, topic, 32);
    if (!mp_abi_is_word(t)) {
        v->hashed = true; /* only keccak256 of the encoding is in the topic */
        return MP_OK;
    }
    int rc = mp_abi_check_word(t, topic, 0, MP_ERR_PARSE, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "topic %zu", i);
    return rc;
}

static int check_topics(const mp_abi_sig *event, const uint8_t (*topics)[32], size_t ntopics,
                        size_t *nindexed, mp_err *err)
{
    uint8_t want[32];
    MP_TRY(mp_abi_sig_hash(event, want, err));
    size_t k = 0;
    for (size_t i = 0; i < event->params->nfields; i++)
        k += event->params->fields[i]->indexed;
    if (ntopics == 0 || memcmp(topics[0], want, 32) != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "log topic 0 is not the hash of event %s", event->name);
    if (ntopics != k + 1)
        return MP_FAIL(err, MP_ERR_PARSE,
                       "event %s has %zu indexed parameters but the log has %zu "
                       "topics",
                       event->name, k, ntopics);
    *nindexed = k;
    return MP_OK;
}

/* Moves decoded data values and topic values into declaration order. */
static int merge_log(mp_abi_value *out, const mp_abi_type *params, mp_abi_value *data_vals,
                     const uint8_t (*topics)[32], mp_err *err)
{
    out->type = params;
    out->nitems = params->nfields;
    if (out->nitems && (out->items = calloc(out->nitems, sizeof *out->items)) == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    size_t ti = 1, di = 0;
    for (size_t i = 0; i < params->nfields; i++) {
        const mp_abi_type *f = params->fields[i];
        if (f->indexed) {
            MP_TRY(indexed_value(&out->items[i], f, topics[ti], ti, err));
            ti++;
        } else {
            out->items[i] = data_vals->items[di];
            memset(&data_vals->items[di++], 0, sizeof(mp_abi_value));
        }
    }
    return MP_OK;
}

int mp_abi_decode_log(mp_abi_value *out, const mp_abi_sig *event, const uint8_t (*topics)[32],
                      size_t ntopics, const uint8_t *data, size_t len, mp_err *err)
{
    memset(out, 0, sizeof *out);
    size_t k;
    MP_TRY(check_topics(event, topics, ntopics, &k, err));
    mp_abi_type tmp;
    mp_abi_value vals = {0};
    int rc = data_tuple(&tmp, event->params, err);
    if (rc == MP_OK && (rc = mp_abi_decode(&vals, &tmp, data, len, err)) != MP_OK)
        mp_err_wrap(err, "log data");
    if (rc == MP_OK)
        rc = merge_log(out, event->params, &vals, topics, err);
    mp_abi_value_free(&vals);
    free(tmp.fields);
    if (rc != MP_OK)
        mp_abi_value_free(out);
    return rc;
}
