/*
** json.h: typed reading and writing of JSON values over jansson, the one way
** mpavs turns outside JSON (RPC responses, keystores, deployment files, Intel
** collateral, daemon requests) into C values.
**
** Value readers (mp_json_as_*) check one value and name it in every error:
** "<name> is missing", "<name> must be a string", "<name> is not 32 bytes".
** Field readers (mp_json_get_*) read member key of an object and use the key
** as the name; optional readers (mp_json_opt_*) treat a missing member and
** JSON null alike as absent. Callers add context (the method, the file) with
** mp_err_wrap. Every failure is MP_ERR_PARSE (MP_ERR_NOMEM for allocation).
**
** Hex text comes in three dialects, chosen per call: Ethereum JSON-RPC writes
** a "0x" prefix, Intel collateral writes bare digits, keystores accept both.
** Either letter case is accepted in all three.
*/
#ifndef MPAVS_JSON_H
#define MPAVS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"

/** How hex text is prefixed. */
typedef enum mp_json_hex_mode {
    MP_JSON_0X = 1,     /* "0x" required (Ethereum) */
    MP_JSON_BARE = 2,   /* no prefix allowed (Intel collateral) */
    MP_JSON_0X_OPT = 3, /* either (keystores); writers use bare digits */
} mp_json_hex_mode;

/* ---- documents ---- */

/** Parses text (len bytes, no NUL needed) into *out, rejecting duplicate keys
 ** and trailing text. The message gives jansson's reason and the line. The
 ** caller owns *out (json_decref). */
MP_WUR int mp_json_parse(json_t **out, const char *text, size_t len, mp_err *err);

/** True when obj is an object holding key with a value other than null. */
bool mp_json_present(const json_t *obj, const char *key);

/* ---- value readers: v may be NULL (then "<name> is missing") ---- */

/** A string without embedded NUL; *out points into v (valid while v lives). */
MP_WUR int mp_json_as_str(const json_t *v, const char *name, const char **out, mp_err *err);
/** A JSON integer in [min, max] (so at most INT64_MAX). */
MP_WUR int mp_json_as_u64(const json_t *v, const char *name, uint64_t min, uint64_t max,
                          uint64_t *out, mp_err *err);
/** true or false. */
MP_WUR int mp_json_as_bool(const json_t *v, const char *name, bool *out, mp_err *err);
/** A JSON-RPC quantity: "0x" and 1 to 16 hex digits. */
MP_WUR int mp_json_as_quantity(const json_t *v, const char *name, uint64_t *out, mp_err *err);
/** Hex text of exactly n bytes into out. */
MP_WUR int mp_json_as_hex(const json_t *v, const char *name, mp_json_hex_mode mode, uint8_t *out,
                          size_t n, mp_err *err);
/** Hex text of min..max bytes into out (room for max); *n gets the count. */
MP_WUR int mp_json_as_hex_max(const json_t *v, const char *name, mp_json_hex_mode mode,
                              uint8_t *out, size_t min, size_t max, size_t *n, mp_err *err);
/** Hex text of at most max bytes appended to out (which keeps what it had on
 ** failure). */
MP_WUR int mp_json_as_hex_buf(const json_t *v, const char *name, mp_json_hex_mode mode, size_t max,
                              mp_buf *out, mp_err *err);
/** "0x" and 40 hex digits; mixed case must be a valid EIP-55 checksum. */
MP_WUR int mp_json_as_address(const json_t *v, const char *name, uint8_t out[20], mp_err *err);
/** "0x" and 64 hex digits (a hash or an ABI word). */
MP_WUR int mp_json_as_word(const json_t *v, const char *name, uint8_t out[32], mp_err *err);
/** An array of at most max items; *n gets its size. */
MP_WUR int mp_json_as_array(const json_t *v, const char *name, size_t max, size_t *n, mp_err *err);
/** An object. */
MP_WUR int mp_json_as_object(const json_t *v, const char *name, mp_err *err);

/* ---- field readers: member key of obj, required ---- */

