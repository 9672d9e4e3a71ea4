/* executor.h - a pool of worker threads that runs submitted tasks: ThreadPoolExecutor.
 *
 * Python:  from concurrent.futures import ThreadPoolExecutor
 *          with ThreadPoolExecutor(max_workers=4) as pool:
 *              future = pool.submit(craw, url)
 *              future.result()
 *          pool.shutdown(wait=True, cancel_futures=False)
 *
 * Tasks wait in one queue and start in the order they were submitted; at most
 * max_workers of them run at once, one per worker thread. */
#ifndef EXECUTOR_H
#define EXECUTOR_H

#include <stdbool.h>

#include "future.h"

/* A task: runs as fn(arg) in a worker thread; its return value is the future's result. */
typedef void *(*task_fn)(void *arg);

struct executor;

/* ThreadPoolExecutor(max_workers): starts max_workers worker threads, which wait for
 * tasks. max_workers 0 means Python's default, min(32, number of CPUs + 4).
 *
 * Returns the executor. Returns NULL with errno set: EINVAL when max_workers is
 * negative; ENOMEM; EAGAIN when a thread cannot be created (the threads already
 * started are ended and joined first). */
struct executor *executor_create(int max_workers);

/* submit(fn, arg): queues fn(arg) and returns its pending future at once. One idle
 * worker is woken for it.
 *
 * Returns NULL with errno set: EINVAL when fn is NULL or after shutdown; ENOMEM. */
struct future *executor_submit(struct executor *ex, task_fn fn, void *arg);

/* shutdown(wait, cancel_futures): the executor takes no more tasks (submit fails with
 * EINVAL). With cancel_pending, every future still queued is cancelled (its callbacks
 * run in the calling thread) before this returns; otherwise queued tasks still run.
 * With wait, blocks until every task that is not cancelled has finished and every
 * worker thread has ended (been joined); without it, returns at once while the
 * workers go on.
 *
 * May be called again (a later call with wait joins the workers). Must not be called
 * from a task, nor by two threads at once. Returns 0. */
int executor_shutdown(struct executor *ex, bool wait, bool cancel_pending);

/* Shuts down with wait (leaving `with ThreadPoolExecutor() as pool:`), then frees the
 * executor and its futures. ex may be NULL. */
void executor_destroy(struct executor *ex);

#endif
