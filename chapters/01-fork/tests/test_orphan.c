/* test_orphan.c - pins every promise of orphan.h.
 *
 * The test process makes itself a child subreaper, so the orphan is adopted by it
 * (not by init) and can be checked and waited for. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orphan.h"
#include "wb_test.h"

static pid_t orphan(int report_fd)
{
    ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0,
                  "test setup: prctl(PR_SET_CHILD_SUBREAPER) failed: %s", strerror(errno));
    pid_t pid = make_orphan(report_fd);
    wb_exit_if_stray();
    ck_assert_msg(pid > 0, "make_orphan returned %d (errno: %s)", (int)pid, strerror(errno));
    return pid;
}

static struct orphan_report read_report(int fd)
{
    struct orphan_report report;
    ck_assert_msg(wb_read_full(fd, &report, sizeof report) == sizeof report,
                  "the grandchild did not write its report to report_fd");
    return report;
}

WB_TEST(orphan_is_adopted_by_subreaper)
{
    int fds[2];
    wb_pipe(fds);
    pid_t pid = orphan(fds[1]);
    struct orphan_report r = read_report(fds[0]);
    ck_assert_msg(r.adopted_by == getpid(),
                  "the orphan reports it was adopted by %d; expected the subreaper %d",
                  (int)r.adopted_by, (int)getpid());
    ck_assert_msg(r.parent_at_start != r.adopted_by && r.parent_at_start != getpid(),
                  "the orphan's first parent (%d) should be the child make_orphan forked",
                  (int)r.parent_at_start);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0,
                  "the grandchild %d should end with _exit(0) after its report, exit code %d",
                  (int)pid, code);
}

WB_TEST(orphan_returns_grandchild_pid)
{
    int fds[2];
    wb_pipe(fds);
    pid_t pid = orphan(fds[1]);
    read_report(fds[0]);
    /* Adopted by us, the grandchild is now our child: waitpid must find it. */
    int status = wb_wait_status(pid, 10);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the grandchild %d should end with _exit(0)", (int)pid);
}

WB_TEST(orphan_child_is_reaped)
{
    int fds[2];
    wb_pipe(fds);
    pid_t pid = orphan(fds[1]);
    struct orphan_report r = read_report(fds[0]);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0,
                  "the grandchild %d should end with _exit(0) after its report, exit code %d",
                  (int)pid, code);
    errno = 0;
    ck_assert_msg(waitpid(r.parent_at_start, NULL, WNOHANG) < 0 && errno == ECHILD,
                  "the child %d was not waited for by make_orphan", (int)r.parent_at_start);
}

WB_TEST(orphan_leaks_no_descriptor)
{
    int fds[2];
    wb_pipe(fds);
    int before = wb_count_fds();
    pid_t pid = orphan(fds[1]);
    int after = wb_count_fds();
    read_report(fds[0]);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0,
                  "the grandchild %d should end with _exit(0) after its report, exit code %d",
                  (int)pid, code);
    ck_assert_msg(after == before,
                  "%d descriptors open before make_orphan, %d after: close both ends of the "
                  "pipe in the caller",
                  before, after);
}

WB_TEST(orphan_fork_failure_leaks_nothing)
{
    int fds[2];
    wb_pipe(fds);
    int before = wb_count_fds();
    wb_fail_forks(EAGAIN); /* from here on, every fork of this process fails */
    errno = 0;
    pid_t pid = make_orphan(fds[1]);
    int err = errno;
    int after = wb_count_fds();
    ck_assert_msg(pid == -1 && err == EAGAIN,
                  "when fork fails: got %d (errno %s), expected -1 with fork's errno EAGAIN",
                  (int)pid, strerror(err));
    ck_assert_msg(after == before,
                  "when fork fails: %d descriptors open before, %d after (close the pipe "
                  "before returning)",
                  before, after);
}

/* The descriptors process pid has open (those of /proc/PID/fd; the one this
 * function opens to read its own is not counted). */
static int fds_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    ck_assert_msg(dir != NULL, "cannot read %s: %s", path, strerror(errno));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        n += e->d_name[0] != '.';
    closedir(dir);
    return pid == getpid() ? n - 1 : n;
}

/* Inherited by the grandchild: its write to a pipe that nobody can read raises
 * SIGPIPE, and it stops right there, with every descriptor it holds still open. */
static void stop_on_sigpipe(int signo)
{
    (void)signo;
    raise(SIGSTOP);
}

WB_TEST(orphan_grandchild_holds_no_pipe_end)
{
    int fds[2];
    wb_pipe(fds);
    close(fds[0]); /* nobody reads the report: writing it raises SIGPIPE */
    struct sigaction sa = {.sa_handler = stop_on_sigpipe};
    sigemptyset(&sa.sa_mask);
    ck_assert_msg(sigaction(SIGPIPE, &sa, NULL) == 0,
                  "test setup: sigaction(SIGPIPE) failed: %s", strerror(errno));
    int inherited = fds_of(getpid()); /* what every process make_orphan forks starts with */
    pid_t pid = orphan(fds[1]);
    /* Once adopted, the grandchild is our child: wait until it stops in its write. */
    double deadline = wb_now() + 10;
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG | WUNTRACED)) == 0 ||
           (got < 0 && errno == ECHILD)) {
        ck_assert_msg(wb_now() < deadline, "the grandchild %d did not write its report "
                      "within 10 s", (int)pid);
        wb_sleep(0.001);
    }
    ck_assert_msg(got == pid && WIFSTOPPED(status),
                  "the grandchild %d should have stopped in its write to report_fd", (int)pid);
    int held = fds_of(pid);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_assert_msg(held == inherited,
                  "when it writes its report, the grandchild holds %d descriptors; it "
                  "inherited %d from the caller: it must close every end of make_orphan's "
                  "pipe (the child closes the read end, the grandchild the write end)",
                  held, inherited);
}
