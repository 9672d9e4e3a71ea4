/* conn_poll.c - is there something to receive? */
#include "conn_poll.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The milliseconds poll() should wait to reach deadline: rounded up, so that poll
 * never returns before the deadline; -1 (forever) for an infinite deadline. */
static int ms_until(double deadline)
{
    if (isinf(deadline))
        return -1;
    double left = deadline - now();
    if (left <= 0)
        return 0;
    double ms = ceil(left * 1000);
    return ms > 1e9 ? 1000000000 : (int)ms;
}

int conn_poll(struct conn *c, double timeout)
{
    if (c->fd < 0 || !c->readable) {
        errno = EBADF;
        return -1;
    }
    /* A deadline on the monotonic clock, so that a retry after a signal waits only
     * for the time that is left, and a change of the wall clock changes nothing. */
    double deadline = timeout < 0 ? INFINITY : now() + timeout;
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    for (;;) {
        /* POLLHUP (other end closed) also counts as ready: recv would report EOF. */
        int n = poll(&p, 1, ms_until(deadline));
        if (n > 0)
            return 1;
        if (n == 0 && ms_until(deadline) == 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
        /* EINTR, or poll woke a little early: wait for what is left. */
    }
}
