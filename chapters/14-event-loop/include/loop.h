/* loop.h - a single-threaded event loop: asyncio's loop.call_soon, call_later,
 * add_reader/add_writer and run, over epoll.
 *
 * Everything runs in the thread that calls loop_run: callbacks never run at the same
 * time, so they share data without locks, and a callback that blocks stops the whole
 * loop. No function here is thread-safe. */
#ifndef LOOP_H
#define LOOP_H

#include <stdbool.h>

struct loop;        /* the loop: its queues, its timers and its epoll descriptor */
struct loop_handle; /* a scheduled callback, for loop_handle_cancel */

/* Every callback: arg is what was given when it was scheduled or registered. */
typedef void (*loop_callback)(void *arg);

/* A new loop with nothing to do, or NULL (errno from malloc or epoll_create1). */
struct loop *loop_new(void);

/* Frees the loop, its epoll descriptor and every callback still scheduled (they never
 * run). Descriptors that are watched stay open: they belong to the caller. NULL: no-op.
 * Not from inside a callback of this loop. */
void loop_free(struct loop *loop);

/* The loop's clock: seconds on CLOCK_MONOTONIC (asyncio's loop.time()). */
double loop_time(const struct loop *loop);

/* Schedules fn(arg) to run once, soon: callbacks scheduled this way run in the order
 * they were scheduled (FIFO). One scheduled while the loop runs callbacks runs in the
 * loop's next round, after the loop has looked at its descriptors again: a callback
 * that keeps rescheduling itself cannot starve the readers and writers.
 * Returns a handle for loop_handle_cancel, or NULL with errno EINVAL (fn is NULL) or
 * ENOMEM. */
struct loop_handle *loop_call_soon(struct loop *loop, loop_callback fn, void *arg);

/* Schedules fn(arg) to run once, delay seconds from now (a negative delay counts as
 * 0): never earlier, and as soon after as the loop can. Timers run in the order of
 * their deadlines; equal deadlines in the order scheduled. Returns a handle, or NULL
 * with errno EINVAL (fn is NULL) or ENOMEM. */
struct loop_handle *loop_call_later(struct loop *loop, double delay, loop_callback fn,
                                    void *arg);

/* Cancels a scheduled callback: it will not run, and the handle is freed. Only for a
 * handle whose callback has not started: once a callback starts, its handle is gone
 * (the loop frees it), so keep a handle only until then. NULL: no-op. */
void loop_handle_cancel(struct loop_handle *handle);

/* Calls fn(arg) each time fd is readable - data, end of file, an error, or a
 * connection to accept - until loop_remove_reader. Registering a reader for fd again
 * replaces the callback. fd stays the caller's: remove it before closing it.
 * Returns 0, or -1 with errno EBADF (fd is not open, or negative), EINVAL (fn is NULL),
 * EPERM (fd cannot be watched, such as a regular file) or ENOMEM. */
int loop_add_reader(struct loop *loop, int fd, loop_callback fn, void *arg);

/* The same for writability: fn(arg) runs each time fd can take data without blocking
 * (or has an error, such as a failed connect). */
int loop_add_writer(struct loop *loop, int fd, loop_callback fn, void *arg);

/* Stops watching fd for reading (writing): 0, or -1 with errno ENOENT when no reader
 * (writer) was registered for fd. The other direction stays registered. */
int loop_remove_reader(struct loop *loop, int fd);
int loop_remove_writer(struct loop *loop, int fd);

/* Runs the loop. Each round waits (epoll_wait) until a descriptor is ready or the
 * first timer is due - without waiting when callbacks are ready; runs the readers and
 * writers of the ready descriptors; appends the timers that are due to the ready
 * callbacks; and runs the callbacks ready at that point, in order. Those they schedule
 * wait for the next round.
 * Returns 0 when there is nothing left to do (no callback scheduled, no timer, no
 * descriptor watched) or after loop_stop; -1 with errno from epoll_wait on an error
 * other than EINTR. Not from inside a callback of this loop. */
int loop_run(struct loop *loop);

/* Makes loop_run return once the current round ends; what is still scheduled stays
 * scheduled, and a later loop_run continues it. */
void loop_stop(struct loop *loop);

#endif
