/* process_terminate.c - ending a process from outside, like p.terminate(). */
#include "process.h"

#include <errno.h>
#include <signal.h>

int process_terminate(struct process *p)
{
    /* TODO: EINVAL when p was never started; nothing (return 0) when p has ended and
     * been reaped, since its pid may now be another process's; otherwise send
     * SIGTERM with kill() and return its result. Do not wait. */
    (void)p;
    errno = ENOSYS;
    return -1;
}
