/*
** mem.h: memory helpers for secrets.
**
** mp_memzero is never optimised away; mp_ct_memeq compares in time that does
** not depend on where the inputs differ (MAC checks, keys).
*/
#ifndef MPAVS_MEM_H
#define MPAVS_MEM_H

#include <stdbool.h>
#include <stddef.h>

/** Wipes n bytes at p in a way the compiler cannot elide. */
void mp_memzero(void *p, size_t n);
/** Constant-time equality of two n-byte arrays. */
bool mp_ct_memeq(const void *a, const void *b, size_t n);

#endif /* MPAVS_MEM_H */
