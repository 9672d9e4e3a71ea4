/* test_process_start.c - pins process_init and process_start (process.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "process.h"
#include "wb_test.h"

/* What report_target sends back. */
struct ids {
    pid_t self, parent;
    int value;
};

struct report_arg {
    int fd, value;
};

static int report_target(void *arg)
{
    struct report_arg *a = arg;
    struct ids ids = {getpid(), getppid(), a->value};
    return wb_write_full(a->fd, &ids, sizeof ids) == 0 ? 0 : 1;
}

WB_TEST(process_default_names_count_processes)
{
    struct process a = {0}, b = {0}, c = {0};
    process_init(&a, NULL, NULL, NULL);
    process_init(&b, NULL, NULL, "worker");
    process_init(&c, NULL, NULL, NULL);
    int n = -1;
    char rest = 0;
    ck_assert_msg(sscanf(a.name, "Process-%d%c", &n, &rest) == 1 && n >= 1,
                  "an unnamed process is named \"%s\", expected \"Process-N\"", a.name);
    ck_assert_msg(strcmp(b.name, "worker") == 0, "a process named \"worker\" is named \"%s\"",
                  b.name);
    char expected[PROCESS_NAME_MAX];
    snprintf(expected, sizeof expected, "Process-%d", n + 2);
    ck_assert_msg(strcmp(c.name, expected) == 0,
                  "after \"%s\" and a named process, the next unnamed one is \"%s\", expected "
                  "\"%s\" (every process created counts, named or not)",
                  a.name, c.name, expected);
}

WB_TEST(process_init_copies_and_truncates_name)
{
    char name[2 * PROCESS_NAME_MAX];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    struct process p = {0};
    process_init(&p, NULL, NULL, name);
    name[0] = 'y'; /* the process keeps its own copy */
    ck_assert_msg(strlen(p.name) == PROCESS_NAME_MAX - 1 && p.name[0] == 'x',
                  "a %zu-character name should be copied and truncated to %d characters; "
                  "got %zu characters starting with '%c'",
                  strlen(name), PROCESS_NAME_MAX - 1, strnlen(p.name, PROCESS_NAME_MAX),
                  p.name[0]);
    ck_assert_msg(p.state == PROCESS_CREATED && p.run == NULL && p.pid == 0,
                  "a new process: state %d, run %p, pid %d; expected PROCESS_CREATED, NULL, 0",
                  (int)p.state, (void *)p.run, (int)p.pid);
    int code = process_exitcode(&p);
    ck_assert_msg(code == PROCESS_NO_EXITCODE,
                  "process_exitcode of a process not yet started: expected PROCESS_NO_EXITCODE "
                  "(no exit code yet), got %d",
                  code);
}

WB_TEST(process_start_runs_target_in_child)
{
    int fds[2];
    wb_pipe(fds);
    struct report_arg arg = {fds[1], 42};
    struct process p = {0};
    process_init(&p, report_target, &arg, NULL);
    start_ok(&p);
    close(fds[1]);
    struct ids ids = {0};
    ck_assert_msg(wb_read_full(fds[0], &ids, sizeof ids) == sizeof ids,
                  "the child did not run target (nothing came through the pipe)");
    close(fds[0]);
    join_ok(&p);
    ck_assert_msg(ids.value == 42, "target got arg with value %d, expected 42", ids.value);
    ck_assert_msg(ids.self == p.pid && ids.parent == getpid(),
                  "target ran in pid %d (parent %d); expected p->pid %d, parent %d",
                  (int)ids.self, (int)ids.parent, (int)p.pid, (int)getpid());
    ck_assert_msg(p.state == PROCESS_ENDED, "p->state is %d after join, expected PROCESS_ENDED",
                  (int)p.state);
}

WB_TEST(process_start_returns_without_waiting)
{
    struct gate g;
    gate_open(&g);
    struct process p = {0};
    process_init(&p, gate_target, &g, NULL);
    start_ok(&p); /* had start waited for the child, it would wait 10 s for the gate */
    ck_assert_msg(p.state == PROCESS_STARTED, "p->state is %d after start, expected "
                                              "PROCESS_STARTED", (int)p.state);
    gate_release(&g);
    join_ok(&p);
    close(g.fds[0]);
    ck_assert_msg(process_exitcode(&p) == 0,
                  "the child gave up waiting (exit code %d): process_start waited for it "
                  "instead of returning at once",
                  process_exitcode(&p));
}

