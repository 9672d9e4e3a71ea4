/* future.h - the result of a task that runs later, in another thread.
 *
 * Python:  future = executor.submit(f, x)
 *          future.result(timeout=1)       # the value, or raises TimeoutError
 *          future.done(); future.cancel()
 *          future.add_done_callback(fn)   # fn(future), once, when it is done
 *
 * A future is pending (queued), then running, then finished; or cancelled while still
 * pending. "Done" means finished or cancelled: it never changes after that.
 * Futures belong to the executor that made them: valid until executor_destroy.
 * Every function here may be called from any thread. */
#ifndef FUTURE_H
#define FUTURE_H

#include <stdbool.h>

struct future;

/* A done-callback: called once with the future and the arg given with it. */
typedef void (*future_callback)(struct future *future, void *arg);

/* result(timeout): waits until the future is done, at most timeout seconds (0: do not
 * wait; negative: as long as it takes), and stores the task's return value in *value.
 *
 * Returns 0 with *value set. Returns -1 with errno set, *value untouched:
 *   ETIMEDOUT  not done within timeout (not before timeout seconds have passed);
 *   ECANCELED  the future was cancelled (its task never ran). */
int future_result(struct future *future, double timeout, void **value);

/* done(): true once the future is finished or cancelled. Does not block. */
bool future_done(struct future *future);

/* running(): true while its task runs. cancelled(): true once it was cancelled. */
bool future_running(struct future *future);
bool future_cancelled(struct future *future);

/* cancel(): a pending future (its task has not started) becomes cancelled and done:
 * its task will never run, result() reports ECANCELED, and its done-callbacks run now,
 * in the calling thread. Returns true when the future is cancelled (now or already
 * before); false when its task is running or has finished: a running task cannot be
 * stopped. */
bool future_cancel(struct future *future);

/* add_done_callback(fn, arg): arranges for fn(future, arg) to be called exactly once
 * when the future is done, in the thread that makes it done (the worker that ran the
 * task, or the thread that cancels it), callbacks in the order they were added. If
 * the future is already done, fn is called at once, in the calling thread, before
 * this returns. A callback must not block for long: it delays the worker.
 *
 * Returns 0. Returns -1 with errno ENOMEM (fn will not be called). */
int future_add_done_callback(struct future *future, future_callback fn, void *arg);

#endif
