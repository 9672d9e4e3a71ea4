/* deadline.h - a relative timeout (seconds, as in Python) as an absolute deadline.
 *
 * pthread_cond_timedwait takes an absolute time on the condition variable's clock.
 * Every condition variable of this chapter is made to use CLOCK_MONOTONIC
 * (pthread_condattr_setclock), which never jumps when someone sets the wall clock. */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <pthread.h>
#include <time.h>

/* The CLOCK_MONOTONIC time `seconds` from now (seconds >= 0). */
static inline struct timespec deadline_after(double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    time_t whole = (time_t)seconds;
    ts.tv_sec += whole;
    ts.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec += 1;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* pthread_cond_init for a condition variable whose timed waits use CLOCK_MONOTONIC
 * deadlines (deadline_after). Returns 0 or the error number, like pthread_cond_init. */
static inline int cond_init_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int err = pthread_condattr_init(&attr);
    if (err != 0)
        return err;
    err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (err == 0)
        err = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return err;
}

#endif
