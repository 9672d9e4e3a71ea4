/* test_task_thread.c - pins every promise of task_thread.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "task_thread.h"
#include "wb_test.h"

static void init_ok(struct task_thread *tt, const char *task, const char *name)
{
    errno = 0;
    int rc = task_thread_init(tt, task, name);
    ck_assert_msg(rc == 0, "task_thread_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

/* what: the task_thread's state in words, such as "a joined task_thread". */
static void destroy_ok(struct task_thread *tt, const char *what)
{
    int rc = thread_destroy(&tt->base);
    ck_assert_msg(rc == 0, "thread_destroy of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

static void run_to_end(struct task_thread *tt)
{
    ck_assert_msg(thread_start(&tt->base) == 0, "thread_start failed: %s", strerror(errno));
    ck_assert_msg(thread_join(&tt->base, -1) == 0, "thread_join failed: %s",
                  strerror(errno));
}

WB_TEST(task_thread_installs_its_run_hook)
{
    struct task_thread tt;
    memset(&tt, 0xff, sizeof tt); /* garbage, as in an uninitialised variable */
    init_ok(&tt, "thread 1", "t1");
    ck_assert_msg(tt.base.run == task_thread_run,
                  "after task_thread_init, base.run must be task_thread_run (the override)");
    ck_assert_msg(tt.base.target == NULL, "a task_thread has no target: run does the work");
    ck_assert_msg(strcmp(tt.task, "thread 1") == 0 && tt.report[0] == '\0',
                  "task_thread_init must keep the task and empty the report");
    destroy_ok(&tt, "a task_thread that was never started");
}

WB_TEST(task_thread_run_reports_task_and_thread)
{
    struct task_thread tt;
    init_ok(&tt, "thread 1", "worker");
    run_to_end(&tt);
    ck_assert_msg(strcmp(tt.report, "current task: thread 1 (in worker)") == 0,
                  "report is \"%s\", expected \"current task: thread 1 (in worker)\"",
                  tt.report);
    destroy_ok(&tt, "a joined task_thread");
}

WB_TEST(task_thread_without_name_gets_default_name)
{
    struct task_thread tt;
    init_ok(&tt, "anonymous", NULL);
    unsigned long n = 0;
    ck_assert_msg(sscanf(thread_name(&tt.base), "Thread-%lu", &n) == 1,
                  "a task_thread made without a name is called \"%s\", expected \"Thread-N\"",
                  thread_name(&tt.base));
    run_to_end(&tt);
    char expected[TASK_REPORT_MAX];
    snprintf(expected, sizeof expected, "current task: anonymous (in Thread-%lu)", n);
    ck_assert_msg(strcmp(tt.report, expected) == 0, "report is \"%s\", expected \"%s\"",
                  tt.report, expected);
    destroy_ok(&tt, "a joined task_thread made without a name");
}

WB_TEST(task_threads_like_the_seed)
{
    struct task_thread t1, t2;
    init_ok(&t1, "thread 1", NULL);
    init_ok(&t2, "thread 2", NULL);
    ck_assert_msg(thread_start(&t1.base) == 0 && thread_start(&t2.base) == 0,
                  "thread_start failed: %s", strerror(errno));
    ck_assert_msg(thread_join(&t1.base, -1) == 0 && thread_join(&t2.base, -1) == 0,
                  "thread_join failed: %s", strerror(errno));
    char e1[TASK_REPORT_MAX], e2[TASK_REPORT_MAX];
    snprintf(e1, sizeof e1, "current task: thread 1 (in %s)", thread_name(&t1.base));
    snprintf(e2, sizeof e2, "current task: thread 2 (in %s)", thread_name(&t2.base));
    ck_assert_msg(strcmp(t1.report, e1) == 0 && strcmp(t2.report, e2) == 0,
                  "reports \"%s\" and \"%s\", expected \"%s\" and \"%s\": each run must find "
                  "its own task_thread (container_of)", t1.report, t2.report, e1, e2);
    destroy_ok(&t1, "the joined task_thread t1 (\"thread 1\")");
    destroy_ok(&t2, "the joined task_thread t2 (\"thread 2\")");
}

WB_TEST(task_thread_report_is_cut_to_fit)
{
    char task[200];
    memset(task, 'z', sizeof task - 1);
    task[sizeof task - 1] = '\0';
    struct task_thread tt;
    init_ok(&tt, task, "long");
    run_to_end(&tt);
    ck_assert_msg(strlen(tt.report) == TASK_REPORT_MAX - 1 &&
                      strncmp(tt.report, "current task: zzz", 17) == 0,
                  "a report too long for TASK_REPORT_MAX must be cut to %d bytes, got %zu",
                  TASK_REPORT_MAX - 1, strlen(tt.report));
    destroy_ok(&tt, "a joined task_thread whose report was cut");
}
