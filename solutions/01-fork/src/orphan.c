/* orphan.c - a process whose parent ends is adopted, never left without a parent. */
#include "orphan.h"

#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The grandchild: wait to be adopted, then say by whom. */
static void grandchild(int report_fd, pid_t parent)
{
    struct orphan_report report = {.parent_at_start = parent};
    /* Nothing tells a process that its parent has ended: look every millisecond. */
    const struct timespec pause = {0, 1000 * 1000};
    while ((report.adopted_by = getppid()) == report.parent_at_start)
        nanosleep(&pause, NULL);
    ssize_t put = write(report_fd, &report, sizeof report);
    _exit(put == (ssize_t)sizeof report ? 0 : 1);
}

/* The child: start the grandchild, tell the caller its pid, end at once. */
static void child(int report_fd, int pid_fd)
{
    /* Noted before the fork: the grandchild may only run after we have ended. */
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(pid_fd);
        grandchild(report_fd, self);
    }
    ssize_t put = pid > 0 ? write(pid_fd, &pid, sizeof pid) : -1;
    _exit(put == (ssize_t)sizeof pid ? 0 : 1);
}

pid_t make_orphan(int report_fd)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(report_fd, fds[1]);
    }
    close(fds[1]);
    pid_t orphan = -1;
    ssize_t got = -1;
    if (pid > 0) {
        do
            got = read(fds[0], &orphan, sizeof orphan);
        while (got < 0 && errno == EINTR);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
    }
    int saved = errno;
    close(fds[0]);
    if (pid < 0) {
        errno = saved;
        return -1;
    }
    if (got != (ssize_t)sizeof orphan) {
        errno = EIO;
        return -1;
    }
    return orphan;
}
