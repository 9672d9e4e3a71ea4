/* test_semaphores.c - pins every promise of semaphores.h. */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "helpers.h"
#include "semaphores.h"
#include "wb_test.h"

static void init_ok(struct semaphore *s, int value, bool bounded)
{
    errno = 0;
    int rc = bounded ? semaphore_init_bounded(s, value) : semaphore_init(s, value);
    ck_assert_msg(rc == 0, "semaphore_init%s(%d) returned %d (errno: %s), expected 0",
                  bounded ? "_bounded" : "", value, rc, strerror(errno));
}

/* How many non-blocking acquires succeed now (at most 100); they are not given back. */
static int drain(struct semaphore *s)
{
    int taken = 0;
    while (taken < 100 && semaphore_acquire(s, false, -1) == 1)
        taken++;
    return taken;
}

/* what: the semaphore's state in words, such as "Semaphore(0)". */
static void release_ok(struct semaphore *s, const char *what)
{
    int rc = semaphore_release(s);
    ck_assert_msg(rc == 0, "semaphore_release of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

WB_TEST(semaphore_counts_down_to_zero)
{
    struct semaphore s;
    init_ok(&s, 3, false);
    int taken = drain(&s);
    ck_assert_msg(taken == 3, "Semaphore(3): %d non-blocking acquires succeeded, expected 3",
                  taken);
    release_ok(&s, "a Semaphore(3) taken down to 0");
    taken = drain(&s);
    ck_assert_msg(taken == 1, "after one release, %d acquires succeeded, expected 1", taken);
    semaphore_destroy(&s);
}

WB_TEST(semaphore_acquire_timeout)
{
    struct semaphore s;
    init_ok(&s, 0, false);
    double start = wb_now();
    int rc = semaphore_acquire(&s, true, 0.05);
    double waited = since(start);
    ck_assert_msg(rc == 0, "acquire(timeout=0.05) of Semaphore(0): got %d, expected 0", rc);
    ck_assert_msg(waited >= 0.05, "acquire(timeout=0.05) gave up after %.3f s, before its "
                                  "timeout", waited);
    semaphore_destroy(&s);
}

WB_TEST(semaphore_invalid_arguments_are_einval)
{
    struct semaphore s;
    errno = 0;
    int rc = semaphore_init(&s, -1);
    ck_assert_msg(rc == -1 && errno == EINVAL, "Semaphore(-1): got %d (errno %s), expected "
                                               "-1 with errno EINVAL", rc, strerror(errno));
    errno = 0;
    rc = semaphore_init_bounded(&s, -1);
    ck_assert_msg(rc == -1 && errno == EINVAL, "BoundedSemaphore(-1): got %d (errno %s), "
                                               "expected -1 with errno EINVAL", rc,
                  strerror(errno));
    init_ok(&s, 1, false);
    errno = 0;
    rc = semaphore_acquire(&s, false, 1.0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=1.0): got %d (errno %s), expected -1 with "
                  "errno EINVAL", rc, strerror(errno));
    errno = 0;
    rc = semaphore_acquire(&s, false, 0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=0): got %d (errno %s), expected -1 with "
                  "errno EINVAL (any timeout that is not negative)", rc, strerror(errno));
    ck_assert_msg(drain(&s) == 1, "a refused acquire must not take from the value");
    semaphore_destroy(&s);
}

struct acquirer {
    struct semaphore *s;
    int rc;
    sem_t started;
};

static void *acquire_blocking(void *arg)
{
    struct acquirer *a = arg;
    sem_post(&a->started);
    a->rc = semaphore_acquire(a->s, true, -1);
    return NULL;
}

WB_TEST(semaphore_release_wakes_a_blocked_acquire)
{
    struct semaphore s;
    init_ok(&s, 0, false);
    struct acquirer a = {.s = &s, .rc = -2};
    sem_init(&a.started, 0, 0);
    pthread_t tid = wb_thread_start(acquire_blocking, &a);
    wb_sem_wait_for(&a.started, 10);
    release_ok(&s, "a Semaphore(0) with a thread blocked in acquire");
    wb_thread_join(tid);
    ck_assert_msg(a.rc == 1, "a thread blocked in acquire got %d after a release, expected 1",
                  a.rc);
    ck_assert_msg(drain(&s) == 0, "the released unit was taken by the waiter: none is left");
    sem_destroy(&a.started);
    semaphore_destroy(&s);
}

WB_TEST(semaphore_release_above_initial_value)
{
    struct semaphore s;
    init_ok(&s, 1, false);
    release_ok(&s, "an unbounded Semaphore(1) never acquired");
    int rc = semaphore_release(&s);
    ck_assert_msg(rc == 0, "an unbounded Semaphore(1) released twice: got %d, expected 0",
                  rc);
    int taken = drain(&s);
    ck_assert_msg(taken == 3, "Semaphore(1) released twice: %d acquires succeeded, expected "
                              "3", taken);
    semaphore_destroy(&s);
}

