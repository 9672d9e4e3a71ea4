/* test_processes.c - pins run_processes (workers.h): a child per job, all at once, no GIL
 * between them and no memory shared, results back to the parent, every child reaped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model_test.h"

static void run_processes_ok(struct job *jobs, size_t n, long *results, const char *what)
{
    errno = 0;
    int rc = M_FORKS(run_processes(jobs, n, results));
    ck_assert_msg(rc == 0, "run_processes of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
    ck_assert_msg(m_no_children_left(), "run_processes of %s returned with a child not yet "
                  "reaped: waitpid every child before returning", what);
}

static void expect_result(long got, long expected, int i)
{
    ck_assert_msg(got == expected, "run_processes: results[%d] is %ld, expected %ld (the "
                  "result of jobs[%d]: what its wait returned plus the sum of its steps)", i,
                  got, expected, i);
}

WB_TEST(processes_return_each_jobs_result)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 3, false, 0, NULL, 0);
    m_job(&jobs[1], &w[1], log, 1, 2, true, 0, NULL, 0);
    long results[2] = {0, 0};
    run_processes_ok(jobs, 2, results, "a CPU-bound job and an I/O-bound one");
    expect_result(results[0], m_expected(0, 3, false), 0);
    expect_result(results[1], m_expected(1, 2, true), 1);
    m_log_free(log);
}

WB_TEST(processes_run_each_job_in_a_child_of_its_own)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, i == 1, 0, NULL, 0);
    long results[2];
    run_processes_ok(jobs, 2, results, "two jobs");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    ck_assert_msg(n == 10, "two jobs of 2 steps, one of them waiting, logged %zu events, "
                  "expected 10: did each job run once?", n);
    pid_t pid[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int k = e[i].worker;
        ck_assert_msg(e[i].pid != getpid(), "job %d ran in the process that called "
                      "run_processes: each job runs in a child process", k);
        ck_assert_msg(pid[k] == 0 || pid[k] == e[i].pid, "job %d ran in two processes", k);
        pid[k] = e[i].pid;
    }
    ck_assert_msg(pid[0] != pid[1], "both jobs ran in process %d: one child per job",
                  (int)pid[0]);
    ck_assert_msg(m_private_steps == 0,
                  "the caller's own memory counted %ld of the jobs' steps, expected 0: a "
                  "child has a copy of its parent's memory, and what it changes there the "
                  "parent never sees (the log is in shared memory, made for it)",
                  m_private_steps);
    m_log_free(log);
}

WB_TEST(processes_compute_at_the_same_time)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 3, false, M_MEET, NULL, 1 - i);
    long results[2];
    run_processes_ok(jobs, 2, results, "two CPU-bound jobs");
    m_expect_no_problem(log, "two CPU-bound jobs in processes");
    int max = m_max_computing(log);
    ck_assert_msg(max == 2, "two CPU-bound jobs in processes: %d computed at the same time, "
                  "expected 2 (no GIL between processes)", max);
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 3, false), i);
    m_log_free(log);
}

WB_TEST(processes_wait_at_the_same_time)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 1, true, M_WAIT_ALL, NULL, 1 - i);
    long results[2];
    run_processes_ok(jobs, 2, results, "two I/O-bound jobs");
    m_expect_no_problem(log, "two I/O-bound jobs in processes");
    int max = m_max_waiting(log);
    ck_assert_msg(max == 2, "two I/O-bound jobs in processes: %d waited at the same time, "
                  "expected 2", max);
    m_log_free(log);
}

WB_TEST(processes_run_in_parallel_on_two_cores)
{
    int cpus = m_usable_cpus();
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    /* On one CPU two processes can take turns only: both are "computing" (between a
     * step's begin and end) at once, which processes_compute_at_the_same_time shows, but
     * never running at the same instant. That part is skipped there. */
    unsigned flags = cpus >= 2 ? M_SPIN : M_MEET;
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, false, flags, NULL, 1 - i);
    long results[2];
    run_processes_ok(jobs, 2, results, "two CPU-bound jobs");
    if (cpus < 2) {
        printf("skipped: this machine lets the tests use %d CPU, and two processes can only "
               "take turns on one; checked that they compute concurrently instead\n", cpus);
        fflush(stdout);
    }
    m_expect_no_problem(log, cpus >= 2 ? "two CPU-bound jobs in processes, two CPUs"
                                       : "two CPU-bound jobs in processes, one CPU");
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 2, false), i);
    m_log_free(log);
}

WB_TEST(processes_match_results_to_their_jobs)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    /* jobs[0] waits until jobs[1] has done its steps: the second child ends first. */
    m_job(&jobs[0], &w[0], log, 0, 1, true, M_WAIT_PEER_DONE, NULL, 1);
    m_job(&jobs[1], &w[1], log, 1, 3, false, 0, NULL, 0);
    long results[2] = {0, 0};
    run_processes_ok(jobs, 2, results, "two jobs, the second ending first");
    m_expect_no_problem(log, "two jobs in processes, the second ending first");
    expect_result(results[0], m_expected(0, 1, true), 0);
    expect_result(results[1], m_expected(1, 3, false), 1);
    m_log_free(log);
}

