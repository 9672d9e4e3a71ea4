/* deadline.h - timeouts as in Python: relative seconds, negative meaning "forever".
 *
 * pthread_cond_timedwait takes an absolute time on the condition variable's clock.
 * Every condition variable of this chapter is made with cond_init_monotonic, so that it
 * uses CLOCK_MONOTONIC, which never jumps when someone sets the wall clock. */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* When a wait of `timeout` seconds starting now must give up. */
struct deadline {
    bool forever;       /* timeout < 0: never give up */
    struct timespec at; /* CLOCK_MONOTONIC time, when not forever */
};

static inline struct deadline deadline_after(double timeout)
{
    struct deadline d = {.forever = timeout < 0};
    clock_gettime(CLOCK_MONOTONIC, &d.at);
    if (d.forever)
        return d;
    time_t whole = (time_t)timeout;
    d.at.tv_sec += whole;
    d.at.tv_nsec += (long)((timeout - (double)whole) * 1e9);
    if (d.at.tv_nsec >= 1000000000L) {
        d.at.tv_sec += 1;
        d.at.tv_nsec -= 1000000000L;
    }
    return d;
}

/* One wait on cond (with mutex held, as pthread_cond_wait) that gives up at the
 * deadline. Returns 0 when woken (maybe spuriously: check your condition again) or
 * ETIMEDOUT once the deadline has passed. */
static inline int cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex,
                                  const struct deadline *d)
{
    if (d->forever)
        return pthread_cond_wait(cond, mutex);
    return pthread_cond_timedwait(cond, mutex, &d->at);
}

/* pthread_cond_init for a condition variable whose timed waits use CLOCK_MONOTONIC
 * (as cond_wait_until needs). Returns 0 or the error number, like pthread_cond_init. */
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

/* pthread_mutex_init and cond_init_monotonic together: returns 0, or -1 with errno set
 * and nothing left initialised. */
static inline int sync_init(pthread_mutex_t *mutex, pthread_cond_t *cond)
{
    int err = pthread_mutex_init(mutex, NULL);
    if (err == 0) {
        err = cond_init_monotonic(cond);
        if (err != 0)
            pthread_mutex_destroy(mutex);
    }
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

#endif
