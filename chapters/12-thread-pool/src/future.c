/* future.c - the result of a task that runs later, in another thread. */
#include "executor_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct future *future_new(task_fn fn, void *arg)
{
    struct future *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    /* Timeouts are measured on the monotonic clock: setting the date must not
     * shorten or stretch them. */
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&f->done_cond, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) {
        free(f);
        errno = rc;
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    f->fn = fn;
    f->arg = arg;
    f->state = FUTURE_PENDING;
    return f;
}

void future_free(struct future *future)
{
    while (future->cbs != NULL) { /* callbacks of a future that never became done */
        struct future_cb *next = future->cbs->next;
        free(future->cbs);
        future->cbs = next;
    }
    pthread_cond_destroy(&future->done_cond);
    pthread_mutex_destroy(&future->lock);
    free(future);
}

struct timespec future_deadline(double timeout)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    time_t secs = (time_t)timeout;
    long nsec = ts.tv_nsec + (long)((timeout - (double)secs) * 1e9);
    ts.tv_sec += secs + nsec / 1000000000;
    ts.tv_nsec = nsec % 1000000000;
    return ts;
}

static bool is_done(const struct future *f)
{
    return f->state == FUTURE_FINISHED || f->state == FUTURE_CANCELLED;
}

bool future_done(struct future *future)
{
    pthread_mutex_lock(&future->lock);
    bool done = is_done(future);
    pthread_mutex_unlock(&future->lock);
    return done;
}

bool future_running(struct future *future)
{
    pthread_mutex_lock(&future->lock);
    bool running = future->state == FUTURE_RUNNING;
    pthread_mutex_unlock(&future->lock);
    return running;
}

bool future_cancelled(struct future *future)
{
    pthread_mutex_lock(&future->lock);
    bool cancelled = future->state == FUTURE_CANCELLED;
    pthread_mutex_unlock(&future->lock);
    return cancelled;
}

int future_result(struct future *future, double timeout, void **value)
{
    /* TODO: under the future's lock, wait on done_cond until the future is done: with
     * pthread_cond_wait when timeout is negative, else pthread_cond_timedwait until
     * future_deadline(timeout), giving up with ETIMEDOUT once it reports the deadline
     * passed. A cancelled future gives ECANCELED; a finished one its value. */
    (void)future;
    (void)timeout;
    (void)value;
    errno = ENOSYS;
    return -1;
}

bool future_cancel(struct future *future)
{
    /* TODO: only a pending future can be cancelled: make it cancelled, wake every
     * waiter, and run its callbacks after unlocking. Report true for a future
     * cancelled now or before, false for a running or finished one. */
    (void)future;
    return false;
}

bool future_set_running(struct future *future)
{
    /* TODO: pending becomes running (true); anything else stays as is (false). */
    (void)future;
    return false;
}

void future_finish(struct future *future, void *value)
{
    /* TODO: store value, make the future finished, wake every waiter (broadcast), and
     * run the callbacks in the order added, after unlocking: a callback may call
     * future_result or add a callback, which take the lock. */
    (void)future;
    (void)value;
}

int future_add_done_callback(struct future *future, future_callback fn, void *arg)
{
    /* TODO: allocate a struct future_cb (ENOMEM). If the future is already done, call
     * fn now (not holding the lock); otherwise append it to the future's list, to be
     * run by whoever makes the future done. Decide "done or not" and append under the
     * same lock, or a callback can be lost between the two. */
    (void)future;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return -1;
}
