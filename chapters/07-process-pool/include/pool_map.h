/* pool_map.h - one function over many arguments: map, imap, imap_unordered.
 *
 * Python:  pool.map(f, range(10))           # [0, 1, 4, ..., 81], in input order
 *          it = pool.imap(f, range(10))     # an iterator, in input order
 *          next(it); it.next(timeout=1)
 *          pool.imap_unordered(f, xs)       # an iterator, in completion order
 */
#ifndef POOL_MAP_H
#define POOL_MAP_H

#include <stddef.h>

#include "pool.h"

/* An iterator over results. It belongs to the pool: valid until pool_destroy. */
struct pool_iter;

/* map(fn, args): submits fn(args[i]) for every i < n, waits until all have finished,
 * and stores fn(args[i]) in values[i]: in input order, whatever order the tasks
 * finished in. n may be 0.
 *
 * Returns 0. Returns -1 with errno set: EINVAL when fn is NULL or the pool no longer
 * takes tasks (nothing submitted); ENOMEM; ECHILD when the worker of at least one task
 * died (the call still waits for every task: values[i] holds the result of each task
 * that finished, and is left untouched for each task that failed); ECANCELED when the
 * pool was terminated meanwhile. */
int pool_map(struct pool *pool, pool_fn fn, const long *args, size_t n, long *values);

/* imap(fn, args): submits fn(args[i]) for every i < n and returns at once an iterator
 * that yields the results in input order (see pool_iter_next).
 * Returns NULL with errno set: EINVAL (fn is NULL or the pool takes no tasks); ENOMEM. */
struct pool_iter *pool_imap(struct pool *pool, pool_fn fn, const long *args, size_t n);

/* imap_unordered(fn, args): as pool_imap, but the iterator yields each result as soon
 * as its task has finished: in completion order. */
struct pool_iter *pool_imap_unordered(struct pool *pool, pool_fn fn, const long *args,
                                      size_t n);

/* next(it) / it.next(timeout): waits until the next result is there, at most timeout
 * seconds (0: do not wait; negative: as long as it takes), stores it in *value and
 * moves on.
 *
 * Returns 0 with *value set. Returns -1 with errno set, *value untouched:
 *   ETIMEDOUT  not there within timeout (not before timeout seconds have passed); the
 *              iterator has not moved: the same result comes on the next call;
 *   ECHILD     that task's worker died; the iterator has moved past it;
 *   ECANCELED  the pool was terminated before that task finished; moved past it;
 *   ENODATA    all n results have been yielded (Python's StopIteration). */
int pool_iter_next(struct pool_iter *it, double timeout, long *value);

#endif
