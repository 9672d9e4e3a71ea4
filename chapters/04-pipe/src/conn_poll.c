/* conn_poll.c - is there something to receive? */
#include "conn_poll.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <time.h>

int conn_poll(struct conn *c, double timeout)
{
    /* TODO: EBADF unless the end is open and readable. Compute a deadline on
     * CLOCK_MONOTONIC (none when timeout < 0), then poll() the descriptor for POLLIN
     * with the milliseconds left, rounded up. Ready (> 0) returns 1. When poll fails
     * with EINTR, or returns 0 before the deadline, poll again for the time left;
     * return 0 only once the deadline has passed. */
    (void)c;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}
