/* exit_status.c - waiting for children and decoding how they ended. */
#include "exit_status.h"

#include <errno.h>
#include <sys/wait.h>

int exitcode_from_status(int status)
{
    /* TODO: the exit code when the process exited (WIFEXITED, WEXITSTATUS), minus
     * the signal number when a signal killed it (WIFSIGNALED, WTERMSIG). */
    (void)status;
    return 999;
}

int wait_children(const pid_t *pids, size_t n, int *codes)
{
    /* TODO: waitpid for each pids[i] (only those: not -1) and store its exitcode in
     * codes[i]. Retry when a signal interrupts the wait (EINTR). On any other error
     * return -1, keeping waitpid's errno. */
    (void)pids;
    (void)n;
    (void)codes;
    errno = ENOSYS;
    return -1;
}
