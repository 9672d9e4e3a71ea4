/* lock.c - threading.Lock: a lock that any thread may release. */
#include "lock.h"

#include <errno.h>

#include "deadline.h"

int lock_init(struct lock *l)
{
    /* TODO: the lock starts unlocked; initialise mutex and unlocked (sync_init). */
    (void)l;
    errno = ENOSYS;
    return -1;
}

int lock_acquire(struct lock *l, bool blocking, double timeout)
{
    /* TODO: EINVAL for a non-blocking call with a timeout. Fix the deadline once
     * (deadline_after), then, under l->mutex, wait on l->unlocked while the lock is
     * locked (a while loop: wakeups may be spurious or someone may have been faster),
     * giving up at the deadline (cond_wait_until) or at once when not blocking.
     * Take it if it is free: return 1, else 0. */
    (void)l;
    (void)blocking;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int lock_release(struct lock *l)
{
    /* TODO: under l->mutex: EPERM when not locked; else unlock and wake one waiter. */
    (void)l;
    errno = ENOSYS;
    return -1;
}

bool lock_locked(struct lock *l)
{
    /* TODO: read locked under l->mutex. */
    (void)l;
    return false;
}

void lock_destroy(struct lock *l)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)l;
}
