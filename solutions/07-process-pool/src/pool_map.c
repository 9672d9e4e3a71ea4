/* pool_map.c - one function over many arguments: map, imap, imap_unordered. */
#include "pool_internal.h"

#include <errno.h>
#include <stdlib.h>

/* A new iterator over n tasks, owned by pool (freed by pool_destroy). */
static struct pool_iter *iter_new(struct pool *pool, size_t n, bool unordered)
{
    struct pool_iter *it = calloc(1, sizeof *it);
    if (it == NULL)
        return NULL;
    /* calloc(0, ...) may return NULL: ask for at least one element. */
    it->tasks = calloc(n + 1, sizeof *it->tasks);
    it->finished = calloc(n + 1, sizeof *it->finished);
    if (it->tasks == NULL || it->finished == NULL) {
        free(it->tasks);
        free(it->finished);
        free(it);
        return NULL;
    }
    it->pool = pool;
    it->n = n;
    it->unordered = unordered;
    it->next_owned = pool->iters;
    pool->iters = it;
    return it;
}

static struct pool_iter *submit_all(struct pool *pool, pool_fn fn, const long *args,
                                    size_t n, bool unordered)
{
    if (fn == NULL || pool->state != POOL_RUNNING) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_iter *it = iter_new(pool, n, unordered);
    if (it == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        it->tasks[i] = pool_apply_async(pool, fn, args[i]);
        if (it->tasks[i] == NULL)
            return NULL;
        /* Set before any pump, so the completion of this task is recorded. */
        it->tasks[i]->iter = it;
    }
    return it;
}

struct pool_iter *pool_imap(struct pool *pool, pool_fn fn, const long *args, size_t n)
{
    return submit_all(pool, fn, args, n, false);
}

struct pool_iter *pool_imap_unordered(struct pool *pool, pool_fn fn, const long *args,
                                      size_t n)
{
    return submit_all(pool, fn, args, n, true);
}

/* The task whose result comes next, or NULL while it is not there yet. */
static struct pool_result *next_finished(const struct pool_iter *it)
{
    if (it->unordered)
        return it->next < it->n_finished ? it->finished[it->next] : NULL;
    return it->tasks[it->next]->state == TASK_DONE ? it->tasks[it->next] : NULL;
}

int pool_iter_next(struct pool_iter *it, double timeout, long *value)
{
    if (it->next == it->n) {
        errno = ENODATA;
        return -1;
    }
    double deadline = pool_deadline(timeout);
    struct pool_result *task;
    while ((task = next_finished(it)) == NULL) {
        int rc = pool_pump(it->pool, deadline);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    it->next++;
    if (task->error != 0) {
        errno = task->error;
        return -1;
    }
    *value = task->value;
    return 0;
}

int pool_map(struct pool *pool, pool_fn fn, const long *args, size_t n, long *values)
{
    struct pool_iter *it = pool_imap(pool, fn, args, n);
    if (it == NULL)
        return -1;
    int error = 0;
    /* Wait for every task, even after a failure, keeping the first error. */
    for (size_t i = 0; i < n; i++)
        if (pool_iter_next(it, -1, &values[i]) < 0 && error == 0)
            error = errno;
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}
