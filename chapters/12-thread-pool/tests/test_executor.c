/* test_executor.c - pins executor.h: submit, shutdown, at most max_workers at once. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tp_test.h"

static struct executor *create(int n)
{
    errno = 0;
    struct executor *ex = executor_create(n);
    ck_assert_msg(ex != NULL, "executor_create(%d) failed: %s", n, strerror(errno));
    return ex;
}

static struct future *submit(struct executor *ex, task_fn fn, void *arg)
{
    errno = 0;
    struct future *f = executor_submit(ex, fn, arg);
    ck_assert_msg(f != NULL, "submit failed: %s", strerror(errno));
    return f;
}

static void *result_of(struct future *f)
{
    void *value = NULL;
    int rc = future_result(f, 20, &value);
    ck_assert_msg(rc == 0, "result(): %d (errno %s)", rc, strerror(errno));
    return value;
}

/* what: the task in words, such as "the running gated task 0". */
static void expect_result(struct future *f, void *expected, const char *what)
{
    void *value = result_of(f);
    ck_assert_msg(value == expected, "result() of %s: expected %p, got %p", what, expected,
                  value);
}

/* when: the executor's state in words, such as "while a task runs". */
static void shutdown_ok(struct executor *ex, bool wait, bool cancel_pending, const char *when)
{
    int rc = executor_shutdown(ex, wait, cancel_pending);
    ck_assert_msg(rc == 0, "executor_shutdown(wait=%s, cancel_pending=%s) %s: expected 0, got %d "
                  "(errno %s)", wait ? "true" : "false", cancel_pending ? "true" : "false", when,
                  rc, strerror(errno));
}

WB_TEST(submit_returns_future_of_task_value)
{
    struct executor *ex = create(2);
    int x = 5;
    struct future *f = submit(ex, t_identity, &x);
    ck_assert_msg(result_of(f) == &x, "result() is not what the task returned");
    ck_assert_msg(future_done(f), "future_done once result() returned the value: expected true, "
                  "got false");
    executor_destroy(ex);
}

WB_TEST(task_runs_in_a_worker_thread)
{
    struct executor *ex = create(2);
    uintptr_t thread = (uintptr_t)result_of(submit(ex, t_self, NULL));
    ck_assert_msg(!pthread_equal((pthread_t)thread, pthread_self()),
                  "the task ran in the thread that submitted it, not in a worker");
    executor_destroy(ex);
}

WB_TEST(never_more_tasks_running_than_workers)
{
    enum { WORKERS = 3, TASKS = 12 };
    t_init();
    t_hold_set_target(WORKERS); /* the first WORKERS hold until all WORKERS run */
    struct executor *ex = create(WORKERS);
    struct future *fs[TASKS];
    for (int i = 0; i < TASKS; i++)
        fs[i] = submit(ex, t_hold_task, NULL);
    for (int i = 0; i < TASKS; i++)
        result_of(fs[i]);
    int max = t_hold_max_running();
    ck_assert_msg(max == WORKERS,
                  "at most %d tasks may run at once with %d workers (and %d do, since they "
                  "wait for each other): the most seen at once was %d",
                  WORKERS, WORKERS, WORKERS, max);
    executor_destroy(ex);
}

WB_TEST(tasks_start_in_submission_order)
{
    enum { TASKS = 5 };
    t_init();
    struct t_gated g[TASKS];
    t_gates_init(g, TASKS);
    struct executor *ex = create(1);
    struct future *fs[TASKS];
    for (int i = 0; i < TASKS; i++) {
        fs[i] = submit(ex, t_gated_task, &g[i]);
        sem_post(&g[i].go);
    }
    for (int i = 0; i < TASKS; i++)
        result_of(fs[i]);
    int ids[TASKS];
    int n_ended = t_ended(ids, TASKS);
    ck_assert_msg(n_ended == TASKS, "once result() of each of the %d tasks returned, %d had "
                  "ended, expected %d", TASKS, n_ended, TASKS);
    for (int i = 0; i < TASKS; i++)
        ck_assert_msg(ids[i] == i, "with one worker, task %d ran in place %d: FIFO order",
                      ids[i], i);
    executor_destroy(ex);
    t_gates_destroy(g, TASKS);
}

