/* test_event.c - pins every promise of event.h. */
#include <errno.h>
#include <string.h>

#include "event.h"
#include "helpers.h"
#include "wb_test.h"

#define WAITER_TIMEOUT 8.0 /* seconds: a hang guard; a correct wait is set long before */

static void init_ok(struct event *e)
{
    errno = 0;
    int rc = event_init(e);
    ck_assert_msg(rc == 0, "event_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

WB_TEST(event_starts_clear_and_wait_times_out)
{
    struct event e;
    init_ok(&e);
    ck_assert_msg(!event_is_set(&e), "a new event must be clear");
    double start = wb_now();
    int rc = event_wait(&e, 0.05);
    double waited = since(start);
    ck_assert_msg(rc == 0, "wait(0.05) on a clear event: got %d, expected 0", rc);
    ck_assert_msg(waited >= 0.05, "wait(0.05) gave up after %.3f s, before its timeout",
                  waited);
    event_destroy(&e);
}

WB_TEST(event_wait_on_set_event_returns_at_once)
{
    struct event e;
    init_ok(&e);
    event_set(&e);
    ck_assert_msg(event_is_set(&e), "after set, is_set must be true");
    int now = event_wait(&e, 0);
    int forever = event_wait(&e, -1);
    ck_assert_msg(now == 1 && forever == 1, "wait(0) and wait(-1) on a set event: got %d "
                                            "and %d, expected 1 and 1", now, forever);
    event_destroy(&e);
}

WB_TEST(event_clear_resets_the_flag)
{
    struct event e;
    init_ok(&e);
    event_set(&e);
    event_clear(&e);
    ck_assert_msg(!event_is_set(&e), "after set then clear, is_set must be false");
    int rc = event_wait(&e, 0);
    ck_assert_msg(rc == 0, "wait(0) on a cleared event: got %d, expected 0", rc);
    event_set(&e);
    ck_assert_msg(event_wait(&e, 0) == 1, "set again: wait must return 1");
    event_destroy(&e);
}

struct waiter {
    struct event *e;
    double timeout;
    int rc;
};

static void *wait_event(void *arg)
{
    struct waiter *w = arg;
    w->rc = event_wait(w->e, w->timeout);
    return NULL;
}

/* Starts n waiters (event_wait with timeout) and returns once all n are inside it. */
static void start_waiters_for(struct event *e, struct waiter *w, pthread_t *tids, int n,
                              double timeout)
{
    for (int i = 0; i < n; i++) {
        w[i] = (struct waiter){e, timeout, -2};
        tids[i] = wb_thread_start(wait_event, &w[i]);
    }
    int waiting = wait_until_at_least(&e->mutex, &e->waiters, n, WAITER_TIMEOUT);
    ck_assert_msg(waiting == n, "e->waiters is %d with %d threads in event_wait: count "
                                "waiting threads in it", waiting, n);
}

static void start_waiters(struct event *e, struct waiter *w, pthread_t *tids, int n)
{
    start_waiters_for(e, w, tids, n, WAITER_TIMEOUT);
}

static void check_all_woke(struct waiter *w, pthread_t *tids, int n, const char *how)
{
    for (int i = 0; i < n; i++)
        wb_thread_join(tids[i]);
    for (int i = 0; i < n; i++)
        ck_assert_msg(w[i].rc == 1, "%s: waiter %d of %d got %d, expected 1", how, i, n,
                      w[i].rc);
}

WB_TEST(event_set_wakes_every_waiter)
{
    enum { N = 4 };
    struct event e;
    init_ok(&e);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&e, w, tids, N);
    event_set(&e);
    check_all_woke(w, tids, N, "set with 4 threads waiting");
    event_destroy(&e);
}

/* Waiters with no time limit: the only way out is the set, which must wake them all at
 * once (a signal would wake one and leave the others waiting for ever). */
WB_TEST(event_set_wakes_waiters_that_wait_without_limit)
{
    enum { N = 3 };
    struct event e;
    init_ok(&e);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters_for(&e, w, tids, N, -1);
    event_set(&e);
    check_all_woke(w, tids, N, "set with 3 threads waiting without a time limit");
    event_destroy(&e);
}

WB_TEST(event_set_then_clear_still_wakes_waiters)
{
    enum { N = 3 };
    struct event e;
    init_ok(&e);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&e, w, tids, N);
    /* What event_set then event_clear do, done in one hold of e->mutex, so that no
     * waiter can look at the flag in between: when they run, it is false again. */
    pthread_mutex_lock(&e.mutex);
    e.flag = true;
    e.sets++;
    pthread_cond_broadcast(&e.changed);
    e.flag = false;
    pthread_mutex_unlock(&e.mutex);
    check_all_woke(w, tids, N, "set then cleared before the waiters ran, 3 threads waiting");
    ck_assert_msg(!event_is_set(&e), "the event was cleared: is_set must be false");
    event_destroy(&e);
}

/* A few threads at once, small enough for helgrind: one sets the event over and over,
 * one clears it, one asks whether it is set, one waits without blocking. Each calls one
 * function and nothing else, so only the event's mutex orders them: an event function
 * that skips it is a race, whatever this run's interleaving. */
enum { FEW_CALLS = 30 };

struct few {
    struct event *e;
    int answers; /* is_set true, wait returned 1 */
    int failed;  /* wait returned neither 0 nor 1 */
};

static void *few_sets(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        event_set(f->e);
    return NULL;
}

static void *few_clears(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        event_clear(f->e);
    return NULL;
}

static void *few_looks(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        f->answers += event_is_set(f->e);
    return NULL;
}

static void *few_waits(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++) {
        int rc = event_wait(f->e, 0);
        f->answers += rc == 1;
        f->failed += rc != 0 && rc != 1;
    }
    return NULL;
}

WB_TEST(event_few_threads_set_clear_look_and_wait_at_once)
{
    struct event e;
    init_ok(&e);
    struct few setter = {&e, 0, 0}, clearer = setter, looker = setter, waiter = setter;
    void *(*const fns[])(void *) = {few_sets, few_clears, few_looks, few_waits};
    void *const args[] = {&setter, &clearer, &looker, &waiter};
    wb_run_together(4, fns, args);
    ck_assert_msg(waiter.failed == 0, "wait(0) returned something else than 0 or 1 %d times",
                  waiter.failed);
    ck_assert_msg(e.waiters == 0, "no thread waits any more, yet e->waiters is %d", e.waiters);
    event_set(&e);
    ck_assert_msg(event_is_set(&e) && event_wait(&e, 0) == 1,
                  "after the threads ended and one more set, the event must be set");
    event_destroy(&e);
}
