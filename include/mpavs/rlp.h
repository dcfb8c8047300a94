/*
** rlp.h: Recursive Length Prefix encoding, Ethereum's serialisation of
** transactions (yellow paper, appendix B).
**
** Encoding appends to an mp_buf. Decoding is zero-copy: an mp_rlp_item points
** into the caller's bytes. Decoding is strict: only the canonical encoding of
** a value is accepted (no single byte below 0x80 wrapped in a header, no long
** form for lengths up to 55, no leading zeros in lengths or integers), and no
** length may point past the end of its enclosing item.
*/
#ifndef MPAVS_RLP_H
#define MPAVS_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

#define MP_RLP_MAX_DEPTH 64 /* nesting accepted by mp_rlp_validate */

typedef struct mp_rlp_item {
    bool is_list;           /* a list (payload = its items back to back) or a byte string */
    const uint8_t *payload; /* the string's bytes or the list's items */
    size_t len;             /* payload length */
    const uint8_t *raw;     /* the whole encoding, header included */
    size_t raw_len;
} mp_rlp_item;

/* ---- encoding (append to b; failures are sticky in b->oom) ---- */

/** A byte string. */
void mp_rlp_put_bytes(mp_buf *b, const void *p, size_t n);
/** An unsigned integer: big-endian without leading zeros (0 is the empty string). */
void mp_rlp_put_u64(mp_buf *b, uint64_t v);
/** An unsigned integer given as n big-endian bytes (leading zeros are stripped). */
void mp_rlp_put_uint_be(mp_buf *b, const uint8_t *be, size_t n);
/** Starts a list: returns a mark to hand to mp_rlp_list_end after the items. */
size_t mp_rlp_list_begin(const mp_buf *b);
/** Closes the list started at mark by inserting its header before the items. */
void mp_rlp_list_end(mp_buf *b, size_t mark);

/* ---- decoding ---- */

/** Decodes the one item that must fill data[0..len) exactly. Does not look
 ** inside lists (see mp_rlp_next and mp_rlp_validate). */
MP_WUR int mp_rlp_decode(mp_rlp_item *out, const uint8_t *data, size_t len, mp_err *err);
/** Reads the next item from a sequence (*cur, *left), advancing both. Call it
 ** while *left > 0, starting from a list's payload. */
MP_WUR int mp_rlp_next(mp_rlp_item *out, const uint8_t **cur, size_t *left, mp_err *err);
/** Splits a list into exactly n items. MP_ERR_PARSE if it is not a list or
 ** has another count (the message names what). */
MP_WUR int mp_rlp_list_items(const mp_rlp_item *list, mp_rlp_item *items, size_t n,
                             const char *what, mp_err *err);
/** Checks a whole encoding recursively (every nested item canonical, depth
 ** at most MP_RLP_MAX_DEPTH, nothing after the top item). */
MP_WUR int mp_rlp_validate(const uint8_t *data, size_t len, mp_err *err);
/** Reads a canonical unsigned integer (a string, no leading zero) of at most 8 bytes. */
MP_WUR int mp_rlp_to_u64(const mp_rlp_item *it, uint64_t *v, mp_err *err);
/** Reads a canonical unsigned integer right-aligned into out[0..n). */
MP_WUR int mp_rlp_to_uint_be(const mp_rlp_item *it, uint8_t *out, size_t n, mp_err *err);

#endif /* MPAVS_RLP_H */
