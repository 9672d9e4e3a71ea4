/* test_threads.c - pins job_run_with_gil and run_threads (workers.h): the GIL held while
 * computing, released around waits; threads that compute take turns, threads that wait
 * wait together. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "model_test.h"

static void init_gil(struct gil *gil, long interval)
{
    errno = 0;
    int rc = gil_init(gil, interval);
    ck_assert_msg(rc == 0, "gil_init(gil, %ld): expected 0, got %d (errno %s)", interval, rc,
                  strerror(errno));
}

/* The GIL after a run: free, nobody waiting, and it can be destroyed. */
static void expect_gil_free(struct gil *gil, const char *after)
{
    ck_assert_msg(!gil_held(gil), "after %s the calling thread holds the GIL: it must be "
                  "released", after);
    ck_assert_msg(gil_waiting(gil) == 0, "after %s gil_waiting is %d, expected 0", after,
                  gil_waiting(gil));
    errno = 0;
    int rc = gil_destroy(gil);
    ck_assert_msg(rc == 0, "after %s gil_destroy: expected 0, got %d (errno %s): is the GIL "
                  "still held?", after, rc, strerror(errno));
}

static void run_threads_ok(struct gil *gil, struct job *jobs, size_t n, long *results,
                           const char *what)
{
    errno = 0;
    int rc = run_threads(gil, jobs, n, results);
    ck_assert_msg(rc == 0, "run_threads of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

static void expect_result(long got, long expected, const char *what)
{
    ck_assert_msg(got == expected, "%s: result %ld, expected %ld (what the wait returned, "
                  "plus the sum of what the steps returned)", what, got, expected);
}

WB_TEST(job_with_gil_holds_it_while_computing_only)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 3, true, 0, &gil, 0);
    long result = 0;
    errno = 0;
    int rc = job_run_with_gil(&gil, &job, &result);
    ck_assert_msg(rc == 0, "job_run_with_gil of a job that waits then computes 3 steps: "
                  "expected 0, got %d (errno %s)", rc, strerror(errno));
    expect_result(result, m_expected(0, 3, true), "job_run_with_gil");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    ck_assert_msg(n == 8 && e[0].what == M_WAIT_BEGIN && e[1].what == M_WAIT_END &&
                      e[2].what == M_STEP_BEGIN && e[2].step == 0 &&
                      e[4].what == M_STEP_BEGIN && e[4].step == 1 &&
                      e[6].what == M_STEP_BEGIN && e[6].step == 2,
                  "job_run_with_gil called %s; expected the wait, then steps 0, 1, 2", order);
    ck_assert_msg(e[0].gil_held == 0, "the wait ran with the GIL held: release it before "
                  "waiting, so that other threads can run meanwhile");
    for (int s = 0; s < 3; s++)
        ck_assert_msg(e[2 + 2 * s].gil_held == 1, "step %d ran without the GIL: hold it while "
                      "computing", s);
    expect_gil_free(&gil, "job_run_with_gil");
    m_log_free(log);
}

struct run_with_gil {
    struct gil *gil;
    struct job *job;
    long result;
    int rc, err;
};

static void *run_with_gil_thread(void *arg)
{
    struct run_with_gil *r = arg;
    errno = 0;
    r->rc = job_run_with_gil(r->gil, r->job, &r->result);
    r->err = errno;
    return NULL;
}

WB_TEST(job_with_gil_takes_the_gil_before_its_wait)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 1, true, 0, &gil, 0);
    errno = 0;
    int rc = gil_acquire(&gil);
    ck_assert_msg(rc == 0, "gil_acquire: %d (errno %s)", rc, strerror(errno));
    struct run_with_gil r = {.gil = &gil, .job = &job};
    pthread_t tid = wb_thread_start(run_with_gil_thread, &r);
    bool queued = m_wait_for_waiters(&gil, 1);
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    gil_release(&gil);
    wb_thread_join(tid);
    ck_assert_msg(queued && n == 0,
                  "while the test held the GIL, a thread running job_run_with_gil called %s "
                  "(%s for the GIL): it must take the GIL before anything, as a Python "
                  "thread needs it to run even the code that starts its I/O",
                  n ? order : "nothing", queued ? "and then waited" : "and never waited");
    ck_assert_msg(r.rc == 0, "job_run_with_gil once the GIL was free: %d (errno %s)", r.rc,
                  strerror(r.err));
    expect_gil_free(&gil, "job_run_with_gil");
    m_log_free(log);
}

