/*
** password.c: secrets from a file or the environment (see password.h). The
** buffer is sized once before reading, so no realloc leaves an unwiped copy
** of the secret behind.
*/
#include "mpavs/password.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpavs/mem.h"

static int reserve(mp_buf *out, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && out->len == 0);
    if (mp_buf_reserve(out, MP_PASSWORD_MAX + 2) != MP_OK)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    return MP_OK;
}

static int check_mode(const char *path, int fd, unsigned flags, const mp_log *lg, mp_err *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return MP_FAIL(err, MP_ERR_IO, "cannot stat password file %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return MP_FAIL(err, MP_ERR_INVALID, "password file %s is not a regular file", path);
    if ((st.st_mode & 044) == 0)
        return MP_OK;
    if (flags & MP_PASSWORD_STRICT_MODE)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "password file %s may be read by group or others (chmod 600 it)", path);
    MP_WARN(lg, "password file may be read by group or others; chmod 600 it", "path", path);
    return MP_OK;
}

/* Reads at most MP_PASSWORD_MAX + 1 bytes, so "too long" is detectable. */
static int read_all(const char *path, int fd, mp_buf *out, mp_err *err)
{
    size_t cap = MP_PASSWORD_MAX + 1;
    while (out->len < cap) {
        ssize_t n = read(fd, out->data + out->len, cap - out->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return MP_FAIL(err, MP_ERR_IO, "cannot read password file %s: %s", path,
                           strerror(errno));
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    return MP_OK;
}

static int finish(mp_buf *out, const char *what, const char *name, mp_err *err)
{
    if (out->len > MP_PASSWORD_MAX) {
        mp_buf_clear(out);
        return MP_FAIL(err, MP_ERR_INVALID, "password %s %s is longer than %d bytes", what, name,
                       MP_PASSWORD_MAX);
    }
    if (out->len > 0 && out->data[out->len - 1] == '\n')
        out->len--;
    if (out->len > 0 && out->data[out->len - 1] == '\r')
        out->len--;
    out->data[out->len] = 0;
    if (out->len == 0) {
        mp_buf_clear(out);
        return MP_FAIL(err, MP_ERR_INVALID, "password %s %s is empty", what, name);
    }
    return MP_OK;
}

int mp_password_from_file(const char *path, unsigned flags, const mp_log *lg, mp_buf *out,
                          mp_err *err)
{
    MP_ARG_CHECK(err, path != NULL);
    MP_TRY(reserve(out, err));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MP_FAIL(err, MP_ERR_IO, "cannot open password file %s: %s", path, strerror(errno));
    int rc = check_mode(path, fd, flags, lg, err);
    if (rc == MP_OK)
        rc = read_all(path, fd, out, err);
    close(fd);
    if (rc != MP_OK) {
        mp_buf_clear(out);
        return rc;
    }
    return finish(out, "file", path, err);
}

int mp_password_from_env(const char *name, unsigned flags, mp_buf *out, mp_err *err)
{
    MP_ARG_CHECK(err, name != NULL);
    MP_TRY(reserve(out, err));
    char *v = getenv(name);
    if (v == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "password variable %s is not set", name);
    size_t n = strnlen(v, MP_PASSWORD_MAX + 1);
    memcpy(out->data, v, n);
    out->len = n;
    if (flags & MP_PASSWORD_UNSETENV) {
        mp_memzero(v, strlen(v));
        unsetenv(name);
    }
    /* No newline stripping for variables: what is set is the password. */
    if (n > MP_PASSWORD_MAX) {
        mp_buf_clear(out);
        return MP_FAIL(err, MP_ERR_INVALID, "password variable %s is longer than %d bytes", name,
                       MP_PASSWORD_MAX);
    }
    out->data[n] = 0;
    if (n == 0) {
        mp_buf_clear(out);
        return MP_FAIL(err, MP_ERR_INVALID, "password variable %s is empty", name);
    }
    return MP_OK;
}

int mp_password_load(const char *file, const char *env_name, unsigned flags, const mp_log *lg,
                     mp_buf *out, mp_err *err)
{
    bool f = file && *file, e = env_name && *env_name;
    if (f == e)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "give the password either as a file or as an environment variable name, "
                       "%s",
                       f ? "not both" : "none is set");
    return f ? mp_password_from_file(file, flags, lg, out, err)
             : mp_password_from_env(env_name, flags, out, err);
}