WB_TEST(processes_report_a_crashed_child_as_echild)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 2, true, 0, NULL, 0);
    m_job(&jobs[1], &w[1], log, 1, 2, false, M_CRASH, NULL, 0);
    long results[2] = {0, 0};
    errno = 0;
    int rc = M_FORKS(run_processes(jobs, 2, results));
    ck_assert_msg(rc == -1 && errno == ECHILD,
                  "run_processes where job 1's child dies of SIGSEGV: expected -1 with ECHILD, "
                  "got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(m_no_children_left(), "run_processes returned with a child not yet reaped, "
                  "after one crashed: waitpid every child");
    expect_result(results[0], m_expected(0, 2, true), 0);
    m_log_free(log);
}

WB_TEST(processes_children_hold_only_their_own_pipe_end)
{
    enum { N = 3 };
    struct m_log *log = m_log_new(N, true);
    struct m_worker w[N];
    struct job jobs[N];
    for (int i = 0; i < N; i++)
        m_job(&jobs[i], &w[i], log, i, 1, false, M_COUNT_FDS, NULL, 0);
    long results[N];
    int fds = wb_count_fds(), std_open = m_std_open();
    run_processes_ok(jobs, N, results, "three jobs");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    for (size_t i = 0; i < n; i++) {
        if (e[i].what != M_STEP_BEGIN)
            continue;
        ck_assert_msg(e[i].fds <= fds + 1,
                      "the child of job %d had %d descriptors open, its parent %d before "
                      "run_processes: a child keeps only the write end it sends its result "
                      "through (close the read ends it inherited: its own, and those of the "
                      "children forked before it)", e[i].worker, e[i].fds, fds);
        ck_assert_msg(e[i].std_open == std_open,
                      "the child of job %d closed some of the descriptors 0, 1, 2 (open: %#x, "
                      "its parent's: %#x): close only what run_processes made", e[i].worker,
                      (unsigned)e[i].std_open, (unsigned)std_open);
    }
    m_log_free(log);
}

WB_TEST(processes_work_through_a_storm_of_signals)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, true, M_SLOW_WAIT, NULL, 0);
    long results[2] = {0, 0};
    ck_assert_msg(wb_signal_storm_start(0.001) == 0, "test setup: cannot start the signals");
    errno = 0;
    int rc = M_FORKS(run_processes(jobs, 2, results));
    int err = errno;
    long signals = wb_signal_storm_stop();
    ck_assert_msg(rc == 0,
                  "run_processes while a signal arrives every millisecond: expected 0, got %d "
                  "(errno %s). A signal interrupts a read or a waitpid that blocks: it fails "
                  "with EINTR, and is called again", rc, strerror(err));
    ck_assert_msg(signals > 0, "test setup: no signal arrived during run_processes");
    ck_assert_msg(m_no_children_left(), "run_processes returned with a child not yet reaped "
                  "(a waitpid interrupted by a signal is called again)");
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 2, true), i);
    m_log_free(log);
}

WB_TEST(processes_report_fork_failure)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, false, 0, NULL, 0);
    long results[2];
    int fds = wb_count_fds();
    wb_fail_forks(EAGAIN);
    errno = 0;
    int rc = M_FORKS(run_processes(jobs, 2, results));
    ck_assert_msg(rc == -1 && errno == EAGAIN,
                  "run_processes when fork fails with EAGAIN: expected -1 with EAGAIN, got %d "
                  "(errno %s)", rc, strerror(errno));
    ck_assert_msg(wb_count_fds() == fds, "run_processes failed and left %d descriptors open: "
                  "close the pipes it made", wb_count_fds() - fds);
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0, "no child could start, yet a job ran");
    m_log_free(log);
}

WB_TEST(processes_leave_no_descriptor_or_mapping)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, true, 0, NULL, 0);
    long results[2];
    int fds = wb_count_fds(), maps = wb_count_shared_mappings();
    for (int round = 0; round < 3; round++)
        run_processes_ok(jobs, 2, results, "two jobs");
    ck_assert_msg(wb_count_fds() == fds, "three calls of run_processes left %d descriptors "
                  "open: close every pipe end in the parent", wb_count_fds() - fds);
    ck_assert_msg(wb_count_shared_mappings() == maps, "three calls of run_processes left %d "
                  "shared mappings: munmap what the parent mapped",
                  wb_count_shared_mappings() - maps);
    m_log_free(log);
}

WB_TEST(processes_check_every_job_before_starting_any)
{
    struct m_log *log = m_log_new(2, true);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 2, true, 0, NULL, 0);
    m_job(&jobs[1], &w[1], log, 1, -1, false, 0, NULL, 0);
    long results[2] = {7, 7};
    errno = 0;
    int rc = M_FORKS(run_processes(jobs, 2, results));
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "run_processes with jobs[1] of -1 steps: expected -1 with EINVAL, got %d "
                  "(errno %s)", rc, strerror(errno));
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0 && results[0] == 7 && m_no_children_left(),
                  "run_processes refused jobs[1], yet started jobs[0]: check every job first");
    errno = 0;
    rc = M_FORKS(run_processes(NULL, 0, NULL));
    ck_assert_msg(rc == 0, "run_processes of no jobs: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    m_log_free(log);
}
