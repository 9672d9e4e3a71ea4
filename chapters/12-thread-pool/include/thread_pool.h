/* thread_pool.h - a pool of threads with an ordered map: multiprocessing.dummy.Pool.
 *
 * Python:  from multiprocessing.dummy import Pool as ThreadPool
 *          pool = ThreadPool(4)
 *          results = pool.map(requests.get, urls)    # in the order of urls
 *          pool.close()
 *          pool.join()
 *
 * Built on the executor: a map is a submit per item, then a result per item, in
 * input order. */
#ifndef THREAD_POOL_H
#define THREAD_POOL_H

#include <stddef.h>

#include "executor.h"

struct thread_pool;

/* ThreadPool(threads): threads worker threads (0: the executor's default).
 * Returns NULL with errno as executor_create reports it, or ENOMEM. */
struct thread_pool *thread_pool_create(int threads);

/* map(fn, args): runs fn(args[i]) for every i < n in the workers, at most `threads`
 * at once, waits for all of them, and stores fn(args[i]) in results[i]: in input
 * order, whatever order the tasks finished in. n may be 0.
 *
 * Returns 0. Returns -1 with errno set: EINVAL when fn is NULL or the pool was closed
 * (nothing runs); ENOMEM (the tasks already submitted are waited for first, since
 * they use args; results are then incomplete). */
int thread_pool_map(struct thread_pool *pool, task_fn fn, void *const *args, size_t n,
                    void **results);

/* close(): no more maps (they fail with EINVAL). Returns 0. */
int thread_pool_close(struct thread_pool *pool);

/* join(): waits until the workers have ended. Returns 0. Returns -1 with errno EINVAL
 * at once when the pool was not closed first (multiprocessing raises ValueError). */
int thread_pool_join(struct thread_pool *pool);

/* Joins (closing first if needed) and frees the pool. pool may be NULL. */
void thread_pool_destroy(struct thread_pool *pool);

#endif
