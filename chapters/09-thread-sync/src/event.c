/* event.c - threading.Event: a flag that threads wait for. */
#include "event.h"

#include <errno.h>

#include "deadline.h"

int event_init(struct event *e)
{
    /* TODO: flag false, no sets, no waiters; sync_init. */
    (void)e;
    errno = ENOSYS;
    return -1;
}

void event_set(struct event *e)
{
    /* TODO: under e->mutex: set the flag, count the set, wake every waiter. */
    (void)e;
}

void event_clear(struct event *e)
{
    /* TODO: under e->mutex: clear the flag. */
    (void)e;
}

bool event_is_set(struct event *e)
{
    /* TODO: read the flag under e->mutex. */
    (void)e;
    return false;
}

int event_wait(struct event *e, double timeout)
{
    /* TODO: under e->mutex, counted in waiters: note sets, then wait on changed until
     * the flag is set or sets has changed, or the deadline passes. Return 1 when either
     * happened, else 0. */
    (void)e;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

void event_destroy(struct event *e)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)e;
}
