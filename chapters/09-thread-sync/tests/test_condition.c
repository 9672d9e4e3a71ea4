/* test_condition.c - pins every promise of condition.h.
 *
 * The notify tests first make sure every waiter is really waiting: a waiter counts
 * itself in `waiting` while holding the condition's lock and then calls
 * condition_wait, which releases that lock. So once the test holds the lock and sees
 * the count, each of those waiters is inside condition_wait. Since condition_wait
 * never returns spuriously, the number of waiters that return 1 is exactly what the
 * notifications allow. */
#include <errno.h>
#include <string.h>

#include "condition.h"
#include "helpers.h"
#include "wb_test.h"

enum { MAX_WAITERS = 8 };
#define WAITER_TIMEOUT 8.0 /* seconds: a hang guard; a correct wait is notified long before */

struct shared {
    struct condition c;
    /* guarded by the condition's lock: */
    int waiting;                /* waiters that are inside condition_wait */
    int epoch;                  /* set by the test before each notification */
    int woken_in[3];            /* waiters that returned 1, by the epoch they saw */
    int woken, timed_out, failed;
    int order[MAX_WAITERS];     /* waiter ids, in the order they returned 1 */
};

struct waiter {
    struct shared *s;
    int id;
};

static void init_ok(struct condition *c)
{
    errno = 0;
    int rc = condition_init(c);
    ck_assert_msg(rc == 0, "condition_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

static void acquire_ok(struct condition *c)
{
    int rc = condition_acquire(c, true, -1);
    ck_assert_msg(rc == 1, "condition_acquire(blocking, no timeout) returned %d, expected 1",
                  rc);
}

static void release_ok(struct condition *c)
{
    errno = 0;
    int rc = condition_release(c);
    ck_assert_msg(rc == 0, "condition_release by the holder returned %d (errno: %s), "
                           "expected 0", rc, strerror(errno));
}

static void *wait_once(void *arg)
{
    struct waiter *w = arg;
    struct shared *s = w->s;
    if (condition_acquire(&s->c, true, -1) != 1) {
        return NULL;
    }
    s->waiting++;
    int rc = condition_wait(&s->c, WAITER_TIMEOUT);
    if (rc == 1) {
        s->order[s->woken++] = w->id;
        s->woken_in[s->epoch]++;
    } else if (rc == 0) {
        s->timed_out++;
    } else {
        s->failed++;
    }
    condition_release(&s->c);
    return NULL;
}

/* Reads a counter of s under the condition's lock until it reaches target. */
static int poll_until(struct shared *s, const int *counter, int target)
{
    double deadline = wb_now() + WAITER_TIMEOUT;
    for (;;) {
        acquire_ok(&s->c);
        int now = *counter;
        release_ok(&s->c);
        if (now >= target || wb_now() > deadline)
            return now;
        wb_sleep(0.001);
    }
}

static void start_waiters(struct shared *s, struct waiter *w, pthread_t *tids, int n,
                          bool one_by_one)
{
    for (int i = 0; i < n; i++) {
        w[i] = (struct waiter){s, i};
        tids[i] = wb_thread_start(wait_once, &w[i]);
        if (one_by_one)
            poll_until(s, &s->waiting, i + 1); /* i is waiting before i + 1 starts */
    }
    int waiting = poll_until(s, &s->waiting, n);
    ck_assert_msg(waiting == n, "only %d of %d waiters got into condition_wait (does "
                                "condition_wait release the lock?)", waiting, n);
}

static void notify_ok(struct shared *s, int epoch, int n)
{
    acquire_ok(&s->c);
    s->epoch = epoch;
    errno = 0;
    int rc = n < 0 ? condition_notify_all(&s->c) : condition_notify(&s->c, n);
    release_ok(&s->c);
    ck_assert_msg(rc == 0, "%s by the lock's holder returned %d (errno %s), expected 0",
                  n < 0 ? "notify_all" : "notify", rc, strerror(errno));
}

static void join_all(pthread_t *tids, int n)
{
    for (int i = 0; i < n; i++)
        wb_thread_join(tids[i]);
}

WB_TEST(condition_lock_is_held_by_one_thread)
{
    struct condition c;
    init_ok(&c);
    int first = condition_acquire(&c, false, -1);
    ck_assert_msg(first == 1, "condition_acquire(blocking=false) of a new condition's free lock: "
                  "expected 1, got %d (errno %s)", first, strerror(errno));
    int again = condition_acquire(&c, true, 0.05);
    errno = 0;
    int bad = condition_acquire(&c, false, 1.0);
    int bad_errno = errno;
    errno = 0;
    int bad0 = condition_acquire(&c, false, 0);
    int bad0_errno = errno;
    release_ok(&c);
    ck_assert_msg(bad0 == -1 && bad0_errno == EINVAL,
                  "acquire(blocking=false, timeout=0): got %d (errno %s), expected -1 with "
                  "errno EINVAL (any timeout that is not negative)", bad0, strerror(bad0_errno));
    ck_assert_msg(again == 0, "acquiring the held lock with timeout 0.05: got %d, expected 0",
                  again);
    ck_assert_msg(bad == -1 && bad_errno == EINVAL,
                  "acquire(blocking=false, timeout=1.0): got %d (errno %s), expected -1 "
                  "with errno EINVAL", bad, strerror(bad_errno));
    condition_destroy(&c);
}

/* A thread that holds the condition's lock until the test lets it go. */
struct holder {
    struct condition *c;
    sem_t holding, go;
};

static void *hold_lock(void *arg)
{
    struct holder *h = arg;
    condition_acquire(h->c, true, -1);
    sem_post(&h->holding);
    wb_sem_wait_for(&h->go, 10);
    condition_release(h->c);
    return NULL;
}

static void expect_eperm(int rc, int err, const char *what, const char *who)
{
    ck_assert_msg(rc == -1 && err == EPERM, "%s %s: got %d (errno %s), expected -1 with "
                                            "errno EPERM", what, who, rc, strerror(err));
}

static bool always_true(void *arg)
{
    (void)arg;
    return true;
}

static void check_all_eperm(struct condition *c, const char *who)
{
    errno = 0;
    int rc = condition_wait(c, 1.0);
    expect_eperm(rc, errno, "condition_wait", who);
    errno = 0;
    rc = condition_wait_for(c, always_true, NULL, 1.0);
    expect_eperm(rc, errno, "condition_wait_for", who);
    errno = 0;
    rc = condition_notify(c, 1);
    expect_eperm(rc, errno, "condition_notify", who);
    errno = 0;
    rc = condition_notify_all(c);
    expect_eperm(rc, errno, "condition_notify_all", who);
    errno = 0;
    rc = condition_release(c);
    expect_eperm(rc, errno, "condition_release", who);
}

WB_TEST(condition_calls_without_the_lock_are_eperm)
{
    struct condition c;
    init_ok(&c);
    check_all_eperm(&c, "when no thread holds the lock");
    struct holder h = {.c = &c};
    sem_init(&h.holding, 0, 0);
    sem_init(&h.go, 0, 0);
    pthread_t tid = wb_thread_start(hold_lock, &h);
    wb_sem_wait_for(&h.holding, 10);
    check_all_eperm(&c, "when another thread holds the lock");
    sem_post(&h.go);
    wb_thread_join(tid);
    sem_destroy(&h.holding);
    sem_destroy(&h.go);
    condition_destroy(&c);
}

WB_TEST(condition_wait_timeout_returns_0_holding_the_lock)
{
    struct condition c;
    init_ok(&c);
    acquire_ok(&c);
    double start = wb_now();
    int rc = condition_wait(&c, 0.05);
    double waited = since(start);
    ck_assert_msg(rc == 0, "wait(0.05) with no notify: got %d, expected 0", rc);
    ck_assert_msg(waited >= 0.05, "wait(0.05) gave up after %.3f s, before its timeout",
                  waited);
    errno = 0;
    rc = condition_release(&c);
    ck_assert_msg(rc == 0, "after wait returns, the caller holds the lock again: release "
                           "got %d (errno %s), expected 0", rc, strerror(errno));
    condition_destroy(&c);
}

WB_TEST(condition_notify_without_waiters_is_lost)
{
    struct condition c;
    init_ok(&c);
    acquire_ok(&c);
    int notified = condition_notify(&c, 1);
    ck_assert_msg(notified == 0, "condition_notify(1) by the lock's holder with no one waiting: "
                  "expected 0, got %d (errno %s)", notified, strerror(errno));
    notified = condition_notify_all(&c);
    ck_assert_msg(notified == 0, "condition_notify_all by the lock's holder with no one waiting: "
                  "expected 0, got %d (errno %s)", notified, strerror(errno));
    int rc = condition_wait(&c, 0.05);
    release_ok(&c);
    ck_assert_msg(rc == 0, "notify with no one waiting, then wait(0.05): got %d, expected 0 "
                           "(a notification is not remembered)", rc);
    condition_destroy(&c);
}

WB_TEST(condition_notify_wakes_a_waiter)
{
    struct shared s = {.epoch = 0};
    init_ok(&s.c);
    struct waiter w[1];
    pthread_t tids[1];
    start_waiters(&s, w, tids, 1, false);
    notify_ok(&s, 1, 1);
    join_all(tids, 1);
    ck_assert_msg(s.woken == 1 && s.timed_out == 0 && s.failed == 0,
                  "one waiter, notify(1): it returned 1 %d time(s), timed out %d, failed %d",
                  s.woken, s.timed_out, s.failed);
    condition_destroy(&s.c);
}

WB_TEST(condition_notify_n_wakes_at_most_n)
{
    enum { N = 5 };
    struct shared s = {.epoch = 0};
    init_ok(&s.c);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&s, w, tids, N, false);
    notify_ok(&s, 1, 2);
    poll_until(&s, &s.woken, 2);
    notify_ok(&s, 2, -1); /* the rest, noted as woken in epoch 2 */
    join_all(tids, N);
    ck_assert_msg(s.woken_in[1] == 2,
                  "%d waiters, notify(2): %d woke (before notify_all), expected exactly 2",
                  N, s.woken_in[1]);
    ck_assert_msg(s.woken_in[2] == N - 2 && s.timed_out == 0 && s.failed == 0,
                  "notify_all then woke %d, expected the other %d (timed out %d, failed %d)",
                  s.woken_in[2], N - 2, s.timed_out, s.failed);
    condition_destroy(&s.c);
}

WB_TEST(condition_notify_wakes_the_longest_waiting_first)
{
    enum { N = 4 };
    struct shared s = {.epoch = 0};
    init_ok(&s.c);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&s, w, tids, N, true);
    for (int i = 0; i < N; i++) {
        notify_ok(&s, 1, 1);
        int woken = poll_until(&s, &s.woken, i + 1);
        ck_assert_msg(woken == i + 1, "after %d notify(1), %d waiters woke, expected %d", i + 1,
                      woken, i + 1);
    }
    join_all(tids, N);
    for (int i = 0; i < N; i++)
        ck_assert_msg(s.order[i] == i, "waiters that started waiting in order 0..%d woke as "
                                       "number %d in place %d: notify wakes the longest "
                                       "waiting first", N - 1, s.order[i], i);
    condition_destroy(&s.c);
}

