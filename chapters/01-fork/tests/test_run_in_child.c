/* test_run_in_child.c - pins every promise of run_in_child.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run_in_child.h"
#include "wb_test.h"

struct ids {
    pid_t self, parent;
};

/* Child side: report who we are and who our parent is through the pipe in arg. */
static int report_ids(void *arg)
{
    int fd = *(int *)arg;
    struct ids ids = {getpid(), getppid()};
    return wb_write_full(fd, &ids, sizeof ids) == 0 ? 0 : 1;
}

static int return_arg(void *arg)
{
    return *(int *)arg;
}

/* Child side: wait up to 5 s for a byte from the parent; 0 when it came. */
static int wait_for_parent(void *arg)
{
    int fd = *(int *)arg;
    char byte;
    double deadline = wb_now() + 5;
    while (wb_now() < deadline) {
        ssize_t got = read(fd, &byte, 1);
        if (got == 1)
            return 0;
        wb_sleep(0.005);
    }
    return 3;
}

static pid_t start(child_fn fn, void *arg)
{
    pid_t pid = run_in_child(fn, arg);
    wb_exit_if_stray();
    ck_assert_msg(pid > 0, "run_in_child returned %d (errno: %s); expected the child's pid",
                  (int)pid, strerror(errno));
    return pid;
}

WB_TEST(run_in_child_returns_child_pid)
{
    int fds[2];
    wb_pipe(fds);
    pid_t pid = start(report_ids, &fds[1]);
    close(fds[1]);
    struct ids ids;
    ck_assert_msg(wb_read_full(fds[0], &ids, sizeof ids) == sizeof ids,
                  "the child did not run fn (nothing came through the pipe)");
    ck_assert_msg(ids.self == pid, "the child's getpid() is %d but run_in_child returned %d",
                  (int)ids.self, (int)pid);
    ck_assert_msg(ids.parent == getpid(),
                  "the child's getppid() is %d, expected the caller's pid %d", (int)ids.parent,
                  (int)getpid());
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0,
                  "the child should exit with 0 after its report through the pipe, exit "
                  "code %d",
                  code);
}

WB_TEST(run_in_child_exit_code_is_fn_result)
{
    int values[] = {0, 42, 300};
    int expected[] = {0, 42, 300 & 0xff};
    for (int i = 0; i < 3; i++) {
        pid_t pid = start(return_arg, &values[i]);
        int code = wb_wait_exitcode(pid, 10);
        ck_assert_msg(code == expected[i],
                      "fn returned %d, so the child should exit with %d, but it exited with %d",
                      values[i], expected[i], code);
    }
}

WB_TEST(run_in_child_child_never_returns)
{
    int zero = 0;
    pid_t pid = start(return_arg, &zero);
    /* A child that returned from run_in_child was stopped by wb_exit_if_stray with
     * status 127 instead of ending with fn's result. */
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code != 127, "the child returned from run_in_child into the caller's code; "
                               "it must end with _exit(fn(arg))");
    ck_assert_msg(code == 0, "fn returned 0, so the child should exit with 0, but it exited "
                             "with %d",
                  code);
}

WB_TEST(run_in_child_does_not_wait_for_child)
{
    int fds[2];
    wb_pipe(fds);
    pid_t pid = start(wait_for_parent, &fds[0]);
    /* The child waits for this byte; had run_in_child waited for the child, we would
     * only get here after the child gave up. */
    ck_assert_msg(wb_write_full(fds[1], "x", 1) == 0,
                  "test setup: writing the byte the child waits for failed: %s",
                  strerror(errno));
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0, "run_in_child waited for the child to end; it must return the "
                             "pid at once and leave the waiting to the caller");
}

WB_TEST(run_in_child_uses__exit_not_exit)
{
    FILE *f = wb_memory_file();
    char buffer[4096];
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    fputs("written once\n", f); /* still in the buffer: the child gets a copy */
    int zero = 0;
    pid_t pid = start(return_arg, &zero);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0, "fn returned 0, so the child should exit with 0, but it exited "
                             "with %d",
                  code);
    fflush(f);
    rewind(f);
    char text[128] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    ck_assert_msg(n == strlen("written once\n"),
                  "the parent's unflushed output was written %s: the child must end with "
                  "_exit, which does not flush stdio buffers (exit does)",
                  n > strlen("written once\n") ? "twice" : "wrongly");
}
