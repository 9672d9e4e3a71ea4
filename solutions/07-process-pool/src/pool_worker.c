/* pool_worker.c - the worker's side: its loop, and how a worker is started. */
#include "pool_internal.h"

#include <errno.h>
#include <unistd.h>

ssize_t pool_read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t got = read(fd, (char *)buf + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (ssize_t)done;
}

int pool_write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t put = write(fd, (const char *)buf + done, n - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -1;
        done += (size_t)put;
    }
    return 0;
}

int pool_worker_loop(int task_fd, int result_fd)
{
    for (;;) {
        struct pool_task_msg task;
        ssize_t got = pool_read_full(task_fd, &task, sizeof task);
        if (got == 0)
            return 0; /* end-of-file: the parent is gone, nobody wants results */
        if (got != (ssize_t)sizeof task)
            return -1;
        if (task.fn == NULL)
            return 0; /* told to end: works even if another process holds the write end */
        struct pool_result_msg result = {task.fn(task.arg)};
        if (pool_write_full(result_fd, &result, sizeof result) < 0)
            return -1;
    }
}

/* In a new worker: close the parent's ends of every other slot. Had the worker kept
 * them, another worker's pipe would still have a writer when the parent dies. The
 * program's own descriptors stay open: tasks may use them. */
static void close_other_slots(const struct pool *pool)
{
    for (size_t i = 0; i < pool->n_workers; i++) {
        if (pool->workers[i].task_fd >= 0)
            close(pool->workers[i].task_fd);
        if (pool->workers[i].result_fd >= 0)
            close(pool->workers[i].result_fd);
    }
}

static void close_pair(int fds[2])
{
    int saved = errno;
    close(fds[0]);
    close(fds[1]);
    errno = saved;
}

int pool_worker_spawn(struct pool *pool, size_t slot)
{
    int task[2], result[2];
    if (pipe(task) < 0)
        return -1;
    if (pipe(result) < 0) {
        close_pair(task);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close_pair(task);
        close_pair(result);
        return -1;
    }
    if (pid == 0) {
        /* The worker keeps the task read end and the result write end, nothing else. */
        close(task[1]);
        close(result[0]);
        close_other_slots(pool);
        _exit(pool_worker_loop(task[0], result[1]) == 0 ? 0 : 1);
    }
    /* The parent keeps the other two ends: with the result write end closed here, the
     * worker is the only writer, so its death shows as end-of-file. */
    close(task[0]);
    close(result[1]);
    pool->workers[slot] = (struct pool_worker){
        .pid = pid, .task_fd = task[1], .result_fd = result[0], .running = NULL};
    return 0;
}
