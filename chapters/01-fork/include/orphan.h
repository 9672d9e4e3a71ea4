/* orphan.h - a process whose parent ends is adopted, never left without a parent.
 *
 * Python:  the seeds note that a parent that ends does not end its children.
 */
#ifndef ORPHAN_H
#define ORPHAN_H

#include <sys/types.h>

/* The two parents an orphan reports, in this order, to report_fd. */
struct orphan_report {
    pid_t parent_at_start; /* the child that forked the grandchild */
    pid_t adopted_by;      /* getppid() in the grandchild once that child has ended */
};

/* Makes an orphan. Forks a child that forks a grandchild and then ends at once with
 * _exit(0). The grandchild waits until its parent has ended, that is until getppid()
 * no longer returns the child's pid, then writes one struct orphan_report to
 * report_fd and ends with _exit(0).
 *
 * The child's pid must be noted before the fork (getpid() in the child, inherited by
 * the grandchild): by the time the grandchild runs, the child may already have ended,
 * and getppid() would then already name the adopter.
 *
 * The adopter is the nearest ancestor that asked to be a "child subreaper"
 * (prctl(PR_SET_CHILD_SUBREAPER)), or else init (pid 1).
 *
 * The caller waits for the child (not the grandchild, which is no longer its child
 * unless the caller is the adopter) before returning. The child passes the
 * grandchild's pid to the caller through a pipe.
 *
 * Returns the grandchild's pid. Returns -1 with errno set when pipe or fork fails or
 * when the child does not report the grandchild's pid (errno EIO). */
pid_t make_orphan(int report_fd);

#endif
