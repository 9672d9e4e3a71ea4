/* timer.c - threading.Timer: call a function after a delay, unless cancelled first. */
#include "timer.h"

#include <errno.h>

#include "deadline.h"

int timer_init(struct timer *t, double interval, timer_fn function, void *arg)
{
    /* TODO: EINVAL for a negative interval; keep interval, function, arg; all flags
     * false; sync_init(&t->mutex, &t->cancelled_changed). */
    (void)t;
    (void)interval;
    (void)function;
    (void)arg;
    errno = ENOSYS;
    return -1;
}

int timer_start(struct timer *t)
{
    /* TODO: write the timer's thread function: fix the deadline, wait on
     * cancelled_changed until cancelled or the deadline; under the mutex decide
     * whether to fire (not cancelled) and note it in fired; then call the function
     * without holding the mutex. Here, under the mutex: EINVAL when already started,
     * else pthread_create and mark started. */
    (void)t;
    errno = ENOSYS;
    return -1;
}

int timer_cancel(struct timer *t)
{
    /* TODO: under the mutex: if not fired, set cancelled and wake the timer's thread,
     * return 1; else return 0. */
    (void)t;
    return -1;
}

int timer_join(struct timer *t)
{
    /* TODO: EINVAL when not started; the first joiner (joined still false) marks
     * joined and calls pthread_join after unlocking; later joiners return 0. */
    (void)t;
    errno = ENOSYS;
    return -1;
}

int timer_destroy(struct timer *t)
{
    /* TODO: EBUSY when started and not joined; else destroy the condition variable and
     * the mutex. */
    (void)t;
    errno = ENOSYS;
    return -1;
}