WB_TEST(cancel_pending_task_never_runs)
{
    t_init();
    struct t_gated g[2];
    t_gates_init(g, 2);
    struct executor *ex = create(1);
    struct future *running = submit(ex, t_gated_task, &g[0]);
    struct future *pending = submit(ex, t_gated_task, &g[1]);
    t_wait_started(1); /* the only worker is busy: the second task waits in the queue */
    ck_assert_msg(future_cancel(pending), "cancel() of a queued task must succeed");
    ck_assert_msg(future_done(pending) && future_cancelled(pending),
                  "a cancelled future is done and cancelled");
    sem_post(&g[0].go);
    sem_post(&g[1].go);
    expect_result(running, (void *)100, "the running gated task 0 (returns 100)");
    executor_shutdown(ex, true, false);
    int ids[2];
    int n = t_ended(ids, 2);
    ck_assert_msg(n == 1 && ids[0] == 0, "the cancelled task ran anyway (%d tasks ended)", n);
    void *value;
    errno = 0;
    ck_assert_msg(future_result(pending, 0, &value) == -1 && errno == ECANCELED,
                  "result() of the cancelled task: errno %s, expected ECANCELED",
                  strerror(errno));
    executor_destroy(ex);
    t_gates_destroy(g, 2);
}

WB_TEST(cancel_running_task_fails)
{
    t_init();
    struct t_gated g[1];
    t_gates_init(g, 1);
    struct executor *ex = create(2);
    struct future *f = submit(ex, t_gated_task, &g[0]);
    t_wait_started(1);
    ck_assert_msg(!future_cancel(f), "cancel() of a running task must fail");
    ck_assert_msg(future_running(f) && !future_done(f), "the running task's future changed");
    sem_post(&g[0].go);
    expect_result(f, (void *)100, "the gated task 0 (returns 100) after a refused cancel()");
    executor_destroy(ex);
    t_gates_destroy(g, 1);
}

WB_TEST(done_callback_runs_once_in_the_worker)
{
    t_init();
    struct t_gated g[1];
    t_gates_init(g, 1);
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged tag = {&calls, 1};
    struct executor *ex = create(1);
    struct future *f = submit(ex, t_gated_task, &g[0]);
    int added = future_add_done_callback(f, t_record_call, &tag);
    ck_assert_msg(added == 0, "future_add_done_callback on a future whose task is held: "
                  "expected 0, got %d (errno %s)", added, strerror(errno));
    sem_post(&g[0].go);
    result_of(f);
    executor_shutdown(ex, true, false); /* the callback has surely run once joined */
    ck_assert_msg(calls.count == 1, "the done-callback ran %d times, expected once",
                  calls.count);
    ck_assert_msg(calls.future == f && !pthread_equal(calls.thread, pthread_self()),
                  "the callback gets the future and runs in the worker that finished it");
    struct t_tagged late = {&calls, 2};
    added = future_add_done_callback(f, t_record_call, &late);
    ck_assert_msg(added == 0, "future_add_done_callback on a finished future: expected 0, got "
                  "%d (errno %s)", added, strerror(errno));
    ck_assert_msg(calls.count == 2, "a callback added after completion runs at once");
    executor_destroy(ex);
    t_gates_destroy(g, 1);
    pthread_mutex_destroy(&calls.lock);
}

WB_TEST(shutdown_wait_finishes_queued_tasks)
{
    enum { TASKS = 6 };
    struct executor *ex = create(1);
    int values[TASKS];
    struct future *fs[TASKS];
    for (int i = 0; i < TASKS; i++)
        fs[i] = submit(ex, t_identity, &values[i]);
    shutdown_ok(ex, true, false, "with 6 tasks submitted to 1 worker");
    for (int i = 0; i < TASKS; i++) {
        ck_assert_msg(future_done(fs[i]) && !future_cancelled(fs[i]),
                      "after shutdown(wait=true) task %d is not finished", i);
        void *value = result_of(fs[i]);
        ck_assert_msg(value == &values[i], "result() of task %d, which returns its argument "
                      "%p: got %p", i, (void *)&values[i], value);
    }
    executor_destroy(ex);
}