WB_TEST(job_with_gil_lets_a_waiting_thread_in_every_interval_steps)
{
    enum { INTERVAL = 2, STEPS = 6 };
    struct gil gil;
    init_gil(&gil, INTERVAL);
    struct m_log *log = m_log_new(2, false);
    pthread_t by = m_bystander_start(log, &gil, 1);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, STEPS, false, M_TAKE_TURNS, &gil, 1);
    long result = 0;
    errno = 0;
    int rc = job_run_with_gil(&gil, &job, &result);
    int err = errno;
    m_bystander_stop(log, by);
    ck_assert_msg(rc == 0, "job_run_with_gil of 6 steps: expected 0, got %d (errno %s)", rc,
                  strerror(err));
    m_expect_no_problem(log, "one job of 6 steps, interval 2, another thread always "
                        "asking for the GIL");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[1024];
    m_describe(e, n, order, sizeof order);
    /* The other thread's turns between step s and step s + 1. */
    int turns[STEPS] = {0};
    long last = -1;
    for (size_t i = 0; i < n; i++) {
        if (e[i].what == M_STEP_BEGIN)
            last = e[i].step;
        else if (e[i].what == M_TURN && last >= 0 && last < STEPS - 1)
            turns[last] += (int)e[i].step;
    }
    for (int s = 0; s < STEPS - 1; s++) {
        int expected = s % INTERVAL == INTERVAL - 1;
        ck_assert_msg(turns[s] == expected,
                      "interval 2, another thread always waiting for the GIL: it had %d "
                      "turns between steps %d and %d, expected %d (after every second step "
                      "gil_tick hands the GIL over for one turn). Order: %s (T: its turns)",
                      turns[s], s, s + 1, expected, order);
    }
    expect_gil_free(&gil, "job_run_with_gil");
    m_log_free(log);
}

WB_TEST(job_with_gil_refuses_a_bad_job_and_a_held_gil)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, -1, true, 0, &gil, 0);
    long result = 42;
    errno = 0;
    int rc = job_run_with_gil(&gil, &job, &result);
    ck_assert_msg(rc == -1 && errno == EINVAL && result == 42,
                  "job_run_with_gil of a job with -1 steps: expected -1 with EINVAL and the "
                  "result untouched, got %d (errno %s), result %ld", rc, strerror(errno),
                  result);
    ck_assert_msg(!gil_held(&gil), "job_run_with_gil refused a job and kept the GIL");

    m_job(&job, &w, log, 0, 2, true, 0, &gil, 0);
    errno = 0;
    rc = gil_acquire(&gil);
    ck_assert_msg(rc == 0, "gil_acquire: %d (errno %s)", rc, strerror(errno));
    errno = 0;
    rc = job_run_with_gil(&gil, &job, &result);
    int err = errno;
    bool still_held = gil_held(&gil);
    gil_release(&gil);
    ck_assert_msg(rc == -1 && err == EDEADLK,
                  "job_run_with_gil called by a thread that holds the GIL: expected -1 with "
                  "EDEADLK (from gil_acquire), got %d (errno %s)", rc, strerror(err));
    ck_assert_msg(still_held, "after the refused job_run_with_gil the caller no longer held "
                  "its GIL: the job must not release a GIL it did not take");
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0,
                  "job_run_with_gil refused both jobs, yet called their wait or compute");
    expect_gil_free(&gil, "the refused jobs");
    m_log_free(log);
}

WB_TEST(job_without_a_gil_is_job_run)
{
    struct m_log *log = m_log_new(1, false);
    struct m_worker w;
    struct job job;
    m_job(&job, &w, log, 0, 2, true, 0, NULL, 0);
    long result = 0;
    errno = 0;
    int rc = job_run_with_gil(NULL, &job, &result);
    ck_assert_msg(rc == 0, "job_run_with_gil(NULL, job): expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    expect_result(result, m_expected(0, 2, true), "job_run_with_gil without a GIL");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    ck_assert_msg(n == 6 && e[0].what == M_WAIT_BEGIN && e[2].step == 0 && e[4].step == 1,
                  "job_run_with_gil(NULL, job) called %s; expected the wait, then steps 0, 1",
                  order);
    m_log_free(log);
}

