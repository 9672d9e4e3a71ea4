/* tp_test.h - tasks and recorders shared by the thread pool tests (tp_test.c).
 *
 * Tasks run in worker threads: they never assert. They record what happened (under
 * a mutex) and the test thread asserts on the record. */
#ifndef TP_TEST_H
#define TP_TEST_H

#include <semaphore.h>
#include <stdint.h>

#include "executor_internal.h"
#include "thread_pool.h"
#include "wb_test.h"

enum { T_MAX = 64 };

/* A task that waits for its own gate: the test opens gates in the order it chooses. */
struct t_gated {
    sem_t go;   /* the test posts it to let the task end */
    int id;     /* logged when the task ends; the task returns 100 + id */
};

/* Resets the recorders below. Call first in every test that uses them. */
void t_init(void);

/* Initialises n gated tasks with ids 0..n-1. */
void t_gates_init(struct t_gated *g, int n);
void t_gates_destroy(struct t_gated *g, int n);

/* Waits until `count` more gated tasks have started (they post a shared semaphore);
 * fails the test after 20 s. */
void t_wait_started(int count);

/* The ids of the tasks that ended, in the order they ended. */
int t_ended(int *ids, int max);

/* A task: posts "started", waits for g->go, logs g->id as ended, returns 100 + id. */
void *t_gated_task(void *g);

/* A task for a chain of n gated tasks g[0..n-1]: task i waits for its gate unless it
 * is the last, logs its end, then opens gate i - 1. So they end last to first.
 * arg is &g[i]; g must be an array whose element 0 has id 0. */
void *t_chain_task(void *arg);
void t_chain_set_length(int n);

/* A task that counts how many tasks run at once: each holds until t_hold_target tasks
 * have started (or 20 s pass), so the maximum is reached whatever the timing. */
void *t_hold_task(void *arg);
void t_hold_set_target(int target);
int t_hold_max_running(void);
int t_hold_started(void);

/* A task returning arg, and one returning its thread (as uintptr_t). */
void *t_identity(void *arg);
void *t_self(void *arg);

/* A callback recorder: counts calls and notes the thread and the future of the last. */
struct t_calls {
    pthread_mutex_t lock;
    int count;
    pthread_t thread;
    struct future *future;
    int order[8]; /* tags of the callbacks, in the order they ran */
};
void t_calls_init(struct t_calls *c);
int t_calls_count(struct t_calls *c);
/* A done-callback: arg is a struct t_tagged. */
struct t_tagged {
    struct t_calls *calls;
    int tag;
};
void t_record_call(struct future *f, void *arg);

#endif
