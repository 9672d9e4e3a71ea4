/* rlock.c - threading.RLock: a reentrant lock, owned by a thread, with a depth. */
#include "rlock.h"

#include <errno.h>

#include "deadline.h"

int rlock_init(struct rlock *r)
{
    /* TODO: count 0 (free); initialise mutex and released (sync_init). */
    (void)r;
    errno = ENOSYS;
    return -1;
}

int rlock_acquire(struct rlock *r, bool blocking, double timeout)
{
    /* TODO: EINVAL as in lock_acquire. Under r->mutex: when the caller already owns it
     * (count > 0 and pthread_equal(owner, pthread_self())), count one more and return
     * 1. Otherwise wait on released while count > 0, as lock_acquire waits; when free,
     * become the owner with count 1. */
    (void)r;
    (void)blocking;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int rlock_release(struct rlock *r)
{
    /* TODO: under r->mutex: EPERM unless the caller owns it; else count one less, and
     * when that makes it free, wake one waiter. */
    (void)r;
    errno = ENOSYS;
    return -1;
}

void rlock_destroy(struct rlock *r)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)r;
}