/** Member key of obj (any type) into *out; "<key> is missing" if absent. */
MP_WUR int mp_json_get(const json_t *obj, const char *key, json_t **out, mp_err *err);
/** See mp_json_as_str. */
MP_WUR int mp_json_get_str(const json_t *obj, const char *key, const char **out, mp_err *err);
/** See mp_json_as_u64. */
MP_WUR int mp_json_get_u64(const json_t *obj, const char *key, uint64_t min, uint64_t max,
                           uint64_t *out, mp_err *err);
/** See mp_json_as_bool. */
MP_WUR int mp_json_get_bool(const json_t *obj, const char *key, bool *out, mp_err *err);
/** See mp_json_as_quantity. */
MP_WUR int mp_json_get_quantity(const json_t *obj, const char *key, uint64_t *out, mp_err *err);
/** See mp_json_as_hex. */
MP_WUR int mp_json_get_hex(const json_t *obj, const char *key, mp_json_hex_mode mode, uint8_t *out,
                           size_t n, mp_err *err);
/** See mp_json_as_hex_max. */
MP_WUR int mp_json_get_hex_max(const json_t *obj, const char *key, mp_json_hex_mode mode,
                               uint8_t *out, size_t min, size_t max, size_t *n, mp_err *err);
/** See mp_json_as_hex_buf. */
MP_WUR int mp_json_get_hex_buf(const json_t *obj, const char *key, mp_json_hex_mode mode,
                               size_t max, mp_buf *out, mp_err *err);
/** See mp_json_as_address. */
MP_WUR int mp_json_get_address(const json_t *obj, const char *key, uint8_t out[20], mp_err *err);
/** See mp_json_as_word. */
MP_WUR int mp_json_get_word(const json_t *obj, const char *key, uint8_t out[32], mp_err *err);
/** An array member of at most max items into *arr (borrowed), its size in *n. */
MP_WUR int mp_json_get_array(const json_t *obj, const char *key, size_t max, json_t **arr,
                             size_t *n, mp_err *err);
/** An object member into *out (borrowed). */
MP_WUR int mp_json_get_object(const json_t *obj, const char *key, json_t **out, mp_err *err);

/* ---- optional fields: absent or null sets *has = false and returns MP_OK;
** otherwise *has = true and the value must be valid ---- */

/** See mp_json_as_str; *out is NULL when absent. */
MP_WUR int mp_json_opt_str(const json_t *obj, const char *key, const char **out, mp_err *err);
/** See mp_json_as_u64; *out is left alone when absent. */
MP_WUR int mp_json_opt_u64(const json_t *obj, const char *key, uint64_t min, uint64_t max,
                           uint64_t *out, bool *has, mp_err *err);
/** See mp_json_as_bool; *out is left alone when absent. */
MP_WUR int mp_json_opt_bool(const json_t *obj, const char *key, bool *out, bool *has, mp_err *err);
/** See mp_json_as_quantity; *out is left alone when absent. */
MP_WUR int mp_json_opt_quantity(const json_t *obj, const char *key, uint64_t *out, bool *has,
                                mp_err *err);
/** See mp_json_as_address; out is zeroed when absent. */
MP_WUR int mp_json_opt_address(const json_t *obj, const char *key, uint8_t out[20], bool *has,
                               mp_err *err);

/* ---- writers: each returns a new reference, or NULL when out of memory
** (jansson's json_object_set_new and json_pack "o" then fail too) ---- */

/** n bytes as a hex string: "0x..." for MP_JSON_0X, bare digits otherwise. */
json_t *mp_json_hex_new(const uint8_t *p, size_t n, mp_json_hex_mode mode);
/** A JSON-RPC quantity "0x..." without leading zeros ("0x0" for zero). */
json_t *mp_json_quantity_new(uint64_t v);
/** A 256-bit big-endian value as a JSON-RPC quantity. */
json_t *mp_json_quantity256_new(const uint8_t v[32]);
/** A JSON number; NULL also when v > INT64_MAX, which jansson cannot hold
 ** (write such values with mp_json_quantity_new). */
json_t *mp_json_u64_new(uint64_t v);

#endif /* MPAVS_JSON_H */
