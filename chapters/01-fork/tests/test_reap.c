/* test_reap.c - pins every promise of reap.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reap.h"
#include "wb_test.h"

static int end_now(void *arg)
{
    (void)arg;
    return 0;
}

/* Runs until the parent writes to the pipe in arg, or 5 s pass (then exits 3). */
static int run_until_told(void *arg)
{
    struct pollfd p = {.fd = *(int *)arg, .events = POLLIN};
    return poll(&p, 1, 5000) == 1 ? 0 : 3;
}

static pid_t zombie(void)
{
    pid_t pid = wb_child_run(end_now, NULL);
    wb_wait_until_zombie(pid, 10);
    return pid;
}

static bool contains(const pid_t *pids, int n, pid_t pid)
{
    for (int i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

static int reap(pid_t *reaped, size_t max)
{
    int n = reap_ended_children(reaped, max);
    wb_exit_if_stray();
    return n;
}

WB_TEST(reap_without_children_returns_zero)
{
    pid_t reaped[4];
    int n = reap(reaped, 4);
    ck_assert_msg(n == 0, "with no children at all, expected 0, got %d (errno %s)", n,
                  strerror(errno));
}

WB_TEST(reap_collects_every_zombie)
{
    pid_t zombies[3] = {zombie(), zombie(), zombie()};
    pid_t reaped[8];
    int n = reap(reaped, 8);
    ck_assert_msg(n == 3, "3 zombies, reaped %d", n);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(contains(reaped, n, zombies[i]), "zombie %d is not in reaped[]",
                      (int)zombies[i]);
        ck_assert_msg(wb_proc_state(zombies[i]) == 0, "zombie %d is still there",
                      (int)zombies[i]);
    }
}

WB_TEST(reap_leaves_running_children)
{
    int fds[2];
    wb_pipe(fds);
    pid_t running = wb_child_run(run_until_told, &fds[0]);
    pid_t ended = zombie();
    pid_t reaped[4];
    int n = reap(reaped, 4);
    ck_assert_msg(wb_proc_state(running) != 'Z',
                  "reap_ended_children blocked until a running child ended: use WNOHANG");
    ck_assert_msg(n == 1 && reaped[0] == ended, "expected to reap only the zombie %d, got %d",
                  (int)ended, n);
    ck_assert_msg(wb_write_full(fds[1], "x", 1) == 0,
                  "test setup: telling the running child to end failed: %s", strerror(errno));
    int code = wb_wait_exitcode(running, 10);
    ck_assert_msg(code == 0,
                  "the running child should end with 0 once told to, exit code %d (3: it "
                  "waited 5 s for the byte in vain)",
                  code);
}

WB_TEST(reap_beyond_max_still_reaps)
{
    pid_t zombies[3] = {zombie(), zombie(), zombie()};
    pid_t reaped[1] = {0};
    int n = reap(reaped, 1);
    ck_assert_msg(n == 3, "3 zombies with room for 1 pid: expected 3, got %d", n);
    ck_assert_msg(contains(zombies, 3, reaped[0]), "reaped[0] is %d, not one of the zombies",
                  (int)reaped[0]);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(wb_proc_state(zombies[i]) == 0, "zombie %d was not reaped",
                      (int)zombies[i]);
}
