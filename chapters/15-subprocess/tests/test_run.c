/* test_run.c - pins run.h: child_wait's return code (negative for a signal), and
 * subprocess_run from start to end: outputs, input, a timeout that kills the child's
 * whole process group, start failures, nothing left behind. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subprocess_test.h"

#define HANG_GUARD_S 20.0

static int returncode_of(const char *const *argv, const char *what)
{
    struct child c;
    assert_started(child_start(argv, &c), &c, what);
    close(c.stdin_fd);
    close(c.stdout_fd);
    close(c.stderr_fd);
    int returncode = 12345;
    errno = 0;
    int rc = child_wait(&c, &returncode);
    ck_assert_msg(rc == 0, "child_wait for %s returned %d (errno %s), expected 0", what, rc,
                  errno_name(errno));
    char state = wb_proc_state(c.pid);
    ck_assert_msg(state == 0, "after child_wait returned, the child %d of %s still existed "
                  "(state %c): reap it", (int)c.pid, what, state);
    return returncode;
}

WB_TEST(child_wait_returns_the_exit_status)
{
    const char *argv[] = {child_program(), "exit", "7", NULL};
    int code = returncode_of(argv, "child_program exit 7");
    ck_assert_msg(code == 7, "child_wait for child_program exit 7 gave returncode %d, "
                  "expected 7", code);
}

WB_TEST(child_wait_gives_minus_the_signal)
{
    const char *term[] = {child_program(), "signal", "15", NULL};
    int code = returncode_of(term, "child_program signal 15");
    ck_assert_msg(code == -15, "child_wait for a child ended by SIGTERM gave returncode %d, "
                  "expected -15 (Python's returncode: minus the signal number)", code);
    const char *kill9[] = {child_program(), "signal", "9", NULL};
    code = returncode_of(kill9, "child_program signal 9");
    ck_assert_msg(code == -9, "child_wait for a child ended by SIGKILL gave returncode %d, "
                  "expected -9", code);
}

static void run_ok(const char *const *argv, const void *input, size_t len,
                   struct completed_process *r, const char *what)
{
    errno = 0;
    int rc = subprocess_run(argv, input, len, HANG_GUARD_S, r);
    ck_assert_msg(rc == 0, "subprocess_run(%s) returned %d (errno %s), expected 0%s", what, rc,
                  errno_name(errno), errno == ETIMEDOUT ? ": still waiting after 20 s" : "");
}

WB_TEST(run_returns_code_and_both_outputs)
{
    const char *argv[] = {child_program(), "write", "1", "10", "write", "2", "20", "exit", "3",
                          NULL};
    struct completed_process r;
    run_ok(argv, NULL, 0, &r, "child_program write 1 10 write 2 20 exit 3");
    ck_assert_msg(r.returncode == 3, "the child exited with status 3; returncode is %d",
                  r.returncode);
    ck_assert_msg(r.out.len == 10 && is_child_pattern(r.out.data, 10),
                  "the child wrote \"abcdefghij\" to stdout; out holds %zu bytes \"%.*s\"",
                  r.out.len, (int)r.out.len, r.out.data ? r.out.data : "");
    ck_assert_msg(r.err.len == 20 && is_child_pattern(r.err.data, 20),
                  "the child wrote 20 bytes of its pattern to stderr; err holds %zu bytes "
                  "\"%.*s\"", r.err.len, (int)r.err.len, r.err.data ? r.err.data : "");
    completed_process_free(&r);
}

WB_TEST(run_gives_the_input_to_the_child)
{
    const char *argv[] = {child_program(), "cat", NULL};
    struct completed_process r;
    run_ok(argv, "ping\n", 5, &r, "child_program cat, input \"ping\\n\"");
    ck_assert_msg(r.returncode == 0 && r.out.len == 5 && memcmp(r.out.data, "ping\n", 5) == 0,
                  "subprocess_run(cat, input \"ping\\n\") gave returncode %d and out \"%.*s\", "
                  "expected 0 and \"ping\\n\"", r.returncode, (int)r.out.len,
                  r.out.data ? r.out.data : "");
    completed_process_free(&r);
}

WB_TEST(run_moves_megabytes_both_ways)
{
    enum { N = 2 * 1024 * 1024 };
    char *input = test_input(N);
    const char *argv[] = {child_program(), "write", "2", "2000000", "cat", NULL};
    struct completed_process r;
    run_ok(argv, input, N, &r, "child_program write 2 2000000 cat, 2 MiB of input");
    ck_assert_msg(r.err.len == 2000000 && is_child_pattern(r.err.data, r.err.len),
                  "the child wrote 2000000 bytes of its pattern to stderr; err holds %zu bytes",
                  r.err.len);
    ck_assert_msg(r.out.len == N && memcmp(r.out.data, input, N) == 0,
                  "the child copied the 2 MiB input to stdout; out holds %zu bytes%s",
                  r.out.len, r.out.len == N ? " that differ from the input" : "");
    free(input);
    completed_process_free(&r);
}

WB_TEST(run_reports_a_signal_as_a_negative_return_code)
{
    const char *argv[] = {child_program(), "signal", "15", NULL};
    struct completed_process r;
    run_ok(argv, NULL, 0, &r, "child_program signal 15");
    ck_assert_msg(r.returncode == -15, "a child that SIGTERM ended gave returncode %d, "
                  "expected -15", r.returncode);
    completed_process_free(&r);
}

WB_TEST(run_times_out_and_kills_the_child)
{
    child_program();
    int fds_before = wb_count_fds();
    const char *argv[] = {child_program(), "sleep", NULL};
    struct completed_process r;
    errno = 0;
    int rc = subprocess_run(argv, NULL, 0, 0.2, &r);
    int e = errno;
    ck_assert_msg(rc == -1 && e == ETIMEDOUT, "subprocess_run(a child that sleeps 1000 s, "
                  "timeout 0.2 s) returned %d (errno %s), expected -1 with ETIMEDOUT",
                  rc, errno_name(e));
    ck_assert_msg(r.returncode == -SIGKILL, "after the timeout, returncode was %d, expected "
                  "-9: kill the child with SIGKILL, then wait for it", r.returncode);
    int children = count_children();
    ck_assert_msg(children == 0, "after subprocess_run timed out, the test process still had "
                  "%d child process(es): wait for the child you killed", children);
    int fds_after = wb_count_fds();
    ck_assert_msg(fds_after == fds_before, "after subprocess_run timed out, %d descriptor(s) "
                  "more were open than before", fds_after - fds_before);
    completed_process_free(&r);
}

/* The pid the grandchild printed, or 0 when out does not hold one yet. */
static pid_t printed_pid(const struct captured *out)
{
    if (out->len == 0 || out->data[out->len - 1] != '\n')
        return 0;
    return (pid_t)strtol(out->data, NULL, 10);
}

