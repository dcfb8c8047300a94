/*
** clock.c: monotonic milliseconds and sleeping (see include/mpavs/clock.h).
*/
#include "mpavs/clock.h"

#include <errno.h>
#include <time.h>

long long mp_clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mp_clock_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    /* nanosleep leaves the time still to sleep in ts when a signal cuts it short. */
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
