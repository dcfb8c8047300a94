/*
** file.h: whole-file I/O: bounded reads, read-and-parse, and atomic
** replacement of a file.
**
** Reading is safe for secrets (password files): no copy of the bytes is left
** in freed memory (no stdio buffer; buffers are wiped before they are freed,
** also when they grow and on failure). The caller wipes what it is handed.
** Writing never follows or reuses an existing file: a fresh mkstemp file in
** the target's directory gets the mode, the bytes and an fsync, then replaces
** the target by rename (a symlink at the target is replaced, not followed) and
** the directory is fsynced.
*/
#ifndef MPAVS_FILE_H
#define MPAVS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"

/** Reads a whole file (or a pipe, FIFO, /dev/stdin) into a malloc'd buffer with
 ** a NUL appended (not counted in *len). Refuses more than max_len bytes
 ** (MP_ERR_INVALID); MP_ERR_IO when it cannot be opened or read. */
MP_WUR int mp_file_read(const char *path, size_t max_len, uint8_t **data, size_t *len, mp_err *err);
/** Parses a whole file's bytes (data is NUL-terminated one past len) into out. */
typedef int (*mp_file_parser)(void *out, const uint8_t *data, size_t len, mp_err *err);
/** Reads path (at most max_len bytes) with mp_file_read and hands its bytes to
 ** parse(out, ...), then wipes and frees them; a parse failure's message is
 ** prefixed with the path. */
MP_WUR int mp_file_parse(const char *path, size_t max_len, mp_file_parser parse, void *out,
                         mp_err *err);
/** Replaces path atomically with data[0..len), file mode exactly mode (umask
 ** does not apply; 0600 for keys), as described above. MP_ERR_IO on failure,
 ** with no temporary file left behind; if only the final directory fsync
 ** fails, the new file is already in place and the error says so. */
MP_WUR int mp_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                                mp_err *err);

#endif /* MPAVS_FILE_H */
