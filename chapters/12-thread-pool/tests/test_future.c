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
    int created = pthread_create(&thread, NULL, finisher, f);
    ck_assert_msg(created == 0, "test setup: pthread_create of the finishing thread failed: %s",
                  strerror(created));
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
    int rc = future_result(f, 0, &value);
    ck_assert_msg(rc == 0, "future_result(timeout 0) of a future finished with the value 0x5: "
                  "expected 0, got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(value == (void *)5, "future_result(timeout 0) of a future finished with the "
                  "value 0x5: got the value %p", value);
    ck_assert_msg(!future_cancel(f), "cancel() of a finished future must fail");
    future_free(f);
}

WB_TEST(done_callbacks_run_once_in_order_when_finished)
{
    struct future *f = new_future();
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged a = {&calls, 1}, b = {&calls, 2};
    int added = future_add_done_callback(f, t_record_call, &a);
    ck_assert_msg(added == 0, "future_add_done_callback of a first callback to a pending "
                  "future: expected 0, got %d (errno %s)", added, strerror(errno));
    added = future_add_done_callback(f, t_record_call, &b);
    ck_assert_msg(added == 0, "future_add_done_callback of a second callback to a pending "
                  "future: expected 0, got %d (errno %s)", added, strerror(errno));
    ck_assert_msg(t_calls_count(&calls) == 0, "a callback ran before the future was done");
    pthread_t thread; /* takes the future (running: no callback yet), then finishes it */
    int created = pthread_create(&thread, NULL, finisher, f);
    ck_assert_msg(created == 0, "test setup: pthread_create of the finishing thread failed: %s",
                  strerror(created));
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
    int added = future_add_done_callback(f, t_record_call, &a);
    ck_assert_msg(added == 0, "future_add_done_callback to a finished future: expected 0, got "
                  "%d (errno %s)", added, strerror(errno));
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
    int added = future_add_done_callback(f, t_record_call, &a);
    ck_assert_msg(added == 0, "future_add_done_callback to a pending future: expected 0, got "
                  "%d (errno %s)", added, strerror(errno));
    ck_assert_msg(future_cancel(f), "future_cancel of a pending future with a done-callback: "
                  "expected true, got false");
    ck_assert_msg(calls.count == 1, "cancel() runs the done-callbacks: %d calls", calls.count);
    ck_assert_msg(future_cancel(f), "a second future_cancel of a cancelled future: expected "
                  "true, got false");
    ck_assert_msg(calls.count == 1, "a second cancel() ran the callback again");
    future_free(f);
    pthread_mutex_destroy(&calls.lock);
}

/* A future may be freed before it is done (say, by a program that gives up on it): the
 * callbacks it still holds never run, and go with it (memcheck sees them leak
 * otherwise). */
WB_TEST(free_of_pending_future_frees_its_callbacks)
{
    struct future *f = new_future();
    struct t_calls calls;
    t_calls_init(&calls);
    struct t_tagged tags[2] = {{&calls, 1}, {&calls, 2}};
    for (int i = 0; i < 2; i++) {
        int rc = future_add_done_callback(f, t_record_call, &tags[i]);
        ck_assert_msg(rc == 0, "add_done_callback of a pending future returned %d, "
                      "expected 0", rc);
    }
    future_free(f);
    ck_assert_msg(t_calls_count(&calls) == 0, "future_free ran %d callbacks of a pending "
                  "future, expected none", t_calls_count(&calls));
    pthread_mutex_destroy(&calls.lock);
}

/* One future used by several threads at once, small enough for helgrind: each thread
 * calls one or two functions of future.h, and the threads share nothing else (each
 * records what it saw in its own struct, read after the join), so only the future's
 * own lock orders them. A function that skips the lock is then a race helgrind
 * reports, whatever this run's interleaving. */
enum { FEW_CALLS = 10, FEW_CALLBACKS = 4 };

/* What a done-callback saw: written by the thread that ran it, read after the joins. */
struct cb_seen {
    int calls;
};

static void record_cb(struct future *f, void *arg)
{
    (void)f;
    struct cb_seen *seen = arg;
    seen->calls++;
}

struct few {
    struct future *f;
    int done, running, cancelled; /* observers: how many times each said true */
    struct cb_seen cb[FEW_CALLBACKS]; /* adder: its callbacks */
    int failed;                   /* adder: add_done_callback that did not return 0 */
    bool took;                    /* worker: future_set_running returned true */
    int cancels_true, cancels_false; /* canceller */
    int rc, err;                  /* resulter: result(-1) */
    void *value;
};

