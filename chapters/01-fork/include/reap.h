/* reap.h - zombies: a child that has ended stays a zombie until its parent waits.
 *
 * Python:  multiprocessing.active_children() joins the children that have ended.
 */
#ifndef REAP_H
#define REAP_H

#include <stddef.h>
#include <sys/types.h>

/* Reaps every child of the caller that has already ended (every zombie), without
 * blocking: children still running are left alone and the call returns at once.
 *
 * Stores the pids reaped in reaped[0 .. max-1]; when more than max were reaped, the
 * rest are reaped too but not stored. Returns how many were reaped (0 when there are
 * none, including when the caller has no children at all). Returns -1 with errno set
 * only when waitpid fails for another reason than having no children. */
int reap_ended_children(pid_t *reaped, size_t max);

#endif
