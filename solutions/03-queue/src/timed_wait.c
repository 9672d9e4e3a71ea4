/* timed_wait.c - waiting with Python's block/timeout rules. */
#include "timed_wait.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

/* The moment timeout seconds from now on CLOCK_MONOTONIC. */
static struct timespec deadline_after(double timeout)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    time_t whole = (time_t)timeout;
    long nsec = t.tv_nsec + (long)((timeout - (double)whole) * 1e9);
    t.tv_sec += whole + nsec / 1000000000L;
    t.tv_nsec = nsec % 1000000000L;
    return t;
}

/* Milliseconds from now until deadline, rounded up (a wait must never end early). */
static int ms_until(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double left = (double)(deadline->tv_sec - now.tv_sec) +
                  (double)(deadline->tv_nsec - now.tv_nsec) / 1e9;
    if (left <= 0)
        return 0;
    return left > 1e6 ? 1000 * 1000 * 1000 : (int)(left * 1000 + 0.999);
}

int timed_sem_wait(sem_t *sem, bool block, double timeout)
{
    if (!block) {
        /* sem_trywait fails with EAGAIN when there is no token: our own answer. */
        return sem_trywait(sem);
    }
    struct timespec deadline = deadline_after(timeout);
    for (;;) {
        /* sem_clockwait takes an absolute time: after EINTR the same deadline
         * stands, so the time already waited is not waited again. */
        int rc = timeout < 0 ? sem_wait(sem) : sem_clockwait(sem, CLOCK_MONOTONIC, &deadline);
        if (rc == 0 || errno != EINTR)
            return rc;
    }
}

int timed_poll_in(int fd, bool block, double timeout)
{
    struct timespec deadline = deadline_after(block && timeout > 0 ? timeout : 0);
    for (;;) {
        int ms = !block ? 0 : timeout < 0 ? -1 : ms_until(&deadline);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int n = poll(&pfd, 1, ms);
        if (n > 0)
            return 0; /* POLLIN, or POLLHUP/POLLERR: the caller's read will tell */
        if (n == 0 && (ms == 0 || ms_until(&deadline) == 0)) {
            errno = block ? ETIMEDOUT : EAGAIN;
            return -1;
        }
        if (n < 0 && errno != EINTR)
            return -1;
    }
}
