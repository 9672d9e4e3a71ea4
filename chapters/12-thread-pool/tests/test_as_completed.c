/* test_as_completed.c - pins as_completed.h: completion order, timeout, end. */
#include <errno.h>
#include <string.h>

#include "tp_test.h"

static struct executor *create(int n)
{
    struct executor *ex = executor_create(n);
    ck_assert_msg(ex != NULL, "executor_create(%d) failed: %s", n, strerror(errno));
    return ex;
}

static struct future *submit(struct executor *ex, task_fn fn, void *arg)
{
    struct future *f = executor_submit(ex, fn, arg);
    ck_assert_msg(f != NULL, "submit failed: %s", strerror(errno));
    return f;
}

static struct as_completed *iterate(struct future *const *fs, size_t n)
{
    errno = 0;
    struct as_completed *it = as_completed(fs, n);
    ck_assert_msg(it != NULL, "as_completed failed: %s", strerror(errno));
    return it;
}

/* The index of f in fs, or -1. */
static int index_of(struct future *const *fs, int n, const struct future *f)
{
    for (int i = 0; i < n; i++)
        if (fs[i] == f)
            return i;
    return -1;
}

static struct future *next(struct as_completed *it)
{
    struct future *f = NULL;
    int rc = as_completed_next(it, 20, &f);
    ck_assert_msg(rc == 0, "as_completed_next: %d (errno %s), expected a future", rc,
                  strerror(errno));
    return f;
}

WB_TEST(as_completed_yields_in_completion_order)
{
    enum { N = 4 };
    t_init();
    struct t_gated g[N];
    t_gates_init(g, N);
    struct executor *ex = create(N);
    struct future *fs[N];
    for (int i = 0; i < N; i++)
        fs[i] = submit(ex, t_gated_task, &g[i]);
    struct as_completed *it = iterate(fs, N);
    t_wait_started(N);
    int order[N] = {2, 0, 3, 1};
    for (int i = 0; i < N; i++) {
        sem_post(&g[order[i]].go); /* only this task can end now */
        struct future *f = next(it);
        ck_assert_msg(f == fs[order[i]],
                      "after task %d alone was let end, as_completed yielded future %d",
                      order[i], index_of(fs, N, f));
    }
    as_completed_free(it);
    executor_destroy(ex);
    t_gates_destroy(g, N);
}

WB_TEST(as_completed_yields_done_futures_first)
{
    t_init();
    struct t_gated g[2];
    t_gates_init(g, 2);
    struct executor *ex = create(2);
    struct future *fs[2] = {submit(ex, t_gated_task, &g[0]), submit(ex, t_gated_task, &g[1])};
    sem_post(&g[1].go);
    void *value;
    int rc = future_result(fs[1], 20, &value);
    ck_assert_msg(rc == 0, "future_result(timeout 20) of the task let end: expected 0, got %d "
                  "(errno %s)", rc, strerror(errno));
    struct as_completed *it = iterate(fs, 2);
    ck_assert_msg(next(it) == fs[1], "the future already done must come first");
    sem_post(&g[0].go);
    ck_assert_msg(next(it) == fs[0], "then the other");
    as_completed_free(it);
    executor_destroy(ex);
    t_gates_destroy(g, 2);
}

WB_TEST(as_completed_next_times_out)
{
    t_init();
    struct t_gated g[1];
    t_gates_init(g, 1);
    struct executor *ex = create(1);
    struct future *f = submit(ex, t_gated_task, &g[0]);
    struct as_completed *it = iterate(&f, 1);
    struct future *got = NULL;
    errno = 0;
    double start = wb_now();
    int rc = as_completed_next(it, 0.05, &got);
    double waited = wb_now() - start;
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT && got == NULL,
                  "next(timeout=0.05) while nothing is done: %d (errno %s), expected "
                  "ETIMEDOUT",
                  rc, strerror(errno));
    ck_assert_msg(waited >= 0.05 - 1e-6, "next(timeout=0.05) gave up after %.4f s, too early",
                  waited);
    errno = 0;
    rc = as_completed_next(it, 0, &got);
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT, "next(timeout=0): %d (errno %s)", rc,
                  strerror(errno));
    sem_post(&g[0].go);
    ck_assert_msg(next(it) == f, "after the timeout the future still comes");
    as_completed_free(it);
    executor_destroy(ex);
    t_gates_destroy(g, 1);
}