WB_TEST(condition_notify_more_than_waiting_wakes_all)
{
    enum { N = 3 };
    struct shared s = {.epoch = 0};
    init_ok(&s.c);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&s, w, tids, N, false);
    notify_ok(&s, 1, 10);
    join_all(tids, N);
    ck_assert_msg(s.woken == N && s.timed_out == 0,
                  "%d waiters, notify(10): %d woke, %d timed out; expected all %d to wake", N,
                  s.woken, s.timed_out, N);
    condition_destroy(&s.c);
}

WB_TEST(condition_notify_all_wakes_every_waiter)
{
    enum { N = 4 };
    struct shared s = {.epoch = 0};
    init_ok(&s.c);
    struct waiter w[N];
    pthread_t tids[N];
    start_waiters(&s, w, tids, N, false);
    notify_ok(&s, 1, -1);
    join_all(tids, N);
    ck_assert_msg(s.woken == N && s.timed_out == 0 && s.failed == 0,
                  "%d waiters, notify_all: %d woke, %d timed out, %d failed", N, s.woken,
                  s.timed_out, s.failed);
    condition_destroy(&s.c);
}

/* wait_for: a value that a producer raises step by step. */
struct progress {
    struct condition *c;
    int value;   /* guarded by the condition's lock */
    int target;
    bool stop;   /* guarded by the condition's lock */
};

