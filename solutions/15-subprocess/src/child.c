/* child.c - a program started in a child process, its three streams piped to us. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>
#include <sys/wait.h>

/* The exit status of a child whose exec failed (127, as a shell gives for a missing
 * command). The parent never reports it: it reads the errno from the error pipe. */
enum { EXEC_FAILED = 127 };

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The six ends of the three standard-stream pipes, and the error pipe's two. */
struct pipes {
    int in[2], out[2], err[2]; /* [0] read end, [1] write end */
    int report[2];             /* the child writes its exec errno to report[1] */
};

static void close_pipes(struct pipes *p)
{
    int *ends[] = {&p->in[0], &p->in[1], &p->out[0], &p->out[1],
                   &p->err[0], &p->err[1], &p->report[0], &p->report[1]};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
        close_fd(ends[i]);
}

/* Every end close-on-exec from the start: a thread of the caller that forks and execs
 * meanwhile must not pass our pipes to its program, which would then hold our child's
 * stdin open (no end of file) or its stdout (no end of file for us). */
static int open_pipes(struct pipes *p)
{
    *p = (struct pipes){{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
    if (pipe2(p->in, O_CLOEXEC) < 0 || pipe2(p->out, O_CLOEXEC) < 0 ||
        pipe2(p->err, O_CLOEXEC) < 0 || pipe2(p->report, O_CLOEXEC) < 0) {
        int saved = errno;
        close_pipes(p);
        errno = saved;
        return -1;
    }
    return 0;
}

/* In the child: reports errno to the parent and ends. Only async-signal-safe calls
 * here: a write of 4 bytes to a pipe is atomic, and _exit runs none of the parent's
 * atexit handlers nor flushes its copied stdio buffers. */
static void report_and_exit(int report_fd)
{
    int e = errno;
    ssize_t put;
    do
        put = write(report_fd, &e, sizeof e);
    while (put < 0 && errno == EINTR);
    _exit(EXEC_FAILED);
}

/* In the child: the three pipe ends become descriptors 0, 1 and 2. Each is first
 * copied to 3 or above: when the caller had closed 0, 1 or 2, a pipe end may sit on one
 * of them, and a dup2 onto 0..2 would close it before its own turn. dup2 leaves the
 * new descriptor without close-on-exec, which the copies have. */
static int become_std_streams(const struct pipes *p)
{
    int ends[3] = {p->in[0], p->out[1], p->err[1]};
    for (int i = 0; i < 3; i++)
        if ((ends[i] = fcntl(ends[i], F_DUPFD_CLOEXEC, 3)) < 0)
            return -1;
    for (int i = 0; i < 3; i++)
        if (dup2(ends[i], i) < 0)
            return -1;
    return 0;
}

/* In the child: everything up to the exec; returns only on failure. */
static void exec_child(const char *const argv[], const struct pipes *p)
{
    /* its own group: the parent's kill(-pid) then reaches its descendants too. The
     * parent need not call setpgid as well: child_start returns after the exec, when
     * the group surely exists. */
    if (setpgid(0, 0) < 0 || become_std_streams(p) < 0)
        return;
    /* close_fds: every descriptor above 2 closes at the exec, the ones the caller
     * opened without O_CLOEXEC too; until then report[1] stays open for the errno */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return;
    execvp(argv[0], (char *const *)argv);
}

/* In the parent: the errno the child wrote, or 0 at end of file, which comes when the
 * exec succeeded and closed the close-on-exec write end. (read on our own pipe fails
 * only with EINTR; a 4-byte write to a pipe arrives whole.) */
static int exec_errno(int report_fd)
{
    int child_errno = 0;
    ssize_t got;
    do
        got = read(report_fd, &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    return got == (ssize_t)sizeof child_errno ? child_errno : 0;
}

int child_start(const char *const argv[], struct child *c)
{
    if (argv == NULL || argv[0] == NULL) {
        errno = EINVAL;
        return -1;
    }
    struct pipes p;
    if (open_pipes(&p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close_pipes(&p);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        exec_child(argv, &p);
        report_and_exit(p.report[1]);
    }
    /* Our copies of the child's ends go now: with report[1] open here the error pipe
     * would never reach end of file, and with out[1] open neither would stdout. */
    close_fd(&p.in[0]);
    close_fd(&p.out[1]);
    close_fd(&p.err[1]);
    close_fd(&p.report[1]);
    int child_errno = exec_errno(p.report[0]);
    if (child_errno != 0) {
        close_pipes(&p);
        /* the child has written and calls _exit: reap it, no zombie left */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        errno = child_errno;
        return -1;
    }
    close_fd(&p.report[0]);
    *c = (struct child){pid, p.in[1], p.out[0], p.err[0]};
    return 0;
}
