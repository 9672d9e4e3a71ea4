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

struct executor *executor_create(int max_workers)
{
    /* TODO: EINVAL for a negative count, 0 means default_workers(). Allocate the
     * executor and its workers array, init lock and work, start the threads. Each
     * worker loops: take the oldest queued future (waiting on work while the queue is
     * empty and there is no shutdown; ending when shut down and the queue is empty),
     * skip it unless future_set_running succeeds, run fn(arg) without any lock held,
     * and future_finish it. If a thread cannot be started, shut down, join those
     * started, free everything, and return NULL with pthread_create's error. */
    (void)max_workers;
    (void)default_workers;
    errno = ENOSYS;
    return NULL;
}

struct future *executor_submit(struct executor *ex, task_fn fn, void *arg)
{
    /* TODO: EINVAL for a NULL fn. Make the future (future_new); under the lock refuse
     * it after shutdown (EINVAL, free it), else append it to the queue and to the owned
     * list, and wake one worker. */
    (void)ex;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return NULL;
}

int executor_shutdown(struct executor *ex, bool wait, bool cancel_pending)
{
    /* TODO: under the lock: set shutdown; with cancel_pending, take the whole queue
     * away; wake every worker. Then, without the lock, cancel each future taken. With
     * wait, join every worker unless they were joined already. */
    (void)ex;
    (void)wait;
    (void)cancel_pending;
    errno = ENOSYS;
    return -1;
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
