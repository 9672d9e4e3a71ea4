/* executor.c - a pool of worker threads that runs submitted tasks: ThreadPoolExecutor. */
#include "executor_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Python's default: min(32, os.cpu_count() + 4). */
static size_t default_workers(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = (cpus > 0 ? (size_t)cpus : 1) + 4;
    return n < 32 ? n : 32;
}

/* Takes the oldest queued future, waiting for one; NULL once shut down and drained. */
static struct future *take(struct executor *ex)
{
    pthread_mutex_lock(&ex->lock);
    /* while, not if: another worker may have taken the task we were woken for. */
    while (ex->queue_head == NULL && !ex->shutdown)
        pthread_cond_wait(&ex->work, &ex->lock);
    struct future *f = ex->queue_head;
    if (f != NULL) {
        ex->queue_head = f->next_queued;
        if (ex->queue_head == NULL)
            ex->queue_tail = NULL;
    }
    pthread_mutex_unlock(&ex->lock);
    return f;
}

static void *worker_main(void *arg)
{
    struct executor *ex = arg;
    struct future *f;
    while ((f = take(ex)) != NULL) {
        /* A future cancelled while queued is skipped: its task never runs. The task
         * runs without any lock held, so workers run tasks in parallel. */
        if (future_set_running(f))
            future_finish(f, f->fn(f->arg));
    }
    return NULL;
}

/* Joins the first n workers (after shutdown, so that they end). */
static void join_workers(struct executor *ex, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pthread_join(ex->workers[i], NULL);
}

struct executor *executor_create(int max_workers)
{
    if (max_workers < 0) {
        errno = EINVAL;
        return NULL;
    }
    struct executor *ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        return NULL;
    ex->n_workers = max_workers > 0 ? (size_t)max_workers : default_workers();
    ex->workers = calloc(ex->n_workers, sizeof *ex->workers);
    if (ex->workers == NULL) {
        free(ex);
        return NULL;
    }
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->work, NULL);
    for (size_t i = 0; i < ex->n_workers; i++) {
        int rc = pthread_create(&ex->workers[i], NULL, worker_main, ex);
        if (rc != 0) {
            executor_shutdown(ex, false, false);
            join_workers(ex, i); /* only the i that were started */
            ex->joined = true;
            executor_destroy(ex);
            errno = rc;
            return NULL;
        }
    }
    return ex;
}

struct future *executor_submit(struct executor *ex, task_fn fn, void *arg)
{
    if (fn == NULL) {
        errno = EINVAL;
        return NULL;
    }
    struct future *f = future_new(fn, arg);
    if (f == NULL)
        return NULL;
    pthread_mutex_lock(&ex->lock);
    if (ex->shutdown) {
        pthread_mutex_unlock(&ex->lock);
        future_free(f);
        errno = EINVAL;
        return NULL;
    }
    if (ex->queue_tail != NULL)
        ex->queue_tail->next_queued = f;
    else
        ex->queue_head = f;
    ex->queue_tail = f;
    f->next_owned = ex->owned;
    ex->owned = f;
    pthread_cond_signal(&ex->work); /* one task: one worker is enough */
    pthread_mutex_unlock(&ex->lock);
    return f;
}

int executor_shutdown(struct executor *ex, bool wait, bool cancel_pending)
{
    pthread_mutex_lock(&ex->lock);
    ex->shutdown = true;
    struct future *pending = NULL;
    if (cancel_pending) { /* take the whole queue: no worker will see these */
        pending = ex->queue_head;
        ex->queue_head = ex->queue_tail = NULL;
    }
    pthread_cond_broadcast(&ex->work); /* every idle worker must see the shutdown */
    pthread_mutex_unlock(&ex->lock);
    /* Cancel outside the executor's lock: the callbacks may call submit. */
    for (struct future *f = pending; f != NULL; f = f->next_queued)
        future_cancel(f);
    if (wait && !ex->joined) {
        join_workers(ex, ex->n_workers);
        ex->joined = true;
    }
    return 0;
}

void executor_destroy(struct executor *ex)
{
    if (ex == NULL)
        return;
    executor_shutdown(ex, true, false);
    while (ex->owned != NULL) {
        struct future *next = ex->owned->next_owned;
        future_free(ex->owned);
        ex->owned = next;
    }
    pthread_cond_destroy(&ex->work);
    pthread_mutex_destroy(&ex->lock);
    free(ex->workers);
    free(ex);
}
