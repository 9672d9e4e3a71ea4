/* thread_pool.c - a pool of threads with an ordered map: multiprocessing.dummy.Pool. */
#include "thread_pool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

struct thread_pool {
    struct executor *ex;
    bool closed; /* used by the pool's own thread only */
};

struct thread_pool *thread_pool_create(int threads)
{
    struct thread_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->ex = executor_create(threads);
    if (pool->ex == NULL) {
        free(pool);
        return NULL;
    }
    return pool;
}

int thread_pool_map(struct thread_pool *pool, task_fn fn, void *const *args, size_t n,
                    void **results)
{
    /* TODO: EINVAL for a NULL fn or a closed pool. Submit every item, keeping the
     * futures in an array, then take each result in input order. If a submit fails,
     * still wait for those submitted (their tasks read args) before returning -1. */
    (void)pool;
    (void)fn;
    (void)args;
    (void)n;
    (void)results;
    errno = ENOSYS;
    return -1;
}

int thread_pool_close(struct thread_pool *pool)
{
    /* TODO: no more maps. */
    (void)pool;
    return 0;
}

int thread_pool_join(struct thread_pool *pool)
{
    /* TODO: EINVAL at once unless closed; else shut the executor down and wait. */
    (void)pool;
    errno = ENOSYS;
    return -1;
}

void thread_pool_destroy(struct thread_pool *pool)
{
    if (pool == NULL)
        return;
    executor_destroy(pool->ex); /* shuts down and joins */
    free(pool);
}
