/* pool_pump.c - moving tasks to workers and results back, and replacing dead workers. */
#include "pool_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double pool_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double pool_deadline(double timeout)
{
    return timeout < 0 ? -1 : pool_now() + timeout;
}

void pool_task_finish(struct pool_result *task, int error, long value)
{
    task->state = TASK_DONE;
    task->error = error;
    task->value = value;
    if (task->iter != NULL && task->iter->unordered)
        task->iter->finished[task->iter->n_finished++] = task;
}

int pool_dispatch(struct pool *pool)
{
    /* TODO: while tasks are queued, give the oldest one to an idle worker: write a
     * struct pool_task_msg to its task_fd, take the task off the queue, mark it
     * TASK_RUNNING and set the worker's running. A slot whose pid is 0 gets a worker
     * first (pool_worker_spawn). Stop when the queue is empty or every worker is busy. */
    (void)pool;
    errno = ENOSYS;
    return -1;
}

int pool_pump(struct pool *pool, double deadline)
{
    /* TODO: dispatch; poll the result_fd of every busy worker until the deadline
     * (milliseconds rounded up, so as not to return early; -1 without a deadline;
     * retry on EINTR). Return 0 at once when no worker is busy, 0 when poll timed out.
     * For each descriptor with events: read a struct pool_result_msg and finish the
     * worker's task with its value; at end-of-file the worker died: finish its task
     * with ECHILD, reap it (waitpid), close its pipes and start a new worker in the
     * slot. Dispatch again and return 1. */
    (void)pool;
    (void)deadline;
    errno = ENOSYS;
    return -1;
}