static bool reached(void *arg)
{
    struct progress *p = arg;
    return p->value >= p->target;
}

static void *raise_value(void *arg)
{
    struct progress *p = arg;
    for (int i = 0; i < p->target; i++) {
        condition_acquire(p->c, true, -1);
        p->value++;
        condition_notify_all(p->c); /* the predicate is false until the last step */
        condition_release(p->c);
    }
    return NULL;
}

WB_TEST(condition_wait_for_returns_at_once_when_true)
{
    struct condition c;
    init_ok(&c);
    acquire_ok(&c);
    int rc = condition_wait_for(&c, always_true, NULL, 0);
    release_ok(&c);
    ck_assert_msg(rc == 1, "wait_for(predicate already true, timeout 0): got %d, expected 1",
                  rc);
    condition_destroy(&c);
}

WB_TEST(condition_wait_for_waits_until_predicate_true)
{
    struct condition c;
    init_ok(&c);
    struct progress p = {&c, 0, 3, false};
    acquire_ok(&c);
    pthread_t tid = wb_thread_start(raise_value, &p);
    int rc = condition_wait_for(&c, reached, &p, WAITER_TIMEOUT);
    int value = p.value;
    release_ok(&c);
    wb_thread_join(tid);
    ck_assert_msg(rc == 1 && value >= 3,
                  "wait_for(value >= 3) while another thread raises value to 3: got %d with "
                  "value %d, expected 1 with value 3 (check the predicate after every "
                  "wakeup)", rc, value);
    condition_destroy(&c);
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

WB_TEST(condition_wait_for_timeout_returns_0)
{
    struct condition c;
    init_ok(&c);
    acquire_ok(&c);
    double start = wb_now();
    int rc = condition_wait_for(&c, never, NULL, 0.05);
    double waited = since(start);
    errno = 0;
    int released = condition_release(&c);
    ck_assert_msg(rc == 0, "wait_for(never true, timeout 0.05): got %d, expected 0", rc);
    ck_assert_msg(waited >= 0.05, "wait_for(timeout 0.05) gave up after %.3f s", waited);
    ck_assert_msg(released == 0, "after wait_for the caller holds the lock: release got %d",
                  released);
    condition_destroy(&c);
}

static void *keep_notifying(void *arg)
{
    struct progress *p = arg;
    double end = wb_now() + 5;
    bool stop = false;
    while (!stop && wb_now() < end) {
        condition_acquire(p->c, true, -1);
        condition_notify_all(p->c);
        stop = p->stop;
        condition_release(p->c);
        wb_sleep(0.002);
    }
    return NULL;
}

WB_TEST(condition_wait_for_timeout_is_total_not_per_wakeup)
{
    struct condition c;
    init_ok(&c);
    struct progress p = {&c, 0, 1, false};
    pthread_t tid = wb_thread_start(keep_notifying, &p);
    acquire_ok(&c);
    double start = wb_now();
    int rc = condition_wait_for(&c, never, NULL, 0.2);
    double waited = since(start);
    p.stop = true;
    release_ok(&c);
    wb_thread_join(tid);
    ck_assert_msg(rc == 0 && waited >= 0.2,
                  "wait_for(never true, 0.2) while notified every 2 ms: got %d after %.3f s, "
                  "expected 0 after 0.2 s", rc, waited);
    ck_assert_msg(waited < 4.0,
                  "wait_for(timeout 0.2) returned only after %.1f s, when the notifications "
                  "stopped: the timeout is for the whole call, not for each wait", waited);
    condition_destroy(&c);
}

/* A few threads at once, small enough for helgrind: each thread calls the condition's
 * functions and nothing else that would order it with the others. */
enum { FEW_ROUNDS = 15 };

struct few {
    struct condition *c;
    int *value; /* guarded by the condition's lock */
    int target;
    int failed; /* calls that did not return what the header promises */
    int took;   /* few_tries: its successful non-blocking acquires */
};

/* Raises *value under the lock FEW_ROUNDS times, notifying each time. */
static void *few_raise(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++) {
        if (condition_acquire(f->c, true, -1) != 1) {
            f->failed++;
            continue;
        }
        (*f->value)++;
        f->failed += condition_notify(f->c, 1) != 0;
        f->failed += condition_notify_all(f->c) != 0;
        f->failed += condition_release(f->c) != 0;
    }
    return NULL;
}