WB_TEST(run_timeout_kills_the_whole_process_group)
{
    /* Orphans come to the test process, which can then wait for the grandchild. */
    ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "the test could not become a "
                  "subreaper: %s", strerror(errno));
    const char *argv[] = {child_program(), "grandchild", NULL};
    pid_t grandchild = 0;
    /* How soon the grandchild prints its pid depends on the load: the timeout grows
     * until a run sees it. */
    for (double timeout = 0.2; grandchild == 0 && timeout < 15; timeout *= 2) {
        struct completed_process r;
        errno = 0;
        int rc = subprocess_run(argv, NULL, 0, timeout, &r);
        int e = errno;
        grandchild = printed_pid(&r.out);
        completed_process_free(&r);
        ck_assert_msg(rc == -1 && e == ETIMEDOUT, "subprocess_run(a child whose grandchild "
                      "sleeps, timeout %.1f s) returned %d (errno %s), expected -1 with "
                      "ETIMEDOUT", timeout, rc, errno_name(e));
    }
    ck_assert_msg(grandchild > 0, "the grandchild's pid never came through stdout");
    /* SIGKILL takes a moment to end a process: wait for it, generously. */
    int status = 0;
    pid_t got = 0;
    for (double deadline = wb_now() + 10; got == 0 && wb_now() < deadline;) {
        got = waitpid(grandchild, &status, WNOHANG);
        if (got == 0)
            wb_sleep(0.01);
    }
    ck_assert_msg(got == grandchild && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "10 s after subprocess_run timed out, the grandchild %d %s: kill the "
                  "child's whole process group, kill(-pid, SIGKILL), not only the child",
                  (int)grandchild, got == 0 ? "was still running"
                                            : "had not been killed by SIGKILL");
}

WB_TEST(run_of_a_missing_program_is_enoent)
{
    child_program();
    int fds_before = wb_count_fds();
    const char *argv[] = {"/no/such/directory/program", NULL};
    struct completed_process r;
    errno = 0;
    int rc = subprocess_run(argv, "x", 1, HANG_GUARD_S, &r);
    int e = errno;
    ck_assert_msg(rc == -1 && e == ENOENT, "subprocess_run of a missing program returned %d "
                  "(errno %s), expected -1 with ENOENT", rc, errno_name(e));
    ck_assert_msg(r.out.len == 0 && r.err.len == 0 && r.out.data == NULL && r.err.data == NULL,
                  "subprocess_run of a missing program left %zu and %zu bytes of output: "
                  "expected an empty result", r.out.len, r.err.len);
    ck_assert_msg(count_children() == 0 && wb_count_fds() == fds_before,
                  "subprocess_run of a missing program left %d child process(es) and %d "
                  "descriptor(s) more than before", count_children(),
                  wb_count_fds() - fds_before);
    completed_process_free(&r);
}

WB_TEST(run_leaves_no_descriptor_and_no_child)
{
    child_program();
    int fds_before = wb_count_fds();
    const char *argv[] = {child_program(), "cat", NULL};
    struct completed_process r;
    run_ok(argv, "x", 1, &r, "child_program cat");
    completed_process_free(&r);
    ck_assert_msg(count_children() == 0, "after subprocess_run returned, the test process "
                  "had %d child process(es): wait for the child", count_children());
    ck_assert_msg(wb_count_fds() == fds_before, "after subprocess_run returned, %d "
                  "descriptor(s) more were open than before", wb_count_fds() - fds_before);
}

WB_TEST(run_waits_for_a_child_that_closed_its_outputs)
{
    /* End of file on both outputs does not mean the child has ended: this one closes
     * them, naps 0.5 s, then exits with status 5. */
    const char *argv[] = {child_program(), "close", "1", "close", "2", "nap", "exit", "5",
                          NULL};
    struct completed_process r;
    run_ok(argv, NULL, 0, &r, "child_program close 1 close 2 nap exit 5");
    ck_assert_msg(r.returncode == 5, "a child that closed stdout and stderr, then exited with "
                  "status 5 gave returncode %d: after end of file, wait for the child; kill "
                  "it only when communicate failed", r.returncode);
    completed_process_free(&r);
}
