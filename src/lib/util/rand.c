/*
** rand.c: OS randomness (see include/mpavs/rand.h).
*/
#include "mpavs/rand.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

int mp_rand_bytes(void *out, size_t n, mp_err *err)
{
    uint8_t *p = out;
    while (n > 0) {
        /* getrandom returns at most 32 MiB per call and may be interrupted. */
        ssize_t got = getrandom(p, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return MP_FAIL(err, MP_ERR_IO, "getrandom failed: %s", strerror(errno));
        p += got;
        n -= (size_t)got;
    }
    return MP_OK;
}
