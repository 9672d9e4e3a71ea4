/* test_exit_status.c - pins every promise of exit_status.h. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit_status.h"
#include "wb_test.h"

static int exit_with(void *arg)
{
    return *(int *)arg;
}

static int die_by(void *arg)
{
    signal(*(int *)arg, SIG_DFL);
    raise(*(int *)arg);
    return 0;
}

/* The raw wait status of a child running fn(arg). */
static int status_of(int (*fn)(void *), int arg)
{
    return wb_wait_status(wb_child_run(fn, &arg), 10);
}

WB_TEST(exitcode_of_normal_exit)
{
    int codes[] = {0, 7, 255};
    for (int i = 0; i < 3; i++) {
        int got = exitcode_from_status(status_of(exit_with, codes[i]));
        ck_assert_msg(got == codes[i], "a child that exited with %d: exitcode %d, expected %d",
                      codes[i], got, codes[i]);
    }
}

WB_TEST(exitcode_of_signal_is_negative)
{
    int signals[] = {SIGKILL, SIGTERM, SIGSEGV};
    for (int i = 0; i < 3; i++) {
        int got = exitcode_from_status(status_of(die_by, signals[i]));
        ck_assert_msg(got == -signals[i],
                      "a child killed by signal %d (%s): exitcode %d, expected %d", signals[i],
                      strsignal(signals[i]), got, -signals[i]);
    }
}

/* Child i waits for end-of-file on pipe i, whose write end only child i+1 holds: so
 * the children end in reverse order, the last one first. */
struct chain {
    int read_fd, hold_fd, code;
};

static int chain_link(void *arg)
{
    struct chain *link = arg;
    for (int fd = 3; fd < 1024; fd++) /* drop every other pipe end inherited */
        if (fd != link->read_fd && fd != link->hold_fd)
            close(fd);
    char byte;
    while (read(link->read_fd, &byte, 1) > 0)
        continue;
    return link->code;
}

WB_TEST(wait_children_stores_codes_by_index)
{
    enum { N = 4 };
    pid_t pids[N];
    int codes[N], fds[N][2];
    for (int i = 0; i < N; i++)
        wb_pipe(fds[i]);
    for (int i = 0; i < N; i++) {
        struct chain link = {fds[i][0], i > 0 ? fds[i - 1][1] : -1, 10 + i};
        pids[i] = wb_child_run(chain_link, &link);
    }
    for (int i = 0; i < N; i++) { /* the last pipe has no writer left: the cascade starts */
        close(fds[i][0]);
        close(fds[i][1]);
    }
    int rc = wait_children(pids, N, codes);
    ck_assert_msg(rc == 0, "wait_children of 4 children: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    for (int i = 0; i < N; i++)
        ck_assert_msg(codes[i] == 10 + i, "codes[%d] is %d, expected %d (child %d's code)", i,
                      codes[i], 10 + i, (int)pids[i]);
}

WB_TEST(wait_children_decodes_signals)
{
    int sig = SIGKILL, ok = 0;
    pid_t pids[2] = {wb_child_run(die_by, &sig), wb_child_run(exit_with, &ok)};
    int codes[2] = {1, 1};
    int rc = wait_children(pids, 2, codes);
    ck_assert_msg(rc == 0,
                  "wait_children of a child killed by SIGKILL and one that exits with 0: "
                  "expected 0, got %d (errno %s)",
                  rc, strerror(errno));
    ck_assert_msg(codes[0] == -SIGKILL, "a child killed by SIGKILL: code %d, expected -9",
                  codes[0]);
    ck_assert_msg(codes[1] == 0, "a child that exited with 0: code %d, expected 0", codes[1]);
}

WB_TEST(wait_children_leaves_other_children)
{
    int zero = 0;
    pid_t listed = wb_child_run(exit_with, &zero);
    pid_t other = wb_child_run(exit_with, &zero);
    wb_wait_until_zombie(other, 10);
    int code;
    int rc = wait_children(&listed, 1, &code);
    ck_assert_msg(rc == 0,
                  "wait_children of one child, with another child left out of the list: "
                  "expected 0, got %d (errno %s)",
                  rc, strerror(errno));
    ck_assert_msg(waitpid(other, NULL, WNOHANG) == other,
                  "wait_children also reaped a child it was not given: wait for each pid "
                  "in the list, not for any child");
}

WB_TEST(wait_children_not_a_child_is_echild)
{
    int zero = 0;
    pid_t pids[2] = {wb_child_run(exit_with, &zero), getpid()};
    int codes[2];
    errno = 0;
    int rc = wait_children(pids, 2, codes);
    ck_assert_msg(rc == -1 && errno == ECHILD,
                  "waiting for a pid that is not a child: got %d (errno %s), expected -1 "
                  "with errno ECHILD",
                  rc, strerror(errno));
    ck_assert_msg(waitpid(pids[0], NULL, WNOHANG) < 0,
                  "the child listed before the bad pid should have been waited for");
}

WB_TEST(wait_children_of_none_returns_zero)
{
    int rc = wait_children(NULL, 0, NULL);
    ck_assert_msg(rc == 0, "waiting for an empty list: got %d, expected 0", rc);
}
