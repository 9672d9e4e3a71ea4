/* thread_join.c - waiting for a thread, with a timeout; is_alive; destroy. */
#include "thread.h"

#include <errno.h>

#include "deadline.h"

/* Waits, with t->lock held, until t has finished or the deadline (NULL: none) has
 * passed. The loop also absorbs spurious wakeups of pthread_cond_*wait. */
static void wait_finished(struct thread *t, const struct timespec *deadline)
{
    while (!t->finished) {
        if (deadline == NULL)
            pthread_cond_wait(&t->finished_changed, &t->lock);
        else if (pthread_cond_timedwait(&t->finished_changed, &t->lock, deadline) ==
                 ETIMEDOUT)
            return;
    }
}

int thread_join(struct thread *t, double timeout)
{
    struct timespec deadline = deadline_after(timeout > 0 ? timeout : 0);
    pthread_mutex_lock(&t->lock);
    int err = 0;
    if (!t->started)
        err = EINVAL;
    else if (pthread_equal(t->tid, pthread_self()))
        err = EDEADLK;
    else {
        wait_finished(t, timeout < 0 ? NULL : &deadline);
        if (!t->finished)
            err = ETIMEDOUT;
    }
    /* The first joiner to see the thread finished reclaims it; later ones (or
     * concurrent ones) must not: a second pthread_join is undefined behaviour. */
    bool reap = err == 0 && !t->reaped;
    if (reap)
        t->reaped = true;
    pthread_t tid = t->tid;
    pthread_mutex_unlock(&t->lock);
    if (reap)
        pthread_join(tid, NULL); /* run has returned: this waits only a moment */
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

bool thread_is_alive(struct thread *t)
{
    pthread_mutex_lock(&t->lock);
    bool alive = t->started && !t->finished;
    pthread_mutex_unlock(&t->lock);
    return alive;
}

int thread_destroy(struct thread *t)
{
    pthread_mutex_lock(&t->lock);
    bool busy = t->started && !t->reaped;
    pthread_mutex_unlock(&t->lock);
    if (busy) {
        errno = EBUSY;
        return -1;
    }
    pthread_cond_destroy(&t->finished_changed);
    pthread_mutex_destroy(&t->lock);
    return 0;
}