WB_TEST(shutdown_cancel_pending_cancels_queued_only)
{
    t_init();
    struct t_gated g[3];
    t_gates_init(g, 3);
    struct executor *ex = create(1);
    struct future *running = submit(ex, t_gated_task, &g[0]);
    struct future *queued[2] = {submit(ex, t_gated_task, &g[1]),
                                submit(ex, t_gated_task, &g[2])};
    t_wait_started(1);
    shutdown_ok(ex, false, true, "while its 1 worker runs a task and 2 are queued");
    for (int i = 0; i < 2; i++)
        ck_assert_msg(future_cancelled(queued[i]),
                      "shutdown(cancel_futures=true) must cancel queued task %d before "
                      "returning",
                      i + 1);
    ck_assert_msg(!future_cancelled(running), "the running task cannot be cancelled");
    for (int i = 0; i < 3; i++)
        sem_post(&g[i].go);
    shutdown_ok(ex, true, false, "after a shutdown(wait=false, cancel_pending=true)");
    expect_result(running, (void *)100, "the gated task 0 (returns 100) that was running");
    int ids[3];
    ck_assert_msg(t_ended(ids, 3) == 1, "cancelled tasks ran anyway");
    executor_destroy(ex);
    t_gates_destroy(g, 3);
}

WB_TEST(shutdown_without_wait_returns_while_task_runs)
{
    t_init();
    struct t_gated g[1];
    t_gates_init(g, 1);
    struct executor *ex = create(2);
    struct future *f = submit(ex, t_gated_task, &g[0]);
    t_wait_started(1);
    /* The task waits for the test: a shutdown that waited would never return. */
    shutdown_ok(ex, false, false, "while a task runs, held by the test");
    ck_assert_msg(!future_done(f), "the task finished while it was still held");
    errno = 0;
    ck_assert_msg(executor_submit(ex, t_identity, NULL) == NULL && errno == EINVAL,
                  "submit after shutdown must fail with EINVAL (errno %s)", strerror(errno));
    sem_post(&g[0].go);
    expect_result(f, (void *)100, "the gated task 0 (returns 100) that ran during shutdown");
    executor_destroy(ex);
    t_gates_destroy(g, 1);
}

/* Workers that never got a task are waiting for one: shutdown must wake them all, and
 * tell them under the executor's lock, which they read it under. */
WB_TEST(shutdown_of_an_idle_executor_ends_its_workers)
{
    struct executor *ex = create(3);
    wb_wait_others_asleep(5); /* every worker waits for a task */
    shutdown_ok(ex, true, false, "of an idle executor, its 3 workers waiting for a task");
    errno = 0;
    ck_assert_msg(executor_submit(ex, t_identity, NULL) == NULL && errno == EINVAL,
                  "submit after shutdown must fail with EINVAL (errno %s)", strerror(errno));
    executor_destroy(ex);
}

/* A wakeup without a task - a spurious one, which pthread_cond_wait allows - must not
 * end a worker: it checks again (while, not if). The test plays such wakeups by
 * broadcasting the executor's condition itself while its workers are idle. */
WB_TEST(idle_workers_ignore_wakeups_without_a_task)
{
    struct executor *ex = create(2);
    wb_wait_others_asleep(5);
    double end = wb_now() + 0.2;
    while (wb_now() < end) {
        pthread_mutex_lock(&ex->lock);
        pthread_cond_broadcast(&ex->work);
        pthread_mutex_unlock(&ex->lock);
        wb_sleep(0.001);
    }
    int x = 3;
    struct future *f = submit(ex, t_identity, &x);
    void *value = NULL;
    errno = 0;
    int rc = future_result(f, 5, &value);
    ck_assert_msg(rc == 0 && value == &x, "a task submitted after the idle workers were "
                  "woken without a task: result(5) got %d (errno %s); a worker woken with "
                  "nothing to do must wait again, not end (while, not if)", rc,
                  strerror(errno));
    executor_destroy(ex);
}

WB_TEST(submit_null_fn_is_einval)
{
    struct executor *ex = create(1);
    errno = 0;
    ck_assert_msg(executor_submit(ex, NULL, NULL) == NULL && errno == EINVAL,
                  "submit(NULL) must fail with EINVAL (errno %s)", strerror(errno));
    executor_destroy(ex);
}

WB_TEST(create_checks_worker_count)
{
    errno = 0;
    struct executor *bad = executor_create(-1);
    ck_assert_msg(bad == NULL && errno == EINVAL,
                  "executor_create(-1): %p (errno %s), expected NULL with EINVAL", (void *)bad,
                  strerror(errno));
    struct executor *ex = create(0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t expected = cpus + 4 < 32 ? (size_t)cpus + 4 : 32;
    ck_assert_msg(ex->n_workers == expected,
                  "max_workers 0 gave %zu workers, expected min(32, cpus + 4) = %zu",
                  ex->n_workers, expected);
    executor_destroy(ex);
}
