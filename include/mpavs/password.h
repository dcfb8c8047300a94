/*
** password.h: loading a secret (a keystore password) for a daemon, from a
** file or from an environment variable, into a buffer that the caller wipes
** with mp_buf_clear. A daemon's config names where the password is
** ("keystore_password_file" or "keystore_password_env"), never the password
** itself, so --check-config and logs have nothing to leak.
**
** Files: the whole content, one trailing "\n" or "\r\n" removed (what
** `echo secret > file` writes); at most MP_PASSWORD_MAX bytes; a regular
** file (a symlink to one is fine: Kubernetes mounts secrets that way). A file
** group or others may read is a warning, or an error with
** MP_PASSWORD_STRICT_MODE.
**
** Nothing here logs or reports the secret; messages name the file or the
** variable only.
*/
#ifndef MPAVS_PASSWORD_H
#define MPAVS_PASSWORD_H

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/log.h"

#define MP_PASSWORD_MAX 4096

#define MP_PASSWORD_STRICT_MODE 0x1u /* refuse files group or others may read */
#define MP_PASSWORD_UNSETENV                                                                       \
    0x2u /* wipe and remove the variable once read (single-threaded start-up only) */

/** Reads the password in path into out (empty on entry; NUL-terminated, the
 ** NUL not counted). MP_ERR_IO if it cannot be read, MP_ERR_INVALID if it is
 ** empty, too long, not a regular file, or (strict) readable by others. lg
 ** gets the mode warning; may be NULL. */
MP_WUR int mp_password_from_file(const char *path, unsigned flags, const mp_log *lg, mp_buf *out,
                                 mp_err *err);
/** Copies environment variable name into out (same rules: non-empty, at most
 ** MP_PASSWORD_MAX bytes). */
MP_WUR int mp_password_from_env(const char *name, unsigned flags, mp_buf *out, mp_err *err);
/** Exactly one of file and env_name set: the matching function above.
 ** MP_ERR_INVALID naming both if neither or both are set. */
MP_WUR int mp_password_load(const char *file, const char *env_name, unsigned flags,
                            const mp_log *lg, mp_buf *out, mp_err *err);

#endif /* MPAVS_PASSWORD_H */
