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

/* Sends the oldest queued task to the idle worker w. */
static int send_head(struct pool *pool, struct pool_worker *w)
{
    struct pool_result *task = pool->queue_head;
    struct pool_task_msg msg = {task->fn, task->arg};
    if (pool_write_full(w->task_fd, &msg, sizeof msg) < 0)
        return -1;
    pool->queue_head = task->next_queued;
    if (pool->queue_head == NULL)
        pool->queue_tail = NULL;
    task->state = TASK_RUNNING;
    w->running = task;
    return 0;
}

int pool_dispatch(struct pool *pool)
{
    for (size_t i = 0; i < pool->n_workers && pool->queue_head != NULL; i++) {
        struct pool_worker *w = &pool->workers[i];
        if (w->pid == 0 && pool_worker_spawn(pool, i) < 0)
            return -1;
        if (w->running == NULL && send_head(pool, w) < 0)
            return -1;
    }
    return 0;
}

/* Milliseconds for poll until deadline: -1 (forever) without one, never negative,
 * rounded up so that poll does not return before the deadline. */
static int poll_ms(double deadline)
{
    if (deadline < 0)
        return -1;
    double left = deadline - pool_now();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* The worker of slot died: reap it, close its pipes, start a new one in the slot. */
static int replace_worker(struct pool *pool, size_t slot)
{
    struct pool_worker *w = &pool->workers[slot];
    /* End-of-file means the process is exiting: this wait is short. */
    while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
        continue;
    close(w->task_fd);
    close(w->result_fd);
    *w = (struct pool_worker){.pid = 0, .task_fd = -1, .result_fd = -1, .running = NULL};
    return pool_worker_spawn(pool, slot);
}

/* Reads what the worker of slot reported: its result, or its death. */
static int collect(struct pool *pool, size_t slot)
{
    struct pool_worker *w = &pool->workers[slot];
    struct pool_result *task = w->running;
    struct pool_result_msg msg;
    ssize_t got = pool_read_full(w->result_fd, &msg, sizeof msg);
    w->running = NULL;
    if (got == (ssize_t)sizeof msg) {
        pool_task_finish(task, 0, msg.value);
        return 0;
    }
    /* End-of-file (or a message cut short): the worker died running the task. */
    pool_task_finish(task, ECHILD, 0);
    return replace_worker(pool, slot);
}

int pool_pump(struct pool *pool, double deadline)
{
    if (pool_dispatch(pool) < 0)
        return -1;
    struct pollfd *fds = calloc(pool->n_workers, sizeof *fds);
    size_t *slots = calloc(pool->n_workers, sizeof *slots);
    nfds_t n = 0;
    int rc = -1;
    if (fds == NULL || slots == NULL)
        goto out;
    for (size_t i = 0; i < pool->n_workers; i++)
        if (pool->workers[i].running != NULL) {
            fds[n] = (struct pollfd){.fd = pool->workers[i].result_fd, .events = POLLIN};
            slots[n++] = i;
        }
    if (n == 0) { /* nothing runs, so nothing can arrive: do not wait */
        rc = 0;
        goto out;
    }
    while ((rc = poll(fds, n, poll_ms(deadline))) < 0 && errno == EINTR)
        continue;
    if (rc <= 0)
        goto out;
    /* A dead worker's pipe reports POLLHUP rather than POLLIN: both mean "read it". */
    for (nfds_t i = 0; i < n; i++)
        if (fds[i].revents != 0 && collect(pool, slots[i]) < 0)
            rc = -1;
    if (rc > 0 && pool_dispatch(pool) < 0)
        rc = -1;
    rc = rc < 0 ? -1 : 1;
out:
    free(fds);
    free(slots);
    return rc;
}
