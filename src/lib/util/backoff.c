/*
** backoff.c: capped exponential backoff with jitter (include/mpavs/backoff.h).
*/
#include "mpavs/backoff.h"

void mp_backoff_init(mp_backoff *b, long long initial_ms, long long max_ms)
{
    b->initial_ms = initial_ms < 1 ? 1 : initial_ms;
    b->max_ms = max_ms < b->initial_ms ? b->initial_ms : max_ms;
    mp_backoff_reset(b);
}

long long mp_backoff_next(mp_backoff *b, uint64_t rnd)
{
    long long wait = b->next_ms;
    long long jitter = (long long)(rnd % (uint64_t)(wait / 4 + 1));
    b->failures++;
    b->next_ms = wait > b->max_ms / 2 ? b->max_ms : wait * 2;
    return wait - jitter;
}

void mp_backoff_reset(mp_backoff *b)
{
    b->next_ms = b->initial_ms;
    b->failures = 0;
}
