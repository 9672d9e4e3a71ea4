/* test_as_completed.c - pins as_completed.h: completion order, timeout, end. */
#include <errno.h>
#include <string.h>

#include "tp_test.h"

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
    struct executor *ex = executor_create(N);
    ck_assert_ptr_nonnull(ex);
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
    struct executor *ex = executor_create(2);
    ck_assert_ptr_nonnull(ex);
    struct future *fs[2] = {submit(ex, t_gated_task, &g[0]), submit(ex, t_gated_task, &g[1])};
    sem_post(&g[1].go);
    void *value;
    ck_assert_int_eq(future_result(fs[1], 20, &value), 0);
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
    struct executor *ex = executor_create(1);
    ck_assert_ptr_nonnull(ex);
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
    struct executor *ex = executor_create(2);
    ck_assert_ptr_nonnull(ex);
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
    struct executor *ex = executor_create(1);
    ck_assert_ptr_nonnull(ex);
    struct future *fs[2] = {submit(ex, t_gated_task, &g[0]), submit(ex, t_gated_task, &g[1])};
    t_wait_started(1);
    struct as_completed *it = iterate(fs, 2);
    ck_assert(future_cancel(fs[1]));
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
    struct executor *ex = executor_create(3);
    ck_assert_ptr_nonnull(ex);
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
