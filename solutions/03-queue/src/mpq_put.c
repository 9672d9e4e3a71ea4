/* mpq_put.c - putting a message on the queue. */
#include "mpq.h"

#include <errno.h>
#include <unistd.h>

#include "timed_wait.h"

/* Writes all n bytes, however many write() calls the pipe needs: a write bigger
 * than the room left in the pipe is partial, or blocks until readers make room. */
static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -1;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

/* sem_wait, resumed after signals. */
static int sem_take(sem_t *sem)
{
    while (sem_wait(sem) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* Writes one frame (length, then bytes) while holding wlock, so that frames of
 * different producers never interleave. */
static int write_frame(struct mpq *q, const void *msg, size_t len)
{
    if (sem_take(&q->shared->wlock) < 0)
        return -1;
    int rc = write_all(q->write_fd, &len, sizeof len);
    if (rc == 0)
        rc = write_all(q->write_fd, msg, len);
    int saved = errno;
    sem_post(&q->shared->wlock);
    errno = saved;
    return rc;
}

int mpq_put(struct mpq *q, const void *msg, size_t len, bool block, double timeout)
{
    if (q->closed)
        return MPQ_CLOSED;
    /* First a place: this is what makes the queue bounded (Python: self._sem). */
    if (timed_sem_wait(&q->shared->slots, block, timeout) < 0) {
        if (errno == EAGAIN)
            return MPQ_FULL;
        return errno == ETIMEDOUT ? MPQ_TIMEOUT : MPQ_ERROR;
    }
    if (write_frame(q, msg, len) < 0) {
        int saved = errno;
        sem_post(&q->shared->slots); /* the place was not used */
        errno = saved;
        return MPQ_ERROR;
    }
    return MPQ_OK;
}
