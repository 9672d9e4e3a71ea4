/* test_child.c - pins child.h: the program runs once child_start returns, with its
 * arguments, its three streams piped, in its own process group, with no other
 * descriptor; exec failures come back with their errno and leave nothing behind.
 * These tests reap children with waitpid themselves: they need nothing from run.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subprocess_test.h"

/* Ends a child the test started and no longer needs, and closes what is left. */
static void kill_and_reap(struct child *c)
{
    kill(c->pid, SIGKILL);
    reap_child(c->pid);
    int *fds[] = {&c->stdin_fd, &c->stdout_fd, &c->stderr_fd};
    for (int i = 0; i < 3; i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
}

/* Checks a child that ended normally with status 0, and closes its descriptors. */
static void reap_exit_zero(struct child *c, const char *what)
{
    int status = reap_child(c->pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child started by child_start(%s) ended with status 0x%x, expected "
                  "exit status 0", what, status);
    int *fds[] = {&c->stdin_fd, &c->stdout_fd, &c->stderr_fd};
    for (int i = 0; i < 3; i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
}

/* /proc/PID/cmdline: the arguments of the program pid runs, NUL-separated. */
static size_t read_cmdline(pid_t pid, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "the test could not open %s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

WB_TEST(child_start_returns_once_the_program_runs)
{
    const char *argv[] = {child_program(), "sleep", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program sleep");
    /* The exec has replaced the forked copy of the test when child_start returns:
     * the child's command line is already the program's. (It reads empty for a few
     * microseconds while the kernel sets up the new program: read it again then.) */
    char expected[64], got[256];
    int len = snprintf(expected, sizeof expected, "%s%csleep", argv[0], '\0') + 1;
    size_t n = read_cmdline(c.pid, got, sizeof got);
    for (double deadline = wb_now() + 10; n == 0 && wb_now() < deadline;) {
        wb_sleep(0.001);
        n = read_cmdline(c.pid, got, sizeof got);
    }
    bool same = n == (size_t)len && memcmp(got, expected, n) == 0;
    kill_and_reap(&c);
    ck_assert_msg(same, "right after child_start returned, /proc/%d/cmdline held %zu bytes "
                  "(\"%s ...\"), expected \"%s sleep\": child_start must return only once the "
                  "exec has happened (wait for end of file on the close-on-exec error pipe)",
                  (int)c.pid, n, got, argv[0]);
}

WB_TEST(child_start_passes_the_arguments)
{
    const char *argv[] = {child_program(), "args", "one", "two words", "", "last", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program args ...");
    close(c.stdin_fd);
    c.stdin_fd = -1;
    size_t n;
    char *out = read_to_end(&c.stdout_fd, &n);
    reap_exit_zero(&c, "child_program args ...");
    const char *expected = "one\ntwo words\n\nlast\n";
    ck_assert_msg(n == strlen(expected) && memcmp(out, expected, n) == 0,
                  "child_program args one \"two words\" \"\" last wrote \"%s\" to its stdout, "
                  "expected \"one\\ntwo words\\n\\nlast\\n\": pass argv to execvp unchanged",
                  out);
    free(out);
}

WB_TEST(child_start_pipes_stdin_to_stdout)
{
    const char *argv[] = {child_program(), "cat", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program cat");
    const char *text = "hello, child\n";
    write_and_close(&c.stdin_fd, text, strlen(text));
    size_t n_out, n_err;
    char *out = read_to_end(&c.stdout_fd, &n_out);
    char *err = read_to_end(&c.stderr_fd, &n_err);
    reap_exit_zero(&c, "child_program cat");
    ck_assert_msg(n_out == strlen(text) && memcmp(out, text, n_out) == 0,
                  "wrote \"hello, child\\n\" to stdin_fd of child_program cat, read \"%s\" "
                  "(%zu bytes) from its stdout_fd", out, n_out);
    ck_assert_msg(n_err == 0, "child_program cat wrote nothing to stderr, yet %zu bytes came "
                  "from stderr_fd (\"%s\")", n_err, err);
    free(out);
    free(err);
}

WB_TEST(child_start_pipes_stderr)
{
    const char *argv[] = {child_program(), "write", "2", "100000", "write", "1", "10", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program write 2 100000 write 1 10");
    size_t n_out, n_err;
    char *err = read_to_end(&c.stderr_fd, &n_err);
    char *out = read_to_end(&c.stdout_fd, &n_out);
    reap_exit_zero(&c, "child_program write 2 100000 write 1 10");
    ck_assert_msg(n_err == 100000 && is_child_pattern(err, n_err),
                  "the child wrote 100000 bytes of its pattern to stderr; stderr_fd gave %zu "
                  "bytes%s", n_err, n_err == 100000 ? " that differ from them" : "");
    ck_assert_msg(n_out == 10 && is_child_pattern(out, n_out),
                  "the child wrote 10 bytes of its pattern (\"abcdefghij\") to stdout; "
                  "stdout_fd gave \"%s\"", out);
    free(out);
    free(err);
}

/* child_start of a program that cannot run: -1, errno, and nothing left behind. */
static void assert_exec_fails(const char *program, int expected, const char *why)
{
    const char *argv[] = {program, "cat", NULL};
    int fds_before = wb_count_fds();
    struct child c = {-1, -1, -1, -1};
    errno = 0;
    int rc = child_start(argv, &c);
    int e = errno;
    ck_assert_msg(rc == -1 && e == expected,
                  "child_start({\"%s\", ...}) returned %d with errno %s, expected -1 with %s "
                  "(%s): the child sends execvp's errno through the close-on-exec pipe",
                  program, rc, errno_name(e), errno_name(expected), why);
    int children = count_children();
    ck_assert_msg(children == 0, "after child_start({\"%s\", ...}) failed, the test process "
                  "still has %d child process(es): reap the child whose exec failed",
                  program, children);
    int fds_after = wb_count_fds();
    ck_assert_msg(fds_after == fds_before, "child_start({\"%s\", ...}) failed and left %d "
                  "descriptor(s) open (%d before, %d after): close every pipe end",
                  program, fds_after - fds_before, fds_before, fds_after);
}

WB_TEST(child_start_of_a_missing_program_is_enoent)
{
    child_program(); /* its memory file is open before the count */
    assert_exec_fails("/no/such/directory/program", ENOENT, "no such file");
}

WB_TEST(child_start_searches_path_and_reports_enoent)
{
    child_program();
    assert_exec_fails("no-such-program-anywhere-in-path", ENOENT,
                      "a name without '/' is looked up in PATH, as execvp does, and found in "
                      "no directory");
}

WB_TEST(child_start_of_a_file_without_execute_permission_is_eacces)
{
    child_program();
    assert_exec_fails(child_program_not_executable(), EACCES, "the file has mode 0644");
}

WB_TEST(child_start_with_null_argv_is_einval)
{
    struct child c;
    errno = 0;
    int rc = child_start(NULL, &c);
    ck_assert_msg(rc == -1 && errno == EINVAL, "child_start(NULL, &c) returned %d (errno %s), "
                  "expected -1 with EINVAL", rc, errno_name(errno));
    const char *empty[] = {NULL};
    errno = 0;
    rc = child_start(empty, &c);
    ck_assert_msg(rc == -1 && errno == EINVAL, "child_start({NULL}, &c) returned %d (errno "
                  "%s), expected -1 with EINVAL: there is no program to run", rc,
                  errno_name(errno));
    ck_assert_msg(count_children() == 0, "child_start with no program started a process");
}

WB_TEST(child_leads_its_own_process_group)
{
    const char *argv[] = {child_program(), "sleep", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program sleep");
    pid_t group = getpgid(c.pid);
    kill_and_reap(&c);
    ck_assert_msg(group == c.pid, "when child_start returned, the child %d was in process "
                  "group %d, expected its own (%d): setpgid(0, 0) in the child, so that "
                  "kill(-pid, SIGKILL) ends it and every process it starts",
                  (int)c.pid, (int)group, (int)c.pid);
}

WB_TEST(child_inherits_only_stdin_stdout_stderr)
{
    int inheritable[2]; /* opened without O_CLOEXEC, as careless code does */
    ck_assert_msg(pipe(inheritable) == 0, "pipe failed: %s", strerror(errno));
    const char *argv[] = {child_program(), "fds", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program fds");
    close(c.stdin_fd);
    c.stdin_fd = -1;
    size_t n;
    char *out = read_to_end(&c.stdout_fd, &n);
    reap_exit_zero(&c, "child_program fds");
    close(inheritable[0]);
    close(inheritable[1]);
    ck_assert_msg(strcmp(out, "0 1 2\n") == 0,
                  "the child program found these descriptors open: \"%.*s\", expected only "
                  "\"0 1 2\": the other pipe ends (here %d and %d, opened by the test without "
                  "O_CLOEXEC, and child_start's own) must not reach the program "
                  "(close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) before the exec)",
                  (int)strcspn(out, "\n"), out, inheritable[0], inheritable[1]);
    free(out);
}

WB_TEST(child_pipe_ends_are_close_on_exec)
{
    const char *argv[] = {child_program(), "sleep", NULL};
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program sleep");
    int flags[3] = {fcntl(c.stdin_fd, F_GETFD), fcntl(c.stdout_fd, F_GETFD),
                    fcntl(c.stderr_fd, F_GETFD)};
    kill_and_reap(&c);
    const char *names[3] = {"stdin_fd", "stdout_fd", "stderr_fd"};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(flags[i] >= 0 && (flags[i] & FD_CLOEXEC),
                      "the parent's end %s has descriptor flags %d, expected FD_CLOEXEC: "
                      "another program this process starts (from another thread, say) "
                      "would inherit it and keep the pipe open (pipe2 with O_CLOEXEC)",
                      names[i], flags[i]);
}

WB_TEST(child_start_works_when_0_1_2_are_closed)
{
    const char *argv[] = {child_program(), "cat", NULL};
    /* The test process keeps nothing on 0, 1 and 2: the pipes get these numbers. */
    close(0);
    close(1);
    close(2);
    int fds_before = wb_count_fds();
    struct child c;
    assert_started(child_start(argv, &c), &c, "child_program cat, with 0, 1, 2 closed");
    int ends[3] = {c.stdin_fd, c.stdout_fd, c.stderr_fd};
    write_and_close(&c.stdin_fd, "abc", 3);
    size_t n;
    char *out = read_to_end(&c.stdout_fd, &n);
    int status = reap_child(c.pid);
    close(c.stderr_fd);
    int fds_after = wb_count_fds();
    ck_assert_msg(fds_after == fds_before, "with 0, 1 and 2 closed in the caller, child_start "
                  "left %d descriptor(s) open besides the three it returned: close the "
                  "child's ends in the parent, descriptor 0 too", fds_after - fds_before);
    ck_assert_msg(n == 3 && memcmp(out, "abc", 3) == 0 && WIFEXITED(status) &&
                      WEXITSTATUS(status) == 0,
                  "with descriptors 0, 1 and 2 closed in the caller (the parent's ends were "
                  "%d, %d, %d), child_program cat echoed \"%s\" (expected \"abc\") and ended "
                  "with status 0x%x: a child end that sits on 0, 1 or 2 must survive the "
                  "dup2s and lose close-on-exec (copy each to 3 or above first)",
                  ends[0], ends[1], ends[2], out, status);
    free(out);
}

WB_TEST(child_start_fork_failure_leaves_nothing)
{
    const char *argv[] = {child_program(), "cat", NULL};
    int fds_before = wb_count_fds();
    wb_fail_forks(EAGAIN);
    struct child c;
    errno = 0;
    int rc = child_start(argv, &c);
    int e = errno;
    int fds_after = wb_count_fds();
    ck_assert_msg(rc == -1 && e == EAGAIN, "child_start while fork fails with EAGAIN returned "
                  "%d (errno %s), expected -1 with EAGAIN", rc, errno_name(e));
    ck_assert_msg(fds_after == fds_before, "child_start failed to fork and left %d "
                  "descriptor(s) open: close the pipes it made", fds_after - fds_before);
}

WB_TEST(child_start_retries_after_signals)
{
    /* Signals keep interrupting the parent's read of the error pipe (EINTR): the
     * program starts all the same, and a failed exec still reports its own errno. */
    const char *argv[] = {child_program(), "exit", "0", NULL};
    const char *missing[] = {"/no/such/directory/program", NULL};
    ck_assert_msg(wb_signal_storm_start(0.0002) == 0, "the test could not start its signals");
    int rc = 0, e = 0, missing_rc = 0, missing_e = 0, started = 0;
    for (int i = 0; i < 20 && rc == 0; i++) {
        struct child c;
        errno = 0;
        rc = child_start(argv, &c);
        e = errno;
        if (rc == 0) {
            started++;
            close(c.stdin_fd);
            close(c.stdout_fd);
            close(c.stderr_fd);
            reap_child(c.pid);
        }
    }
    struct child c;
    errno = 0;
    missing_rc = child_start(missing, &c);
    missing_e = errno;
    long signals = wb_signal_storm_stop();
    ck_assert_msg(rc == 0, "while signals kept arriving (%ld in all), child_start(child_program "
                  "exit 0) returned %d with errno %s after %d successful starts: retry read "
                  "and waitpid when they fail with EINTR", signals, rc, errno_name(e), started);
    ck_assert_msg(missing_rc == -1 && missing_e == ENOENT, "while signals kept arriving, "
                  "child_start of a missing program returned %d with errno %s, expected -1 "
                  "with ENOENT", missing_rc, errno_name(missing_e));
}
