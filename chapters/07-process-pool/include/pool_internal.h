/* pool_internal.h - the insides of the process pool, shared by its source files.
 *
 * Users of the pool read pool.h, pool_result.h and pool_map.h. This header is for the
 * pool's own files (and for the tests, which look at the workers).
 *
 * Each worker has two pipes of its own: the parent writes tasks into the task pipe,
 * the worker writes results into the result pipe. The parent hands a worker one task
 * at a time, so a pipe never holds more than one message and writes never block. The
 * end-of-file on a worker's result pipe tells the parent that the worker has died. */
#ifndef POOL_INTERNAL_H
#define POOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pool.h"
#include "pool_map.h"
#include "pool_result.h"

/* Parent -> worker: run fn(arg). fn == NULL asks the worker to end. */
struct pool_task_msg {
    pool_fn fn;
    long arg;
};

/* Worker -> parent: the return value of the task it was given. */
struct pool_result_msg {
    long value;
};

enum pool_task_state { TASK_QUEUED, TASK_RUNNING, TASK_DONE };

/* One submitted task; struct pool_result is its public name. */
struct pool_result {
    struct pool *pool;
    pool_fn fn;
    long arg;
    enum pool_task_state state;
    int error;                       /* once TASK_DONE: 0, ECHILD or ECANCELED */
    long value;                      /* once TASK_DONE with error 0: fn(arg) */
    struct pool_iter *iter;          /* the imap_unordered iterator to tell, or NULL */
    struct pool_result *next_queued; /* the queue of tasks waiting for a worker */
    struct pool_result *next_owned;  /* the list of every task, for pool_destroy */
};

/* One worker slot. */
struct pool_worker {
    pid_t pid;                   /* 0 when the slot has no process */
    int task_fd;                 /* write end of its task pipe, -1 when none */
    int result_fd;               /* read end of its result pipe, -1 when none */
    struct pool_result *running; /* the task it runs, NULL when idle */
};

enum pool_state { POOL_RUNNING, POOL_CLOSED, POOL_TERMINATED };

struct pool {
    enum pool_state state;
    struct pool_worker *workers;
    size_t n_workers;
    struct pool_result *queue_head, *queue_tail; /* FIFO: submitted, not yet handed out */
    struct pool_result *owned;                   /* every task, freed by pool_destroy */
    struct pool_iter *iters;                     /* every iterator, freed by pool_destroy */
};

struct pool_iter {
    struct pool *pool;
    struct pool_result **tasks;    /* in input order */
    struct pool_result **finished; /* unordered only: in completion order */
    size_t n, n_finished, next;
    bool unordered;
    struct pool_iter *next_owned;
};

/* --- pool_worker.c: the worker's side --- */

/* The worker's loop: reads a struct pool_task_msg from task_fd, calls fn(arg), writes
 * the value as a struct pool_result_msg to result_fd; again, until told to end.
 * Returns 0 when a message with fn == NULL arrives or at end-of-file on task_fd (the
 * parent is gone). Returns -1 when a read or write fails or a message is cut short. */
int pool_worker_loop(int task_fd, int result_fd);

/* Starts the worker of pool->workers[slot], whose pid is 0 and descriptors -1: makes
 * its task and result pipes and forks. The child closes every descriptor of the pool
 * it inherited - the parent's ends of every other slot and of its own two pipes - so
 * that it holds only its own two ends (and the descriptors the program opened before,
 * which its tasks may use), runs pool_worker_loop and ends with _exit: 0 when the
 * loop returned 0, else 1. It never returns. The parent closes the child's ends and
 * fills the slot (pid, task_fd, result_fd, running = NULL).
 *
 * Returns 0. Returns -1 with errno set by pipe or fork; nothing is leaked and the
 * slot stays empty. */
int pool_worker_spawn(struct pool *pool, size_t slot);

/* read and write that retry after EINTR and short counts. pool_read_full returns the
 * bytes read (fewer than n only at end-of-file) or -1; pool_write_full 0 or -1. */
ssize_t pool_read_full(int fd, void *buf, size_t n);
int pool_write_full(int fd, const void *buf, size_t n);

/* --- pool_pump.c: moving tasks and results --- */

/* CLOCK_MONOTONIC in seconds. */
double pool_now(void);

/* The deadline timeout seconds from now, or -1 (none) when timeout is negative. */
double pool_deadline(double timeout);

/* Marks task TASK_DONE with error and value, and tells its imap_unordered iterator. */
void pool_task_finish(struct pool_result *task, int error, long value);

/* Hands queued tasks, oldest first, to idle workers, until the queue is empty or no
 * worker is idle. An empty slot gets a new worker first (pool_worker_spawn).
 * Returns 0, or -1 with errno set when a write or spawn fails (the task stays queued). */
int pool_dispatch(struct pool *pool);

/* One step of progress: dispatches, then waits until a busy worker reports or the
 * deadline (a pool_now() time; negative: none) has passed, and handles every report
 * there is: a result finishes the worker's task; an end-of-file means the worker died:
 * its task finishes with ECHILD, the worker is reaped and replaced; then dispatches
 * again. Returns 1 when at least one report was handled; 0 when the deadline passed
 * first or when no worker is busy (nothing can arrive); -1 with errno on failure. */
int pool_pump(struct pool *pool, double deadline);

#endif
