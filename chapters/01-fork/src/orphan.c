/* orphan.c - a process whose parent ends is adopted, never left without a parent. */
#include "orphan.h"

#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t make_orphan(int report_fd)
{
    /* TODO: make a pipe and fork a child. The child forks the grandchild, writes its
     * pid to the pipe and ends at once with _exit(0). The grandchild polls
     * (nanosleep ~1 ms) until getppid() is no longer the child's pid (noted in the
     * child before its fork), writes a struct orphan_report
     * to report_fd and ends with _exit(0). The caller reads the grandchild's pid
     * from the pipe and waits for the child before returning it. */
    (void)report_fd;
    errno = ENOSYS;
    return -1;
}
