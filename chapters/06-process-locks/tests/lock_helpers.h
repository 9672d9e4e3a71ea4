/* lock_helpers.h - what the chapter 06 tests share: holders, watchers, signals. */
#ifndef LOCK_HELPERS_H
#define LOCK_HELPERS_H

#include <stdbool.h>
#include <sys/types.h>

/* A child that takes something (a lock, a unit of a semaphore), says so, and holds it
 * until told to let go. */
struct holder {
    pid_t pid;
    int told_fd;    /* the test writes here (or closes it) to make the child go on */
    int holding_fd; /* the child writes one byte here once it holds */
};

/* Starts a child that runs take(arg) (returns 0 on success), reports, waits to be
 * told, then runs give(arg) (NULL: ends without giving back) and exits 0 when both
 * succeeded. Returns once the child holds; fails the test if take failed. */
struct holder holder_start(int (*take)(void *), int (*give)(void *), void *arg);

/* Tells the holder to go on and returns its exit code. */
int holder_finish(struct holder *h);

/* Runs call(arg) in a child while the test holds something that call needs; watches
 * until the child sleeps inside call (read from /proc: structural, no timing) or call
 * returns. Then runs release(arg) in the test process, waits for the child and
 * returns: 0 when the child slept until the release and call then succeeded; 1 when
 * call returned before the release; 2 when call failed after the release. */
int sleeps_until_released(int (*call)(void *), int (*release)(void *), void *arg);


#endif
