/* test_serial.c - pins job_run and run_serial (workers.h): one job after the other, each
 * waiting then computing its steps in order, in the calling thread. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "model_test.h"

/* Checks that events[*at...] are worker i's: its wait (if it waits) then its steps in
 * order, in the calling thread; moves *at past them. */
static void expect_job_events(const struct m_event *e, size_t n, size_t *at, int i,
                              long steps, bool waits, const char *order)
{
    if (waits) {
        ck_assert_msg(*at + 1 < n && e[*at].worker == i && e[*at].what == M_WAIT_BEGIN &&
                          e[*at + 1].what == M_WAIT_END,
                      "expected job %d to wait first; the calls were %s (job:call; W: its "
                      "wait, sN: step N)", i, order);
        *at += 2;
    }
    for (long s = 0; s < steps; s++, *at += 2)
        ck_assert_msg(*at + 1 < n && e[*at].worker == i && e[*at].what == M_STEP_BEGIN &&
                          e[*at].step == s && e[*at + 1].what == M_STEP_END,
                      "expected job %d's step %ld next; the calls were %s (job:call; W: its "
                      "wait, sN: step N)", i, s, order);
}

static void expect_in_calling_thread(const struct m_event *e, size_t n, const char *fn)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(e[i].pid == getpid() && e[i].tid == gettid(),
                      "%s ran job %d in thread %d of process %d, not in the calling thread "
                      "(%d of %d): serially means in the caller", fn, e[i].worker,
                      (int)e[i].tid, (int)e[i].pid, (int)gettid(), (int)getpid());
}

WB_TEST(job_run_waits_then_computes_each_step_in_order)
{
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 4, true, 0, NULL, 0);
    long result = 0;
    errno = 0;
    int rc = job_run(&job, &result);
    ck_assert_msg(rc == 0, "job_run of a job that waits, then computes 4 steps: expected 0, "
                  "got %d (errno %s)", rc, strerror(errno));
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    size_t at = 0;
    expect_job_events(e, n, &at, 0, 4, true, order);
    ck_assert_msg(at == n, "job_run called more than the wait and 4 steps: %s", order);
    expect_in_calling_thread(e, n, "job_run");
    ck_assert_msg(result == m_expected(0, 4, true),
                  "job_run: result %ld, expected %ld (what the wait returned, plus the sum of "
                  "what the steps returned)", result, m_expected(0, 4, true));
    m_log_free(log);
}

WB_TEST(job_run_of_a_cpu_job_only_computes)
{
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 3, false, 0, NULL, 0);
    long result = 0;
    errno = 0;
    int rc = job_run(&job, &result);
    ck_assert_msg(rc == 0, "job_run of a job with no wait and 3 steps: expected 0, got %d "
                  "(errno %s)", rc, strerror(errno));
    ck_assert_msg(result == m_expected(0, 3, false),
                  "job_run of a job with no wait: result %ld, expected %ld (the sum of what "
                  "the steps returned)", result, m_expected(0, 3, false));
    m_log_free(log);
}

WB_TEST(job_run_of_an_io_job_only_waits)
{
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 0, true, 0, NULL, 0);
    job.compute = NULL; /* no steps, so no compute is needed */
    long result = 0;
    errno = 0;
    int rc = job_run(&job, &result);
    ck_assert_msg(rc == 0, "job_run of a job that only waits (0 steps, compute NULL): expected "
                  "0, got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(result == m_wait_value(0), "job_run of a job that only waits: result %ld, "
                  "expected %ld (what the wait returned)", result, m_wait_value(0));
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    ck_assert_msg(n == 2, "job_run of a job that only waits logged %zu calls' events, "
                  "expected the wait's 2", n);
    m_log_free(log);
}

WB_TEST(job_run_refuses_a_bad_job)
{
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, -1, true, 0, NULL, 0);
    long result = 42;
    errno = 0;
    int rc = job_run(&job, &result);
    ck_assert_msg(rc == -1 && errno == EINVAL && result == 42,
                  "job_run of a job with -1 steps: expected -1 with EINVAL and the result "
                  "untouched, got %d (errno %s), result %ld", rc, strerror(errno), result);
    m_job(&job, &w, log, 0, 2, true, 0, NULL, 0);
    job.compute = NULL;
    errno = 0;
    rc = job_run(&job, &result);
    ck_assert_msg(rc == -1 && errno == EINVAL && result == 42,
                  "job_run of a job with 2 steps and no compute: expected -1 with EINVAL and "
                  "the result untouched, got %d (errno %s), result %ld", rc, strerror(errno),
                  result);
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0,
                  "job_run refused both jobs, yet called their wait: check the job first");
    m_log_free(log);
}

WB_TEST(run_serial_runs_the_jobs_in_order_in_the_calling_thread)
{
    enum { N = 3 };
    struct m_log *log = m_log_new(N, false);
    struct m_worker w[N];
    struct job jobs[N];
    const long steps[N] = {2, 3, 1};
    const bool waits[N] = {false, true, true};
    for (int i = 0; i < N; i++)
        m_job(&jobs[i], &w[i], log, i, steps[i], waits[i], 0, NULL, 0);
    long results[N] = {0, 0, 0};
    errno = 0;
    int rc = run_serial(jobs, N, results);
    ck_assert_msg(rc == 0, "run_serial of 3 jobs: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    size_t at = 0;
    for (int i = 0; i < N; i++)
        expect_job_events(e, n, &at, i, steps[i], waits[i], order);
    ck_assert_msg(at == n, "run_serial called more than the 3 jobs' waits and steps: %s",
                  order);
    expect_in_calling_thread(e, n, "run_serial");
    ck_assert_msg(m_max_computing(log) == 1 && m_max_waiting(log) == 1,
                  "run_serial: %d jobs computed and %d waited at the same time, expected one "
                  "at a time", m_max_computing(log), m_max_waiting(log));
    for (int i = 0; i < N; i++)
        ck_assert_msg(results[i] == m_expected(i, steps[i], waits[i]),
                      "run_serial: results[%d] is %ld, expected %ld (the result of jobs[%d])",
                      i, results[i], m_expected(i, steps[i], waits[i]), i);
    m_log_free(log);
}

WB_TEST(run_serial_checks_every_job_before_running_any)
{
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 2, true, 0, NULL, 0);
    m_job(&jobs[1], &w[1], log, 1, -3, false, 0, NULL, 0);
    long results[2] = {7, 7};
    errno = 0;
    int rc = run_serial(jobs, 2, results);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "run_serial with jobs[1] of -3 steps: expected -1 with EINVAL, got %d "
                  "(errno %s)", rc, strerror(errno));
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0 && results[0] == 7,
                  "run_serial refused jobs[1], yet ran jobs[0]: check every job first");
    m_log_free(log);
}

WB_TEST(run_serial_of_no_jobs_returns_zero)
{
    errno = 0;
    int rc = run_serial(NULL, 0, NULL);
    ck_assert_msg(rc == 0, "run_serial of no jobs: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
}
