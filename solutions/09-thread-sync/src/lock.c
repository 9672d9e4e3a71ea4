/* lock.c - threading.Lock: a lock that any thread may release. */
#include "lock.h"

#include <errno.h>

#include "deadline.h"

int lock_init(struct lock *l)
{
    l->locked = false;
    return sync_init(&l->mutex, &l->unlocked);
}

int lock_acquire(struct lock *l, bool blocking, double timeout)
{
    if (!blocking && timeout >= 0) {
        errno = EINVAL; /* Python: "can't specify a timeout for a non-blocking call" */
        return -1;
    }
    /* The deadline is fixed once, before waiting: wakeups do not extend it. */
    struct deadline d = deadline_after(blocking ? timeout : 0);
    pthread_mutex_lock(&l->mutex);
    /* while, not if: a wakeup may be spurious, or another thread may have taken the
     * lock between the release that woke us and our turn to run. */
    while (l->locked && blocking && cond_wait_until(&l->unlocked, &l->mutex, &d) != ETIMEDOUT)
        continue;
    bool acquired = !l->locked;
    if (acquired)
        l->locked = true;
    pthread_mutex_unlock(&l->mutex);
    return acquired;
}

int lock_release(struct lock *l)
{
    pthread_mutex_lock(&l->mutex);
    bool was_locked = l->locked;
    l->locked = false;
    if (was_locked)
        pthread_cond_signal(&l->unlocked); /* one waiter can take it: wake one */
    pthread_mutex_unlock(&l->mutex);
    if (!was_locked) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

bool lock_locked(struct lock *l)
{
    pthread_mutex_lock(&l->mutex);
    bool locked = l->locked;
    pthread_mutex_unlock(&l->mutex);
    return locked;
}

void lock_destroy(struct lock *l)
{
    pthread_cond_destroy(&l->unlocked);
    pthread_mutex_destroy(&l->mutex);
}
