/*
** rand.h: cryptographic randomness from the operating system (getrandom(2)).
**
** Keys, salts, IVs and UUIDs come from here. There is no user-space pool to
** seed or fork-protect: every call asks the kernel.
*/
#ifndef MPAVS_RAND_H
#define MPAVS_RAND_H

#include <stddef.h>

#include "mpavs/err.h"

/** Fills n bytes at out with random bytes from the OS. MP_ERR_IO if the kernel
 ** refuses (it blocks until its pool is initialised, then never fails). */
MP_WUR int mp_rand_bytes(void *out, size_t n, mp_err *err);

#endif /* MPAVS_RAND_H */
