/*
** mem.c: secret wiping and constant-time comparison.
*/
#include "mpavs/mem.h"

#include <stdint.h>
#include <string.h>

void mp_memzero(void *p, size_t n)
{
    /* A volatile function pointer stops the compiler from proving the store dead. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(p, 0, n);
}

bool mp_ct_memeq(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= x[i] ^ y[i];
    return diff == 0;
}
