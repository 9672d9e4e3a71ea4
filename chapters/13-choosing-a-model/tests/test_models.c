/* test_models.c - the same jobs run serially, in threads under the GIL and in processes:
 * the same results each way; only how the work overlapped differs. */
#include <errno.h>
#include <string.h>

#include "model_test.h"

enum { N = 2 };

/* A CPU-bound job (4 steps) and an I/O-bound one (a wait, 1 step). */
static void make_jobs(struct job *jobs, struct m_worker *w, struct m_log *log,
                      struct gil *gil)
{
    m_job(&jobs[0], &w[0], log, 0, 4, false, 0, gil, 1);
    m_job(&jobs[1], &w[1], log, 1, 1, true, 0, gil, 0);
}

static void expect_results(const long *results, const char *model)
{
    ck_assert_msg(results[0] == m_expected(0, 4, false) && results[1] == m_expected(1, 1, true),
                  "the same two jobs %s: results %ld and %ld, expected %ld and %ld", model,
                  results[0], results[1], m_expected(0, 4, false), m_expected(1, 1, true));
}

WB_TEST(the_same_jobs_give_the_same_results_three_ways)
{
    struct m_worker w[N];
    struct job jobs[N];
    long results[N];

    struct m_log *log = m_log_new(N, false);
    make_jobs(jobs, w, log, NULL);
    errno = 0;
    int rc = run_serial(jobs, N, results);
    ck_assert_msg(rc == 0, "run_serial: %d (errno %s)", rc, strerror(errno));
    expect_results(results, "serially");
    m_log_free(log);

    struct gil gil;
    errno = 0;
    rc = gil_init(&gil, 2);
    ck_assert_msg(rc == 0, "gil_init(gil, 2): %d (errno %s)", rc, strerror(errno));
    log = m_log_new(N, false);
    make_jobs(jobs, w, log, &gil);
    errno = 0;
    rc = run_threads(&gil, jobs, N, results);
    ck_assert_msg(rc == 0, "run_threads: %d (errno %s)", rc, strerror(errno));
    expect_results(results, "in threads under the GIL");
    ck_assert_msg(gil_destroy(&gil) == 0, "gil_destroy after run_threads: the GIL is in use");
    m_log_free(log);

    log = m_log_new(N, true);
    make_jobs(jobs, w, log, NULL);
    errno = 0;
    rc = M_FORKS(run_processes(jobs, N, results));
    ck_assert_msg(rc == 0, "run_processes: %d (errno %s)", rc, strerror(errno));
    expect_results(results, "in processes");
    m_log_free(log);
}
