/*
** clock.h: the monotonic clock in milliseconds and sleeping, for deadlines,
** polling intervals and retry backoff.
**
** Monotonic time does not jump when the wall clock is set, so a deadline
** computed from it stays a deadline; only differences of its values mean
** anything.
*/
#ifndef MPAVS_CLOCK_H
#define MPAVS_CLOCK_H

/** Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
long long mp_clock_now_ms(void);
/** Sleeps for ms milliseconds (nothing for ms <= 0), resuming after signals. */
void mp_clock_sleep_ms(long ms);

#endif /* MPAVS_CLOCK_H */
