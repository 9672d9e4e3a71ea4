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
    if (fn == NULL || pool->state != POOL_RUNNING) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_result *task = task_new(pool, fn, arg);
    if (task == NULL)
        return NULL;
    enqueue(pool, task);
    /* Start it now if a worker is idle. Should that fail, the task stays queued and
     * the next pump tries again: the handle is still good. */
    pool_dispatch(pool);
    return task;
}

int pool_result_get(struct pool_result *result, double timeout, long *value)
{
    double deadline = pool_deadline(timeout);
    while (result->state != TASK_DONE) {
        int rc = pool_pump(result->pool, deadline);
        if (rc < 0)
            return -1;
        if (rc == 0) { /* the deadline passed with nothing for us */
            errno = ETIMEDOUT;
            return -1;
        }
    }
    if (result->error != 0) {
        errno = result->error;
        return -1;
    }
    *value = result->value;
    return 0;
}

bool pool_result_ready(struct pool_result *result)
{
    /* Collect whatever has already arrived, without waiting. */
    while (result->state != TASK_DONE && pool_pump(result->pool, 0) > 0)
        continue;
    return result->state == TASK_DONE;
}

int pool_apply(struct pool *pool, pool_fn fn, long arg, long *value)
{
    struct pool_result *result = pool_apply_async(pool, fn, arg);
    if (result == NULL)
        return -1;
    return pool_result_get(result, -1, value);
}
