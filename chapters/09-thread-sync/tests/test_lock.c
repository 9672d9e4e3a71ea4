/* test_lock.c - pins every promise of lock.h. */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "helpers.h"
#include "lock.h"
#include "wb_test.h"

static void init_ok(struct lock *l)
{
    errno = 0;
    int rc = lock_init(l);
    ck_assert_msg(rc == 0, "lock_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

WB_TEST(lock_acquire_then_release)
{
    struct lock l;
    init_ok(&l);
    ck_assert_msg(!lock_locked(&l), "a new lock must be unlocked");
    int rc = lock_acquire(&l, true, -1);
    ck_assert_msg(rc == 1, "acquiring a free lock: got %d, expected 1", rc);
    ck_assert_msg(lock_locked(&l), "after acquire, lock_locked must be true");
    rc = lock_release(&l);
    ck_assert_msg(rc == 0, "releasing a held lock: got %d (errno %s), expected 0", rc,
                  strerror(errno));
    ck_assert_msg(!lock_locked(&l), "after release, lock_locked must be false");
    lock_destroy(&l);
}

/* what: the lock's state in words, such as "a new lock". */
static void acquire_ok(struct lock *l, const char *what)
{
    int rc = lock_acquire(l, true, -1);
    ck_assert_msg(rc == 1, "lock_acquire(blocking, no timeout) of %s: expected 1, got %d "
                  "(errno %s)", what, rc, strerror(errno));
}

static void release_ok(struct lock *l, const char *what)
{
    int rc = lock_release(l);
    ck_assert_msg(rc == 0, "lock_release of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

WB_TEST(lock_nonblocking_acquire_of_locked_lock_fails)
{
    struct lock l;
    init_ok(&l);
    acquire_ok(&l, "a new lock");
    int rc = lock_acquire(&l, false, -1);
    ck_assert_msg(rc == 0, "acquire(blocking=false) of a locked lock: got %d, expected 0 "
                           "at once", rc);
    release_ok(&l, "a locked lock, after a refused non-blocking acquire");
    rc = lock_acquire(&l, false, -1);
    ck_assert_msg(rc == 1, "acquire(blocking=false) of a free lock: got %d, expected 1", rc);
    release_ok(&l, "a lock acquired without blocking");
    lock_destroy(&l);
}

WB_TEST(lock_acquire_timeout_is_not_reentrant)
{
    struct lock l;
    init_ok(&l);
    acquire_ok(&l, "a new lock");
    double start = wb_now();
    int rc = lock_acquire(&l, true, 0.05); /* the holder itself: a Lock is not reentrant */
    double waited = since(start);
    ck_assert_msg(rc == 0, "the holder acquiring again with timeout 0.05: got %d, expected "
                           "0 (a Lock is not reentrant: it waits like anyone else)", rc);
    ck_assert_msg(waited >= 0.05, "acquire(timeout=0.05) gave up after %.3f s, before its "
                                  "timeout", waited);
    release_ok(&l, "a locked lock, after its holder's acquire timed out");
    lock_destroy(&l);
}

WB_TEST(lock_nonblocking_with_timeout_is_einval)
{
    struct lock l;
    init_ok(&l);
    errno = 0;
    int rc = lock_acquire(&l, false, 1.0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=1.0): got %d (errno %s), expected -1 with "
                  "errno EINVAL", rc, strerror(errno));
    errno = 0;
    rc = lock_acquire(&l, false, 0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=0): got %d (errno %s), expected -1 with "
                  "errno EINVAL (any timeout that is not negative)", rc, strerror(errno));
    ck_assert_msg(!lock_locked(&l), "a refused acquire must not lock the lock");
    lock_destroy(&l);
}

WB_TEST(lock_release_of_unlocked_lock_is_eperm)
{
    struct lock l;
    init_ok(&l);
    errno = 0;
    int rc = lock_release(&l);
    ck_assert_msg(rc == -1 && errno == EPERM,
                  "releasing an unlocked lock: got %d (errno %s), expected -1 with errno "
                  "EPERM", rc, strerror(errno));
    lock_destroy(&l);
}

static void *acquire_it(void *arg)
{
    lock_acquire(arg, true, -1);
    return NULL;
}

WB_TEST(lock_released_by_another_thread)
{
    struct lock l;
    init_ok(&l);
    wb_thread_join(wb_thread_start(acquire_it, &l));
    ck_assert_msg(lock_locked(&l), "another thread acquired the lock, yet it is unlocked");
    int rc = lock_release(&l);
    ck_assert_msg(rc == 0, "releasing a lock another thread acquired: got %d (errno %s), "
                           "expected 0 (a Lock has no owner)", rc, strerror(errno));
    ck_assert_msg(lock_acquire(&l, false, -1) == 1, "after the release, the lock is free");
    release_ok(&l, "a lock acquired without blocking after another thread's release");
    lock_destroy(&l);
}

struct waiter {
    struct lock *lock;
    double timeout;
    int rc;
    sem_t waiting; /* posted just before the acquire */
};

static void *acquire_and_release(void *arg)
{
    struct waiter *w = arg;
    sem_post(&w->waiting);
    w->rc = lock_acquire(w->lock, true, w->timeout);
    if (w->rc == 1)
        lock_release(w->lock);
    return NULL;
}

WB_TEST(lock_blocked_acquire_wakes_on_release)
{
    struct lock l;
    init_ok(&l);
    acquire_ok(&l, "a new lock");
    struct waiter forever = {.lock = &l, .timeout = -1, .rc = -2};
    struct waiter bounded = {.lock = &l, .timeout = 10.0, .rc = -2};
    sem_init(&forever.waiting, 0, 0);
    sem_init(&bounded.waiting, 0, 0);
    pthread_t a = wb_thread_start(acquire_and_release, &forever);
    pthread_t b = wb_thread_start(acquire_and_release, &bounded);
    wb_sem_wait_for(&forever.waiting, 10);
    wb_sem_wait_for(&bounded.waiting, 10);
    release_ok(&l, "a locked lock two threads wait for");
    wb_thread_join(a);
    wb_thread_join(b);
    ck_assert_msg(forever.rc == 1 && bounded.rc == 1,
                  "two threads waiting for the lock (timeout -1 and 10 s) got %d and %d once "
                  "it was released, expected 1 and 1", forever.rc, bounded.rc);
    sem_destroy(&forever.waiting);
    sem_destroy(&bounded.waiting);
    lock_destroy(&l);
}

struct counting {
    struct lock *lock;
    struct occupancy *occupancy;
    long *counter;
    int rounds;
};

static void *count_under_lock(void *arg)
{
    struct counting *c = arg;
    for (int i = 0; i < c->rounds; i++) {
        if (lock_acquire(c->lock, true, -1) != 1)
            return NULL;
        occupancy_enter(c->occupancy);
        long seen = *c->counter; /* read, then write: without the lock, updates are lost */
        sched_yield();           /* invites another thread in: only the lock keeps it out */
        *c->counter = seen + 1;
        occupancy_leave(c->occupancy);
        lock_release(c->lock);
    }
    return NULL;
}

static void check_mutual_exclusion(int threads, int rounds)
{
    struct lock l;
    init_ok(&l);
    struct occupancy o;
    occupancy_init(&o);
    long counter = 0;
    struct counting c = {&l, &o, &counter, rounds};
    pthread_t tids[8];
    for (int i = 0; i < threads; i++)
        tids[i] = wb_thread_start(count_under_lock, &c);
    for (int i = 0; i < threads; i++)
        wb_thread_join(tids[i]);
    long expected = (long)threads * rounds;
    ck_assert_msg(o.most_inside == 1, "%d threads were inside the lock at the same time, "
                                      "expected at most 1", o.most_inside);
    ck_assert_msg(counter == expected, "%d threads added 1 under the lock %d times each: "
                                       "counter is %ld, expected %ld", threads, rounds,
                  counter, expected);
    lock_destroy(&l);
}

WB_TEST(lock_mutual_exclusion_under_contention)
{
    check_mutual_exclusion(4, 5000);
}

WB_TEST(lock_mutual_exclusion_few_threads)
{
    check_mutual_exclusion(3, 30);
}

/* A few threads at once, small enough for helgrind: two take turns with the lock while
 * a third keeps asking whether it is locked. Each thread calls the lock's functions and
 * nothing else that would order it with the others. */
enum { FEW_ROUNDS = 20 };

struct few {
    struct lock *lock;
    long *counter; /* guarded by the lock under test */
    int failed;    /* acquires that did not return 1, releases that did not return 0 */
    int locked;    /* lock_locked answers that were true */
    int took;      /* few_tries: its successful non-blocking acquires */
};

static void *few_turns(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++) {
        if (lock_acquire(f->lock, true, -1) != 1) {
            f->failed++;
            continue;
        }
        (*f->counter)++;
        f->failed += lock_release(f->lock) != 0;
    }
    return NULL;
}

static void *few_asks(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < 2 * FEW_ROUNDS; i++)
        f->locked += lock_locked(f->lock);
    return NULL;
}

