/* process_wait.c - waiting for a process: join(timeout), is_alive, exitcode. */
#include "process.h"

#include <errno.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Records how p ended (status from waitpid) and releases what it held. */
static void record_end(struct process *p, int status)
{
    p->exitcode = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    p->state = PROCESS_ENDED;
    close(p->sentinel);
    p->sentinel = -1;
    process_children_remove(p);
}

/* waitpid(pid, flags) for p, retried on EINTR. Returns 1 when p was reaped now, 0
 * when it is still running (WNOHANG), -1 on error. */
static int reap(struct process *p, int flags)
{
    int status;
    pid_t got;
    do
        got = waitpid(p->pid, &status, flags);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
        return (int)got;
    record_end(p, status);
    return 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until the sentinel reads end-of-file (the child ended) or the timeout
 * passes. Returns 1 when it ended, 0 on timeout, -1 on error. */
static int wait_sentinel(int fd, double timeout)
{
    double deadline = now() + timeout;
    for (;;) {
        int ms = -1;
        if (timeout >= 0) {
            double left = deadline - now();
            /* Round up, never early; cap, or a huge timeout would overflow int. */
            ms = left <= 0 ? 0 : left > 1e6 ? 1000 * 1000 * 1000 : (int)(left * 1000 + 0.999);
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int n = poll(&pfd, 1, ms);
        if (n > 0)
            return 1;
        if (n == 0 && now() >= deadline) /* else poll woke early: wait for the rest */
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

int process_join(struct process *p, double timeout)
{
    if (p->state == PROCESS_CREATED) {
        errno = EINVAL;
        return -1;
    }
    if (p->state == PROCESS_ENDED)
        return 0;
    if (p->parent != getpid()) {
        errno = ECHILD;
        return -1;
    }
    int ended = wait_sentinel(p->sentinel, timeout);
    if (ended < 0)
        return -1;
    if (ended == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    /* End-of-file: the child has closed its last descriptor, so it is exiting;
     * this wait is short. */
    return reap(p, 0) < 0 ? -1 : 0;
}

bool process_is_alive(struct process *p)
{
    if (p->state != PROCESS_STARTED || p->parent != getpid())
        return false;
    return reap(p, WNOHANG) == 0;
}

int process_exitcode(struct process *p)
{
    process_is_alive(p); /* reaps p when it has just ended */
    return p->state == PROCESS_ENDED ? p->exitcode : PROCESS_NO_EXITCODE;
}
