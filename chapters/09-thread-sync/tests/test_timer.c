/* test_timer.c - pins every promise of timer.h. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "timer.h"
#include "wb_test.h"

/* What the timer's function saw; read by the test after timer_join. */
struct call {
    int calls;
    pid_t tid;
    double at;   /* wb_now() when called */
    sem_t called;
};

static void record_call(void *arg)
{
    struct call *c = arg;
    c->calls++;
    c->tid = gettid();
    c->at = wb_now();
    sem_post(&c->called);
}

static void init_ok(struct timer *t, double interval, struct call *c)
{
    *c = (struct call){.calls = 0};
    sem_init(&c->called, 0, 0);
    errno = 0;
    int rc = timer_init(t, interval, record_call, c);
    ck_assert_msg(rc == 0, "timer_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

static void start_ok(struct timer *t)
{
    errno = 0;
    int rc = timer_start(t);
    ck_assert_msg(rc == 0, "timer_start returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

static void join_ok(struct timer *t)
{
    errno = 0;
    int rc = timer_join(t);
    ck_assert_msg(rc == 0, "timer_join returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

static void done(struct timer *t, struct call *c)
{
    int rc = timer_destroy(t);
    ck_assert_msg(rc == 0, "timer_destroy of a joined timer: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    sem_destroy(&c->called);
}

WB_TEST(timer_fires_once_on_its_own_thread)
{
    struct timer t;
    struct call c;
    init_ok(&t, 0.05, &c);
    double start = wb_now();
    start_ok(&t);
    join_ok(&t);
    ck_assert_msg(c.calls == 1, "a timer that was not cancelled called its function %d "
                                "times, expected once", c.calls);
    ck_assert_msg(c.tid != gettid(), "the function ran in the thread that started the timer: "
                                     "it must run in the timer's own thread");
    /* 1 microsecond of slack for rounding of the double seconds only. */
    ck_assert_msg(c.at - start >= 0.05 - 1e-6, "the function was called %.4f s after "
                                               "timer_start, before the interval 0.05 s",
                  c.at - start);
    done(&t, &c);
}

WB_TEST(timer_start_does_not_wait)
{
    struct timer t;
    struct call c;
    init_ok(&t, 30, &c);
    double start = wb_now();
    start_ok(&t);
    double took = since(start);
    int cancelled = timer_cancel(&t);
    join_ok(&t);
    ck_assert_msg(took < 5, "timer_start of a 30 s timer took %.1f s: it must not wait",
                  took);
    ck_assert_msg(cancelled == 1 && c.calls == 0, "cancelled in time: %d call(s)", c.calls);
    done(&t, &c);
}

WB_TEST(timer_cancel_before_it_fires)
{
    struct timer t;
    struct call c;
    init_ok(&t, 30, &c);
    start_ok(&t);
    int rc = timer_cancel(&t);
    double start = wb_now();
    join_ok(&t);
    double took = since(start);
    ck_assert_msg(rc == 1, "cancelling a 30 s timer at once: got %d, expected 1", rc);
    ck_assert_msg(c.calls == 0, "the function of a cancelled timer was called");
    ck_assert_msg(took < 5, "after cancel, the timer's thread took %.1f s to end: cancel "
                            "must wake it", took);
    ck_assert_msg(timer_cancel(&t) == 1, "cancelling again: still 1 (never called)");
    done(&t, &c);
}

WB_TEST(timer_cancel_before_start)
{
    struct timer t;
    struct call c;
    init_ok(&t, 0, &c);
    int rc = timer_cancel(&t);
    start_ok(&t);
    join_ok(&t);
    ck_assert_msg(rc == 1, "cancelling an unstarted timer: got %d, expected 1", rc);
    ck_assert_msg(c.calls == 0, "a timer cancelled before its start called its function");
    done(&t, &c);
}

WB_TEST(timer_cancel_after_it_fired_returns_0)
{
    struct timer t;
    struct call c;
    init_ok(&t, 0, &c);
    start_ok(&t);
    ck_assert_msg(wb_sem_wait_for(&c.called, 10), "a timer of 0 s did not call its function");
    int rc = timer_cancel(&t);
    join_ok(&t);
    ck_assert_msg(rc == 0, "cancelling a timer whose function was called: got %d, expected 0 "
                           "(too late)", rc);
    ck_assert_msg(c.calls == 1, "the function was called %d times, expected once", c.calls);
    done(&t, &c);
}

WB_TEST(timer_errors)
{
    struct timer t;
    struct call c;
    errno = 0;
    int rc = timer_init(&t, -1, record_call, &c);
    ck_assert_msg(rc == -1 && errno == EINVAL, "a timer of -1 s: got %d (errno %s), expected "
                                               "-1 with errno EINVAL", rc, strerror(errno));
    init_ok(&t, 0, &c);
    errno = 0;
    rc = timer_join(&t);
    ck_assert_msg(rc == -1 && errno == EINVAL, "joining an unstarted timer: got %d (errno "
                                               "%s), expected -1 with errno EINVAL", rc,
                  strerror(errno));
    start_ok(&t);
    errno = 0;
    rc = timer_start(&t);
    int start_errno = errno;
    errno = 0;
    int destroy = timer_destroy(&t);
    int destroy_errno = errno;
    join_ok(&t);
    ck_assert_msg(rc == -1 && start_errno == EINVAL, "starting a timer twice: got %d (errno "
                                                     "%s), expected -1 with errno EINVAL", rc,
                  strerror(start_errno));
    ck_assert_msg(destroy == -1 && destroy_errno == EBUSY,
                  "destroying a started, unjoined timer: got %d (errno %s), expected -1 "
                  "with errno EBUSY", destroy, strerror(destroy_errno));
    ck_assert_msg(timer_join(&t) == 0, "joining a joined timer again: expected 0");
    ck_assert_msg(c.calls == 1, "the function was called %d times, expected once", c.calls);
    done(&t, &c);
}

/* A few threads at once, small enough for helgrind: one starts a timer of 0 s, two
 * cancel it over and over while it fires, one joins it as soon as it is started. Each
 * calls one function and nothing else, so only the timer's mutex orders them. */
enum { FEW_CALLS = 20 };

struct few {
    struct timer *t;
    int in_time;  /* cancels that returned 1 */
    int too_late; /* cancels that returned 0 */
    int failed;   /* start or join that failed */
};

static void *few_start(void *arg)
{
    struct few *f = arg;
    f->failed += timer_start(f->t) != 0;
    return NULL;
}

static void *few_cancels(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++) {
        int rc = timer_cancel(f->t);
        f->in_time += rc == 1;
        f->too_late += rc == 0;
        f->failed += rc != 0 && rc != 1;
    }
    return NULL;
}

/* Joins the timer once it has been started (until then join says EINVAL). */
static void *few_join(void *arg)
{
    struct few *f = arg;
    double end = wb_now() + 10;
    int rc;
    while ((rc = timer_join(f->t)) == -1 && errno == EINVAL && wb_now() < end)
        sched_yield();
    f->failed += rc != 0;
    return NULL;
}

WB_TEST(timer_few_threads_start_cancel_and_join_at_once)
{
    struct timer t;
    struct call c;
    init_ok(&t, 0, &c);
    struct few starter = {.t = &t}, a = starter, b = starter, joiner = starter;
    void *(*const fns[])(void *) = {few_start, few_cancels, few_cancels, few_join};
    void *const args[] = {&starter, &a, &b, &joiner};
    wb_run_together(4, fns, args);
    ck_assert_msg(starter.failed + a.failed + b.failed == 0,
                  "timer_start failed, or timer_cancel returned neither 0 nor 1");
    ck_assert_msg(joiner.failed == 0, "timer_join by another thread, once the timer was "
                  "started, did not return 0");
    int in_time = a.in_time + b.in_time, too_late = a.too_late + b.too_late;
    ck_assert_msg(c.calls <= 1, "the function was called %d times", c.calls);
    ck_assert_msg(c.calls == 0 ? too_late == 0 : in_time == 0,
                  "the function was called %d time(s), yet %d cancels returned 1 (never "
                  "called) and %d returned 0 (too late): cancel and the timer's thread must "
                  "decide under the same mutex", c.calls, in_time, too_late);
    done(&t, &c);
}

struct joiner {
    struct timer *t;
    int rc;
};

static void *join_timer(void *arg)
{
    struct joiner *j = arg;
    j->rc = timer_join(j->t);
    return NULL;
}

WB_TEST(timer_joined_by_two_threads_at_once)
{
    struct timer t;
    struct call c;
    init_ok(&t, 0.01, &c);
    start_ok(&t);
    struct joiner a = {&t, -2}, b = a;
    void *(*const fns[])(void *) = {join_timer, join_timer};
    void *const args[] = {&a, &b};
    wb_run_together(2, fns, args);
    ck_assert_msg(a.rc == 0 && b.rc == 0, "two threads joined a started timer at once: got %d "
                  "and %d, expected 0 and 0 (the thread is reclaimed once)", a.rc, b.rc);
    ck_assert_msg(c.calls == 1, "the function was called %d times, expected once", c.calls);
    done(&t, &c);
}
