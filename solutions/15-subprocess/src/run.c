/* run.c - waiting for a child, and running a program from start to end. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

int child_wait(struct child *c, int *returncode)
{
    int status;
    while (waitpid(c->pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    /* Python's returncode: the exit status, or minus the signal that ended it */
    *returncode = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    return 0;
}

int subprocess_run(const char *const argv[], const void *input, size_t input_len,
                   double timeout_s, struct completed_process *result)
{
    *result = (struct completed_process){0};
    struct child c;
    if (child_start(argv, &c) < 0)
        return -1;
    int rc = child_communicate(&c, input, input_len, timeout_s, &result->out, &result->err);
    int saved = errno;
    /* Kill the group, not just the child: a grandchild would live on (holding the
     * pipes open in Python's run). Before the wait, while the pid is surely ours. */
    if (rc < 0)
        kill(-c.pid, SIGKILL);
    if (child_wait(&c, &result->returncode) < 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

void completed_process_free(struct completed_process *result)
{
    free(result->out.data);
    free(result->err.data);
    *result = (struct completed_process){0};
}
