/* test_thread_join.c - pins the promises of thread_join.c (thread.h). */
#include <errno.h>
#include <string.h>

#include "helpers.h"
#include "thread.h"
#include "wb_test.h"

/* A target that waits until the test lets it go, then notes that it finished. */
struct gate {
    sem_t go;
    bool released; /* let go by the test (not by the 5 s guard) */
    bool done;     /* written by the target: visible to the joiner after a join */
};

static void gated_target(void *arg)
{
    struct gate *g = arg;
    g->released = wb_sem_wait_for(&g->go, 5);
    g->done = true;
}

/* The join tests need thread_init and thread_start (thread_start.c) to work. */
static void init_ok(struct thread *t, thread_target target, void *arg, const char *name)
{
    errno = 0;
    int rc = thread_init(t, target, arg, name);
    ck_assert_msg(rc == 0, "thread_init returned %d (errno: %s): the join tests need "
                           "thread_start.c done first", rc, strerror(errno));
}

static void start_ok(struct thread *t)
{
    errno = 0;
    int rc = thread_start(t);
    ck_assert_msg(rc == 0, "thread_start returned %d (errno: %s): the join tests need "
                           "thread_start.c done first", rc, strerror(errno));
}

static void start_gated(struct thread *t, struct gate *g, const char *name)
{
    *g = (struct gate){.released = false};
    sem_init(&g->go, 0, 0);
    init_ok(t, gated_target, g, name);
    start_ok(t);
}

static void join_ok(struct thread *t)
{
    errno = 0;
    int rc = thread_join(t, -1);
    ck_assert_msg(rc == 0, "thread_join(t, -1) returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

/* what: the thread's state in words, such as "a joined thread". */
static void destroy_ok(struct thread *t, const char *what)
{
    int rc = thread_destroy(t);
    ck_assert_msg(rc == 0, "thread_destroy of %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

WB_TEST(join_waits_for_run_to_return)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "worker");
    sem_post(&g.go);
    join_ok(&t);
    ck_assert_msg(g.done, "thread_join returned before run had returned");
    ck_assert_msg(g.released, "the target was not let go in time");
    destroy_ok(&t, "a joined thread");
    sem_destroy(&g.go);
}

WB_TEST(join_timeout_returns_etimedout_and_stays_joinable)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "slow");
    double before = wb_now();
    errno = 0;
    int rc = thread_join(&t, 0.05);
    int err = errno;
    double waited = wb_now() - before;
    bool alive = thread_is_alive(&t);
    sem_post(&g.go);
    join_ok(&t);
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "join(0.05) of a thread that still runs: got %d (errno %s), expected -1 "
                  "with errno ETIMEDOUT", rc, strerror(err));
    ck_assert_msg(waited >= 0.05, "join(0.05) gave up after %.3f s, before its timeout",
                  waited);
    ck_assert_msg(alive, "after a join that timed out, the thread must still be alive");
    ck_assert_msg(g.done && !thread_is_alive(&t),
                  "a later join(-1) must wait for the thread to end");
    destroy_ok(&t, "a thread joined after a join(0.05) that timed out");
    sem_destroy(&g.go);
}

WB_TEST(join_zero_timeout_only_checks)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "polled");
    errno = 0;
    int rc = thread_join(&t, 0);
    int err = errno;
    sem_post(&g.go);
    join_ok(&t);
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "join(0) of a running thread: got %d (errno %s), expected -1 with errno "
                  "ETIMEDOUT at once", rc, strerror(err));
    errno = 0;
    rc = thread_join(&t, 0);
    ck_assert_msg(rc == 0, "join(0) of an ended thread: got %d (errno %s), expected 0", rc,
                  strerror(errno));
    destroy_ok(&t, "a thread joined after a join(0) that timed out");
    sem_destroy(&g.go);
}

WB_TEST(join_before_start_is_einval)
{
    struct thread t;
    init_ok(&t, NULL, NULL, "unstarted");
    errno = 0;
    int rc = thread_join(&t, 1.0);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "joining a thread that was never started: got %d (errno %s), expected -1 "
                  "with errno EINVAL", rc, strerror(errno));
    destroy_ok(&t, "a thread that was never started");
}

/* A target that tries to join its own thread; bounded, so a missing check fails the
 * test with ETIMEDOUT instead of hanging it. */
struct self_join {
    struct thread *self;
    int rc, err;
};

static void join_myself(void *arg)
{
    struct self_join *s = arg;
    errno = 0;
    s->rc = thread_join(s->self, 2.0);
    s->err = errno;
}

WB_TEST(join_itself_is_edeadlk)
{
    struct thread t;
    struct self_join s = {&t, 0, 0};
    init_ok(&t, join_myself, &s, "narcissus");
    start_ok(&t);
    join_ok(&t);
    ck_assert_msg(s.rc == -1 && s.err == EDEADLK,
                  "a thread joining itself: got %d (errno %s), expected -1 with errno "
                  "EDEADLK (it would wait for itself forever)", s.rc, strerror(s.err));
    destroy_ok(&t, "a joined thread whose run tried to join itself");
}

WB_TEST(join_twice_returns_zero)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "twice");
    sem_post(&g.go);
    join_ok(&t);
    errno = 0;
    int rc = thread_join(&t, -1);
    ck_assert_msg(rc == 0, "joining an already joined thread: got %d (errno %s), expected 0 "
                           "(pthread_join must be called only once)", rc, strerror(errno));
    destroy_ok(&t, "a thread joined twice");
    sem_destroy(&g.go);
}

struct joiner {
    struct thread *target;
    int rc;
};

static void *join_it(void *arg)
{
    struct joiner *j = arg;
    j->rc = thread_join(j->target, 10);
    return NULL;
}