WB_TEST(threads_return_each_jobs_result)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 3, false, 0, &gil, 0);
    m_job(&jobs[1], &w[1], log, 1, 2, true, 0, &gil, 0);
    long results[2] = {0, 0};
    run_threads_ok(&gil, jobs, 2, results, "a CPU-bound job and an I/O-bound one");
    expect_result(results[0], m_expected(0, 3, false), "results[0] of run_threads");
    expect_result(results[1], m_expected(1, 2, true), "results[1] of run_threads");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    pid_t tid[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int k = e[i].worker;
        ck_assert_msg(e[i].pid == getpid(), "a job of run_threads ran in process %d, not in "
                      "the caller's (%d): threads, not processes", (int)e[i].pid,
                      (int)getpid());
        ck_assert_msg(e[i].tid != gettid(), "job %d ran in the thread that called "
                      "run_threads: each job runs in a thread of its own", k);
        ck_assert_msg(tid[k] == 0 || tid[k] == e[i].tid, "job %d ran in two threads", k);
        tid[k] = e[i].tid;
    }
    ck_assert_msg(tid[0] != tid[1], "both jobs ran in thread %d: one thread per job",
                  (int)tid[0]);
    ck_assert_msg(m_private_steps == 5,
                  "the jobs' threads counted %ld steps in the process's own memory, expected "
                  "5: threads share their process's memory", m_private_steps);
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}

WB_TEST(cpu_threads_never_compute_at_once_under_the_gil)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 4, false, M_TAKE_TURNS, &gil, 1 - i);
    long results[2];
    run_threads_ok(&gil, jobs, 2, results, "two CPU-bound jobs");
    m_expect_no_problem(log, "two CPU-bound jobs in threads under the GIL");
    int max = m_max_computing(log);
    ck_assert_msg(max == 1,
                  "two CPU-bound jobs in threads under the GIL: %d computed at the same time, "
                  "expected 1 (a thread computes only while it holds the GIL)", max);
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 4, false), "a CPU-bound job in a thread");
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}

WB_TEST(cpu_threads_take_turns_every_interval)
{
    enum { INTERVAL = 3, STEPS = 9 };
    struct gil gil;
    init_gil(&gil, INTERVAL);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, STEPS, false, M_TAKE_TURNS, &gil, 1 - i);
    long results[2];
    run_threads_ok(&gil, jobs, 2, results, "two CPU-bound jobs of 9 steps, interval 3");
    m_expect_no_problem(log, "two CPU-bound jobs of 9 steps in threads, interval 3");
    m_expect_turns(log, INTERVAL, STEPS, "two CPU-bound jobs of 9 steps in threads, interval 3");
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}

WB_TEST(io_threads_wait_at_the_same_time)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 1, true, M_WAIT_ALL, &gil, 1 - i);
    long results[2];
    run_threads_ok(&gil, jobs, 2, results, "two I/O-bound jobs");
    m_expect_no_problem(log, "two I/O-bound jobs in threads under the GIL");
    int max = m_max_waiting(log);
    ck_assert_msg(max == 2, "two I/O-bound jobs in threads: %d waited at the same time, "
                  "expected 2 (the GIL is released around the wait)", max);
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 1, true), "an I/O-bound job in a thread");
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}

WB_TEST(a_thread_computes_while_another_waits)
{
    enum { STEPS = 4 };
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, STEPS, false, M_AFTER_PEER_WAITS, &gil, 1);
    m_job(&jobs[1], &w[1], log, 1, 1, true, M_WAIT_PEER_DONE, &gil, 0);
    long results[2];
    run_threads_ok(&gil, jobs, 2, results, "a CPU-bound job and an I/O-bound one");
    m_expect_no_problem(log, "a CPU-bound job and an I/O-bound one in threads");
    struct m_event e[M_EVENTS];
    size_t n = m_events(log, e, M_EVENTS);
    char order[512];
    m_describe(e, n, order, sizeof order);
    bool waiting = false, waited = false, step_after_wait = false;
    int steps_during_wait = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].worker == 1 && e[i].what == M_WAIT_BEGIN) {
            waiting = waited = true;
        } else if (e[i].worker == 1 && e[i].what == M_WAIT_END) {
            waiting = false;
        } else if (e[i].worker == 0 && e[i].what == M_STEP_BEGIN) {
            steps_during_wait += waiting;
            step_after_wait |= waited && !waiting;
        }
    }
    /* Step 0 may come first: when the CPU-bound thread took the GIL first, the other
     * needs a turn with it to begin its wait (the tick after step 0 gives it one). */
    ck_assert_msg(steps_during_wait >= STEPS - 1 && !step_after_wait,
                  "%d of the CPU-bound job's %d steps ran while the I/O-bound job waited, "
                  "expected every one after step 0: order %s (W: the wait begins, /W: it "
                  "ends)", steps_during_wait, STEPS, order);
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}