WB_TEST(bounded_semaphore_over_release_is_eoverflow)
{
    struct semaphore s;
    init_ok(&s, 2, true);
    errno = 0;
    int rc = semaphore_release(&s);
    ck_assert_msg(rc == -1 && errno == EOVERFLOW,
                  "BoundedSemaphore(2) released before any acquire: got %d (errno %s), "
                  "expected -1 with errno EOVERFLOW", rc, strerror(errno));
    ck_assert_msg(drain(&s) == 2, "a refused release must leave the value at 2");
    release_ok(&s, "a BoundedSemaphore(2) after 2 acquires");
    release_ok(&s, "a BoundedSemaphore(2) after 2 acquires and 1 release");
    errno = 0;
    rc = semaphore_release(&s);
    ck_assert_msg(rc == -1 && errno == EOVERFLOW,
                  "BoundedSemaphore(2): two acquires, three releases: the third got %d "
                  "(errno %s), expected -1 with errno EOVERFLOW", rc, strerror(errno));
    semaphore_destroy(&s);
}

struct worker {
    struct semaphore *s;
    struct occupancy *o;
    int rounds;
};

static void *limited_work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < w->rounds; i++) {
        if (semaphore_acquire(w->s, true, -1) != 1)
            return NULL;
        occupancy_enter(w->o);
        sched_yield(); /* invites other threads in: only the semaphore limits them */
        occupancy_leave(w->o);
        semaphore_release(w->s);
    }
    return NULL;
}

static void check_limit(int threads, int rounds, int limit)
{
    struct semaphore s;
    init_ok(&s, limit, true);
    struct occupancy o;
    occupancy_init(&o);
    struct worker w = {&s, &o, rounds};
    pthread_t tids[8];
    for (int i = 0; i < threads; i++)
        tids[i] = wb_thread_start(limited_work, &w);
    for (int i = 0; i < threads; i++)
        wb_thread_join(tids[i]);
    ck_assert_msg(o.most_inside <= limit, "BoundedSemaphore(%d): %d threads were inside at "
                                          "once", limit, o.most_inside);
    ck_assert_msg(o.entries == (long)threads * rounds, "%ld of %ld acquires succeeded",
                  o.entries, (long)threads * rounds);
    ck_assert_msg(drain(&s) == limit, "after every thread released, the value must be back "
                                      "to %d", limit);
    semaphore_destroy(&s);
}

WB_TEST(bounded_semaphore_limits_threads_inside)
{
    check_limit(8, 2000, 3);
}

WB_TEST(bounded_semaphore_limits_few_threads)
{
    check_limit(4, 20, 2);
}

/* A few threads at once, small enough for helgrind: each thread calls the semaphore's
 * functions and nothing else that would order it with the others. */
enum { FEW_ROUNDS = 20 };

struct few {
    struct semaphore *s;
    long *counter; /* guarded by the semaphore (of value 1) */
    int failed;
};

static void *few_turns(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++) {
        if (semaphore_acquire(f->s, true, -1) != 1) {
            f->failed++;
            continue;
        }
        (*f->counter)++;
        f->failed += semaphore_release(f->s) != 0;
    }
    return NULL;
}

static void check_few_turns(bool bounded)
{
    struct semaphore s;
    init_ok(&s, 1, bounded);
    long counter = 0;
    struct few a = {&s, &counter, 0}, b = a, c = a;
    void *(*const fns[])(void *) = {few_turns, few_turns, few_turns};
    void *const args[] = {&a, &b, &c};
    wb_run_together(3, fns, args);
    ck_assert_msg(a.failed + b.failed + c.failed == 0, "%d acquires or releases failed",
                  a.failed + b.failed + c.failed);
    ck_assert_msg(counter == 3 * FEW_ROUNDS, "3 threads added 1 while holding a %sSemaphore(1) "
                  "%d times each: counter is %ld", bounded ? "Bounded" : "", FEW_ROUNDS,
                  counter);
    ck_assert_msg(drain(&s) == 1, "after every thread released, the value must be back to 1");
    semaphore_destroy(&s);
}

WB_TEST(semaphore_few_threads_acquire_and_release_at_once)
{
    check_few_turns(false);
    check_few_turns(true);
}

/* One thread releases units while another takes them, at once (waiting at most
 * TAKE_TIMEOUT seconds for each, a hang guard): the units cross from one thread to the
 * other, ordered only by the semaphore, so a release that skips its mutex is a race
 * helgrind reports. */
#define TAKE_TIMEOUT 8.0

static void *few_releases(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += semaphore_release(f->s) != 0;
    return NULL;
}

static void *few_takes(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_ROUNDS; i++)
        f->failed += semaphore_acquire(f->s, true, TAKE_TIMEOUT) != 1;
    return NULL;
}

static void check_handover(bool bounded)
{
    struct semaphore s;
    init_ok(&s, FEW_ROUNDS, bounded); /* bounded: room for every release */
    int taken = drain(&s);
    ck_assert_msg(taken == FEW_ROUNDS, "non-blocking acquires of a new %sSemaphore(%d): %d "
                  "succeeded, expected %d", bounded ? "Bounded" : "", FEW_ROUNDS, taken,
                  FEW_ROUNDS);
    struct few releaser = {&s, NULL, 0}, taker = releaser;
    void *(*const fns[])(void *) = {few_releases, few_takes};
    void *const args[] = {&releaser, &taker};
    wb_run_together(2, fns, args);
    ck_assert_msg(releaser.failed + taker.failed == 0,
                  "one thread released %d units of a %sSemaphore at 0 while another took "
                  "them: %d releases or acquires failed", FEW_ROUNDS,
                  bounded ? "Bounded" : "", releaser.failed + taker.failed);
    ck_assert_msg(drain(&s) == 0, "every unit released was taken: the value must be 0");
    semaphore_destroy(&s);
}

WB_TEST(semaphore_released_in_one_thread_acquired_in_another)
{
    check_handover(false);
    check_handover(true);
}
