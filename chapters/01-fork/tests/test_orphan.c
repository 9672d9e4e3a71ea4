/* test_orphan.c - pins every promise of orphan.h.
 *
 * The test process makes itself a child subreaper, so the orphan is adopted by it
 * (not by init) and can be checked and waited for. */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orphan.h"
#include "wb_test.h"

static pid_t orphan(int report_fd)
{
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
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
    ck_assert_int_eq(wb_wait_exitcode(pid, 10), 0);
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
    ck_assert_int_eq(wb_wait_exitcode(pid, 10), 0);
    errno = 0;
    ck_assert_msg(waitpid(r.parent_at_start, NULL, WNOHANG) < 0 && errno == ECHILD,
                  "the child %d was not waited for by make_orphan", (int)r.parent_at_start);
}
