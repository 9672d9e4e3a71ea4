/* as_completed.c - futures in the order they complete, built on done-callbacks. */
#include "executor_internal.h"

#include <errno.h>
#include <stdlib.h>

/* One lock and one condition serve every iterator. An iterator's own would have to be
 * destroyed by whichever thread drops the last reference - maybe a worker, while the
 * caller may have been the last to use it - and they would live no longer than the
 * iterator. Static ones are never destroyed. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER; /* a future became done */

struct as_completed {
    size_t n;
    /* lock must be held when using these: */
    struct future **done; /* in completion order, n_done of them */
    size_t n_done, next;
    size_t refs;          /* the caller + one per callback not yet run */
};

/* Drops one reference; the last one frees the iterator. */
static void iter_release(struct as_completed *it)
{
    pthread_mutex_lock(&lock);
    bool last = --it->refs == 0;
    pthread_mutex_unlock(&lock);
    if (last) { /* nobody else can reach it now */
        free(it->done);
        free(it);
    }
}

/* The done-callback: appends the future, wakes the reader, drops the callback's ref. */
static void on_done(struct future *future, void *arg)
{
    struct as_completed *it = arg;
    pthread_mutex_lock(&lock);
    it->done[it->n_done++] = future;
    /* broadcast: the waiters of every iterator share this condition */
    pthread_cond_broadcast(&arrived);
    pthread_mutex_unlock(&lock);
    iter_release(it);
}

struct as_completed *as_completed(struct future *const *fs, size_t n)
{
    struct as_completed *it = calloc(1, sizeof *it);
    if (it == NULL)
        return NULL;
    it->done = calloc(n + 1, sizeof *it->done); /* + 1: calloc(0) may return NULL */
    if (it->done == NULL) {
        free(it);
        return NULL;
    }
    it->n = n;
    it->refs = 1 + n; /* taken before any callback can run and drop one */
    for (size_t i = 0; i < n; i++)
        if (future_add_done_callback(fs[i], on_done, it) < 0) {
            /* Out of memory: this future will not report; count it as dropped. A
             * half-watched iterator would wait forever, so report the error. */
            for (size_t j = i; j < n; j++)
                iter_release(it);
            as_completed_free(it);
            errno = ENOMEM;
            return NULL;
        }
    return it;
}

int as_completed_next(struct as_completed *it, double timeout, struct future **done)
{
    struct timespec deadline = future_deadline(timeout < 0 ? 0 : timeout);
    int rc = 0, error = 0;
    pthread_mutex_lock(&lock);
    if (it->next == it->n) {
        error = ENODATA;
    } else {
        while (it->next == it->n_done && rc != ETIMEDOUT) {
            if (timeout < 0)
                pthread_cond_wait(&arrived, &lock);
            else /* the deadline is on CLOCK_MONOTONIC, as future_deadline makes it */
                rc = pthread_cond_clockwait(&arrived, &lock, CLOCK_MONOTONIC, &deadline);
        }
        if (it->next < it->n_done)
            *done = it->done[it->next++];
        else
            error = ETIMEDOUT;
    }
    pthread_mutex_unlock(&lock);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

void as_completed_free(struct as_completed *it)
{
    if (it != NULL)
        iter_release(it); /* pending futures keep it alive until their callbacks ran */
}
