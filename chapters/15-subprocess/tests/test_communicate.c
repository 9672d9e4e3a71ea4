/* test_communicate.c - pins communicate.h: input in, both outputs out, all at once,
 * whatever their sizes; end of file on stdin; a child that stops reading; SIGPIPE
 * kept from the caller; the timeout; every descriptor closed. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subprocess_test.h"

/* A generous limit that only a hang reaches: no verdict depends on it otherwise. */
#define HANG_GUARD_S 20.0

static void start(const char *const *argv, struct child *c, const char *what)
{
    assert_started(child_start(argv, c), c, what);
}

/* Checks that communicate closed the three descriptors, then reaps the child. */
static int finish(struct child *c, const char *what)
{
    ck_assert_msg(c->stdin_fd == -1 && c->stdout_fd == -1 && c->stderr_fd == -1,
                  "after child_communicate (%s), the descriptors were stdin_fd %d, stdout_fd "
                  "%d, stderr_fd %d: expected all three closed and set to -1",
                  what, c->stdin_fd, c->stdout_fd, c->stderr_fd);
    return reap_child(c->pid);
}

static void assert_done(int rc, int e, const char *what)
{
    ck_assert_msg(rc == 0, "child_communicate (%s) returned %d with errno %s, expected 0%s",
                  what, rc, errno_name(e),
                  e == ETIMEDOUT ? ": it was still waiting after 20 s (a deadlock?)" : "");
}

WB_TEST(communicate_passes_input_and_collects_output)
{
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    start(argv, &c, "child_program cat");
    struct captured out, err;
    const char *text = "to the child and back\n";
    int rc = child_communicate(&c, text, strlen(text), HANG_GUARD_S, &out, &err);
    assert_done(rc, errno, "cat, 22 bytes of input");
    finish(&c, "cat");
    ck_assert_msg(out.len == strlen(text) && memcmp(out.data, text, out.len) == 0,
                  "child_program cat was given \"to the child and back\\n\"; out holds %zu "
                  "bytes \"%.*s\"", out.len, (int)out.len, out.data ? out.data : "");
    ck_assert_msg(err.len == 0, "child_program cat writes nothing to stderr, yet err holds "
                  "%zu bytes", err.len);
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_reads_megabytes_from_both_streams)
{
    /* 1.5 MB to stdout, 3 MB to stderr, 1.5 MB to stdout: reading either stream to its
     * end before the other leaves the child blocked on the other's full pipe. */
    const char *argv[] = {child_program(), "write", "1", "1500000", "write", "2", "3000000",
                          "write", "1", "1500000", NULL};
    struct child c;
    start(argv, &c, "child_program write 1 1500000 write 2 3000000 write 1 1500000");
    struct captured out, err;
    int rc = child_communicate(&c, NULL, 0, HANG_GUARD_S, &out, &err);
    assert_done(rc, errno, "a child writing 3 MB to each of stdout and stderr");
    finish(&c, "megabytes on both streams");
    ck_assert_msg(out.len == 3000000 && is_child_pattern(out.data, out.len),
                  "the child wrote 3000000 bytes of its pattern to stdout; out holds %zu "
                  "bytes%s", out.len, out.len == 3000000 ? " that differ from them" : "");
    ck_assert_msg(err.len == 3000000 && is_child_pattern(err.data, err.len),
                  "the child wrote 3000000 bytes of its pattern to stderr; err holds %zu "
                  "bytes%s", err.len, err.len == 3000000 ? " that differ from them" : "");
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_writes_megabytes_while_reading)
{
    /* cat writes back what it reads: writing all 4 MB before reading blocks the
     * parent on a full stdin pipe while cat is blocked on a full stdout pipe. */
    enum { N = 4 * 1024 * 1024 };
    char *input = test_input(N);
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    start(argv, &c, "child_program cat");
    struct captured out, err;
    int rc = child_communicate(&c, input, N, HANG_GUARD_S, &out, &err);
    assert_done(rc, errno, "4 MiB of input through child_program cat");
    finish(&c, "4 MiB through cat");
    ck_assert_msg(out.len == N && memcmp(out.data, input, N) == 0,
                  "gave 4 MiB (%d bytes) to child_program cat; out holds %zu bytes%s", N,
                  out.len, out.len == N ? " that differ from the input" : "");
    free(input);
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_closes_stdin_when_there_is_no_input)
{
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    start(argv, &c, "child_program cat");
    struct captured out, err;
    int rc = child_communicate(&c, NULL, 0, HANG_GUARD_S, &out, &err);
    int e = errno;
    finish(&c, "cat with no input");
    ck_assert_msg(rc == 0 && out.len == 0,
                  "child_communicate with no input to child_program cat returned %d (errno "
                  "%s) with %zu bytes of output, expected 0 and none: close stdin at once so "
                  "that cat sees end of file", rc, errno_name(rc == 0 ? 0 : e),
                  out.len);
    free(out.data);
    free(err.data);
}

