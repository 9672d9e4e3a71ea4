/* thread_join.c - waiting for a thread, with a timeout; is_alive; destroy. */
#include "thread.h"

#include <errno.h>

#include "deadline.h"

int thread_join(struct thread *t, double timeout)
{
    /* TODO: under t->lock: EINVAL when not started; EDEADLK when t is the calling
     * thread (pthread_equal(t->tid, pthread_self())); else wait on finished_changed
     * until finished, in a loop (wakeups may be spurious), with
     * pthread_cond_timedwait and a deadline_after(timeout) when timeout >= 0:
     * ETIMEDOUT when the deadline passes first. The first joiner that sees finished
     * sets reaped and calls pthread_join (after unlocking); no one else may. */
    (void)t;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

bool thread_is_alive(struct thread *t)
{
    /* TODO: started and not finished, read under t->lock. */
    (void)t;
    return false;
}

int thread_destroy(struct thread *t)
{
    /* TODO: EBUSY when started but not reaped; else destroy the condition variable
     * and the mutex. */
    (void)t;
    errno = ENOSYS;
    return -1;
}
