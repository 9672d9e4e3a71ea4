/* pool.c - a pool of worker processes: create, close, join, terminate, destroy. */
#include "pool_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* An empty pool of n slots, no worker started yet. */
static struct pool *pool_alloc(size_t n)
{
    struct pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->workers = calloc(n, sizeof *pool->workers);
    if (pool->workers == NULL) {
        free(pool);
        return NULL;
    }
    pool->n_workers = n;
    for (size_t i = 0; i < n; i++)
        pool->workers[i] = (struct pool_worker){.pid = 0, .task_fd = -1, .result_fd = -1};
    pool->state = POOL_RUNNING;
    return pool;
}

static bool has_workers(const struct pool *pool)
{
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].pid != 0)
            return true;
    return false;
}

struct pool *pool_create(int processes)
{
    /* TODO: EINVAL for a negative count; 0 means sysconf(_SC_NPROCESSORS_ONLN).
     * pool_alloc, then pool_worker_spawn every slot. If one fails, pool_destroy the
     * pool (it ends the workers already started) and return NULL with spawn's errno. */
    (void)processes;
    (void)pool_alloc;
    errno = ENOSYS;
    return NULL;
}

int pool_close(struct pool *pool)
{
    /* TODO: a running pool becomes closed (a terminated one stays terminated). */
    (void)pool;
    return 0;
}

int pool_join(struct pool *pool)
{
    /* TODO: EINVAL at once while the pool is running. Otherwise pump (no deadline)
     * until no task is queued or running; then send every worker the stop message
     * (fn == NULL), wait for each (waitpid), close the parent's ends and empty the
     * slots. */
    (void)pool;
    errno = ENOSYS;
    return -1;
}

int pool_terminate(struct pool *pool)
{
    /* TODO: mark the pool terminated; SIGKILL every worker, then reap each, close its
     * pipes and empty its slot. Finish every running and every queued task with
     * ECANCELED (pool_task_finish) and empty the queue. */
    (void)pool;
    errno = ENOSYS;
    return -1;
}

void pool_destroy(struct pool *pool)
{
    if (pool == NULL)
        return;
    if (has_workers(pool))
        pool_terminate(pool);
    while (pool->owned != NULL) {
        struct pool_result *next = pool->owned->next_owned;
        free(pool->owned);
        pool->owned = next;
    }
    while (pool->iters != NULL) {
        struct pool_iter *next = pool->iters->next_owned;
        free(pool->iters->tasks);
        free(pool->iters->finished);
        free(pool->iters);
        pool->iters = next;
    }
    free(pool->workers);
    free(pool);
}
