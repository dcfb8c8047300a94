/*
** file.h: whole-file I/O: bounded reads (wiped on failure, safe for password
** files), read-and-parse, and atomic replacement of a file.
*/
#ifndef MPAVS_FILE_H
#define MPAVS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/** Reads a whole file into a malloc'd buffer with a NUL appended (not counted
 ** in *len). Refuses files larger than max_len. */
MP_WUR int mp_file_read(const char *path, size_t max_len, uint8_t **data, size_t *len, mp_err *err);
/** Parses a whole file's bytes (data is NUL-terminated one past len) into out. */
typedef int (*mp_file_parser)(void *out, const uint8_t *data, size_t len, mp_err *err);
/** Reads path (at most max_len bytes) with mp_file_read and hands its bytes to
 ** parse(out, ...), then frees them; a parse failure's message is prefixed with
 ** the path. Not for secrets: the bytes are freed without wiping. */
MP_WUR int mp_file_parse(const char *path, size_t max_len, mp_file_parser parse, void *out,
                         mp_err *err);
/** Writes a file atomically (temp file, fsync, rename) with the given mode. */
MP_WUR int mp_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                                mp_err *err);

#endif /* MPAVS_FILE_H */
