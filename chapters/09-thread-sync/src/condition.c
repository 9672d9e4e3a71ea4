/* condition.c - threading.Condition: wait until notified, with a lock of its own. */
#include "condition.h"

#include <errno.h>
#include <limits.h>

#include "deadline.h"

/* Suggested helpers, each called with c->mutex held: held_by_me(c); take_lock(c,
 * deadline) and drop_lock(c) for the condition's own lock (held, owner, lock_free);
 * append_waiter(c, w) and remove_waiter(c, w) for the list of waiters. */

int condition_init(struct condition *c)
{
    /* TODO: lock free, no waiters; initialise mutex and lock_free (sync_init). */
    (void)c;
    errno = ENOSYS;
    return -1;
}

int condition_acquire(struct condition *c, bool blocking, double timeout)
{
    /* TODO: as lock_acquire, with held/lock_free; on success the caller is owner. */
    (void)c;
    (void)blocking;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int condition_release(struct condition *c)
{
    /* TODO: EPERM unless the caller holds the lock; else free it, wake one thread
     * waiting in acquire. */
    (void)c;
    errno = ENOSYS;
    return -1;
}

int condition_wait(struct condition *c, double timeout)
{
    /* TODO: under c->mutex: EPERM unless the caller holds the lock. Put a struct
     * condition_waiter on this stack (its wake with cond_init_monotonic), append it to
     * the list, release the condition's lock, and wait on w.wake until w.notified or
     * the deadline; wakeups without notified just loop. On timeout, take w out of the
     * list (unless a notify did meanwhile). Then take the condition's lock again, with
     * no time limit; destroy w.wake; return 1 if notified, else 0. */
    (void)c;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int condition_wait_for(struct condition *c, bool (*predicate)(void *), void *arg,
                       double timeout)
{
    /* TODO: EPERM unless the caller holds the lock. One deadline for the whole call;
     * check the predicate, and while it is false wait until notified (only what is left
     * of the timeout) and check it again; stop when a wait times out. Return the
     * predicate's last value. */
    (void)c;
    (void)predicate;
    (void)arg;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int condition_notify(struct condition *c, int n)
{
    /* TODO: EPERM unless the caller holds the lock. Take up to n waiters off the front
     * of the list; for each, set notified and signal its wake. */
    (void)c;
    (void)n;
    errno = ENOSYS;
    return -1;
}

int condition_notify_all(struct condition *c)
{
    /* TODO: notify every waiter. */
    (void)c;
    errno = ENOSYS;
    return -1;
}

void condition_destroy(struct condition *c)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)c;
}
