/* as_completed.c - futures in the order they complete, built on done-callbacks. */
#include "executor_internal.h"

#include <errno.h>
#include <stdlib.h>

/* TODO: the lock and condition that guard the iterators (see the README: static ones,
 * never destroyed). */

struct as_completed {
    size_t n;
    /* TODO: the fields, grouped under the lock that guards them: the futures done so
     * far in completion order, how many, how many yielded, and a reference count (the
     * caller + one per done-callback not yet run). */
};

struct as_completed *as_completed(struct future *const *fs, size_t n)
{
    /* TODO: allocate the iterator, then add a done-callback to every future; the
     * callback appends the future, wakes the readers and drops its reference (the
     * last reference frees the iterator). Count every reference before adding the
     * first callback: a future already done runs it at once. */
    (void)fs;
    (void)n;
    errno = ENOSYS;
    return NULL;
}

int as_completed_next(struct as_completed *it, double timeout, struct future **done)
{
    /* TODO: ENODATA once n have been yielded. Otherwise wait until one more is there
     * (no timeout: pthread_cond_wait; else until future_deadline(timeout), a
     * CLOCK_MONOTONIC time, with pthread_cond_clockwait), ETIMEDOUT if not. */
    (void)it;
    (void)timeout;
    (void)done;
    errno = ENOSYS;
    return -1;
}

void as_completed_free(struct as_completed *it)
{
    /* TODO: drop the caller's reference. */
    (void)it;
}
