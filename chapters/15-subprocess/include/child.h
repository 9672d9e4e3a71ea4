/* child.h - a program started in a child process, its three standard streams piped to
 * the parent.
 *
 * Python:  p = subprocess.Popen(argv, stdin=PIPE, stdout=PIPE, stderr=PIPE,
 *                               process_group=0)      # close_fds=True by default
 *
 * A struct child is the parent's view of it: the child's pid and the parent's ends of
 * the three pipes. communicate.h moves the bytes; run.h waits for the child. */
#ifndef CHILD_H
#define CHILD_H

#include <sys/types.h>

struct child {
    pid_t pid;     /* the child's pid, which is also its process group's id */
    int stdin_fd;  /* the write end of the child's stdin, or -1 once closed */
    int stdout_fd; /* the read end of the child's stdout, or -1 once closed */
    int stderr_fd; /* the read end of the child's stderr, or -1 once closed */
};

/* Popen(argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, process_group=0): starts the
 * program argv[0] with the arguments argv (a NULL-terminated array), looked up in PATH
 * when argv[0] has no '/' (as execvp does), in a child process that
 *   - leads a new process group: its group id is its pid, so that killing the group
 *     (run.h) ends the child and every process it starts;
 *   - reads its stdin from a pipe and writes its stdout and stderr to two more pipes,
 *     whose other ends the parent gets in *c, each close-on-exec;
 *   - inherits no other descriptor of the parent, even one opened without
 *     close-on-exec (Python's close_fds=True).
 * This works whatever descriptors the caller has closed, 0, 1 and 2 included.
 *
 * Returns 0 once the child runs the program: when it returns, the exec has happened.
 * Returns -1 with errno set, leaving no process and no descriptor behind:
 *   ENOENT, EACCES, ...  the program could not be executed: the exec's own error,
 *                        which the child sends to the parent before it ends;
 *   EINVAL               argv or argv[0] is NULL;
 *   EMFILE, EAGAIN, ...  a pipe or the fork failed. */
int child_start(const char *const argv[], struct child *c);

#endif
