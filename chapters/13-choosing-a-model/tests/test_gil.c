/* test_gil.c - pins gil.h: one holder at a time, first come first served, a tick that
 * hands the GIL over every `interval` steps when another thread waits. */
#include <errno.h>
#include <string.h>

#include "model_test.h"

static void init_gil(struct gil *gil, long interval)
{
    errno = 0;
    int rc = gil_init(gil, interval);
    ck_assert_msg(rc == 0, "gil_init(gil, %ld): expected 0, got %d (errno %s)", interval, rc,
                  strerror(errno));
}

static void acquire(struct gil *gil, const char *when)
{
    errno = 0;
    int rc = gil_acquire(gil);
    ck_assert_msg(rc == 0, "gil_acquire %s: expected 0, got %d (errno %s)", when, rc,
                  strerror(errno));
}

static void release(struct gil *gil, const char *when)
{
    errno = 0;
    int rc = gil_release(gil);
    ck_assert_msg(rc == 0, "gil_release %s: expected 0, got %d (errno %s)", when, rc,
                  strerror(errno));
}

static void destroy(struct gil *gil)
{
    errno = 0;
    int rc = gil_destroy(gil);
    ck_assert_msg(rc == 0, "gil_destroy of a free GIL: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
}

static void expect_waiters(struct gil *gil, int n, const char *who)
{
    ck_assert_msg(m_wait_for_waiters(gil, n),
                  "%s: gil_waiting never reached %d in %.0f s (it is %d): a thread blocked "
                  "in gil_acquire counts as waiting",
                  who, n, M_PATIENCE, gil_waiting(gil));
}

/* A thread that takes the GIL once, notes that it got it (and in which order), and
 * gives it back. */
struct taker {
    struct gil *gil;
    int id;
    pthread_mutex_t *lock; /* guards what follows, shared by the takers of a test */
    int *order;
    int *n_order;
    int rc, err;
    bool held;
    bool done;
};

static void *take_once(void *arg)
{
    struct taker *t = arg;
    int rc = gil_acquire(t->gil);
    int err = errno;
    bool held = gil_held(t->gil);
    pthread_mutex_lock(t->lock);
    t->rc = rc;
    t->err = err;
    t->held = held;
    if (rc == 0)
        t->order[(*t->n_order)++] = t->id;
    pthread_mutex_unlock(t->lock);
    if (rc == 0)
        gil_release(t->gil);
    pthread_mutex_lock(t->lock);
    t->done = true;
    pthread_mutex_unlock(t->lock);
    return NULL;
}

static int n_taken(pthread_mutex_t *lock, int *n_order)
{
    pthread_mutex_lock(lock);
    int n = *n_order;
    pthread_mutex_unlock(lock);
    return n;
}

/* The interpreter of these tests: gil_acquire, each step then gil_tick, gil_release
 * (threads.c's job_run_with_gil, written out here so that these tests need gil.c only). */
struct interpreter {
    struct gil *gil;
    struct job job;
};

static void *interpret(void *arg)
{
    struct interpreter *in = arg;
    if (gil_acquire(in->gil) < 0)
        return NULL;
    for (long s = 0; s < in->job.steps; s++) {
        in->job.compute(in->job.arg, s);
        gil_tick(in->gil);
    }
    gil_release(in->gil);
    return NULL;
}

WB_TEST(gil_init_refuses_an_interval_below_one)
{
    struct gil gil;
    long bad[] = {0, -5};
    for (int i = 0; i < 2; i++) {
        errno = 0;
        int rc = gil_init(&gil, bad[i]);
        ck_assert_msg(rc == -1 && errno == EINVAL,
                      "gil_init(gil, %ld): expected -1 with EINVAL, got %d (errno %s)", bad[i],
                      rc, strerror(errno));
    }
    init_gil(&gil, 1);
    ck_assert_msg(!gil_held(&gil), "a new GIL: gil_held is true, expected false (nobody holds it)");
    ck_assert_msg(gil_waiting(&gil) == 0, "a new GIL: gil_waiting is %d, expected 0",
                  gil_waiting(&gil));
    ck_assert_msg(gil_switches(&gil) == 0, "a new GIL: gil_switches is %ld, expected 0",
                  gil_switches(&gil));
    destroy(&gil);
}

static void *held_elsewhere(void *arg)
{
    return (void *)(long)gil_held(arg);
}

WB_TEST(gil_acquire_and_release_by_the_holder)
{
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    ck_assert_msg(gil_held(&gil), "after gil_acquire: gil_held is false in the thread that "
                  "acquired it, expected true");
    long other = (long)wb_thread_join(wb_thread_start(held_elsewhere, &gil));
    ck_assert_msg(!other, "gil_held in another thread than the holder: true, expected false "
                  "(it says whether the calling thread holds it)");
    release(&gil, "by its holder");
    ck_assert_msg(!gil_held(&gil), "after gil_release: gil_held is still true");
    acquire(&gil, "after it was released");
    release(&gil, "the second time");
    destroy(&gil);
}

struct release_try {
    struct gil *gil;
    int rc, err;
};

static void *try_release(void *arg)
{
    struct release_try *r = arg;
    errno = 0;
    r->rc = gil_release(r->gil);
    r->err = errno;
    return NULL;
}

WB_TEST(gil_release_by_a_thread_that_does_not_hold_it_is_eperm)
{
    struct gil gil;
    init_gil(&gil, 1);
    errno = 0;
    int rc = gil_release(&gil);
    ck_assert_msg(rc == -1 && errno == EPERM,
                  "gil_release of a GIL nobody holds: expected -1 with EPERM, got %d (errno %s)",
                  rc, strerror(errno));
    acquire(&gil, "of a free GIL");
    struct release_try r = {.gil = &gil};
    wb_thread_join(wb_thread_start(try_release, &r));
    ck_assert_msg(r.rc == -1 && r.err == EPERM,
                  "gil_release by a thread that does not hold the GIL (another one does): "
                  "expected -1 with EPERM, got %d (errno %s)", r.rc, strerror(r.err));
    ck_assert_msg(gil_held(&gil), "after another thread's refused gil_release, the holder "
                  "must still hold the GIL");
    release(&gil, "by its holder");
    destroy(&gil);
}

WB_TEST(gil_acquire_by_its_holder_is_edeadlk)
{
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    errno = 0;
    int rc = gil_acquire(&gil);
    ck_assert_msg(rc == -1 && errno == EDEADLK,
                  "gil_acquire by the thread that holds the GIL: expected -1 with EDEADLK, got "
                  "%d (errno %s)", rc, strerror(errno));
    ck_assert_msg(gil_held(&gil), "after the refused gil_acquire the holder must still hold "
                  "the GIL");
    ck_assert_msg(gil_waiting(&gil) == 0, "after the refused gil_acquire: gil_waiting is %d, "
                  "expected 0 (the refused call waits for nothing)", gil_waiting(&gil));
    release(&gil, "after the refused gil_acquire");

    /* The refused call took no place in the queue: another thread gets the GIL at once. */
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int order[1], n_order = 0;
    struct taker t = {.gil = &gil, .id = 1, .lock = &lock, .order = order, .n_order = &n_order};
    pthread_t tid = wb_thread_start(take_once, &t);
    double deadline = wb_now() + M_PATIENCE;
    while (n_taken(&lock, &n_order) == 0 && wb_now() < deadline)
        wb_sleep(0.001);
    ck_assert_msg(n_taken(&lock, &n_order) == 1,
                  "after a refused gil_acquire and the holder's release, another thread "
                  "waited %.0f s for the free GIL: did the refused call take a turn that "
                  "nobody will use?", M_PATIENCE);
    wb_thread_join(tid);
    destroy(&gil);
}

WB_TEST(gil_acquire_waits_while_another_thread_holds_it)
{
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int order[1], n_order = 0;
    struct taker t = {.gil = &gil, .id = 1, .lock = &lock, .order = order, .n_order = &n_order};
    pthread_t tid = wb_thread_start(take_once, &t);
    bool queued = m_wait_for_waiters(&gil, 1);
    ck_assert_msg(n_taken(&lock, &n_order) == 0,
                  "gil_acquire returned in a second thread while the first held the GIL");
    ck_assert_msg(queued, "a thread blocked in gil_acquire: gil_waiting never became 1 in %.0f "
                  "s (it is %d)", M_PATIENCE, gil_waiting(&gil));
    release(&gil, "with a thread waiting");
    wb_thread_join(tid);
    ck_assert_msg(t.rc == 0 && t.held,
                  "the waiting thread, once the GIL was released: gil_acquire returned %d "
                  "(errno %s), gil_held %s; expected 0 and true", t.rc, strerror(t.err),
                  t.held ? "true" : "false");
    ck_assert_msg(gil_waiting(&gil) == 0, "once every thread got its turn gil_waiting is %d, "
                  "expected 0", gil_waiting(&gil));
    destroy(&gil);
}

WB_TEST(gil_goes_to_waiting_threads_in_arrival_order)
{
    enum { N = 3 };
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int order[N], n_order = 0;
    struct taker t[N];
    pthread_t tids[N];
    for (int i = 0; i < N; i++) {
        t[i] = (struct taker){.gil = &gil, .id = i, .lock = &lock, .order = order,
                              .n_order = &n_order};
        tids[i] = wb_thread_start(take_once, &t[i]);
        expect_waiters(&gil, i + 1, "threads queued one by one behind the holder");
    }
    release(&gil, "with three threads waiting");
    for (int i = 0; i < N; i++)
        wb_thread_join(tids[i]);
    ck_assert_msg(n_order == N, "%d of the %d waiting threads got the GIL", n_order, N);
    for (int i = 0; i < N; i++)
        ck_assert_msg(order[i] == i,
                      "threads that called gil_acquire in the order 0, 1, 2 got the GIL in "
                      "the order %d, %d, %d: first come, first served", order[0], order[1],
                      order[2]);
    destroy(&gil);
}

WB_TEST(gil_released_then_retaken_lets_a_waiting_thread_in_first)
{
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int order[1], n_order = 0;
    struct taker t = {.gil = &gil, .id = 1, .lock = &lock, .order = order, .n_order = &n_order};
    pthread_t tid = wb_thread_start(take_once, &t);
    expect_waiters(&gil, 1, "a thread waiting behind the holder");
    release(&gil, "with a thread waiting");
    acquire(&gil, "right after releasing it, with a thread waiting");
    int had_it = n_taken(&lock, &n_order);
    release(&gil, "the second time");
    wb_thread_join(tid);
    ck_assert_msg(had_it == 1,
                  "the holder released the GIL and asked for it again at once, while another "
                  "thread waited: the holder got it first. The waiting thread asked first, so "
                  "it goes first (with a plain mutex the holder would take it straight back)");
    destroy(&gil);
}

static int count_turns(struct m_log *log)
{
    struct m_event events[M_EVENTS];
    size_t n = m_events(log, events, M_EVENTS);
    int turns = 0;
    for (size_t i = 0; i < n; i++)
        turns += events[i].what == M_TURN ? (int)events[i].step : 0;
    return turns;
}

static void tick_expect(struct gil *gil, int expected, const char *which)
{
    errno = 0;
    int rc = gil_tick(gil);
    ck_assert_msg(rc == expected, "%s: gil_tick returned %d (errno %s), expected %d", which, rc,
                  strerror(errno), expected);
}

WB_TEST(gil_tick_hands_over_at_the_interval_when_a_thread_waits)
{
    struct gil gil;
    init_gil(&gil, 3);
    struct m_log *log = m_log_new(1, false);
    acquire(&gil, "of a free GIL");
    pthread_t by = m_bystander_start(log, &gil, 0);
    expect_waiters(&gil, 1, "a thread asking for the GIL while the test holds it");
    tick_expect(&gil, 0, "tick 1 of interval 3, a thread waiting");
    tick_expect(&gil, 0, "tick 2 of interval 3, a thread waiting");
    ck_assert_msg(count_turns(log) == 0, "the waiting thread had the GIL before the third tick");
    tick_expect(&gil, 1, "tick 3 of interval 3, a thread waiting");
    int turns = count_turns(log);
    ck_assert_msg(gil_held(&gil), "after gil_tick handed the GIL over, it must return with the "
                  "caller holding it again");
    ck_assert_msg(turns == 1,
                  "during the third tick the waiting thread had %d turns with the GIL, "
                  "expected exactly 1 (the ticker queues for it again behind that thread, "
                  "and ahead of its next request)", turns);
    ck_assert_msg(gil_switches(&gil) == 1, "after one hand-over gil_switches is %ld, expected 1",
                  gil_switches(&gil));
    release(&gil, "after the ticks");
    m_bystander_stop(log, by);
    destroy(&gil);
    m_log_free(log);
}

WB_TEST(gil_tick_keeps_the_gil_when_no_thread_waits)
{
    struct gil gil;
    init_gil(&gil, 3);
    acquire(&gil, "of a free GIL");
    for (int i = 1; i <= 9; i++)
        tick_expect(&gil, 0, "a tick with no thread waiting");
    ck_assert_msg(gil_held(&gil) && gil_switches(&gil) == 0,
                  "nine ticks with nobody waiting: gil_held %s, gil_switches %ld; expected the "
                  "holder to keep it, no switch", gil_held(&gil) ? "true" : "false",
                  gil_switches(&gil));
    /* The ninth tick was an interval-th one: the count starts again from 0. */
    struct m_log *log = m_log_new(1, false);
    pthread_t by = m_bystander_start(log, &gil, 0);
    expect_waiters(&gil, 1, "a thread asking for the GIL after nine ticks");
    tick_expect(&gil, 0, "tick 10 (1 after the ninth, an interval-th one), a thread waiting");
    tick_expect(&gil, 0, "tick 11, a thread waiting");
    tick_expect(&gil, 1, "tick 12 (the next interval-th), a thread waiting");
    release(&gil, "after the ticks");
    m_bystander_stop(log, by);
    destroy(&gil);
    m_log_free(log);
}

WB_TEST(gil_tick_counts_from_each_acquire)
{
    struct gil gil;
    init_gil(&gil, 3);
    acquire(&gil, "of a free GIL");
    tick_expect(&gil, 0, "tick 1 of interval 3");
    tick_expect(&gil, 0, "tick 2 of interval 3");
    release(&gil, "after two ticks");
    acquire(&gil, "again");
    struct m_log *log = m_log_new(1, false);
    pthread_t by = m_bystander_start(log, &gil, 0);
    expect_waiters(&gil, 1, "a thread asking for the GIL");
    tick_expect(&gil, 0, "tick 1 after taking the GIL again (the count starts at 0 for each "
                "new holder), a thread waiting");
    tick_expect(&gil, 0, "tick 2 after taking the GIL again, a thread waiting");
    tick_expect(&gil, 1, "tick 3 after taking the GIL again, a thread waiting");
    release(&gil, "after the ticks");
    m_bystander_stop(log, by);
    destroy(&gil);
    m_log_free(log);
}

struct tick_try {
    struct gil *gil;
    int rc, err;
};

static void *try_tick(void *arg)
{
    struct tick_try *t = arg;
    errno = 0;
    t->rc = gil_tick(t->gil);
    t->err = errno;
    return NULL;
}

WB_TEST(gil_tick_without_the_gil_is_eperm)
{
    struct gil gil;
    init_gil(&gil, 1);
    errno = 0;
    int rc = gil_tick(&gil);
    ck_assert_msg(rc == -1 && errno == EPERM,
                  "gil_tick of a GIL nobody holds: expected -1 with EPERM, got %d (errno %s)",
                  rc, strerror(errno));
    acquire(&gil, "of a free GIL");
    struct tick_try t = {.gil = &gil};
    wb_thread_join(wb_thread_start(try_tick, &t));
    ck_assert_msg(t.rc == -1 && t.err == EPERM,
                  "gil_tick by a thread that does not hold the GIL: expected -1 with EPERM, "
                  "got %d (errno %s)", t.rc, strerror(t.err));
    ck_assert_msg(gil_held(&gil) && gil_switches(&gil) == 0,
                  "a refused gil_tick must change nothing: the holder still holds it, no switch");
    release(&gil, "by its holder");
    destroy(&gil);
}

/* A thread that takes the GIL and ticks (interval 1) until told to stop. */
struct ticker {
    struct gil *gil;
    pthread_mutex_t lock; /* guards stop */
    bool stop;
};

static void *tick_until_stopped(void *arg)
{
    struct ticker *t = arg;
    if (gil_acquire(t->gil) < 0)
        return NULL;
    for (;;) {
        gil_tick(t->gil);
        pthread_mutex_lock(&t->lock);
        bool stop = t->stop;
        pthread_mutex_unlock(&t->lock);
        if (stop)
            break;
    }
    gil_release(t->gil);
    return NULL;
}

WB_TEST(gil_destroy_refuses_a_gil_in_use)
{
    struct gil gil;
    init_gil(&gil, 1);
    acquire(&gil, "of a free GIL");
    errno = 0;
    int rc = gil_destroy(&gil);
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "gil_destroy of a held GIL: expected -1 with EBUSY, got %d (errno %s)", rc,
                  strerror(errno));
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int order[1], n_order = 0;
    struct taker t = {.gil = &gil, .id = 1, .lock = &lock, .order = order, .n_order = &n_order};
    pthread_t tid = wb_thread_start(take_once, &t);
    expect_waiters(&gil, 1, "a thread waiting for the GIL");
    errno = 0;
    rc = gil_destroy(&gil);
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "gil_destroy of a GIL that a thread waits for: expected -1 with EBUSY, got "
                  "%d (errno %s)", rc, strerror(errno));
    release(&gil, "with a thread waiting");
    wb_thread_join(tid);
    destroy(&gil);
}

