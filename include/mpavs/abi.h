/*
** abi.h: the Solidity contract ABI: type strings, encoding and decoding of
** values, abi.encodePacked, function selectors, event topics and logs.
**
** Two levels:
**
**   - A value tree (mp_abi_type parsed from "uint256", "(address,bytes32[])",
**     "f(uint256 x,bytes)"; mp_abi_value holding a decoded or parsed value),
**     for the CLI and generic code.
**   - Direct word helpers (mp_abi_put_*, mp_abi_read_*) for the daemons,
**     which build calldata and read return data of known shape.
**
** Decoding is strict and never reads outside the input: offsets and lengths
** must point inside the data, uintN/intN/address/bool/bytesN words must be
** in range with clean padding, bytes/string must be zero-padded to a word,
** and the decoded tree may not grow beyond what a non-overlapping encoding
** of the same size could hold (so overlapping offsets cannot blow up memory).
** Bytes after the last head and tail are allowed, as Solidity allows them.
*/
#ifndef MPAVS_ABI_H
#define MPAVS_ABI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

#define MP_ABI_MAX_DEPTH 32        /* nesting of arrays and tuples */
#define MP_ABI_MAX_TEXT  (1 << 16) /* longest type or signature text */

typedef enum mp_abi_kind {
    MP_ABI_UINT,    /* uintN, size = N bits */
    MP_ABI_INT,     /* intN, size = N bits */
    MP_ABI_ADDRESS, /* address */
    MP_ABI_BOOL,    /* bool */
    MP_ABI_BYTESN,  /* bytesN, size = N bytes (1..32) */
    MP_ABI_BYTES,   /* bytes */
    MP_ABI_STRING,  /* string */
    MP_ABI_ARRAY,   /* T[] */
    MP_ABI_FARRAY,  /* T[k], length = k */
    MP_ABI_TUPLE,   /* (T1,...,Tn) */
} mp_abi_kind;

typedef struct mp_abi_type {
    mp_abi_kind kind;
    unsigned size;               /* bits of uintN/intN, bytes of bytesN */
    size_t length;               /* k of T[k] */
    struct mp_abi_type *elem;    /* T of T[] and T[k] */
    struct mp_abi_type **fields; /* components of a tuple */
    size_t nfields;
    char *name;       /* component or parameter name from the text, or NULL */
    bool indexed;     /* an event parameter marked "indexed" */
    bool dynamic;     /* encoded with an offset (bytes, string, T[], or containing one) */
    size_t head_size; /* bytes it takes in a head: 32 if dynamic, else its whole encoding */
    int depth;        /* 1 for a scalar, 1 + deepest child otherwise */
} mp_abi_type;

/** A function or event signature: a name and the tuple of its parameters. */
typedef struct mp_abi_sig {
    char *name;
    mp_abi_type *params; /* kind MP_ABI_TUPLE, possibly with no fields */
} mp_abi_sig;

/** A value of a type. Scalars live in word, as their 32-byte ABI word (uint and
 ** int big-endian two's complement, address right-aligned, bytesN left-aligned). */
typedef struct mp_abi_value {
    const mp_abi_type *type;    /* borrowed: the type tree must outlive the value */
    uint8_t word[32];           /* scalars, and the topic of a hashed event parameter */
    uint8_t *bytes;             /* bytes and string content (NUL-terminated, not counted) */
    size_t len;                 /* its length */
    struct mp_abi_value *items; /* elements of arrays, components of tuples */
    size_t nitems;              /* their count */
    bool hashed;                /* an indexed event parameter of a dynamic type or array or
                                   tuple: only its keccak-256 (in word) is in the log */
} mp_abi_value;

/* ---- types and signatures ---- */

/** Parses one type: "uint256", "bytes32[]", "(address,(uint8,string)[2])[]".
 ** "uint"/"int" mean uint256/int256, "byte" means bytes1. Component names
 ** inside tuples are allowed and kept. */
MP_WUR int mp_abi_type_parse(mp_abi_type **out, const char *text, mp_err *err);
/** Parses a parameter list, "uint256,bytes" or "(uint256,bytes)" or "" (none),
 ** into a tuple of those parameters. */
MP_WUR int mp_abi_params_parse(mp_abi_type **out, const char *text, mp_err *err);
/** Parses "name(type [indexed] [name], ...)"; whitespace, parameter names,
 ** "indexed" and data locations (memory, calldata, storage) are allowed. */
MP_WUR int mp_abi_sig_parse(mp_abi_sig *out, const char *text, mp_err *err);
/** Frees a type tree (NULL is fine). */
void mp_abi_type_free(mp_abi_type *t);
/** Frees what a signature owns. */
void mp_abi_sig_free(mp_abi_sig *s);
/** Appends the canonical type text: "uint256", "(address,bytes32)[2]". */
MP_WUR int mp_abi_type_canonical(const mp_abi_type *t, mp_buf *out, mp_err *err);
/** Appends the canonical signature "name(type,type)" (no names, no indexed). */
MP_WUR int mp_abi_sig_canonical(const mp_abi_sig *s, mp_buf *out, mp_err *err);
/** keccak256 of the canonical signature (an event's topic 0). */
MP_WUR int mp_abi_sig_hash(const mp_abi_sig *s, uint8_t out[32], mp_err *err);
/** The 4-byte function selector of a signature text (canonicalised first, so
 ** "transfer(address to, uint amount)" works). */
