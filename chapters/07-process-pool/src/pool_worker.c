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
    /* TODO: loop: read one struct pool_task_msg from task_fd (pool_read_full); at
     * end-of-file or when fn is NULL return 0; on an error or a message cut short
     * return -1; otherwise call fn(arg) and write its value as a struct pool_result_msg
     * to result_fd (pool_write_full), returning -1 if that fails. */
    (void)task_fd;
    (void)result_fd;
    errno = ENOSYS;
    return -1;
}

int pool_worker_spawn(struct pool *pool, size_t slot)
{
    /* TODO: make the task and result pipes, then fork. The child closes the ends that
     * belong to the parent (of its own pipes and of every other slot of the pool:
     * only the pool's descriptors, the program's own stay open), runs
     * pool_worker_loop and ends with _exit(0 or 1), never returning. The parent
     * closes the child's ends and fills pool->workers[slot]. On failure close what
     * was opened and return -1 keeping errno. */
    (void)pool;
    (void)slot;
    errno = ENOSYS;
    return -1;
}