WB_TEST(process_exitcode_is_target_result)
{
    int values[] = {0, 7, 300};
    int expected[] = {0, 7, 300 & 0xff};
    for (int i = 0; i < 3; i++) {
        struct process p = {0};
        process_init(&p, exit_with, &values[i], NULL);
        start_ok(&p);
        join_ok(&p);
        int code = process_exitcode(&p);
        ck_assert_msg(code == expected[i], "target returned %d: exitcode %d, expected %d",
                      values[i], code, expected[i]);
    }
    struct process none = {0};
    process_init(&none, NULL, NULL, NULL);
    start_ok(&none);
    join_ok(&none);
    ck_assert_msg(process_exitcode(&none) == 0, "a process without target: exitcode %d, "
                  "expected 0", process_exitcode(&none));
}

WB_TEST(process_start_twice_is_einval)
{
    int zero = 0;
    struct process p = {0};
    process_init(&p, exit_with, &zero, NULL);
    start_ok(&p);
    pid_t first = p.pid;
    errno = 0;
    int rc = process_start(&p);
    wb_exit_if_stray();
    int err = errno;
    join_ok(&p);
    ck_assert_msg(rc == -1 && err == EINVAL,
                  "starting a process twice: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(err));
    ck_assert_msg(p.pid == first, "the failed second start changed p->pid");
}

static int hook_called(struct process *self)
{
    return (int)strlen(self->name); /* proves the hook got the process itself */
}

WB_TEST(process_start_calls_run_hook_instead_of_target)
{
    int seven = 7;
    struct process p = {0};
    process_init(&p, exit_with, &seven, "abc");
    p.run = hook_called;
    start_ok(&p);
    join_ok(&p);
    int code = process_exitcode(&p);
    ck_assert_msg(code == 3, "with p->run set, the child should call p->run(p) (which "
                             "returns 3 here) instead of target (7); exitcode %d", code);
}

static int print_to(void *arg)
{
    fputs("child\n", (FILE *)arg); /* left in the buffer: the process must flush it */
    return 0;
}

WB_TEST(process_flushes_stdio_like_python)
{
    FILE *f = wb_memory_file();
    char buffer[4096];
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    fputs("parent\n", f); /* unflushed when the process starts */
    struct process p = {0};
    process_init(&p, print_to, f, NULL);
    start_ok(&p);
    join_ok(&p);
    fflush(f);
    rewind(f);
    char text[128] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    ck_assert_msg(n == strlen("parent\nchild\n") && strcmp(text, "parent\nchild\n") == 0,
                  "the file holds \"%s\", expected \"parent\\nchild\\n\": flush stdio before "
                  "fork (or the parent's buffer is written twice) and in the child after "
                  "target (or its output is lost)",
                  text);
}

WB_TEST(process_start_fork_failure_leaks_nothing)
{
    int zero = 0;
    struct process p = {0};
    process_init(&p, exit_with, &zero, NULL);
    int before = wb_count_fds();
    wb_fail_forks(EAGAIN); /* from here on, every fork of this process fails */
    errno = 0;
    int rc = process_start(&p);
    int err = errno;
    int after = wb_count_fds();
    struct process *list[4];
    size_t active = process_active_children(list, 4);
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "when fork fails: got %d (errno %s), expected -1 with fork's errno EAGAIN",
                  rc, strerror(err));
    ck_assert_msg(after == before,
                  "when fork fails: %d descriptors open before, %d after (close the pipe "
                  "before returning)",
                  before, after);
    ck_assert_msg(active == 0, "when fork fails, active_children still lists %zu process(es)",
                  active);
}

/* Target: how many more descriptors the child has than the test had before start. */
static int count_extra_fds(void *arg)
{
    int extra = wb_count_fds() - *(int *)arg;
    return extra >= 0 && extra < 100 ? extra : 100;
}

WB_TEST(process_child_holds_only_the_sentinel_write_end)
{
    int before = 0;
    struct process p = {0};
    process_init(&p, count_extra_fds, &before, NULL);
    before = wb_count_fds();
    start_ok(&p);
    join_ok(&p);
    int extra = process_exitcode(&p);
    ck_assert_msg(extra == 1,
                  "the child holds %d descriptor(s) besides those it inherited from the "
                  "caller, expected 1: the sentinel's write end (close the read end in the "
                  "child)",
                  extra);
}
