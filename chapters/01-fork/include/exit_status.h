/* exit_status.h - waiting for children and decoding how they ended.
 *
 * Python:  p.join(); p.exitcode    # 0, the exit code, or -N when signal N killed it
 */
#ifndef EXIT_STATUS_H
#define EXIT_STATUS_H

#include <stddef.h>
#include <sys/types.h>

/* Turns a wait status (from waitpid) into Python's exitcode: the exit code when the
 * process exited (0..255), minus the signal number when a signal killed it (a
 * process killed by SIGKILL gives -9). */
int exitcode_from_status(int status);

/* Waits until each of the n children in pids has ended, in whatever order they end,
 * and stores each one's exitcode (as exitcode_from_status) in codes[i], at the same
 * index as pids[i]. Blocks until all have ended. Only the listed children are waited
 * for: any other child of the caller is left for someone else to wait for.
 *
 * Returns 0. Returns -1 with errno set when waiting fails: ECHILD when a pid is not a
 * child of the caller (the children before it in pids have been waited for and their
 * codes stored). */
int wait_children(const pid_t *pids, size_t n, int *codes);

#endif
