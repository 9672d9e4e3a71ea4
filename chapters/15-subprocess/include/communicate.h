/* communicate.h - feeding a child its input while collecting both its outputs.
 *
 * Python:  out, err = p.communicate(input=data, timeout=5)
 *
 * A pipe holds 64 KiB. A parent that first writes all the input and then reads, or
 * reads all of stdout before stderr, waits forever as soon as the child fills the
 * pipe the parent is not reading while the parent waits on the other one. So one
 * loop waits (poll) for any of the three pipes to be ready, and serves whichever is. */
#ifndef COMMUNICATE_H
#define COMMUNICATE_H

#include <stddef.h>

#include "child.h"

/* What a child wrote to one stream: len bytes at data (NULL when none were read),
 * allocated with malloc: the caller frees data. */
struct captured {
    char *data;
    size_t len;
};

/* communicate(input, timeout): writes input_len bytes of input to c->stdin_fd, then
 * closes it (so that the child sees end of file: with input_len 0, at once); at the
 * same time reads c->stdout_fd into *out and c->stderr_fd into *err until end of file
 * on both. Blocks until then, or until timeout_s seconds have passed (a negative
 * timeout_s: no limit). Retries calls that a signal interrupts (EINTR).
 *
 * A child that ends or closes its stdin before reading all the input is no error: the
 * rest of the input is dropped. The SIGPIPE that writing to it raises neither kills
 * the caller nor reaches it later: the signal mask of the calling thread, and any
 * SIGPIPE that was already pending, are as they were when this returns.
 *
 * On return, whatever happened, the three descriptors are closed and set to -1, and
 * *out and *err hold the bytes read (the caller frees their data). It does not wait
 * for the child to end.
 * Returns 0 once both outputs reached end of file. Returns -1 with errno set:
 *   ETIMEDOUT  timeout_s passed first: *out and *err hold what was read until then;
 *   ENOMEM     no memory for the output;
 *   EBADF, ... a poll, read or write failed. */
int child_communicate(struct child *c, const void *input, size_t input_len,
                      double timeout_s, struct captured *out, struct captured *err);

#endif
