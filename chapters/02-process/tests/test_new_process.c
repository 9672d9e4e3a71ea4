/* test_new_process.c - pins new_process.h: the "subclass" with a run hook. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "new_process.h"
#include "wb_test.h"

WB_TEST(new_process_init_sets_hook_and_fields)
{
    struct new_process np;
    memset(&np, 0xff, sizeof np); /* garbage: init must set everything */
    new_process_init(&np, 5, 9);
    int n = 0;
    ck_assert_msg(np.base.run == new_process_run,
                  "new_process_init must set base.run to new_process_run (the override)");
    ck_assert_msg(np.base.target == NULL && np.base.state == PROCESS_CREATED,
                  "the base must be initialised with process_init (no target)");
    ck_assert_msg(np.num == 5 && np.report_fd == 9, "num %d, report_fd %d; expected 5, 9",
                  np.num, np.report_fd);
    ck_assert_msg(sscanf(np.base.name, "Process-%d", &n) == 1,
                  "an unnamed new_process is named \"%s\", expected \"Process-N\"",
                  np.base.name);
}

WB_TEST(new_process_run_hook_runs_in_child)
{
    int fds[2];
    wb_pipe(fds);
    struct new_process np[2];
    memset(np, 0, sizeof np);
    for (int i = 0; i < 2; i++) { /* the seeds: for i in range(2): NewProcess(i).start() */
        new_process_init(&np[i], 10 + i, fds[1]);
        start_ok(&np[i].base);
    }
    close(fds[1]);
    struct new_process_report got[2] = {{0}};
    ssize_t n = wb_read_full(fds[0], got, sizeof got);
    close(fds[0]);
    for (int i = 0; i < 2; i++)
        join_ok(&np[i].base);
    ck_assert_msg(n == sizeof got, "expected two reports, got %zd bytes", n);
    for (int i = 0; i < 2; i++) {
        int k = got[i].num - 10; /* reports may come in either order */
        ck_assert_msg(k == 0 || k == 1, "a report says num %d, expected 10 or 11", got[i].num);
        ck_assert_msg(got[i].pid == np[k].base.pid,
                      "process %d reported pid %d; its pid is %d: the hook must run in the "
                      "child", got[i].num, (int)got[i].pid, (int)np[k].base.pid);
        ck_assert_msg(process_exitcode(&np[k].base) == got[i].num,
                      "new_process %d ended with %d, expected its num", got[i].num,
                      process_exitcode(&np[k].base));
    }
    ck_assert_msg(got[0].num != got[1].num, "both reports say num %d", got[0].num);
}

WB_TEST(new_process_run_reports_write_failure)
{
    struct new_process np;
    memset(&np, 0, sizeof np);
    new_process_init(&np, 3, -1); /* not a descriptor: the write fails */
    start_ok(&np.base);
    join_ok(&np.base);
    ck_assert_msg(process_exitcode(&np.base) == 255,
                  "run could not write its report: exitcode %d, expected 255",
                  process_exitcode(&np.base));
}
