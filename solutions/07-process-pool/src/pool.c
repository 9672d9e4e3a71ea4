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

/* Closes the parent's ends of slot w and reaps its process (already ending). */
static void reap_worker(struct pool_worker *w)
{
    close(w->task_fd);
    close(w->result_fd);
    while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
        continue;
    *w = (struct pool_worker){.pid = 0, .task_fd = -1, .result_fd = -1, .running = NULL};
}

static bool has_workers(const struct pool *pool)
{
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].pid != 0)
            return true;
    return false;
}

static bool has_busy_worker(const struct pool *pool)
{
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].running != NULL)
            return true;
    return false;
}

struct pool *pool_create(int processes)
{
    if (processes < 0) {
        errno = EINVAL;
        return NULL;
    }
    if (processes == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        processes = cpus > 0 ? (int)cpus : 1;
    }
    struct pool *pool = pool_alloc((size_t)processes);
    if (pool == NULL)
        return NULL;
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool_worker_spawn(pool, i) < 0)
            goto err;
    return pool;
err: {
    int saved = errno;
    pool_destroy(pool); /* terminates the workers already started */
    errno = saved;
    return NULL;
}
}

int pool_close(struct pool *pool)
{
    if (pool->state == POOL_RUNNING)
        pool->state = POOL_CLOSED;
    return 0;
}

int pool_join(struct pool *pool)
{
    if (pool->state == POOL_RUNNING) {
        errno = EINVAL; /* nothing would ever end the workers: refuse, do not hang */
        return -1;
    }
    /* Closed: let every task finish. Terminated: nothing is left to run. */
    while (pool->queue_head != NULL || has_busy_worker(pool))
        if (pool_pump(pool, -1) < 0)
            return -1;
    /* A stop message rather than closing the pipe: another process (a worker of
     * another pool) may hold a copy of the write end, and then no end-of-file comes. */
    struct pool_task_msg stop = {NULL, 0};
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].pid != 0)
            pool_write_full(pool->workers[i].task_fd, &stop, sizeof stop);
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].pid != 0)
            reap_worker(&pool->workers[i]);
    return 0;
}

int pool_terminate(struct pool *pool)
{
    pool->state = POOL_TERMINATED;
    /* Kill them all first, then reap: they die in parallel. */
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].pid != 0)
            kill(pool->workers[i].pid, SIGKILL);
    for (size_t i = 0; i < pool->n_workers; i++) {
        struct pool_worker *w = &pool->workers[i];
        if (w->running != NULL)
            pool_task_finish(w->running, ECANCELED, 0);
        if (w->pid != 0)
            reap_worker(w);
    }
    for (struct pool_result *t = pool->queue_head; t != NULL; t = t->next_queued)
        pool_task_finish(t, ECANCELED, 0);
    pool->queue_head = pool->queue_tail = NULL;
    return 0;
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
