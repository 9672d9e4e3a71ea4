/* test_rlock.c - pins every promise of rlock.h. */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "helpers.h"
#include "rlock.h"
#include "wb_test.h"

static void init_ok(struct rlock *r)
{
    errno = 0;
    int rc = rlock_init(r);
    ck_assert_msg(rc == 0, "rlock_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

/* what: the rlock's state in words, such as "a new rlock". */
static void acquire_ok(struct rlock *r, const char *what)
{
    int rc = rlock_acquire(r, true, -1);
    ck_assert_msg(rc == 1, "rlock_acquire(blocking, no timeout) of %s: expected 1, got %d "
                  "(errno %s)", what, rc, strerror(errno));
}

static void release_ok(struct rlock *r, const char *what)
{
    int rc = rlock_release(r);
    ck_assert_msg(rc == 0, "rlock_release of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

/* What another thread gets: an acquire(blocking, timeout) (released again at once
 * when it succeeded) or a release. */
struct other {
    struct rlock *r;
    bool release; /* release instead of acquire */
    bool blocking;
    double timeout;
    int rc, err;
};

static void *other_thread(void *arg)
{
    struct other *o = arg;
    errno = 0;
    if (o->release) {
        o->rc = rlock_release(o->r);
    } else {
        o->rc = rlock_acquire(o->r, o->blocking, o->timeout);
        if (o->rc == 1)
            rlock_release(o->r);
    }
    o->err = errno;
    return NULL;
}

static struct other in_other_thread(struct rlock *r, bool release, bool blocking,
                                    double timeout)
{
    struct other o = {r, release, blocking, timeout, -2, 0};
    wb_thread_join(wb_thread_start(other_thread, &o));
    return o;
}

static int other_try(struct rlock *r)
{
    return in_other_thread(r, false, false, -1).rc;
}

WB_TEST(rlock_owner_acquires_again)
{
    struct rlock r;
    init_ok(&r);
    acquire_ok(&r, "a new rlock");
    int again = rlock_acquire(&r, true, -1);
    int nonblocking = rlock_acquire(&r, false, -1);
    ck_assert_msg(again == 1 && nonblocking == 1,
                  "the owner acquiring again (blocking, then not): got %d and %d, expected 1 "
                  "and 1 (an RLock is reentrant)", again, nonblocking);
    for (int i = 0; i < 3; i++) {
        int released = rlock_release(&r);
        ck_assert_msg(released == 0, "rlock_release %d of 3 by the owner that acquired it 3 "
                      "times: expected 0, got %d (errno %s)", i + 1, released, strerror(errno));
    }
    rlock_destroy(&r);
}

WB_TEST(rlock_free_only_after_as_many_releases)
{
    struct rlock r;
    init_ok(&r);
    for (int i = 0; i < 3; i++) {
        int acquired = rlock_acquire(&r, true, -1);
        ck_assert_msg(acquired == 1, "rlock_acquire(blocking, no timeout) %d of 3 by one "
                      "thread: expected 1, got %d (errno %s)", i + 1, acquired, strerror(errno));
    }
    for (int released = 1; released <= 2; released++) {
        int release_rc = rlock_release(&r);
        ck_assert_msg(release_rc == 0, "rlock_release %d of 3 by the owner that acquired it 3 "
                      "times: expected 0, got %d (errno %s)", released, release_rc,
                      strerror(errno));
        int rc = other_try(&r);
        ck_assert_msg(rc == 0, "acquired 3 times, released %d: another thread's "
                               "non-blocking acquire got %d, expected 0 (still owned)",
                      released, rc);
    }
    release_ok(&r, "an rlock acquired 3 times and released twice");
    int rc = other_try(&r);
    ck_assert_msg(rc == 1, "acquired 3 times, released 3: another thread's non-blocking "
                           "acquire got %d, expected 1 (free)", rc);
    rlock_destroy(&r);
}

WB_TEST(rlock_release_by_non_owner_is_eperm)
{
    struct rlock r;
    init_ok(&r);
    acquire_ok(&r, "a new rlock");
    struct other o = in_other_thread(&r, true, false, -1);
    ck_assert_msg(o.rc == -1 && o.err == EPERM,
                  "a thread that does not own the rlock released it: got %d (errno %s), "
                  "expected -1 with errno EPERM", o.rc, strerror(o.err));
    ck_assert_msg(other_try(&r) == 0, "a refused release must leave the rlock owned");
    release_ok(&r, "an rlock held once, after another thread's refused release");
    rlock_destroy(&r);
}

WB_TEST(rlock_release_of_free_rlock_is_eperm)
{
    struct rlock r;
    init_ok(&r);
    acquire_ok(&r, "a new rlock");
    release_ok(&r, "an rlock held once");
    errno = 0;
    int rc = rlock_release(&r);
    ck_assert_msg(rc == -1 && errno == EPERM,
                  "one release more than acquires: got %d (errno %s), expected -1 with "
                  "errno EPERM", rc, strerror(errno));
    ck_assert_msg(other_try(&r) == 1, "after a refused release, the rlock must still be free");
    rlock_destroy(&r);
}

WB_TEST(rlock_acquire_timeout_when_owned_by_another)
{
    struct rlock r;
    init_ok(&r);
    acquire_ok(&r, "a new rlock");
    double start = wb_now();
    struct other o = in_other_thread(&r, false, true, 0.05);
    double waited = since(start);
    ck_assert_msg(o.rc == 0, "acquire(timeout=0.05) of an rlock owned by another thread: "
                             "got %d, expected 0", o.rc);
    ck_assert_msg(waited >= 0.05, "acquire(timeout=0.05) gave up after %.3f s, before its "
                                  "timeout", waited);
    release_ok(&r, "an rlock held once, after another thread's acquire timed out");
    rlock_destroy(&r);
}

WB_TEST(rlock_nonblocking_with_timeout_is_einval)
{
    struct rlock r;
    init_ok(&r);
    errno = 0;
    int rc = rlock_acquire(&r, false, 0.5);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=0.5): got %d (errno %s), expected -1 with "
                  "errno EINVAL", rc, strerror(errno));
    errno = 0;
    rc = rlock_acquire(&r, false, 0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "acquire(blocking=false, timeout=0): got %d (errno %s), expected -1 with "
                  "errno EINVAL (any timeout that is not negative)", rc, strerror(errno));
    ck_assert_msg(other_try(&r) == 1, "a refused acquire must leave the rlock free");
    rlock_destroy(&r);
}

struct blocked {
    struct rlock *r;
    int rc;
    sem_t waiting;
};

static void *acquire_blocking(void *arg)
{
    struct blocked *b = arg;
    sem_post(&b->waiting);
    b->rc = rlock_acquire(b->r, true, -1);
    if (b->rc == 1)
        rlock_release(b->r);
    return NULL;
}

WB_TEST(rlock_waiter_gets_it_after_the_last_release)
{
    struct rlock r;
    init_ok(&r);
    acquire_ok(&r, "a new rlock");
    acquire_ok(&r, "an rlock its caller holds once");
    struct blocked b = {.r = &r, .rc = -2};
    sem_init(&b.waiting, 0, 0);
    pthread_t tid = wb_thread_start(acquire_blocking, &b);
    wb_sem_wait_for(&b.waiting, 10);
    release_ok(&r, "an rlock held twice, another thread waiting for it");
    release_ok(&r, "an rlock held once, another thread waiting for it");
    wb_thread_join(tid);
    ck_assert_msg(b.rc == 1, "a thread waiting for the rlock got %d once the owner released "
                             "it fully, expected 1", b.rc);
    sem_destroy(&b.waiting);
    rlock_destroy(&r);
}

struct nested {
    struct rlock *r;
    struct occupancy *o;
    long *counter;
    int rounds;
};

static void *count_nested(void *arg)
{
    struct nested *n = arg;
    for (int i = 0; i < n->rounds; i++) {
        if (rlock_acquire(n->r, true, -1) != 1)
            return NULL;
        occupancy_enter(n->o);
        if (rlock_acquire(n->r, true, -1) == 1) { /* the seeds' nested acquire */
            long seen = *n->counter;
            sched_yield(); /* invites another thread in: only the rlock keeps it out */
            *n->counter = seen + 1;
            rlock_release(n->r);
        }
        occupancy_leave(n->o);
        rlock_release(n->r);
    }
    return NULL;
}

static void check_nested_exclusion(int threads, int rounds)
{
    struct rlock r;
    init_ok(&r);
    struct occupancy o;
    occupancy_init(&o);
    long counter = 0;
    struct nested n = {&r, &o, &counter, rounds};
    pthread_t tids[8];
    for (int i = 0; i < threads; i++)
        tids[i] = wb_thread_start(count_nested, &n);
    for (int i = 0; i < threads; i++)
        wb_thread_join(tids[i]);
    long expected = (long)threads * rounds;
    ck_assert_msg(o.most_inside == 1, "%d threads were inside the rlock at the same time, "
                                      "expected at most 1", o.most_inside);
    ck_assert_msg(counter == expected, "%d threads added 1 under a nested rlock %d times "
                                       "each: counter is %ld, expected %ld", threads, rounds,
                  counter, expected);
    rlock_destroy(&r);
}

WB_TEST(rlock_nested_mutual_exclusion_under_contention)
{
    check_nested_exclusion(4, 5000);
}

WB_TEST(rlock_nested_mutual_exclusion_few_threads)
{
    check_nested_exclusion(3, 20);
}
