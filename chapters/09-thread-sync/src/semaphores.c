/* semaphores.c - threading.Semaphore and threading.BoundedSemaphore. */
#include "semaphores.h"

#include <errno.h>

#include "deadline.h"

int semaphore_init(struct semaphore *s, int value)
{
    /* TODO: EINVAL for a negative value; else value, not bounded; sync_init. */
    (void)s;
    (void)value;
    errno = ENOSYS;
    return -1;
}

int semaphore_init_bounded(struct semaphore *s, int value)
{
    /* TODO: as semaphore_init, bounded by this initial value. */
    (void)s;
    (void)value;
    errno = ENOSYS;
    return -1;
}

int semaphore_acquire(struct semaphore *s, bool blocking, double timeout)
{
    /* TODO: as lock_acquire, waiting on available while value is 0; take one. */
    (void)s;
    (void)blocking;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int semaphore_release(struct semaphore *s)
{
    /* TODO: under s->mutex: EOVERFLOW when bounded and value is already at bound;
     * else add one and wake one waiter. */
    (void)s;
    errno = ENOSYS;
    return -1;
}

void semaphore_destroy(struct semaphore *s)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)s;
}