/* Three observers, one function each: a thread that also called a function that
 * takes the lock would be ordered by that call, and its unlocked read not seen. */
static void *few_look_done(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        w->done += future_done(w->f);
    return NULL;
}

static void *few_look_running(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        w->running += future_running(w->f);
    return NULL;
}

static void *few_look_cancelled(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        w->cancelled += future_cancelled(w->f);
    return NULL;
}

static void *few_add(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < FEW_CALLBACKS; i++)
        w->failed += future_add_done_callback(w->f, record_cb, &w->cb[i]) != 0;
    return NULL;
}

static void *few_work(void *arg)
{
    struct few *w = arg;
    w->took = future_set_running(w->f);
    if (w->took)
        future_finish(w->f, (void *)42);
    return NULL;
}

static void *few_cancel(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < 3; i++) {
        bool cancelled = future_cancel(w->f);
        w->cancels_true += cancelled;
        w->cancels_false += !cancelled;
    }
    return NULL;
}

/* result(0) a few times (not done yet, or done), then result(-1): the future always
 * ends, finished by the worker or cancelled. */
static void *few_result(void *arg)
{
    struct few *w = arg;
    for (int i = 0; i < FEW_CALLS; i++) {
        void *value;
        errno = 0;
        if (future_result(w->f, 0, &value) < 0 && errno != ETIMEDOUT && errno != ECANCELED)
            w->failed++;
    }
    errno = 0;
    w->rc = future_result(w->f, -1, &w->value);
    w->err = errno;
    return NULL;
}

/* Runs the threads named by fns on one new future (each with a struct few of its own),
 * joins them, checks what every callback saw, and returns the future for more checks;
 * w[i] is what thread i saw. */
static struct future *run_few(void *(*const *fns)(void *), int n, struct few *w)
{
    struct future *f = new_future();
    pthread_t tids[8];
    ck_assert_msg(n <= 8, "test setup: run_few was given %d threads, at most 8 fit", n);
    for (int i = 0; i < n; i++) {
        w[i] = (struct few){.f = f, .rc = -2};
        tids[i] = wb_thread_start(fns[i], &w[i]);
    }
    for (int i = 0; i < n; i++)
        wb_thread_join(tids[i]);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(w[i].failed == 0, "%d calls of add_done_callback or result(0) failed "
                      "while other threads used the future", w[i].failed);
        if (fns[i] == few_add)
            for (int k = 0; k < FEW_CALLBACKS; k++)
                ck_assert_msg(w[i].cb[k].calls == 1, "a callback added while other threads "
                              "used the future ran %d times, expected once",
                              w[i].cb[k].calls);
    }
    return f;
}

/* A worker takes the future and finishes it while another thread tries to cancel it,
 * others add callbacks, look at it and wait for its result. */
WB_TEST(future_used_by_several_threads_at_once)
{
    enum { WORKER, CANCELLER, RESULTER, ADDER, DONE, RUNNING, CANCELLED, N };
    void *(*const fns[N])(void *) = {few_work,      few_cancel,       few_result,
                                     few_add,       few_look_done,    few_look_running,
                                     few_look_cancelled};
    struct few w[N];
    struct future *f = run_few(fns, N, w);
    if (w[WORKER].took) {
        ck_assert_msg(w[CANCELLER].cancels_true == 0, "cancel() returned true %d times "
                      "although a worker took the future: a running future cannot be "
                      "cancelled", w[CANCELLER].cancels_true);
        ck_assert_msg(w[RESULTER].rc == 0 && w[RESULTER].value == (void *)42,
                      "result(-1) of a future another thread finished with 42: %d (errno "
                      "%s) with %p", w[RESULTER].rc, strerror(w[RESULTER].err),
                      w[RESULTER].value);
        ck_assert_msg(future_done(f) && !future_cancelled(f) && !future_running(f),
                      "a finished future is done, not cancelled, not running");
    } else {
        ck_assert_msg(w[CANCELLER].cancels_false == 0, "the worker could not take the future, "
                      "so it was cancelled first, yet cancel() returned false %d times",
                      w[CANCELLER].cancels_false);
        ck_assert_msg(w[RESULTER].rc == -1 && w[RESULTER].err == ECANCELED,
                      "result(-1) of a cancelled future: %d (errno %s), expected -1 with "
                      "ECANCELED", w[RESULTER].rc, strerror(w[RESULTER].err));
        ck_assert_msg(future_done(f) && future_cancelled(f) && !future_running(f),
                      "a cancelled future is done, cancelled, not running");
    }
    future_free(f);
}

/* The future is cancelled while other threads add callbacks, look at it and wait for
 * its result: afterwards no worker may take it. */