/* Two threads each add 1 twice to the log's counter, each += as two steps (read, then
 * write), under a GIL of the given interval; returns the counter. */
static long count_with_interval(long interval)
{
    struct gil gil;
    init_gil(&gil, interval);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 4, false, M_TAKE_TURNS | M_READ_WRITE, &gil, 1 - i);
    long results[2];
    run_threads_ok(&gil, jobs, 2, results, "two jobs adding 1 twice each");
    m_expect_no_problem(log, "two jobs adding 1 twice each");
    pthread_mutex_lock(&log->lock);
    long counter = log->counter;
    pthread_mutex_unlock(&log->lock);
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
    return counter;
}

WB_TEST(gil_switch_between_read_and_write_loses_updates)
{
    long aligned = count_with_interval(2);
    ck_assert_msg(aligned == 4,
                  "n += 1 as a read step and a write step, two threads doing it twice each, "
                  "interval 2 (switches fall between two +=): n ended at %ld, expected 4",
                  aligned);
    long split = count_with_interval(1);
    ck_assert_msg(split == 2,
                  "the same with interval 1 (a switch between every read and its write): n "
                  "ended at %ld, expected 2: each thread writes back a value the other one "
                  "has already overwritten. The GIL makes each step atomic, not n += 1",
                  split);
}

WB_TEST(threads_without_a_gil_compute_at_once)
{
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, false, M_MEET, NULL, 1 - i);
    long results[2];
    run_threads_ok(NULL, jobs, 2, results, "two CPU-bound jobs, no GIL");
    m_expect_no_problem(log, "two CPU-bound jobs in threads without a GIL");
    int max = m_max_computing(log);
    ck_assert_msg(max == 2, "two CPU-bound jobs in threads without a GIL: %d computed at the "
                  "same time, expected 2", max);
    for (int i = 0; i < 2; i++)
        expect_result(results[i], m_expected(i, 2, false), "a job in a thread without a GIL");
    m_log_free(log);
}

WB_TEST(threads_report_create_failure)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    for (int i = 0; i < 2; i++)
        m_job(&jobs[i], &w[i], log, i, 2, false, 0, &gil, 0);
    long results[2];
    wb_fail_forks(EAGAIN);
    errno = 0;
    int rc = run_threads(&gil, jobs, 2, results);
    ck_assert_msg(rc == -1 && errno == EAGAIN,
                  "run_threads when no thread can be created: expected -1 with EAGAIN (what "
                  "pthread_create returned), got %d (errno %s)", rc, strerror(errno));
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0, "no thread could start, yet a job ran");
    expect_gil_free(&gil, "a failed run_threads");
    m_log_free(log);
}

WB_TEST(threads_check_every_job_before_starting_any)
{
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct job jobs[2];
    m_job(&jobs[0], &w[0], log, 0, 2, true, 0, &gil, 0);
    m_job(&jobs[1], &w[1], log, 1, 2, false, 0, &gil, 0);
    jobs[1].compute = NULL;
    long results[2] = {7, 7};
    errno = 0;
    int rc = run_threads(&gil, jobs, 2, results);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "run_threads with jobs[1] of 2 steps and no compute: expected -1 with "
                  "EINVAL, got %d (errno %s)", rc, strerror(errno));
    struct m_event e[M_EVENTS];
    ck_assert_msg(m_events(log, e, M_EVENTS) == 0 && results[0] == 7,
                  "run_threads refused jobs[1], yet ran jobs[0]: check every job first");
    errno = 0;
    rc = run_threads(&gil, NULL, 0, NULL);
    ck_assert_msg(rc == 0, "run_threads of no jobs: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    expect_gil_free(&gil, "run_threads");
    m_log_free(log);
}
