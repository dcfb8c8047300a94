/*
** file.c: whole-file I/O (bounded reads, read-and-parse, atomic writes).
**
** Reads use read(2), not stdio, so no stdio buffer keeps a copy of a password
** file, and every buffer that held file bytes is wiped before it is freed.
** Writes go to a fresh mkstemp file next to the target, then rename over it.
*/
#include "mpavs/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpavs/mem.h"

/* Moves buf[0..n) into a new allocation of cap + 1 bytes, wiping and freeing the old
 * one (realloc would leave an unwiped copy of the bytes in freed memory). */
static int grow(uint8_t **buf, size_t n, size_t cap)
{
    uint8_t *p = malloc(cap + 1);
    if (p == NULL)
        return MP_ERR_NOMEM;
    if (*buf != NULL) {
        memcpy(p, *buf, n);
        mp_memzero(*buf, n);
        free(*buf);
    }
    *buf = p;
    return MP_OK;
}

/* Reads fd to its end into *buf (capacity *cap, growing up to max_len + 1 so an
 * oversized file is seen), counting bytes in *n. */
static int read_fd(int fd, const char *path, size_t max_len, uint8_t **buf, size_t *cap, size_t *n,
                   mp_err *err)
{
    for (;;) {
        if (*n == *cap) {
            if (*n > max_len)
                return MP_FAIL(err, MP_ERR_INVALID, "%s is larger than %zu bytes", path, max_len);
            size_t ncap = *cap > max_len / 2 ? max_len + 1 : *cap * 2;
            if (grow(buf, *n, ncap) != MP_OK)
                return MP_FAIL(err, MP_ERR_NOMEM, "out of memory reading %s", path);
            *cap = ncap;
        }
        ssize_t got = read(fd, *buf + *n, *cap - *n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return MP_FAIL(err, MP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        if (got == 0)
            break;
        *n += (size_t)got;
    }
    if (*n > max_len)
        return MP_FAIL(err, MP_ERR_INVALID, "%s is larger than %zu bytes", path, max_len);
    return MP_OK;
}

int mp_file_read(const char *path, size_t max_len, uint8_t **data, size_t *len, mp_err *err)
{
    MP_ARG_CHECK(err, max_len < SIZE_MAX / 2);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MP_FAIL(err, MP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    /* A regular file's size is known: one spare byte sees its end without growing.
     * Pipes and FIFOs (a password from a process) start small and grow. */
    struct stat st;
    size_t cap = max_len < 8192 ? max_len + 1 : 8192;
    int rc = MP_OK;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if ((unsigned long long)st.st_size > max_len)
            rc = MP_FAIL(err, MP_ERR_INVALID, "%s is larger than %zu bytes", path, max_len);
        cap = (size_t)st.st_size + 1;
    }
    uint8_t *buf = NULL;
    size_t n = 0;
    if (rc == MP_OK && grow(&buf, 0, cap) != MP_OK)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory reading %s", path);
    if (rc == MP_OK)
        rc = read_fd(fd, path, max_len, &buf, &cap, &n, err);
    close(fd);
    if (rc != MP_OK) {
        /* The file may hold a secret (a password file): wipe what was read. */
        if (buf != NULL)
            mp_memzero(buf, n);
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return MP_OK;
}

int mp_file_parse(const char *path, size_t max_len, mp_file_parser parse, void *out, mp_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_file_read(path, max_len, &data, &len, err));
    int rc = parse(out, data, len, err);
    mp_memzero(data, len);
    free(data);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", path);
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* fsyncs the directory holding path, so the rename itself survives a crash. File
 * systems that cannot sync a directory say EINVAL; that is not a failure. */
static int sync_dir(const char *path, mp_err *err)
{
    const char *slash = strrchr(path, '/');
    char *dir =
        slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = MP_OK;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        rc = MP_FAIL(err, MP_ERR_IO, "%s written, but cannot sync directory %s: %s", path, dir,
                     strerror(errno));
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

/* Writes data to the open temp file fd with its final mode, durably, and closes it. */
static int fill_temp(int fd, const void *data, size_t len, unsigned mode)
{
    int bad =
        fchmod(fd, (mode_t)(mode & 07777)) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0;
    int saved = errno;
    bad |= close(fd) != 0;
    if (bad && saved != 0)
        errno = saved;
    return bad ? -1 : 0;
}

int mp_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode, mp_err *err)
{
    /* mkstemp: a new name, created with O_EXCL (never an existing file or symlink),
     * mode 0600 until fchmod, in the target's directory so rename is atomic. rename
     * replaces the final name's directory entry: a symlink there is not followed. */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
    if (tmp == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = MP_FAIL(err, MP_ERR_IO, "cannot create a temporary file for %s: %s", path,
                         strerror(errno));
        free(tmp);
        return rc;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    int rc = MP_OK;
    if (fill_temp(fd, data, len, mode) != 0 || rename(tmp, path) != 0) {
        rc = MP_FAIL(err, MP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc == MP_OK ? sync_dir(path, err) : rc;
}
