/* reap.c - zombies: a child that has ended stays a zombie until its parent waits. */
#include "reap.h"

#include <errno.h>
#include <sys/wait.h>

int reap_ended_children(pid_t *reaped, size_t max)
{
    int count = 0;
    for (;;) {
        /* WNOHANG: return 0 at once when children exist but none has ended. */
        pid_t pid = waitpid(-1, NULL, WNOHANG);
        if (pid > 0) {
            if ((size_t)count < max)
                reaped[count] = pid;
            count++;
        } else if (pid == 0 || errno == ECHILD) {
            return count; /* nothing more has ended, or no children at all */
        } else if (errno != EINTR) {
            return -1;
        }
    }
}