/* Codes a forked test child reports through its exit status. */
enum { SURVIVED = 0, START_FAILED = 10, COMMUNICATE_FAILED, EXIT_CODE_WRONG, SIGPIPE_LEFT,
       MASK_CHANGED };

/* In a forked child of the test (it must not assert): communicate 1 MiB to a program
 * that exits without reading, then look at SIGPIPE. */
static int feed_a_child_that_does_not_read(void *arg)
{
    (void)arg;
    enum { N = 1024 * 1024 };
    char *input = test_input(N);
    const char *argv[] = {child_program(), "exit", "3", NULL};
    struct child c;
    if (child_start(argv, &c) != 0)
        return START_FAILED;
    struct captured out, err;
    int rc = child_communicate(&c, input, N, HANG_GUARD_S, &out, &err);
    free(input);
    free(out.data);
    free(err.data);
    int status;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (rc != 0)
        return COMMUNICATE_FAILED;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 3)
        return EXIT_CODE_WRONG;
    sigset_t pending, mask;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE))
        return SIGPIPE_LEFT;
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    if (sigismember(&mask, SIGPIPE))
        return MASK_CHANGED;
    return SURVIVED;
}

WB_TEST(communicate_survives_a_child_that_stops_reading)
{
    child_program();
    pid_t pid = wb_child_run(feed_a_child_that_does_not_read, NULL);
    int status = wb_wait_status(pid, 2 * HANG_GUARD_S);
    ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE,
                  "a process that gave 1 MiB of input to a child that exits without reading "
                  "was killed by SIGPIPE inside child_communicate: block SIGPIPE in the "
                  "calling thread during the call (the write then fails with EPIPE)");
    ck_assert_msg(WIFEXITED(status), "a process calling child_communicate with 1 MiB of input "
                  "for a child that exits without reading ended with status 0x%x", status);
    switch (WEXITSTATUS(status)) {
    case SURVIVED:
        break;
    case START_FAILED:
        ck_abort_msg("child_start(child_program exit 3) failed (see the child_start tests)");
        break;
    case COMMUNICATE_FAILED:
        ck_abort_msg("child_communicate with 1 MiB of input for a child that exits without "
                     "reading returned -1, expected 0: EPIPE means the child no longer reads; "
                     "drop the rest of the input and keep reading its outputs");
        break;
    case EXIT_CODE_WRONG:
        ck_abort_msg("child_program exit 3 did not end with exit status 3");
        break;
    case SIGPIPE_LEFT:
        ck_abort_msg("after child_communicate returned, a SIGPIPE was pending on the calling "
                     "thread: take the one your EPIPE raised (sigtimedwait with a zero "
                     "timeout) before restoring the mask, or the caller gets it later");
        break;
    case MASK_CHANGED:
        ck_abort_msg("after child_communicate returned, SIGPIPE was still blocked in the "
                     "calling thread: restore the caller's signal mask");
        break;
    default:
        ck_abort_msg("the test's child ended with the unexpected status %d",
                     WEXITSTATUS(status));
    }
}

