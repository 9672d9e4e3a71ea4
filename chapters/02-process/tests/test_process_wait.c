/* test_process_wait.c - pins process_join, process_is_alive, process_exitcode. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "process.h"
#include "wb_test.h"

/* Starts a process that waits on gate g. */
static void start_gated(struct process *p, struct gate *g)
{
    process_init(p, gate_target, g, NULL);
    start_ok(p);
}

WB_TEST(process_join_timeout_leaves_child_running)
{
    struct gate g;
    gate_open(&g);
    struct process p = {0};
    start_gated(&p, &g);

    double t0 = wb_now();
    errno = 0;
    int rc = process_join(&p, 0.05);
    double waited = wb_now() - t0;
    int err = errno;
    bool alive = process_is_alive(&p);
    int code = process_exitcode(&p);
    int rc0 = process_join(&p, 0); /* 0: only checks */
    int err0 = errno;
    gate_release(&g);
    join_ok(&p);
    close(g.fds[0]);

    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "join(0.05) on a blocked child: got %d (errno %s), expected -1 with "
                  "ETIMEDOUT", rc, strerror(err));
    ck_assert_msg(waited >= 0.049, "join(0.05) returned after %.4f s, before its timeout",
                  waited);
    ck_assert_msg(alive, "after join timed out, is_alive should be true");
    ck_assert_msg(code == PROCESS_NO_EXITCODE,
                  "exitcode of a running process is %d, expected PROCESS_NO_EXITCODE", code);
    ck_assert_msg(rc0 == -1 && err0 == ETIMEDOUT,
                  "join(0) on a running child: got %d (errno %s), expected -1 with ETIMEDOUT",
                  rc0, strerror(err0));
    ck_assert_msg(!process_is_alive(&p) && process_exitcode(&p) == 0,
                  "once released and joined: is_alive %d, exitcode %d; expected false, 0",
                  process_is_alive(&p), process_exitcode(&p));
}

WB_TEST(process_join_blocks_until_end)
{
    struct gate g;
    gate_open(&g);
    struct process p = {0};
    start_gated(&p, &g);
    gate_release(&g);
    errno = 0;
    int rc = process_join(&p, -1); /* the gate's children end at once once released */
    int err = errno;
    close(g.fds[0]);
    ck_assert_msg(rc == 0, "join(-1): got %d (errno %s), expected 0", rc, strerror(err));
    ck_assert_msg(p.state == PROCESS_ENDED && process_exitcode(&p) == 0,
                  "after join(-1): state %d, exitcode %d; expected PROCESS_ENDED, 0",
                  (int)p.state, process_exitcode(&p));
}

WB_TEST(process_join_reaps_and_releases_sentinel)
{
    int before = wb_count_fds();
    int zero = 0;
    struct process p = {0};
    process_init(&p, exit_with, &zero, NULL);
    start_ok(&p);
    join_ok(&p);
    int after = wb_count_fds();
    errno = 0;
    pid_t w = waitpid(p.pid, NULL, WNOHANG);
    ck_assert_msg(w == -1 && errno == ECHILD,
                  "after join, child %d can still be waited for: join must reap it",
                  (int)p.pid);
    ck_assert_msg(after == before && p.sentinel == -1,
                  "%d descriptors open before start, %d after join (sentinel %d): join must "
                  "close the sentinel and set it to -1",
                  before, after, p.sentinel);
}

WB_TEST(process_join_twice_returns_zero)
{
    int five = 5;
    struct process p = {0};
    process_init(&p, exit_with, &five, NULL);
    start_ok(&p);
    join_ok(&p);
    errno = 0;
    int rc = process_join(&p, -1);
    ck_assert_msg(rc == 0, "joining an ended process again: got %d (errno %s), expected 0",
                  rc, strerror(errno));
    int code = process_exitcode(&p);
    ck_assert_msg(code == 5,
                  "process_exitcode after joining twice a target that returned 5: expected 5, "
                  "got %d",
                  code);
}

WB_TEST(process_join_before_start_is_einval)
{
    struct process p = {0};
    process_init(&p, NULL, NULL, NULL);
    errno = 0;
    int rc = process_join(&p, 0.01);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "join before start: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(errno));
}

/* In a helper child: join the test's process; report how it failed. */
static int join_from_elsewhere(void *arg)
{
    errno = 0;
    int rc = process_join(arg, 1.0);
    if (rc == -1 && errno == ECHILD)
        return 0;
    return rc == -1 && errno == ETIMEDOUT ? 2 : 1;
}

WB_TEST(process_join_in_other_process_is_echild)
{
    struct gate g;
    gate_open(&g);
    struct process p = {0};
    start_gated(&p, &g);
    pid_t helper = wb_child_run(join_from_elsewhere, &p);
    int code = wb_wait_exitcode(helper, 10);
    gate_release(&g);
    join_ok(&p);
    close(g.fds[0]);
    ck_assert_msg(code == 0,
                  "process_join called by a process that did not start p should fail at "
                  "once with ECHILD; it %s",
                  code == 2 ? "waited and timed out" : "did something else");
}

WB_TEST(process_is_alive_reaps_ended_child)
{
    int nine = 9;
    struct process p = {0};
    process_init(&p, exit_with, &nine, NULL);
    ck_assert_msg(!process_is_alive(&p), "is_alive before start should be false");
    start_ok(&p);
    wb_wait_until_zombie(p.pid, 10);
    bool alive = process_is_alive(&p);
    char state = wb_proc_state(p.pid);
    join_ok(&p);
    ck_assert_msg(!alive, "is_alive of a child that has ended should be false");
    ck_assert_msg(state == 0, "is_alive found child %d ended but left it a zombie (state "
                              "'%c'): it must reap it, as Python does", (int)p.pid, state);
    int code = process_exitcode(&p);
    ck_assert_msg(code == 9,
                  "process_exitcode after join of a target that returned 9: expected 9, got %d",
                  code);
}

WB_TEST(process_is_alive_never_waits)
{
    struct gate g;
    gate_open(&g);
    struct process p = {0};
    start_gated(&p, &g);
    errno = EINTR; /* left over from an earlier interrupted call: a waitpid that found
                    * the child still running (0) must not be retried */
    double t0 = wb_now();
    bool alive = process_is_alive(&p);
    double took = wb_now() - t0;
    gate_release(&g);
    join_ok(&p);
    close(g.fds[0]);
    ck_assert_msg(alive,
                  "is_alive of a running child returned false after %.1f s: it waited for "
                  "the child to end; it must answer at once (retry only a waitpid that "
                  "failed with EINTR, not one that returned 0)",
                  took);
}

WB_TEST(process_exitcode_reaps_ended_child)
{
    int four = 4;
    struct process p = {0};
    process_init(&p, exit_with, &four, NULL);
    start_ok(&p);
    wb_wait_until_zombie(p.pid, 10);
    int code = process_exitcode(&p);
    char state = wb_proc_state(p.pid);
    join_ok(&p);
    ck_assert_msg(code == 4, "exitcode of a child that exited with 4 (not joined yet): %d",
                  code);
    ck_assert_msg(state == 0, "exitcode found child %d ended but left it a zombie",
                  (int)p.pid);
}

WB_TEST(process_exitcode_of_signal_is_negative)
{
    int sig = SIGKILL;
    struct process p = {0};
    process_init(&p, die_by, &sig, NULL);
    start_ok(&p);
    join_ok(&p);
    int code = process_exitcode(&p);
    ck_assert_msg(code == -SIGKILL, "a child killed by SIGKILL: exitcode %d, expected %d", code,
                  -SIGKILL);
}
