/* run.h - waiting for a child, and running a program from start to end.
 *
 * Python:  p.wait()                                   # p.returncode
 *          r = subprocess.run(argv, input=data, capture_output=True, timeout=5)
 *          r.returncode, r.stdout, r.stderr           # or TimeoutExpired */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

#include "child.h"
#include "communicate.h"

/* Popen.wait(): waits for the child to end (retrying when a signal interrupts the
 * wait), reaps it and stores its return code in *returncode: its exit status, or -N
 * when signal N ended it (-15 for SIGTERM). Returns 0, or -1 with errno set. */
int child_wait(struct child *c, int *returncode);

/* subprocess.CompletedProcess: the return code and everything the child wrote. */
struct completed_process {
    int returncode;
    struct captured out; /* its stdout */
    struct captured err; /* its stderr */
};

/* subprocess.run(argv, input=..., capture_output=True, timeout=timeout_s): starts argv
 * (child_start), gives it input_len bytes of input and collects its two outputs
 * (child_communicate), waits for it and fills *result. A negative timeout_s: no limit.
 *
 * Returns 0 once the child has ended: result->returncode as child_wait gives it.
 * Returns -1 with errno set:
 *   ETIMEDOUT  timeout_s passed first: the child's whole process group (the child and
 *              every process it started) was killed with SIGKILL and the child waited
 *              for; result holds what it wrote until then, and returncode -9 (unless
 *              the child ended on its own just before the kill);
 *   ENOENT, EACCES, ... the program could not be started (child_start's errors);
 *   others     child_communicate's, after killing and waiting as for ETIMEDOUT.
 * In every case no descriptor is left open and the child is reaped; the caller frees
 * result with completed_process_free, whatever this returned. */
int subprocess_run(const char *const argv[], const void *input, size_t input_len,
                   double timeout_s, struct completed_process *result);

/* Frees what result holds and empties it. */
void completed_process_free(struct completed_process *result);

#endif