static bool few_reached(void *arg)
{
    const struct few *f = arg;
    return *f->value >= f->target;
}

static void *few_wait_for(void *arg)
{
    struct few *f = arg;
    if (condition_acquire(f->c, true, -1) != 1) {
        f->failed++;
        return NULL;
    }
    f->failed += condition_wait_for(f->c, few_reached, f, WAITER_TIMEOUT) != 1;
    f->failed += condition_release(f->c) != 0;
    return NULL;
}

static void *few_wait(void *arg)
{
    struct few *f = arg;
    if (condition_acquire(f->c, true, -1) != 1) {
        f->failed++;
        return NULL;
    }
    double end = wb_now() + WAITER_TIMEOUT;
    while (*f->value < f->target && wb_now() < end)
        f->failed += condition_wait(f->c, WAITER_TIMEOUT) < 0;
    f->failed += *f->value < f->target;
    f->failed += condition_release(f->c) != 0;
    return NULL;
}

WB_TEST(condition_few_threads_notify_while_others_wait)
{
    struct condition c;
    init_ok(&c);
    int value = 0;
    struct few raise1 = {.c = &c, .value = &value, .target = 2 * FEW_ROUNDS};
    struct few raise2 = raise1, waiter1 = raise1, waiter2 = raise1;
    void *(*const fns[])(void *) = {few_raise, few_raise, few_wait_for, few_wait};
    void *const args[] = {&raise1, &raise2, &waiter1, &waiter2};
    wb_run_together(4, fns, args);
    ck_assert_msg(raise1.failed + raise2.failed == 0,
                  "two threads acquired, notified and released %d times each: %d calls "
                  "failed", FEW_ROUNDS, raise1.failed + raise2.failed);
    ck_assert_msg(waiter1.failed == 0 && waiter2.failed == 0,
                  "a thread waiting (wait_for, then wait in a loop) until two others had "
                  "raised a value %d times: %d and %d calls failed or the value was not "
                  "reached", 2 * FEW_ROUNDS, waiter1.failed, waiter2.failed);
    ck_assert_msg(value == 2 * FEW_ROUNDS, "value is %d, expected %d", value, 2 * FEW_ROUNDS);
    condition_destroy(&c);
}

