/* pool_result.c - running one task: apply_async, get, ready, apply. */
#include "pool_internal.h"

#include <errno.h>
#include <stdlib.h>

/* A new task owned by pool (freed by pool_destroy), not yet queued. */
static struct pool_result *task_new(struct pool *pool, pool_fn fn, long arg)
{
    struct pool_result *task = calloc(1, sizeof *task);
    if (task == NULL)
        return NULL;
    *task = (struct pool_result){.pool = pool, .fn = fn, .arg = arg, .state = TASK_QUEUED};
    task->next_owned = pool->owned;
    pool->owned = task;
    return task;
}

static void enqueue(struct pool *pool, struct pool_result *task)
{
    if (pool->queue_tail != NULL)
        pool->queue_tail->next_queued = task;
    else
        pool->queue_head = task;
    pool->queue_tail = task;
}

struct pool_result *pool_apply_async(struct pool *pool, pool_fn fn, long arg)
{
    /* TODO: EINVAL when fn is NULL or the pool is not running. Make the task
     * (task_new), queue it (enqueue) and dispatch, so that an idle worker starts it
     * now; a failed dispatch leaves the task queued for the next pump, and the handle
     * is returned all the same. */
    (void)pool;
    (void)fn;
    (void)arg;
    (void)task_new;
    (void)enqueue;
    errno = ENOSYS;
    return NULL;
}

int pool_result_get(struct pool_result *result, double timeout, long *value)
{
    /* TODO: pump toward the deadline (pool_deadline(timeout)) until the task is
     * TASK_DONE; ETIMEDOUT when a pump returns 0 first. Then report the task's error
     * in errno, or store its value. */
    (void)result;
    (void)timeout;
    (void)value;
    errno = ENOSYS;
    return -1;
}

bool pool_result_ready(struct pool_result *result)
{
    /* TODO: collect what has already arrived without waiting (pump with a deadline
     * that has already passed), then say whether the task is TASK_DONE. */
    (void)result;
    return false;
}

int pool_apply(struct pool *pool, pool_fn fn, long arg, long *value)
{
    /* TODO: apply_async, then get without a timeout. */
    (void)pool;
    (void)fn;
    (void)arg;
    (void)value;
    errno = ENOSYS;
    return -1;
}
