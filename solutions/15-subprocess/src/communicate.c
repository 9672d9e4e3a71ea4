/* communicate.c - feeding a child its input while collecting both its outputs. */
#include "communicate.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* How much to read at a time; the buffer always has this much room before a read. */
enum { READ_CHUNK = 64 * 1024 };

/* Indices into the poll array. */
enum { IN, OUT, ERR, N_STREAMS };

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* poll's timeout until deadline (a negative deadline: none, -1), in whole milliseconds
 * rounded up, so that a wait never ends before the deadline; 0 once it has passed. */
static int poll_timeout(double deadline)
{
    if (deadline < 0)
        return -1;
    double left_ms = (deadline - now()) * 1000;
    if (left_ms <= 0)
        return 0;
    if (left_ms >= INT_MAX)
        return INT_MAX;
    int ms = (int)left_ms;
    return ms < left_ms ? ms + 1 : ms;
}

/* Reads what fd has into buf, growing it; at end of file closes fd. 0 or -1. */
static int read_some(int *fd, struct captured *buf, size_t *cap)
{
    if (*cap - buf->len < READ_CHUNK) {
        size_t bigger = *cap == 0 ? READ_CHUNK : *cap * 2; /* doubling: O(n) copies */
        char *data = realloc(buf->data, bigger);
        if (data == NULL)
            return -1; /* errno is ENOMEM */
        buf->data = data;
        *cap = bigger;
    }
    ssize_t got = read(*fd, buf->data + buf->len, *cap - buf->len);
    if (got < 0)
        return errno == EINTR ? 0 : -1;
    if (got == 0)
        close_fd(fd);
    buf->len += (size_t)got;
    return 0;
}

/* Writes the next piece of input; once all is written, or the child no longer reads
 * (EPIPE), closes fd so that the child sees end of file. 0 or -1.
 *
 * Only PIPE_BUF bytes at a time: poll's POLLOUT promises room for that much, and a
 * larger write to a full pipe would block until the child reads, while the child may
 * be blocked writing to stdout, which we would not be reading meanwhile. */
static int write_some(int *fd, const char *input, size_t len, size_t *done, bool *broke)
{
    size_t n = len - *done < PIPE_BUF ? len - *done : PIPE_BUF;
    ssize_t put = write(*fd, input + *done, n);
    if (put < 0 && errno == EPIPE)
        *broke = true; /* Python's communicate ignores BrokenPipeError too */
    else if (put < 0)
        return errno == EINTR ? 0 : -1;
    else
        *done += (size_t)put;
    if (*broke || *done == len)
        close_fd(fd);
    return 0;
}

/* Python ignores SIGPIPE in the whole process at start-up; a C library function must
 * not change the process's dispositions, so this blocks it in the calling thread only.
 * A write to a pipe nobody reads then fails with EPIPE, and its SIGPIPE (sent to this
 * thread) stays pending. */
static void block_sigpipe(sigset_t *old, bool *was_pending)
{
    sigset_t pipe_only, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&pending);
    *was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, old);
}

/* Takes the SIGPIPE our EPIPE raised, unless the caller had one pending before (they
 * do not queue: it is the same one), then restores the caller's mask: unblocked, a
 * pending SIGPIPE would kill the process at once. */
static void restore_sigpipe(const sigset_t *old, bool was_pending, bool broke)
{
    if (broke && !was_pending) {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        struct timespec no_wait = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &no_wait) < 0 && errno == EINTR)
            continue;
    }
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* The poll loop: serves whichever of the open descriptors is ready until all three
 * are closed. 0, or -1 with errno. */
static int serve(struct child *c, const char *input, size_t len, double deadline,
                 struct captured *out, struct captured *err, bool *broke)
{
    size_t done = 0, out_cap = 0, err_cap = 0;
    if (len == 0)
        close_fd(&c->stdin_fd);
    while (c->stdin_fd >= 0 || c->stdout_fd >= 0 || c->stderr_fd >= 0) {
        /* poll skips negative descriptors: a closed stream drops out by itself */
        struct pollfd fds[N_STREAMS] = {{c->stdin_fd, POLLOUT, 0},
                                        {c->stdout_fd, POLLIN, 0},
                                        {c->stderr_fd, POLLIN, 0}};
        /* checked before each poll, not only when poll times out: a child that
         * writes without pause would otherwise keep every poll ready forever */
        int wait_ms = poll_timeout(deadline);
        if (wait_ms == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        int ready = poll(fds, N_STREAMS, wait_ms);
        if (ready < 0 && errno != EINTR)
            return -1;
        if (ready <= 0)
            continue; /* interrupted, or the deadline came: the check above says */
        /* POLLHUP and POLLERR too: the read sees end of file, the write EPIPE */
        if (fds[IN].revents && write_some(&c->stdin_fd, input, len, &done, broke) < 0)
            return -1;
        if (fds[OUT].revents && read_some(&c->stdout_fd, out, &out_cap) < 0)
            return -1;
        if (fds[ERR].revents && read_some(&c->stderr_fd, err, &err_cap) < 0)
            return -1;
    }
    return 0;
}

int child_communicate(struct child *c, const void *input, size_t input_len,
                      double timeout_s, struct captured *out, struct captured *err)
{
    *out = (struct captured){NULL, 0};
    *err = (struct captured){NULL, 0};
    double deadline = timeout_s < 0 ? -1 : now() + timeout_s;
    sigset_t old_mask;
    bool was_pending, broke = false;
    block_sigpipe(&old_mask, &was_pending);
    int rc = serve(c, input, input_len, deadline, out, err, &broke);
    int saved = errno;
    restore_sigpipe(&old_mask, was_pending, broke);
    close_fd(&c->stdin_fd);
    close_fd(&c->stdout_fd);
    close_fd(&c->stderr_fd);
    errno = saved;
    return rc;
}
