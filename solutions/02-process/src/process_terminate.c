/* process_terminate.c - ending a process from outside, like p.terminate(). */
#include "process.h"

#include <errno.h>
#include <signal.h>

int process_terminate(struct process *p)
{
    if (p->state == PROCESS_CREATED) {
        errno = EINVAL;
        return -1;
    }
    /* Once reaped, the pid is free for the system to give to a new process. */
    if (p->state == PROCESS_ENDED)
        return 0;
    /* Not reaped yet: the pid is still ours, even if the child is a zombie. */
    return kill(p->pid, SIGTERM);
}
