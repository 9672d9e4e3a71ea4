/* test_process_terminate.c - pins process_terminate. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "process.h"
#include "wb_test.h"

struct terminate_arg {
    struct gate *gate;
    int ready_fd;
};

/* Target: restores SIGTERM's default action, says so, then waits on the gate. The
 * test runner (Check) handles SIGTERM by killing its whole process group, and a
 * forked child inherits that handler: without the reset, terminating this child
 * would end the test as well. */
static int ready_then_gate(void *arg)
{
    struct terminate_arg *a = arg;
    signal(SIGTERM, SIG_DFL);
    if (wb_write_full(a->ready_fd, "r", 1) < 0)
        return 4;
    close(a->ready_fd);
    return gate_target(a->gate);
}

WB_TEST(process_terminate_gives_minus_sigterm)
{
    struct gate g;
    gate_open(&g);
    int ready[2];
    wb_pipe(ready);
    struct terminate_arg arg = {&g, ready[1]};
    struct process p = {0};
    process_init(&p, ready_then_gate, &arg, NULL);
    start_ok(&p);
    close(ready[1]);
    char byte;
    ssize_t got = wb_read_full(ready[0], &byte, 1);
    close(ready[0]);
    if (got != 1) {
        join_ok(&p);
        ck_abort_msg("the child did not start its target (exitcode %d)", process_exitcode(&p));
    }
    errno = 0;
    int rc = process_terminate(&p);
    int err = errno;
    if (rc != 0) /* no SIGTERM sent: release the child so that it ends */
        gate_release(&g);
    join_ok(&p); /* otherwise never released: only SIGTERM ends it */
    gate_release(&g);
    close(g.fds[0]);
    ck_assert_msg(rc == 0, "terminate of a running process: got %d (errno %s), expected 0",
                  rc, strerror(err));
    int code = process_exitcode(&p);
    ck_assert_msg(code == -SIGTERM, "a terminated process: exitcode %d, expected %d", code,
                  -SIGTERM);
}

WB_TEST(process_terminate_before_start_is_einval)
{
    struct process p = {0};
    process_init(&p, NULL, NULL, NULL);
    errno = 0;
    int rc = process_terminate(&p);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "terminate before start: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(errno));
}

WB_TEST(process_terminate_after_end_does_nothing)
{
    int six = 6;
    struct process p = {0};
    process_init(&p, exit_with, &six, NULL);
    start_ok(&p);
    join_ok(&p);
    errno = 0;
    int rc = process_terminate(&p);
    ck_assert_msg(rc == 0, "terminate of an ended, joined process: got %d (errno %s), "
                           "expected 0 and nothing done", rc, strerror(errno));
    ck_assert_msg(process_exitcode(&p) == 6, "terminate after the end changed exitcode to %d",
                  process_exitcode(&p));
}