WB_TEST(as_completed_after_last_is_enodata)
{
    struct executor *ex = create(2);
    struct future *fs[2] = {submit(ex, t_identity, NULL), submit(ex, t_identity, NULL)};
    struct as_completed *it = iterate(fs, 2);
    struct future *a = next(it), *b = next(it);
    ck_assert_msg((a == fs[0] && b == fs[1]) || (a == fs[1] && b == fs[0]),
                  "each future must come exactly once");
    struct future *got = NULL;
    errno = 0;
    int rc = as_completed_next(it, 20, &got);
    ck_assert_msg(rc == -1 && errno == ENODATA,
                  "next after the last: %d (errno %s), expected ENODATA at once", rc,
                  strerror(errno));
    as_completed_free(it);
    struct as_completed *none = iterate(NULL, 0);
    errno = 0;
    rc = as_completed_next(none, 20, &got);
    ck_assert_msg(rc == -1 && errno == ENODATA, "no futures: %d (errno %s)", rc,
                  strerror(errno));
    as_completed_free(none);
    executor_destroy(ex);
}

WB_TEST(as_completed_includes_cancelled_futures)
{
    t_init();
    struct t_gated g[2];
    t_gates_init(g, 2);
    struct executor *ex = create(1);
    struct future *fs[2] = {submit(ex, t_gated_task, &g[0]), submit(ex, t_gated_task, &g[1])};
    t_wait_started(1);
    struct as_completed *it = iterate(fs, 2);
    ck_assert_msg(future_cancel(fs[1]), "future_cancel of a task queued behind the running one "
                  "(1 worker): expected true, got false");
    ck_assert_msg(next(it) == fs[1], "a cancelled future is done: it comes first");
    sem_post(&g[0].go);
    ck_assert_msg(next(it) == fs[0], "then the finished one");
    as_completed_free(it);
    executor_destroy(ex);
    t_gates_destroy(g, 2);
}

WB_TEST(as_completed_free_while_pending_is_safe)
{
    t_init();
    struct t_gated g[3];
    t_gates_init(g, 3);
    struct executor *ex = create(3);
    struct future *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = submit(ex, t_gated_task, &g[i]);
    struct as_completed *it = iterate(fs, 3);
    sem_post(&g[0].go);
    ck_assert_msg(next(it) == fs[0], "the only future let end should come");
    as_completed_free(it); /* two futures still pending */
    sem_post(&g[1].go);
    sem_post(&g[2].go);
    executor_destroy(ex); /* they end now: their callbacks must not touch freed memory */
    t_gates_destroy(g, 3);
}

/* Iterators used by several threads at once, small enough for helgrind: a reader
 * waits in next(-1) on one iterator while two threads finish its futures (their
 * callbacks feed every iterator watching them) and another frees a second iterator
 * over the same futures while they are still pending. The threads share nothing
 * else, so only as_completed's lock orders them. */
struct few_reader {
    struct as_completed *it;
    struct future *got[2];
    int rc[3], err[3]; /* next(-1) twice, then next(0) */
};

static void *few_read(void *arg)
{
    struct few_reader *r = arg;
    for (int i = 0; i < 3; i++) {
        struct future *got = NULL;
        errno = 0;
        r->rc[i] = as_completed_next(r->it, i < 2 ? -1 : 0, &got);
        r->err[i] = errno;
        if (i < 2)
            r->got[i] = got;
    }
    return NULL;
}

/* Plays the worker: takes f and finishes it with itself as the value. */
static void finish_future(struct future *f)
{
    if (future_set_running(f))
        future_finish(f, f);
}

static void *few_finish(void *arg)
{
    finish_future(arg);
    return NULL;
}

static void *few_free(void *arg)
{
    as_completed_free(arg);
    return NULL;
}

WB_TEST(as_completed_used_by_several_threads_at_once)
{
    struct future *fs[2];
    for (int i = 0; i < 2; i++) {
        fs[i] = future_new(t_identity, NULL);
        ck_assert_msg(fs[i] != NULL, "future_new failed: %s", strerror(errno));
    }
    struct few_reader r = {.it = iterate(fs, 2)};
    struct as_completed *dropped = iterate(fs, 2);
    pthread_t tids[4] = {wb_thread_start(few_read, &r), wb_thread_start(few_free, dropped),
                         wb_thread_start(few_finish, fs[0]),
                         wb_thread_start(few_finish, fs[1])};
    for (int i = 0; i < 4; i++)
        wb_thread_join(tids[i]);
    for (int i = 0; i < 2; i++)
        ck_assert_msg(r.rc[i] == 0, "next(-1) number %d while other threads finished the "
                      "futures: %d (errno %s), expected 0", i + 1, r.rc[i],
                      strerror(r.err[i]));
    ck_assert_msg(r.got[0] != r.got[1] && index_of(fs, 2, r.got[0]) >= 0 &&
                  index_of(fs, 2, r.got[1]) >= 0,
                  "next gave %p then %p: expected each of the 2 futures once", (void *)r.got[0],
                  (void *)r.got[1]);
    ck_assert_msg(r.rc[2] == -1 && r.err[2] == ENODATA, "next after the last future: %d "
                  "(errno %s), expected -1 with ENODATA", r.rc[2], strerror(r.err[2]));
    as_completed_free(r.it);
    for (int i = 0; i < 2; i++)
        future_free(fs[i]);
}