WB_TEST(join_from_several_threads_at_once)
{
    enum { JOINERS = 3 };
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "popular");
    struct joiner joiners[JOINERS];
    pthread_t tids[JOINERS];
    for (int i = 0; i < JOINERS; i++) {
        joiners[i] = (struct joiner){&t, -2};
        tids[i] = wb_thread_start(join_it, &joiners[i]);
    }
    /* Every joiner is waiting inside thread_join before the thread ends: its end must
     * wake them all, not just one. */
    wb_wait_others_asleep(5);
    sem_post(&g.go);
    for (int i = 0; i < JOINERS; i++)
        wb_thread_join(tids[i]);
    for (int i = 0; i < JOINERS; i++)
        ck_assert_msg(joiners[i].rc == 0,
                      "joiner %d of %d got %d, expected 0: every joiner returns once the "
                      "thread ended (wake them all: broadcast)", i, JOINERS, joiners[i].rc);
    destroy_ok(&t, "a thread joined by 3 threads at once");
    sem_destroy(&g.go);
}

/* A wakeup that does not come from the thread's end - a spurious one, which
 * pthread_cond_wait allows - must not end a join: it checks again (while, not if). The
 * test plays such wakeups by broadcasting the thread's condition itself while a joiner
 * waits without a time limit. */
struct waiting_joiner {
    struct thread *target;
    pthread_mutex_t *lock;
    bool returned; /* guarded by lock */
    int rc, err;
};

static void *join_forever(void *arg)
{
    struct waiting_joiner *j = arg;
    errno = 0;
    int rc = thread_join(j->target, -1);
    int err = errno;
    pthread_mutex_lock(j->lock);
    j->rc = rc;
    j->err = err;
    j->returned = true;
    pthread_mutex_unlock(j->lock);
    return NULL;
}

WB_TEST(join_ignores_wakeups_that_do_not_end_the_thread)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "sleeper");
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct waiting_joiner j = {.target = &t, .lock = &lock, .rc = -2};
    pthread_t tid = wb_thread_start(join_forever, &j);
    /* Wake whoever waits on the thread's condition, over and over, for 0.2 s. */
    double end = wb_now() + 0.2;
    bool returned = false;
    while (wb_now() < end && !returned) {
        pthread_mutex_lock(&t.lock);
        pthread_cond_broadcast(&t.finished_changed);
        pthread_mutex_unlock(&t.lock);
        wb_sleep(0.001);
        pthread_mutex_lock(&lock);
        returned = j.returned;
        pthread_mutex_unlock(&lock);
    }
    sem_post(&g.go);
    wb_thread_join(tid);
    ck_assert_msg(!returned, "thread_join(t, -1) returned %d (errno %s) while t still ran, "
                  "on a wakeup that was not t's end: check finished again after every "
                  "wakeup, while and not if around pthread_cond_wait", j.rc,
                  strerror(j.err));
    ck_assert_msg(j.rc == 0, "thread_join(t, -1) returned %d (errno %s) once t ended, "
                  "expected 0", j.rc, strerror(j.err));
    destroy_ok(&t, "a joined thread, after wakeups that were not its end");
    sem_destroy(&g.go);
}

WB_TEST(is_alive_from_start_until_run_returns)
{
    struct thread t;
    struct gate g;
    init_ok(&t, NULL, NULL, "unstarted");
    ck_assert_msg(!thread_is_alive(&t), "a thread that was not started is not alive");
    destroy_ok(&t, "a thread that was never started");
    start_gated(&t, &g, "lively");
    ck_assert_msg(thread_is_alive(&t), "a started thread whose run has not returned is alive");
    sem_post(&g.go);
    join_ok(&t);
    ck_assert_msg(!thread_is_alive(&t), "a joined thread is not alive");
    destroy_ok(&t, "a joined thread");
    sem_destroy(&g.go);
}

WB_TEST(is_alive_turns_false_without_join)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "mortal");
    sem_post(&g.go);
    double deadline = wb_now() + 10;
    while (thread_is_alive(&t) && wb_now() < deadline)
        wb_sleep(0.001);
    ck_assert_msg(!thread_is_alive(&t), "run returned long ago, yet is_alive is still true "
                                        "without a join");
    join_ok(&t);
    destroy_ok(&t, "a thread that ended, then was joined");
    sem_destroy(&g.go);
}

WB_TEST(destroy_of_unjoined_thread_is_ebusy)
{
    struct thread t;
    struct gate g;
    start_gated(&t, &g, "busy");
    errno = 0;
    int running = thread_destroy(&t);
    int running_errno = errno;
    sem_post(&g.go);
    while (thread_is_alive(&t))
        wb_sleep(0.001); /* ends within the test's timeout: the gate is open */
    errno = 0;
    int ended = thread_destroy(&t);
    int ended_errno = errno;
    join_ok(&t);
    ck_assert_msg(running == -1 && running_errno == EBUSY,
                  "destroying a running thread: got %d (errno %s), expected -1 with errno "
                  "EBUSY", running, strerror(running_errno));
    ck_assert_msg(ended == -1 && ended_errno == EBUSY,
                  "destroying an ended but unjoined thread: got %d (errno %s), expected -1 "
                  "with errno EBUSY", ended, strerror(ended_errno));
    destroy_ok(&t, "a joined thread, after two destroys refused with EBUSY");
    sem_destroy(&g.go);
}

WB_TEST(destroy_of_unstarted_thread_is_ok)
{
    struct thread t;
    init_ok(&t, NULL, NULL, "never");
    errno = 0;
    int rc = thread_destroy(&t);
    ck_assert_msg(rc == 0, "destroying a thread that was never started: got %d (errno %s), "
                           "expected 0", rc, strerror(errno));
}
