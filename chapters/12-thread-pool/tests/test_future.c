/* test_future.c - pins future.h (and future_set_running / future_finish). The test
 * thread plays the worker: it takes and finishes futures by hand. */
#include <errno.h>
#include <string.h>

#include "tp_test.h"

static struct future *new_future(void)
{
    struct future *f = future_new(t_identity, NULL);
    ck_assert_msg(f != NULL, "future_new failed: %s", strerror(errno));
    return f;
}

/* A thread that takes and finishes a future with the value 42. */
static void *finisher(void *arg)
{
    struct future *f = arg;
    if (future_set_running(f))
        future_finish(f, (void *)42);
    return NULL;
}

WB_TEST(result_waits_until_finished)
{
    struct future *f = new_future();
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, finisher, f), 0);
    void *value = NULL;
    int rc = future_result(f, 20, &value);
    ck_assert_msg(rc == 0 && value == (void *)42,
                  "result() of a future finished by another thread: %d (errno %s), value "
                  "%p, expected 0 and 0x2a",
                  rc, strerror(errno), value);
    ck_assert_msg(future_done(f) && !future_running(f) && !future_cancelled(f),
                  "a finished future is done, not running, not cancelled");
    pthread_join(thread, NULL);
    future_free(f);
}

WB_TEST(result_times_out_while_pending)
{
    struct future *f = new_future();
    void *value = (void *)7;
    errno = 0;
    double start = wb_now();
    int rc = future_result(f, 0.05, &value);
    double waited = wb_now() - start;
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT && value == (void *)7,
                  "result(timeout=0.05) of a pending future: %d (errno %s), expected -1 with "
                  "ETIMEDOUT and *value untouched",
                  rc, strerror(errno));
    ck_assert_msg(waited >= 0.05 - 1e-6, "result(timeout=0.05) gave up after %.4f s, too early",
                  waited);
    errno = 0;
    rc = future_result(f, 0, &value);
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT,
                  "result(timeout=0) of a pending future: %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(!future_done(f) && !future_running(f), "a pending future is not done");
    future_free(f);
}

WB_TEST(cancel_pending_succeeds_and_result_is_ecanceled)
{
    struct future *f = new_future();
    ck_assert_msg(future_cancel(f), "cancel() of a pending future must succeed");
    ck_assert_msg(future_done(f) && future_cancelled(f), "a cancelled future is done");
    ck_assert_msg(future_cancel(f), "cancel() of a cancelled future returns true again");
    void *value = (void *)7;
    errno = 0;
    int rc = future_result(f, -1, &value);
    ck_assert_msg(rc == -1 && errno == ECANCELED && value == (void *)7,
                  "result() of a cancelled future: %d (errno %s), expected ECANCELED at once",
                  rc, strerror(errno));
    ck_assert_msg(!future_set_running(f),
                  "a worker must not take a cancelled future: future_set_running must fail");
    future_free(f);
}

WB_TEST(cancel_running_fails)
{
    struct future *f = new_future();
    ck_assert_msg(future_set_running(f), "future_set_running of a pending future failed");
    ck_assert_msg(future_running(f), "running() is false after future_set_running");
    ck_assert_msg(!future_cancel(f), "cancel() of a running future must fail");
    ck_assert_msg(!future_cancelled(f) && !future_done(f), "the running future was changed");
    future_finish(f, (void *)5);
    void *value = NULL;
    ck_assert_int_eq(future_result(f, 0, &value), 0);
    ck_assert_ptr_eq(value, (void *)5);
    ck_assert_msg(!future_cancel(f), "cancel() of a finished future must fail");
    future_free(f);
}

WB_TEST(done_callbacks_run_once_in_order_when_finished)
{
    struct future *f = new_future();
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged a = {&calls, 1}, b = {&calls, 2};
    ck_assert_int_eq(future_add_done_callback(f, t_record_call, &a), 0);
    ck_assert_int_eq(future_add_done_callback(f, t_record_call, &b), 0);
    ck_assert_msg(t_calls_count(&calls) == 0, "a callback ran before the future was done");
    pthread_t thread; /* takes the future (running: no callback yet), then finishes it */
    ck_assert_int_eq(pthread_create(&thread, NULL, finisher, f), 0);
    pthread_join(thread, NULL);
    ck_assert_msg(calls.count == 2, "2 callbacks: %d calls, expected each once", calls.count);
    ck_assert_msg(calls.order[0] == 1 && calls.order[1] == 2,
                  "callbacks ran in the order %d, %d, expected the order added (1, 2)",
                  calls.order[0], calls.order[1]);
    ck_assert_msg(calls.future == f, "the callback got another future");
    ck_assert_msg(pthread_equal(calls.thread, thread),
                  "callbacks run in the thread that finishes the future");
    future_free(f);
    pthread_mutex_destroy(&calls.lock);
}

WB_TEST(done_callback_added_after_done_runs_at_once)
{
    struct future *f = new_future();
    future_set_running(f);
    future_finish(f, NULL);
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged a = {&calls, 1};
    ck_assert_int_eq(future_add_done_callback(f, t_record_call, &a), 0);
    ck_assert_msg(calls.count == 1,
                  "a callback added to a done future runs before add returns: %d calls",
                  calls.count);
    ck_assert_msg(pthread_equal(calls.thread, pthread_self()),
                  "it runs in the thread that adds it");
    future_free(f);
    pthread_mutex_destroy(&calls.lock);
}

WB_TEST(done_callback_runs_on_cancel)
{
    struct future *f = new_future();
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged a = {&calls, 1};
    ck_assert_int_eq(future_add_done_callback(f, t_record_call, &a), 0);
    ck_assert(future_cancel(f));
    ck_assert_msg(calls.count == 1, "cancel() runs the done-callbacks: %d calls", calls.count);
    ck_assert(future_cancel(f));
    ck_assert_msg(calls.count == 1, "a second cancel() ran the callback again");
    future_free(f);
    pthread_mutex_destroy(&calls.lock);
}
