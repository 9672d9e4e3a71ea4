/* exit_status.c - waiting for children and decoding how they ended. */
#include "exit_status.h"

#include <errno.h>
#include <sys/wait.h>

int exitcode_from_status(int status)
{
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return WEXITSTATUS(status);
}

int wait_children(const pid_t *pids, size_t n, int *codes)
{
    for (size_t i = 0; i < n; i++) {
        int status;
        pid_t got;
        /* Waiting in list order is fine: a child that ends early stays a zombie,
         * its status kept, until we come to it. A signal may interrupt the wait. */
        do
            got = waitpid(pids[i], &status, 0);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            return -1;
        codes[i] = exitcode_from_status(status);
    }
    return 0;
}
