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
    struct timespec deadline = future_deadline(timeout < 0 ? 0 : timeout);
    int rc = 0;
    pthread_mutex_lock(&future->lock);
    /* while, not if: a wakeup does not prove the future is done (spurious wakeups). */
    while (!is_done(future) && rc != ETIMEDOUT) {
        if (timeout < 0)
            pthread_cond_wait(&future->done_cond, &future->lock);
        else
            rc = pthread_cond_timedwait(&future->done_cond, &future->lock, &deadline);
    }
    int error = !is_done(future) ? ETIMEDOUT
                : future->state == FUTURE_CANCELLED ? ECANCELED : 0;
    if (error == 0)
        *value = future->value;
    pthread_mutex_unlock(&future->lock);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

/* Makes the future done with state; returns its callbacks, which the caller runs once
 * the lock is released. Caller must hold future->lock. */
static struct future_cb *become_done(struct future *future, enum future_state state)
{
    future->state = state;
    struct future_cb *cbs = future->cbs;
    future->cbs = future->cbs_tail = NULL;
    pthread_cond_broadcast(&future->done_cond); /* every waiter, not just one */
    return cbs;
}

/* Runs and frees a list of callbacks, in order. */
static void run_callbacks(struct future *future, struct future_cb *cbs)
{
    while (cbs != NULL) {
        struct future_cb *next = cbs->next;
        cbs->fn(future, cbs->arg);
        free(cbs);
        cbs = next;
    }
}

bool future_cancel(struct future *future)
{
    pthread_mutex_lock(&future->lock);
    if (future->state != FUTURE_PENDING) {
        bool cancelled = future->state == FUTURE_CANCELLED;
        pthread_mutex_unlock(&future->lock);
        return cancelled;
    }
    struct future_cb *cbs = become_done(future, FUTURE_CANCELLED);
    pthread_mutex_unlock(&future->lock);
    run_callbacks(future, cbs);
    return true;
}

bool future_set_running(struct future *future)
{
    pthread_mutex_lock(&future->lock);
    bool taken = future->state == FUTURE_PENDING;
    if (taken)
        future->state = FUTURE_RUNNING;
    pthread_mutex_unlock(&future->lock);
    return taken;
}

void future_finish(struct future *future, void *value)
{
    pthread_mutex_lock(&future->lock);
    future->value = value;
    struct future_cb *cbs = become_done(future, FUTURE_FINISHED);
    pthread_mutex_unlock(&future->lock);
    run_callbacks(future, cbs);
}

int future_add_done_callback(struct future *future, future_callback fn, void *arg)
{
    struct future_cb *cb = malloc(sizeof *cb);
    if (cb == NULL)
        return -1;
    *cb = (struct future_cb){.fn = fn, .arg = arg, .next = NULL};
    pthread_mutex_lock(&future->lock);
    if (is_done(future)) {
        /* Already done: nobody else will run it. Call it here, without the lock. */
        pthread_mutex_unlock(&future->lock);
        fn(future, arg);
        free(cb);
        return 0;
    }
    if (future->cbs_tail != NULL)
        future->cbs_tail->next = cb;
    else
        future->cbs = cb;
    future->cbs_tail = cb;
    pthread_mutex_unlock(&future->lock);
    return 0;
}
