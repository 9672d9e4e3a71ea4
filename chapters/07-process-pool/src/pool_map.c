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

struct pool_iter *pool_imap(struct pool *pool, pool_fn fn, const long *args, size_t n)
{
    /* TODO: EINVAL when fn is NULL or the pool is not running. Make the iterator
     * (iter_new) and submit fn(args[i]) for each i with pool_apply_async, keeping each
     * handle in it->tasks[i] and pointing its iter at the iterator. */
    (void)pool;
    (void)fn;
    (void)args;
    (void)n;
    (void)iter_new;
    errno = ENOSYS;
    return NULL;
}

struct pool_iter *pool_imap_unordered(struct pool *pool, pool_fn fn, const long *args,
                                      size_t n)
{
    /* TODO: as pool_imap, with an unordered iterator: pool_task_finish then appends
     * each task to it->finished as it ends. */
    (void)pool;
    (void)fn;
    (void)args;
    (void)n;
    errno = ENOSYS;
    return NULL;
}

int pool_iter_next(struct pool_iter *it, double timeout, long *value)
{
    /* TODO: ENODATA once all n have been yielded. The next task is tasks[next] in
     * order, finished[next] unordered; pump toward the deadline until it is there
     * (ETIMEDOUT when a pump returns 0 first, without moving on). Move on, then
     * report its error or store its value. */
    (void)it;
    (void)timeout;
    (void)value;
    errno = ENOSYS;
    return -1;
}

int pool_map(struct pool *pool, pool_fn fn, const long *args, size_t n, long *values)
{
    /* TODO: imap, then next (no timeout) n times into values[i]. Keep going after a
     * failed task, and return -1 with the first error once all have finished. */
    (void)pool;
    (void)fn;
    (void)args;
    (void)n;
    (void)values;
    errno = ENOSYS;
    return -1;
}