WB_TEST(gil_can_be_watched_while_threads_take_turns)
{
    /* Two threads hand the GIL to each other (one ticks, interval 1; the other takes it
     * and gives it back in a loop): at every moment one holds it or waits for it. The
     * test thread watches meanwhile; each of its calls reads fields the two others are
     * changing, so each must read them under the GIL's lock (helgrind checks). */
    struct gil gil;
    init_gil(&gil, 1);
    struct ticker ticker = {.gil = &gil, .lock = PTHREAD_MUTEX_INITIALIZER};
    struct m_log *log = m_log_new(1, false);
    pthread_t ticking = wb_thread_start(tick_until_stopped, &ticker);
    pthread_t by = m_bystander_start(log, &gil, 0);
    double deadline = wb_now() + M_PATIENCE;
    while (gil_switches(&gil) < 3 && wb_now() < deadline)
        wb_sleep(0.001);
    int held = 0, refused = 0, bad_waiting = -1;
    long switches = gil_switches(&gil), went_back = -1;
    for (int i = 0; i < 20; i++) {
        held += gil_held(&gil);
        int waiting = gil_waiting(&gil);
        if (waiting < 0 || waiting > 2)
            bad_waiting = waiting;
        long now = gil_switches(&gil);
        if (now < switches)
            went_back = now;
        switches = now;
        errno = 0;
        refused += gil_destroy(&gil) == -1 && errno == EBUSY;
        wb_sleep(0.0005);
    }
    pthread_mutex_lock(&ticker.lock);
    ticker.stop = true;
    pthread_mutex_unlock(&ticker.lock);
    wb_thread_join(ticking);
    m_bystander_stop(log, by);
    ck_assert_msg(switches >= 3, "two threads handing the GIL to each other: gil_switches was "
                  "%ld after %.0f s, expected at least 3", switches, M_PATIENCE);
    ck_assert_msg(held == 0, "gil_held in a thread that never took the GIL: true %d times of "
                  "20 while two other threads took turns", held);
    ck_assert_msg(bad_waiting == -1, "gil_waiting with two threads taking turns: %d, expected "
                  "0 to 2", bad_waiting);
    ck_assert_msg(went_back == -1, "gil_switches went down, to %ld, while threads took turns",
                  went_back);
    ck_assert_msg(refused == 20, "gil_destroy while two threads handed the GIL to each other: "
                  "%d of 20 calls refused with EBUSY, expected all", refused);
    destroy(&gil);
    m_log_free(log);
}

