/* mpq_get.c - getting a message from the queue. */
#include "mpq.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "timed_wait.h"

/* Reads exactly n bytes; a frame that ends early is an error (EIO). */
static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t got = read(fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Reads one whole frame into a malloc'd buffer; returns its length or -1. */
static ssize_t read_frame(int fd, void **msg)
{
    size_t len;
    if (read_all(fd, &len, sizeof len) < 0)
        return -1;
    char *buf = malloc(len > 0 ? len : 1); /* never NULL on success, even when empty */
    if (buf == NULL)
        return -1;
    if (read_all(fd, buf, len) < 0) {
        free(buf);
        return -1;
    }
    *msg = buf;
    return (ssize_t)len;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Maps a failed timed wait to get's result. */
static ssize_t wait_failure(void)
{
    if (errno == EAGAIN)
        return MPQ_EMPTY;
    return errno == ETIMEDOUT ? MPQ_TIMEOUT : MPQ_ERROR;
}

ssize_t mpq_get(struct mpq *q, void **msg, bool block, double timeout)
{
    *msg = NULL;
    if (q->closed)
        return MPQ_CLOSED;
    double start = now();
    /* Our turn to read: one reader at a time, so a frame is never split. */
    if (timed_sem_wait(&q->shared->rlock, block, timeout) < 0)
        return wait_failure();
    /* The timeout covers both waits: what is left of it goes to the second. */
    double left = timeout;
    if (timeout >= 0) {
        left = timeout - (now() - start);
        if (left < 0)
            left = 0;
    }
    ssize_t len;
    if (timed_poll_in(q->read_fd, block, left) < 0)
        len = wait_failure();
    else if ((len = read_frame(q->read_fd, msg)) < 0)
        len = MPQ_ERROR;
    int saved = errno;
    sem_post(&q->shared->rlock);
    if (len >= 0)
        sem_post(&q->shared->slots); /* a place is free again: wakes a waiting put */
    errno = saved;
    return len;
}
