/* pool.h - a pool of worker processes: create, close, join, terminate.
 *
 * Python:  pool = Pool(4)                  # 4 worker processes, forked now
 *          pool.apply_async(run, (i,))     # see pool_result.h and pool_map.h
 *          pool.close()                    # no more tasks
 *          pool.join()                     # wait for the tasks and the workers
 *          pool.terminate()                # kill the workers at once
 *
 * A task is a function pointer and one long: fn(arg) runs in a worker and its return
 * value comes back to the caller. The pointer is sent to the worker through a pipe; it
 * is valid there because the worker was forked from the same program (the same code at
 * the same addresses). It would not be valid in a process that called exec.
 *
 * Python reports a task's exception to the caller; a C task has no exceptions. The
 * error a task can cause is the death of its worker (a crash, a call to exit, a kill):
 * the caller then gets the error ECHILD for that task, and the pool replaces the worker.
 *
 * The pool has no thread: it makes progress while the caller is inside a pool function.
 * A task handed to a worker runs on its own; handing queued tasks to workers as they
 * become free and collecting results happens in get, ready, next, map, apply and join.
 *
 * The pool is used by one thread of the process that created it. */
#ifndef POOL_H
#define POOL_H

#include <sys/types.h>

/* A task: called as fn(arg) in a worker process; its return value is the result. */
typedef long (*pool_fn)(long arg);

struct pool;

/* Pool(processes): forks processes worker processes, which wait for tasks. processes 0
 * means one worker per online CPU (Python's default, os.cpu_count()).
 *
 * Returns the pool. Returns NULL with errno set: EINVAL when processes is negative;
 * ENOMEM; the error of pipe or fork when a worker cannot be started (the workers
 * already started are ended and reaped, nothing is leaked). */
struct pool *pool_create(int processes);

/* close(): the pool takes no more tasks (submitting one fails with EINVAL); the tasks
 * already submitted still run. Does not block. Returns 0. */
int pool_close(struct pool *pool);

/* join(): waits until every submitted task has finished and every worker has ended
 * (and been reaped). Blocks as long as a task runs.
 *
 * Returns 0 (also when called again, or after terminate). Returns -1 with errno
 * EINVAL at once, without waiting, when the pool is still running: call close or
 * terminate first (in Python, join before close raises ValueError; waiting there
 * would deadlock, since nothing would ever tell the workers to end). */
int pool_join(struct pool *pool);

/* terminate(): kills every worker at once (SIGKILL) and reaps them; it does not wait
 * for tasks. Every task not yet finished (running or still queued) finishes with the
 * error ECANCELED, so no get or next waits for it. The pool takes no more tasks.
 * Returns 0. */
int pool_terminate(struct pool *pool);

/* Frees the pool and every result handle and iterator it gave out. A pool whose
 * workers still exist is terminated first (like leaving `with Pool() as pool:`).
 * pool may be NULL. */
void pool_destroy(struct pool *pool);

#endif