WB_TEST(communicate_leaves_the_callers_own_sigpipe_pending)
{
    enum { N = 1024 * 1024 };
    /* The caller blocks SIGPIPE and has one pending: the call must not take it. */
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    pthread_kill(pthread_self(), SIGPIPE);
    char *input = test_input(N);
    const char *argv[] = {child_program(), "exit", "0", NULL};
    struct child c;
    start(argv, &c, "child_program exit 0");
    struct captured out, err;
    int rc = child_communicate(&c, input, N, HANG_GUARD_S, &out, &err);
    assert_done(rc, errno, "1 MiB of input for a child that exits without reading");
    finish(&c, "a child that does not read");
    sigset_t pending, mask;
    sigpending(&pending);
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    bool still_pending = sigismember(&pending, SIGPIPE), still_blocked =
                                                             sigismember(&mask, SIGPIPE);
    struct timespec no_wait = {0, 0};
    sigtimedwait(&pipe_only, NULL, &no_wait);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    ck_assert_msg(still_blocked, "the caller had blocked SIGPIPE; after child_communicate it "
                  "was no longer blocked: restore the mask as it was");
    ck_assert_msg(still_pending, "the caller had a SIGPIPE pending before child_communicate; "
                  "afterwards it was gone: take a SIGPIPE only if none was pending before "
                  "the call");
    free(input);
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_times_out_with_what_was_read)
{
    /* The child writes 5 bytes, then sleeps 1000 s: every call times out. How soon the
     * 5 bytes arrive depends on the machine's load, so the timeout grows until a call
     * sees them. */
    const char *argv[] = {child_program(), "write", "1", "5", "sleep", NULL};
    struct captured out = {NULL, 0}, err = {NULL, 0};
    for (double timeout = 0.1; timeout < 15; timeout *= 2) {
        free(out.data);
        free(err.data);
        struct child c;
        start(argv, &c, "child_program write 1 5 sleep");
        int rc = child_communicate(&c, NULL, 0, timeout, &out, &err);
        int e = errno;
        kill(c.pid, SIGKILL);
        finish(&c, "a child that sleeps");
        ck_assert_msg(rc == -1 && e == ETIMEDOUT,
                      "child_communicate(timeout %.1f s) with a child that sleeps 1000 s "
                      "returned %d (errno %s), expected -1 with ETIMEDOUT", timeout, rc,
                      errno_name(rc == 0 ? 0 : e));
        ck_assert_msg(out.len <= 5, "the child wrote 5 bytes, yet out holds %zu", out.len);
        if (out.len == 5)
            break;
    }
    ck_assert_msg(out.len == 5 && memcmp(out.data, "abcde", 5) == 0,
                  "after child_communicate timed out, out held %zu bytes (\"%.*s\"), expected "
                  "\"abcde\", which the child wrote before sleeping: keep what was read",
                  out.len, (int)out.len, out.data ? out.data : "");
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_closes_every_descriptor)
{
    child_program();
    int fds_before = wb_count_fds();
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    start(argv, &c, "child_program cat");
    struct captured out, err;
    int rc = child_communicate(&c, "x", 1, HANG_GUARD_S, &out, &err);
    assert_done(rc, errno, "cat, 1 byte of input");
    finish(&c, "cat");
    int fds_after = wb_count_fds();
    ck_assert_msg(fds_after == fds_before, "after child_start and child_communicate, %d "
                  "descriptor(s) more were open than before (%d, then %d)",
                  fds_after - fds_before, fds_before, fds_after);
    free(out.data);
    free(err.data);
}

WB_TEST(communicate_retries_after_signals)
{
    enum { N = 2 * 1024 * 1024 };
    char *input = test_input(N);
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    start(argv, &c, "child_program cat");
    ck_assert_msg(wb_signal_storm_start(0.0002) == 0, "the test could not start its signals");
    struct captured out, err;
    int rc = child_communicate(&c, input, N, HANG_GUARD_S, &out, &err);
    int e = errno;
    long signals = wb_signal_storm_stop();
    assert_done(rc, e, "2 MiB through cat while signals keep arriving (EINTR)");
    finish(&c, "cat under signals");
    ck_assert_msg(out.len == N && memcmp(out.data, input, N) == 0,
                  "gave 2 MiB to child_program cat while %ld signals arrived; out holds %zu "
                  "bytes%s", signals, out.len, out.len == N ? " that differ from the input" : "");
    free(input);
    free(out.data);
    free(err.data);
}
