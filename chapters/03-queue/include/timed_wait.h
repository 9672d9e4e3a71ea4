/* timed_wait.h - waiting with Python's block/timeout rules.
 *
 * Python:  q.get(block=True, timeout=None)   # wait as long as it takes
 *          q.get(block=True, timeout=5)      # wait at most 5 s
 *          q.get(block=False)                # do not wait; timeout is ignored
 *
 * Both functions follow those rules: block false tries once and never waits;
 * block true with a negative timeout waits as long as it takes; block true with
 * timeout >= 0 waits at most timeout seconds (0: tries once). The timeout is
 * measured on CLOCK_MONOTONIC and never ends early; a signal that interrupts the wait
 * does not end it (the wait goes on for the time left).
 */
#ifndef TIMED_WAIT_H
#define TIMED_WAIT_H

#include <semaphore.h>
#include <stdbool.h>

/* Takes one token from sem (sem_wait), waiting as the rules above say.
 *
 * Returns 0 when a token was taken. Returns -1 with errno:
 *   EAGAIN     block is false and sem had no token,
 *   ETIMEDOUT  block is true and the timeout passed without a token,
 *   or the errno of a failing semaphore call (EINVAL: not a semaphore). */
int timed_sem_wait(sem_t *sem, bool block, double timeout);

/* Waits until fd is readable or at end-of-file (poll POLLIN; POLLHUP and POLLERR
 * count as readable, so that the caller's read reports what happened), waiting as
 * the rules above say. Reads nothing.
 *
 * Returns 0 when fd is readable. Returns -1 with errno EAGAIN (block false, nothing
 * to read), ETIMEDOUT (block true, timeout passed), or the errno of poll. */
int timed_poll_in(int fd, bool block, double timeout);

#endif
