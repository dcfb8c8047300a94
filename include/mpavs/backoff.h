/*
** backoff.h: capped exponential backoff for retrying a failed step (an RPC
** that is down, a transaction that reverted): initial, 2x, 4x, ... up to a
** ceiling, with up to a quarter taken off at random so that many operators
** failing together do not retry in lockstep.
*/
#ifndef MPAVS_BACKOFF_H
#define MPAVS_BACKOFF_H

#include <stdint.h>

typedef struct mp_backoff {
    long long initial_ms; /* first wait */
    long long max_ms;     /* ceiling of every wait */
    long long next_ms;    /* the wait before jitter that mp_backoff_next returns next */
    unsigned failures;    /* failures since the last reset */
} mp_backoff;

/** Starts at initial_ms (>= 1) with ceiling max_ms (>= initial_ms). */
void mp_backoff_init(mp_backoff *b, long long initial_ms, long long max_ms);
/** Counts a failure and returns how long to wait before the next attempt:
 ** next_ms minus rnd % (next_ms / 4 + 1); then next_ms doubles, capped. Pass
 ** rnd = 0 for no jitter. */
long long mp_backoff_next(mp_backoff *b, uint64_t rnd);
/** After a success: the next failure waits initial_ms again. */
void mp_backoff_reset(mp_backoff *b);

#endif /* MPAVS_BACKOFF_H */
