/* run_in_child.h - fork returns twice: run a function in a new process.
 *
 * Python:  pid = os.fork()
 *          if pid == 0: work(); os._exit(0)      # the child
 *          else: ...                             # the parent, pid is the child's
 */
#ifndef RUN_IN_CHILD_H
#define RUN_IN_CHILD_H

#include <sys/types.h>

typedef int (*child_fn)(void *arg);

/* Starts a child process that calls fn(arg) and then ends with _exit() of fn's return
 * value (only its low 8 bits reach the parent: 300 arrives as 44).
 *
 * The child never returns from run_in_child, and it ends with _exit, not exit: exit
 * would flush, a second time, the stdio buffers it inherited from the parent.
 *
 * In the parent, returns the child's pid (> 0) at once, without waiting for the
 * child: the caller waits for it (waitpid). When fork fails, returns -1 with errno
 * set by fork, and no child exists. */
pid_t run_in_child(child_fn fn, void *arg);

#endif
