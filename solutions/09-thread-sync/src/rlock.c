/* rlock.c - threading.RLock: a reentrant lock, owned by a thread, with a depth. */
#include "rlock.h"

#include <errno.h>

#include "deadline.h"

int rlock_init(struct rlock *r)
{
    r->count = 0;
    return sync_init(&r->mutex, &r->released);
}

/* Whether the calling thread owns r; r->mutex must be held. */
static bool owned_by_me(const struct rlock *r)
{
    return r->count > 0 && pthread_equal(r->owner, pthread_self());
}

int rlock_acquire(struct rlock *r, bool blocking, double timeout)
{
    if (!blocking && timeout >= 0) {
        errno = EINVAL;
        return -1;
    }
    struct deadline d = deadline_after(blocking ? timeout : 0);
    pthread_mutex_lock(&r->mutex);
    if (owned_by_me(r)) {
        r->count++; /* reentry: just one level deeper */
        pthread_mutex_unlock(&r->mutex);
        return 1;
    }
    while (r->count > 0 && blocking &&
           cond_wait_until(&r->released, &r->mutex, &d) != ETIMEDOUT)
        continue;
    bool acquired = r->count == 0;
    if (acquired) {
        r->owner = pthread_self();
        r->count = 1;
    }
    pthread_mutex_unlock(&r->mutex);
    return acquired;
}

int rlock_release(struct rlock *r)
{
    pthread_mutex_lock(&r->mutex);
    bool mine = owned_by_me(r);
    /* Only the last release frees it, and only then can a waiter take it. */
    if (mine && --r->count == 0)
        pthread_cond_signal(&r->released);
    pthread_mutex_unlock(&r->mutex);
    if (!mine) {
        errno = EPERM; /* Python: RuntimeError "cannot release un-acquired lock" */
        return -1;
    }
    return 0;
}

void rlock_destroy(struct rlock *r)
{
    pthread_cond_destroy(&r->released);
    pthread_mutex_destroy(&r->mutex);
}
