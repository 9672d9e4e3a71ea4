/* mpq_get.c - getting a message from the queue. */
#include "mpq.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "timed_wait.h"

ssize_t mpq_get(struct mpq *q, void **msg, bool block, double timeout)
{
    /* TODO: set *msg to NULL; MPQ_CLOSED when q is closed. Take rlock with
     * timed_sem_wait(rlock, block, timeout), then wait for data with
     * timed_poll_in(read_fd, block, time left of the same timeout); EAGAIN is
     * MPQ_EMPTY, ETIMEDOUT is MPQ_TIMEOUT. Read the frame: a size_t length, then
     * that many bytes into a malloc'd buffer (at least 1 byte); read() may return
     * less than asked: loop, retry on EINTR, and treat end-of-file as EIO. Release
     * rlock in every case after taking it; after a successful read also post slots
     * (the place is free again). Return the length. */
    (void)q;
    (void)block;
    (void)timeout;
    *msg = NULL;
    errno = ENOSYS;
    return MPQ_ERROR;
}
