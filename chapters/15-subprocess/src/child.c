/* child.c - a program started in a child process, its three streams piped to us. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>
#include <sys/wait.h>

int child_start(const char *const argv[], struct child *c)
{
    /* TODO: EINVAL for a NULL argv or argv[0]. Make four pipes with O_CLOEXEC: stdin,
     * stdout, stderr and an error pipe. Fork. The child: setpgid(0, 0); copies its three
     * ends to descriptors 3 or above (fcntl F_DUPFD_CLOEXEC), then dup2s the copies onto
     * 0, 1 and 2; close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); execvp; on any failure it
     * writes errno (4 bytes) to the error pipe and calls _exit(127). The parent closes
     * the child's ends and the error pipe's write end, then reads the error pipe: end of
     * file means the exec succeeded; 4 bytes are the child's errno: close everything,
     * reap the child and return -1 with that errno. On success fill *c. */
    (void)argv;
    (void)c;
    errno = ENOSYS;
    return -1;
}