WB_TEST(gil_lets_one_thread_compute_at_a_time)
{
    enum { N = 3, STEPS = 4 };
    struct gil gil;
    init_gil(&gil, 1);
    struct m_log *log = m_log_new(N, false);
    struct m_worker w[N];
    struct interpreter in[N];
    pthread_t tids[N];
    for (int i = 0; i < N; i++) {
        in[i].gil = &gil;
        m_job(&in[i].job, &w[i], log, i, STEPS, false, M_TAKE_TURNS, &gil, 0);
    }
    for (int i = 0; i < N; i++)
        tids[i] = wb_thread_start(interpret, &in[i]);
    for (int i = 0; i < N; i++)
        wb_thread_join(tids[i]);
    m_expect_no_problem(log, "three threads computing under the GIL, interval 1");
    int max = m_max_computing(log);
    ck_assert_msg(max == 1,
                  "three threads computing under the GIL: %d computed at the same time, "
                  "expected 1 (a thread computes only while it holds the GIL)", max);
    destroy(&gil);
    m_log_free(log);
}

WB_TEST(gil_two_threads_take_turns_every_interval)
{
    enum { INTERVAL = 2, STEPS = 6 };
    struct gil gil;
    init_gil(&gil, INTERVAL);
    struct m_log *log = m_log_new(2, false);
    struct m_worker w[2];
    struct interpreter in[2];
    pthread_t tids[2];
    for (int i = 0; i < 2; i++) {
        in[i].gil = &gil;
        m_job(&in[i].job, &w[i], log, i, STEPS, false, M_TAKE_TURNS, &gil, 0);
    }
    for (int i = 0; i < 2; i++)
        tids[i] = wb_thread_start(interpret, &in[i]);
    /* Watch the switches while they happen (gil_switches reads under the GIL's lock). */
    double deadline = wb_now() + M_PATIENCE;
    long switches;
    while ((switches = gil_switches(&gil)) < 5 && wb_now() < deadline)
        wb_sleep(0.001);
    for (int i = 0; i < 2; i++)
        wb_thread_join(tids[i]);
    m_expect_no_problem(log, "two threads computing 6 steps each under the GIL, interval 2");
    m_expect_turns(log, INTERVAL, STEPS, "two threads computing 6 steps each, interval 2");
    ck_assert_msg(switches >= 5,
                  "two threads took 6 turns: gil_switches was %ld after %.0f s, expected at "
                  "least 5", switches, M_PATIENCE);
    destroy(&gil);
    m_log_free(log);
}