WB_TEST(future_cancelled_while_other_threads_look)
{
    enum { CANCELLER, RESULTER, ADDER, DONE, RUNNING, CANCELLED, N };
    void *(*const fns[N])(void *) = {few_cancel,    few_result,       few_add,
                                     few_look_done, few_look_running, few_look_cancelled};
    struct few w[N];
    struct future *f = run_few(fns, N, w);
    ck_assert_msg(w[CANCELLER].cancels_true == 3, "cancel() of a pending future, then twice "
                  "more: %d of 3 returned true", w[CANCELLER].cancels_true);
    ck_assert_msg(w[RESULTER].rc == -1 && w[RESULTER].err == ECANCELED,
                  "result(-1) of a future another thread cancelled: %d (errno %s), expected "
                  "-1 with ECANCELED", w[RESULTER].rc, strerror(w[RESULTER].err));
    ck_assert_msg(w[RUNNING].running == 0, "running() said true %d times of a future no "
                  "worker took", w[RUNNING].running);
    ck_assert_msg(!future_set_running(f), "future_set_running of a cancelled future must "
                  "return false");
    ck_assert_msg(future_done(f) && future_cancelled(f) && !future_running(f),
                  "a cancelled future is done, cancelled, not running");
    future_free(f);
}

/* A thread waiting in result(-1), with its outcome; returned guarded by lock. */
struct result_waiter {
    struct future *f;
    pthread_mutex_t *lock;
    bool returned;
    int rc, err;
    void *value;
};

static void *wait_result(void *arg)
{
    struct result_waiter *w = arg;
    void *value = NULL;
    errno = 0;
    int rc = future_result(w->f, -1, &value);
    int err = errno;
    pthread_mutex_lock(w->lock);
    w->rc = rc;
    w->err = err;
    w->value = value;
    w->returned = true;
    pthread_mutex_unlock(w->lock);
    return NULL;
}

static bool has_returned(struct result_waiter *w)
{
    pthread_mutex_lock(w->lock);
    bool returned = w->returned;
    pthread_mutex_unlock(w->lock);
    return returned;
}

/* A wakeup that does not make the future done - a spurious one, which
 * pthread_cond_wait allows - must not end result(): it checks again (while, not if).
 * The test plays such wakeups by broadcasting the future's condition itself. */
WB_TEST(result_ignores_wakeups_that_do_not_make_it_done)
{
    struct future *f = new_future();
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct result_waiter w = {.f = f, .lock = &lock, .rc = -2};
    pthread_t tid = wb_thread_start(wait_result, &w);
    wb_wait_others_asleep(5);
    double end = wb_now() + 0.2;
    bool early = false;
    while (wb_now() < end && !early) {
        pthread_mutex_lock(&f->lock);
        pthread_cond_broadcast(&f->done_cond);
        pthread_mutex_unlock(&f->lock);
        wb_sleep(0.001);
        early = has_returned(&w);
    }
    future_set_running(f);
    future_finish(f, (void *)42);
    wb_thread_join(tid);
    ck_assert_msg(!early, "result(-1) of a pending future returned %d (errno %s) on a "
                  "wakeup that did not make it done: check again after every wakeup, "
                  "while and not if around pthread_cond_wait", w.rc, strerror(w.err));
    ck_assert_msg(w.rc == 0 && w.value == (void *)42, "result(-1) returned %d (errno %s) "
                  "with %p once the future finished, expected 0 and 0x2a", w.rc,
                  strerror(w.err), w.value);
    future_free(f);
}

/* Several threads wait in result(-1): the future's end must wake them all. */
WB_TEST(finish_wakes_every_thread_waiting_for_the_result)
{
    enum { N = 3 };
    struct future *f = new_future();
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct result_waiter w[N];
    pthread_t tids[N];
    for (int i = 0; i < N; i++) {
        w[i] = (struct result_waiter){.f = f, .lock = &lock, .rc = -2};
        tids[i] = wb_thread_start(wait_result, &w[i]);
    }
    wb_wait_others_asleep(5); /* all waiting, before the future finishes */
    future_set_running(f);
    future_finish(f, (void *)7);
    for (int i = 0; i < N; i++) {
        wb_thread_join(tids[i]);
        ck_assert_msg(w[i].rc == 0 && w[i].value == (void *)7,
                      "waiter %d of %d got %d (errno %s) with %p, expected 0 and 0x7: a "
                      "future that becomes done wakes every waiter (broadcast)", i, N,
                      w[i].rc, strerror(w[i].err), w[i].value);
    }
    future_free(f);
}
