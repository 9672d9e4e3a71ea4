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

/* Waits for the n futures in order, storing each value; keeps the first error. */
static int collect(struct future **fs, size_t n, void **results)
{
    int error = 0;
    for (size_t i = 0; i < n; i++)
        if (future_result(fs[i], -1, &results[i]) < 0 && error == 0)
            error = errno;
    return error;
}

int thread_pool_map(struct thread_pool *pool, task_fn fn, void *const *args, size_t n,
                    void **results)
{
    if (fn == NULL || pool->closed) {
        errno = EINVAL;
        return -1;
    }
    struct future **fs = calloc(n + 1, sizeof *fs);
    if (fs == NULL)
        return -1;
    size_t submitted = 0;
    int error = 0;
    for (; submitted < n; submitted++) {
        fs[submitted] = executor_submit(pool->ex, fn, args[submitted]);
        if (fs[submitted] == NULL) {
            error = errno;
            break;
        }
    }
    /* Even after a failed submit, wait for what runs: those tasks use args. */
    int wait_error = collect(fs, submitted, results);
    free(fs);
    if (error == 0)
        error = wait_error;
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

int thread_pool_close(struct thread_pool *pool)
{
    pool->closed = true;
    return 0;
}

int thread_pool_join(struct thread_pool *pool)
{
    if (!pool->closed) {
        errno = EINVAL; /* nothing tells the workers to end: refuse rather than hang */
        return -1;
    }
    return executor_shutdown(pool->ex, true, false);
}

void thread_pool_destroy(struct thread_pool *pool)
{
    if (pool == NULL)
        return;
    executor_destroy(pool->ex); /* shuts down and joins */
    free(pool);
}
