/* pool_result.h - running one task: apply, apply_async, and the result handle.
 *
 * Python:  result = pool.apply_async(f, (10,))    # returns at once
 *          result.get(timeout=1)                   # 100, or raises TimeoutError
 *          result.ready()
 *          pool.apply(f, (10,))                    # blocks: apply_async(...).get()
 */
#ifndef POOL_RESULT_H
#define POOL_RESULT_H

#include <stdbool.h>

#include "pool.h"

/* The handle of one submitted task. It belongs to the pool: valid until
 * pool_destroy, never freed by the caller. */
struct pool_result;

/* apply_async(fn, (arg,)): submits fn(arg) and returns its handle without waiting.
 * When a worker is idle the task is handed to it before the call returns (it starts
 * at once); otherwise it waits in the pool's queue, and queued tasks start in the
 * order they were submitted.
 *
 * Returns NULL with errno set: EINVAL when fn is NULL or the pool was closed or
 * terminated; ENOMEM. */
struct pool_result *pool_apply_async(struct pool *pool, pool_fn fn, long arg);

/* get(timeout): waits until the task has finished, at most timeout seconds (0: do not
 * wait; negative: wait as long as it takes), and stores its return value in *value.
 * May be called again: it gives the same outcome.
 *
 * Returns 0 with *value set. Returns -1 with errno set, *value untouched:
 *   ETIMEDOUT  the task has not finished within timeout (not before timeout seconds
 *              have passed); the task goes on and get may be called again;
 *   ECHILD     the worker running the task died (crash, exit, kill) before sending
 *              its result; the pool has replaced the worker;
 *   ECANCELED  the pool was terminated before the task finished. */
int pool_result_get(struct pool_result *result, double timeout, long *value);

/* ready(): true when the task has finished (with a value or an error), so that get
 * would return at once. Does not block. */
bool pool_result_ready(struct pool_result *result);

/* apply(fn, (arg,)): runs fn(arg) in a worker and waits for it: apply_async followed
 * by get with no timeout. Returns 0 with *value set, or -1 with errno as
 * pool_apply_async and pool_result_get report it. */
int pool_apply(struct pool *pool, pool_fn fn, long arg, long *value);

#endif
