/* deadline.h - turning a relative timeout into the absolute time the pthread and
 * semaphore functions want. Given code: nothing to implement here. */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <time.h>

/* The moment `seconds` from now on CLOCK_MONOTONIC (a clock that never jumps, unlike
 * the wall clock), for pthread_mutex_clocklock and sem_clockwait with
 * CLOCK_MONOTONIC. A negative or zero `seconds` gives "now". */
static inline struct timespec deadline_after(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (seconds <= 0)
        return t;
    time_t whole = (time_t)seconds;
    t.tv_sec += whole;
    t.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

#endif