WB_TEST(lock_few_threads_acquire_release_and_ask_at_once)
{
    struct lock l;
    init_ok(&l);
    long counter = 0;
    struct few a = {.lock = &l, .counter = &counter}, b = a, asker = a;
    void *(*const fns[])(void *) = {few_turns, few_turns, few_asks};
    void *const args[] = {&a, &b, &asker};
    wb_run_together(3, fns, args);
    ck_assert_msg(a.failed + b.failed == 0, "%d acquires or releases failed",
                  a.failed + b.failed);
    ck_assert_msg(counter == 2 * FEW_ROUNDS, "2 threads added 1 under the lock %d times each: "
                  "counter is %ld", FEW_ROUNDS, counter);
    ck_assert_msg(!lock_locked(&l), "every acquire was released, yet the lock is locked");
    lock_destroy(&l);
}

/* Two threads try to take the lock without blocking, at once, over and over: an
 * acquire that succeeds adds 1 under the lock, then releases. Only the lock orders the
 * two, so the non-blocking path that skips the lock's mutex is a race helgrind reports. */
static void *few_tries(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++) {
        int rc = lock_acquire(f->lock, false, -1);
        if (rc == 1) {
            (*f->counter)++;
            f->took++;
            f->failed += lock_release(f->lock) != 0;
        } else {
            f->failed += rc != 0;
        }
    }
    return NULL;
}

WB_TEST(lock_few_threads_try_without_blocking_at_once)
{
    struct lock l;
    init_ok(&l);
    long counter = 0;
    struct few a = {.lock = &l, .counter = &counter}, b = a;
    void *(*const fns[])(void *) = {few_tries, few_tries};
    void *const args[] = {&a, &b};
    wb_run_together(2, fns, args);
    ck_assert_msg(a.failed + b.failed == 0, "non-blocking acquires returned neither 1 nor 0, "
                  "or releases failed: %d times", a.failed + b.failed);
    ck_assert_msg(counter == a.took + b.took, "2 threads added 1 under the lock after "
                  "each of their %d successful non-blocking acquires: counter is %ld",
                  a.took + b.took, counter);
    ck_assert_msg(a.took + b.took > 0 && !lock_locked(&l), "the first non-blocking acquire "
                  "of a free lock must succeed, and every acquire was released");
    lock_destroy(&l);
}
