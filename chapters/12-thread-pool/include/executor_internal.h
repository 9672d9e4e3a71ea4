/* executor_internal.h - the insides of futures and of the executor, shared by
 * future.c, executor.c and as_completed.c. Users read future.h and executor.h. */
#ifndef EXECUTOR_INTERNAL_H
#define EXECUTOR_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "as_completed.h"
#include "executor.h"
#include "future.h"

enum future_state { FUTURE_PENDING, FUTURE_RUNNING, FUTURE_CANCELLED, FUTURE_FINISHED };

/* One done-callback waiting for its future. */
struct future_cb {
    future_callback fn;
    void *arg;
    struct future_cb *next;
};

struct future {
    task_fn fn; /* set once before the future is shared: no lock needed */
    void *arg;

    /* lock must be held when using these: */
    pthread_mutex_t lock;
    pthread_cond_t done_cond; /* broadcast when the future becomes done; CLOCK_MONOTONIC */
    enum future_state state;
    void *value;                    /* once FUTURE_FINISHED */
    struct future_cb *cbs, *cbs_tail; /* callbacks not yet run, in order added */

    struct future *next_queued; /* the executor's queue: guarded by the executor's lock */
    struct future *next_owned;  /* the executor's list of futures: same */
};

struct executor {
    size_t n_workers;
    pthread_t *workers;

    /* lock must be held when using these: */
    pthread_mutex_t lock;
    pthread_cond_t work;                  /* signalled when a task is queued or at shutdown */
    struct future *queue_head, *queue_tail; /* FIFO of submitted, not yet taken */
    struct future *owned;                  /* every future, freed by executor_destroy */
    bool shutdown;                         /* no more submits; workers end once queue is empty */
    bool joined;                           /* the workers have been joined */
};

/* --- future.c --- */

/* A new pending future for fn(arg), or NULL (errno ENOMEM or from pthread). */
struct future *future_new(task_fn fn, void *arg);

/* Destroys and frees a future that no thread uses any more. */
void future_free(struct future *future);

/* A worker takes the future: pending becomes running, and true is returned; false when
 * the future was cancelled meanwhile (its task must not run). */
bool future_set_running(struct future *future);

/* The task returned value: the running future becomes finished, every thread waiting in
 * future_result wakes up, and its done-callbacks run in the calling thread - after the
 * lock is released, so that a callback may use the future. */
void future_finish(struct future *future, void *value);

/* A deadline for pthread_cond_timedwait on CLOCK_MONOTONIC, timeout seconds from now. */
struct timespec future_deadline(double timeout);

#endif
