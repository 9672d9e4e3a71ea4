/* timed_wait.c - waiting with Python's block/timeout rules. */
#include "timed_wait.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

int timed_sem_wait(sem_t *sem, bool block, double timeout)
{
    /* TODO: block false: sem_trywait (its EAGAIN is our answer). Block true with a
     * negative timeout: sem_wait. Otherwise compute the deadline once (now on
     * CLOCK_MONOTONIC + timeout) and call sem_clockwait(sem, CLOCK_MONOTONIC,
     * &deadline), which fails with ETIMEDOUT. Retry sem_wait and sem_clockwait on
     * EINTR: with an absolute deadline, the time already waited is not waited
     * again. */
    (void)sem;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int timed_poll_in(int fd, bool block, double timeout)
{
    /* TODO: poll(fd, POLLIN) with 0 ms (block false), -1 (forever) or the
     * milliseconds left until the deadline, rounded up. Any revents counts as
     * readable. When poll returns 0: EAGAIN (block false) or ETIMEDOUT (block true,
     * deadline reached; poll again if time is left). On EINTR poll again with the
     * time left. */
    (void)fd;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}