/* A reader waiting in next(-1) on one iterator wakes whenever a future of another
 * iterator completes (they may share a condition): it must check again, and wait on. */
struct reader {
    struct as_completed *it;
    pthread_mutex_t *lock;
    bool returned; /* guarded by lock */
    int rc, err;
    struct future *got;
};

static void *read_next(void *arg)
{
    struct reader *r = arg;
    struct future *got = NULL;
    errno = 0;
    int rc = as_completed_next(r->it, -1, &got);
    int err = errno;
    pthread_mutex_lock(r->lock);
    r->rc = rc;
    r->err = err;
    r->got = got;
    r->returned = true;
    pthread_mutex_unlock(r->lock);
    return NULL;
}

static bool reader_returned(struct reader *r)
{
    pthread_mutex_lock(r->lock);
    bool returned = r->returned;
    pthread_mutex_unlock(r->lock);
    return returned;
}

static struct future *pending_future(void)
{
    struct future *f = future_new(t_identity, NULL);
    ck_assert_msg(f != NULL, "future_new failed: %s", strerror(errno));
    return f;
}

WB_TEST(as_completed_next_waits_through_other_iterators_news)
{
    enum { OTHERS = 10 };
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct future *mine = pending_future(), *others[OTHERS];
    for (int i = 0; i < OTHERS; i++)
        others[i] = pending_future();
    struct as_completed *it = iterate(&mine, 1), *other_it = iterate(others, OTHERS);
    struct reader r = {.it = it, .lock = &lock, .rc = -2};
    pthread_t tid = wb_thread_start(read_next, &r);
    wb_wait_others_asleep(5);
    bool early = false;
    for (int i = 0; i < OTHERS && !early; i++) { /* news for the other iterator */
        finish_future(others[i]);
        wb_sleep(0.01);
        early = reader_returned(&r);
    }
    finish_future(mine);
    wb_thread_join(tid);
    ck_assert_msg(!early, "next(-1) returned %d (errno %s) while its only future was "
                  "pending, woken by the futures of another iterator: check again after "
                  "every wakeup, while and not if", r.rc, strerror(r.err));
    ck_assert_msg(r.rc == 0 && r.got == mine, "next(-1) returned %d (errno %s) once its "
                  "future finished, expected 0 and that future", r.rc, strerror(r.err));
    as_completed_free(it);
    as_completed_free(other_it);
    future_free(mine);
    for (int i = 0; i < OTHERS; i++)
        future_free(others[i]);
}

/* Two readers wait, each on an iterator of its own; the one whose future completes
 * must wake, whoever started waiting first. */
WB_TEST(as_completed_wakes_the_reader_whose_future_completed)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct future *fa = pending_future(), *fb = pending_future();
    struct as_completed *a = iterate(&fa, 1), *b = iterate(&fb, 1);
    struct reader ra = {.it = a, .lock = &lock, .rc = -2}, rb = {.it = b, .lock = &lock,
                                                                  .rc = -2};
    pthread_t tb = wb_thread_start(read_next, &rb);
    wb_wait_others_asleep(5); /* b's reader waits first */
    pthread_t ta = wb_thread_start(read_next, &ra);
    wb_wait_others_asleep(5);
    finish_future(fa);
    wb_thread_join(ta); /* a reader that is not woken hangs here: the test times out */
    ck_assert_msg(ra.rc == 0 && ra.got == fa, "the reader of the finished future got %d "
                  "(errno %s)", ra.rc, strerror(ra.err));
    ck_assert_msg(!reader_returned(&rb), "the other reader returned although its future "
                  "is pending");
    finish_future(fb);
    wb_thread_join(tb);
    ck_assert_msg(rb.rc == 0 && rb.got == fb, "the second reader got %d (errno %s)", rb.rc,
                  strerror(rb.err));
    as_completed_free(a);
    as_completed_free(b);
    future_free(fa);
    future_free(fb);
}
