/* copy_on_write.h - after fork, each process has its own copy of memory.
 *
 * Python:  num = 100; a child process does num += 1; the parent still sees 100.
 */
#ifndef COPY_ON_WRITE_H
#define COPY_ON_WRITE_H

#include <sys/types.h>

struct cow_report {
    pid_t child;        /* the pid of the child that made the change */
    int seen_by_child;  /* *value in the child, after its change */
    int seen_by_parent; /* *value in the parent, after the child ended */
};

/* Forks a child that adds delta to *value and sends the value it then sees to the
 * parent through a pipe. The parent waits for the child to end (the child is reaped
 * before return) and fills *out: the child's pid, what the child saw, and what the
 * parent sees in *value afterwards.
 *
 * Returns 0. Returns -1 with errno set when pipe or fork fails, when the child does
 * not report (errno EIO) or does not exit with status 0 (errno ECHILD); no child is
 * left behind and no descriptor is leaked in any case. */
int fork_and_modify(int *value, int delta, struct cow_report *out);

#endif
