/*
** abi_int.h: internals shared by the ABI source files (not a public API).
*/
#ifndef MPAVS_ABI_INT_H
#define MPAVS_ABI_INT_H

#include "mpavs/abi.h"

#define MP_ABI_MAX_STATIC (1u << 30) /* largest static encoding we accept for one type */
#define MP_ABI_NO_OFFSET  SIZE_MAX   /* a value checked outside any encoding */

/** Computes dynamic, head_size and depth of t from its children (already
 ** finalised); fails when a limit is exceeded. */
MP_WUR int mp_abi_finalize_type(mp_abi_type *t, mp_err *err);
/** Bytes of the head part of a tuple's or fixed array's own encoding. */
size_t mp_abi_seq_head(const mp_abi_type *t);
/** True for types encoded as one word (uint, int, address, bool, bytesN). */
bool mp_abi_is_word(const mp_abi_type *t);
/** Checks that w is a valid word of scalar type t (range and padding);
 ** at is the byte offset for the message (or MP_ABI_NO_OFFSET), code the error to fail with
 ** (MP_ERR_PARSE when decoding, MP_ERR_INVALID for values given to encode). */
MP_WUR int mp_abi_check_word(const mp_abi_type *t, const uint8_t w[32], size_t at, int code,
                             mp_err *err);
/** Appends the canonical name of t ("uint256", "(address,bool)[]"). */
void mp_abi_put_type_name(mp_buf *b, const mp_abi_type *t);

#endif /* MPAVS_ABI_INT_H */