/* Threads that never hold the lock call what needs it, while two others use the
 * condition: each call is refused with EPERM, having looked at the owner under the
 * condition's mutex. */
static void *few_refused_wait_for(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += condition_wait_for(f->c, always_true, NULL, 1.0) != -1 || errno != EPERM;
    return NULL;
}

static void *few_refused_wait(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += condition_wait(f->c, 1.0) != -1 || errno != EPERM;
    return NULL;
}

static void *few_refused_notify(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += condition_notify(f->c, 1) != -1 || errno != EPERM;
    return NULL;
}

static void *few_refused_release(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += condition_release(f->c) != -1 || errno != EPERM;
    return NULL;
}

WB_TEST(condition_calls_without_the_lock_refused_while_others_use_it)
{
    struct condition c;
    init_ok(&c);
    int value = 0;
    struct few f[6];
    for (int i = 0; i < 6; i++)
        f[i] = (struct few){.c = &c, .value = &value};
    void *(*const fns[])(void *) = {few_raise, few_raise, few_refused_wait_for,
                                    few_refused_wait, few_refused_notify, few_refused_release};
    void *const args[] = {&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]};
    wb_run_together(6, fns, args);
    ck_assert_msg(f[0].failed + f[1].failed == 0 && value == 2 * FEW_ROUNDS,
                  "two threads acquired, notified and released %d times each: %d calls "
                  "failed, value %d", FEW_ROUNDS, f[0].failed + f[1].failed, value);
    const char *what[] = {"", "", "wait_for", "wait", "notify", "release"};
    for (int i = 2; i < 6; i++)
        ck_assert_msg(f[i].failed == 0, "%s by a thread that never held the lock, %d times "
                      "while others used it: %d calls did not return -1 with errno EPERM",
                      what[i], FEW_ROUNDS, f[i].failed);
    condition_destroy(&c);
}

/* Two threads try to take the condition's lock without blocking, at once, over and
 * over; holding it, they raise the value and notify. Only the condition orders the two,
 * so a non-blocking path that skips its mutex is a race helgrind reports. */
static void *few_tries(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++) {
        int rc = condition_acquire(f->c, false, -1);
        if (rc == 1) {
            (*f->value)++;
            f->took++;
            f->failed += condition_notify_all(f->c) != 0;
            f->failed += condition_release(f->c) != 0;
        } else {
            f->failed += rc != 0;
        }
    }
    return NULL;
}

WB_TEST(condition_few_threads_try_without_blocking_at_once)
{
    struct condition c;
    init_ok(&c);
    int value = 0;
    struct few a = {.c = &c, .value = &value}, b = a;
    void *(*const fns[])(void *) = {few_tries, few_tries};
    void *const args[] = {&a, &b};
    wb_run_together(2, fns, args);
    ck_assert_msg(a.failed + b.failed == 0, "non-blocking acquires returned neither 1 nor 0, "
                  "or notify_all or release failed: %d times", a.failed + b.failed);
    ck_assert_msg(value == a.took + b.took, "2 threads raised the value under the lock "
                  "after each of their %d successful non-blocking acquires: value is %d",
                  a.took + b.took, value);
    ck_assert_msg(a.took + b.took > 0,
                  "the first non-blocking acquire of a free lock must succeed");
    condition_destroy(&c);
}
