/* copy_on_write.c - after fork, each process has its own copy of memory. */
#include "copy_on_write.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's side: change its copy, report what it sees, end. */
static void child_modify(int *value, int delta, int report_fd)
{
    *value += delta;
    /* One write of a few bytes to a pipe is atomic: no loop needed. */
    ssize_t put = write(report_fd, value, sizeof *value);
    _exit(put == (ssize_t)sizeof *value ? 0 : 1);
}

/* Reads the child's report; the read end sees end-of-file once the child is gone. */
static int read_report(int fd, int *seen)
{
    ssize_t got;
    do
        got = read(fd, seen, sizeof *seen);
    while (got < 0 && errno == EINTR);
    return got == (ssize_t)sizeof *seen ? 0 : -1;
}

static int wait_for(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

int fork_and_modify(int *value, int delta, struct cow_report *out)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_modify(value, delta, fds[1]);
    }
    /* The parent closes its write end, or the read would never see end-of-file. */
    close(fds[1]);
    int seen, status;
    int reported = read_report(fds[0], &seen);
    close(fds[0]);
    if (wait_for(pid, &status) < 0)
        return -1;
    if (reported < 0) {
        errno = EIO;
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = ECHILD;
        return -1;
    }
    *out = (struct cow_report){.child = pid, .seen_by_child = seen, .seen_by_parent = *value};
    return 0;
}
