/* helpers.c - targets and checks shared by chapter 02's tests. */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "wb_test.h"

void gate_open(struct gate *g)
{
    wb_pipe(g->fds);
}

int gate_target(void *arg)
{
    struct gate *g = arg;
    close(g->fds[1]);
    struct pollfd pfd = {.fd = g->fds[0], .events = POLLIN};
    int n;
    do
        n = poll(&pfd, 1, 10 * 1000);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : 3;
}

void gate_release(struct gate *g)
{
    if (g->fds[1] >= 0)
        close(g->fds[1]);
    g->fds[1] = -1;
}

int exit_with(void *arg)
{
    return *(int *)arg;
}

int die_by(void *arg)
{
    signal(*(int *)arg, SIG_DFL);
    raise(*(int *)arg);
    return 0;
}

void start_ok(struct process *p)
{
    errno = 0;
    int rc = process_start(p);
    wb_exit_if_stray();
    ck_assert_msg(rc == 0, "process_start returned %d (errno %s), expected 0", rc,
                  strerror(errno));
    ck_assert_msg(p->pid > 0, "after process_start, p->pid is %d: expected the child's pid",
                  (int)p->pid);
}

void join_ok(struct process *p)
{
    errno = 0;
    int rc = process_join(p, 10.0);
    if (rc != 0) {
        if (p->pid > 0 && wb_proc_parent(p->pid) == getpid()) /* never a stranger */
            kill(p->pid, SIGKILL);
        ck_abort_msg("process_join(p, 10.0) returned %d (errno %s), expected 0: the child "
                     "should have ended",
                     rc, strerror(errno));
    }
}