MP_WUR int mp_abi_selector(uint8_t out[4], const char *sig, mp_err *err);
/** The topic 0 of an event signature text. */
MP_WUR int mp_abi_event_topic(uint8_t out[32], const char *sig, mp_err *err);

/* ---- values ---- */

/** Frees what v owns (not v itself); v is zeroed. */
void mp_abi_value_free(mp_abi_value *v);
/** Appends the ABI encoding of v (for a parameter tuple: abi.encode(params...)).
 ** Rejects values out of range for their type and tuples or fixed arrays with
 ** the wrong number of items. */
MP_WUR int mp_abi_encode(mp_buf *out, const mp_abi_value *v, mp_err *err);
/** Appends abi.encodePacked of v: for a tuple, its components back to back;
 ** scalars at their natural width, bytes and string raw, array elements padded
 ** to 32 bytes. Nested tuples and arrays of arrays or dynamic types are refused,
 ** as Solidity refuses them. */
MP_WUR int mp_abi_encode_packed(mp_buf *out, const mp_abi_value *v, mp_err *err);
/** Decodes data[0..len) as the encoding of t (a parameter tuple for return
 ** data). On failure out is left empty and err names the problem and offset. */
MP_WUR int mp_abi_decode(mp_abi_value *out, const mp_abi_type *t, const uint8_t *data, size_t len,
                         mp_err *err);
/** Decodes an event log: topics[0] must be the event's hash, then one topic
 ** per indexed parameter; data holds the other parameters. out becomes a
 ** tuple of all parameters in declaration order. */
MP_WUR int mp_abi_decode_log(mp_abi_value *out, const mp_abi_sig *event,
                             const uint8_t (*topics)[32], size_t ntopics, const uint8_t *data,
                             size_t len, mp_err *err);

/** Parses a value of type t from text: numbers in decimal or 0x hex (intN may
 ** have '-'), addresses as hex (EIP-55 checked when mixed case), true/false,
 ** bytes as hex, arrays as [a,b], tuples as (a,b), strings inside arrays and
 ** tuples bare or "quoted" with \" and \\ escapes. */
MP_WUR int mp_abi_value_parse(mp_abi_value *out, const mp_abi_type *t, const char *text,
                              mp_err *err);
/** Parses one argument per component of the tuple params (command-line use:
 ** a top-level string argument is taken verbatim). */
MP_WUR int mp_abi_value_parse_args(mp_abi_value *out, const mp_abi_type *params, int argc,
                                   char *const *argv, mp_err *err);
/** A JSON form of v: integers as decimal strings, addresses EIP-55, bytes as
 ** 0x hex, strings as JSON strings (invalid UTF-8 replaced by U+FFFD), bool as
 ** JSON booleans, arrays and tuples as arrays. NULL when out of memory. */
json_t *mp_abi_value_to_json(const mp_abi_value *v);

/* ---- direct word helpers (append to b; failures are sticky in b->oom) ---- */

/** Appends one 32-byte word. */
void mp_abi_put_word(mp_buf *b, const uint8_t w[32]);
/** Appends a uint as a word. */
void mp_abi_put_u64(mp_buf *b, uint64_t v);
/** Appends an address, right-aligned in a word. */
void mp_abi_put_address(mp_buf *b, const uint8_t addr[20]);
/** Appends a bool word. */
void mp_abi_put_bool(mp_buf *b, bool v);
/** Appends the tail of a bytes or string value: length word, data, zero padding. */
void mp_abi_put_tail_bytes(mp_buf *b, const void *p, size_t n);
/** The size of that tail for n bytes (32 + n rounded up to a word): how far the
 ** offset of the next dynamic parameter moves past it. */
size_t mp_abi_tail_bytes_len(size_t n);
/** Writes an address as an ABI word (12 zero bytes, then the 20 address bytes). */
void mp_abi_address_word(uint8_t w[32], const uint8_t addr[20]);
/** Appends the 4-byte selector of a signature text. */
MP_WUR int mp_abi_put_selector(mp_buf *b, const char *sig, mp_err *err);

/** Points *w at word index of data (bytes 32*index .. 32*index+32). */
MP_WUR int mp_abi_read_word(const uint8_t **w, const uint8_t *data, size_t len, size_t index,
                            mp_err *err);
/** Reads word index as an unsigned integer that must fit in 64 bits. */
MP_WUR int mp_abi_read_u64(uint64_t *v, const uint8_t *data, size_t len, size_t index, mp_err *err);
/** Reads word index as an address (the top 12 bytes must be zero). */
MP_WUR int mp_abi_read_address(uint8_t addr[20], const uint8_t *data, size_t len, size_t index,
                               mp_err *err);
/** Reads word index as a bool (0 or 1). */
MP_WUR int mp_abi_read_bool(bool *v, const uint8_t *data, size_t len, size_t index, mp_err *err);
/** Reads word index as 32 raw bytes (bytes32, uint256). */
MP_WUR int mp_abi_read_bytes32(uint8_t out[32], const uint8_t *data, size_t len, size_t index,
                               mp_err *err);
/** Reads a top-level bytes or string parameter whose offset is in head word
 ** index: *p points into data, *n is its length. */
MP_WUR int mp_abi_read_bytes(const uint8_t **p, size_t *n, const uint8_t *data, size_t len,
                             size_t index, mp_err *err);

#endif /* MPAVS_ABI_H */
