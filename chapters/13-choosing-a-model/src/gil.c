/* gil.c - a simulated GIL: a fair lock handed over every `interval` ticks. */
#include "gil.h"

#include <errno.h>

int gil_init(struct gil *gil, long interval)
{
    /* TODO: EINVAL for interval < 1. Initialise the mutex, then the condition variable
     * (destroy the mutex if that fails; pthread functions return the error instead of
     * setting errno). Then a free GIL: nobody holds it, no ticket taken, none waiting, no
     * tick, no switch. */
    (void)gil;
    (void)interval;
    errno = ENOSYS;
    return -1;
}

int gil_acquire(struct gil *gil)
{
    /* TODO: under gil->lock: EDEADLK when the caller holds it already (held, and holder
     * is pthread_self()). Else take the next ticket, count yourself waiting, and wait on
     * gil->turn (a while loop) until the GIL is free and serving is your ticket; then
     * stop counting yourself waiting and take it: held, holder, ticks = 0. */
    (void)gil;
    errno = ENOSYS;
    return -1;
}

int gil_release(struct gil *gil)
{
    /* TODO: under gil->lock: EPERM unless the caller holds it. Else free it, call the
     * next ticket (serving++) and wake the waiters: which one's turn it is, only they
     * know, so wake them all. */
    (void)gil;
    errno = ENOSYS;
    return -1;
}

int gil_tick(struct gil *gil)
{
    /* TODO: under gil->lock: EPERM unless the caller holds it. Count the tick; on the
     * interval-th, start the count again and, if a thread waits, hand over: give the GIL
     * up as gil_release does, then queue for it again as gil_acquire does (a new ticket:
     * behind every thread already waiting), count the switch and return 1. The two
     * functions and this one share those two halves: write each once. */
    (void)gil;
    errno = ENOSYS;
    return -1;
}

bool gil_held(struct gil *gil)
{
    /* TODO: held, and held by pthread_self(), read under gil->lock. */
    (void)gil;
    return false;
}

int gil_waiting(struct gil *gil)
{
    /* TODO: read waiting under gil->lock. */
    (void)gil;
    return 0;
}

long gil_switches(struct gil *gil)
{
    /* TODO: read switches under gil->lock. */
    (void)gil;
    return 0;
}

int gil_destroy(struct gil *gil)
{
    /* TODO: EBUSY while held or waited for (read under gil->lock); else destroy the
     * condition variable and the mutex. */
    (void)gil;
    errno = ENOSYS;
    return -1;
}
