/*
** file.c: whole-file I/O (bounded reads, read-and-parse, atomic writes).
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

int mp_file_read(const char *path, size_t max_len, uint8_t **data, size_t *len, mp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return MP_FAIL(err, MP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = MP_OK;
    for (;;) {
        if (cap - n < 4096) {
            size_t ncap = cap ? cap * 2 : 8192;
            uint8_t *p = realloc(buf, ncap + 1);
            if (p == NULL) {
                rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory reading %s", path);
                break;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max_len) {
            rc = MP_FAIL(err, MP_ERR_INVALID, "%s is larger than %zu bytes", path, max_len);
            break;
        }
        if (got == 0) {
            if (ferror(f))
                rc = MP_FAIL(err, MP_ERR_IO, "cannot read %s", path);
            break;
        }
    }
    fclose(f);
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

int mp_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode, mp_err *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (tmp == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        int rc = MP_FAIL(err, MP_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    int bad = write_all(fd, data, len) != 0 || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        int rc = MP_FAIL(err, MP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return MP_OK;
}
