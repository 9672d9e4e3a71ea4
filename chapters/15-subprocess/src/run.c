/* run.c - waiting for a child, and running a program from start to end. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

int child_wait(struct child *c, int *returncode)
{
    /* TODO: waitpid for c->pid, retrying on EINTR; the exit status, or minus the signal
     * number when a signal ended the child. */
    (void)c;
    (void)returncode;
    errno = ENOSYS;
    return -1;
}

int subprocess_run(const char *const argv[], const void *input, size_t input_len,
                   double timeout_s, struct completed_process *result)
{
    /* TODO: empty *result; child_start (return its error); child_communicate into
     * result->out and result->err; if that failed, SIGKILL the child's whole process
     * group; child_wait in every case; return communicate's result with its errno. */
    (void)argv;
    (void)input;
    (void)input_len;
    (void)timeout_s;
    *result = (struct completed_process){0};
    errno = ENOSYS;
    return -1;
}

void completed_process_free(struct completed_process *result)
{
    free(result->out.data);
    free(result->err.data);
    *result = (struct completed_process){0};
}
