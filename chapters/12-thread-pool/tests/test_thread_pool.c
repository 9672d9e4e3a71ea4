/* test_thread_pool.c - pins thread_pool.h: ordered map, close, join. */
#include <errno.h>
#include <string.h>

#include "tp_test.h"

static struct thread_pool *create(int n)
{
    errno = 0;
    struct thread_pool *pool = thread_pool_create(n);
    ck_assert_msg(pool != NULL, "thread_pool_create(%d) failed: %s", n, strerror(errno));
    return pool;
}

WB_TEST(map_keeps_input_order_when_tasks_end_in_reverse)
{
    enum { N = 4 };
    t_init();
    t_chain_set_length(N);
    struct t_gated g[N];
    t_gates_init(g, N);
    struct thread_pool *pool = create(N);
    void *args[N], *results[N];
    for (int i = 0; i < N; i++)
        args[i] = &g[i];
    int rc = thread_pool_map(pool, t_chain_task, args, N, results);
    ck_assert_msg(rc == 0, "map: %d (errno %s)", rc, strerror(errno));
    int ended[N];
    int n_ended = t_ended(ended, N);
    ck_assert_msg(n_ended == N, "once thread_pool_map of %d chained tasks returned, %d had "
                  "ended, expected %d", N, n_ended, N);
    for (int i = 0; i < N; i++) {
        ck_assert_msg(ended[i] == N - 1 - i, "the log shows task %d ended in place %d",
                      ended[i], i);
        ck_assert_msg(results[i] == (void *)(intptr_t)(100 + i),
                      "results[%d] is %p, expected %d: map gives results in input order, not "
                      "in the order tasks end",
                      i, results[i], 100 + i);
    }
    thread_pool_destroy(pool);
    t_gates_destroy(g, N);
}

WB_TEST(map_many_items_on_few_threads)
{
    enum { THREADS = 2, N = 20 };
    t_init();
    t_hold_set_target(THREADS);
    struct thread_pool *pool = create(THREADS);
    int items[N];
    void *args[N], *results[N];
    for (int i = 0; i < N; i++)
        args[i] = &items[i];
    int rc = thread_pool_map(pool, t_hold_task, args, N, results);
    ck_assert_msg(rc == 0, "thread_pool_map of %d items on %d threads: expected 0, got %d "
                  "(errno %s)", N, THREADS, rc, strerror(errno));
    for (int i = 0; i < N; i++)
        ck_assert_msg(results[i] == &items[i], "results[%d] is not fn(args[%d])", i, i);
    ck_assert_msg(t_hold_max_running() == THREADS,
                  "with %d threads, %d tasks ran at once at most (expected exactly %d)",
                  THREADS, t_hold_max_running(), THREADS);
    int started = t_hold_started();
    ck_assert_msg(started == N, "thread_pool_map of %d items started %d tasks, expected one "
                  "per item", N, started);
    thread_pool_destroy(pool);
}

WB_TEST(map_runs_tasks_in_other_threads)
{
    struct thread_pool *pool = create(2);
    void *args[3] = {NULL, NULL, NULL}, *results[3];
    int rc = thread_pool_map(pool, t_self, args, 3, results);
    ck_assert_msg(rc == 0, "thread_pool_map of 3 items on 2 threads: expected 0, got %d "
                  "(errno %s)", rc, strerror(errno));
    for (int i = 0; i < 3; i++)
        ck_assert_msg(!pthread_equal((pthread_t)(uintptr_t)results[i], pthread_self()),
                      "task %d ran in the calling thread, not in a worker", i);
    thread_pool_destroy(pool);
}

WB_TEST(map_of_no_items_returns_zero)
{
    struct thread_pool *pool = create(1);
    int rc = thread_pool_map(pool, t_identity, NULL, 0, NULL);
    ck_assert_msg(rc == 0, "map of 0 items: %d (errno %s)", rc, strerror(errno));
    thread_pool_destroy(pool);
}

WB_TEST(join_before_close_is_einval)
{
    struct thread_pool *pool = create(2);
    errno = 0;
    int rc = thread_pool_join(pool);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "join before close: %d (errno %s), expected -1 with EINVAL at once", rc,
                  strerror(errno));
    void *arg = &rc, *result = NULL;
    int mapped = thread_pool_map(pool, t_identity, &arg, 1, &result);
    ck_assert_msg(mapped == 0, "thread_pool_map of 1 item after a refused join: expected 0, got "
                  "%d (errno %s)", mapped, strerror(errno));
    ck_assert_msg(result == &rc, "thread_pool_map of the identity over 1 item %p after a "
                  "refused join: the result is %p", (void *)&rc, result);
    thread_pool_destroy(pool);
}

WB_TEST(close_then_join_and_closed_pool_refuses_map)
{
    struct thread_pool *pool = create(2);
    int closed = thread_pool_close(pool);
    ck_assert_msg(closed == 0, "thread_pool_close of an open pool: expected 0, got %d (errno %s)",
                  closed, strerror(errno));
    void *arg = NULL, *result;
    errno = 0;
    ck_assert_msg(thread_pool_map(pool, t_identity, &arg, 1, &result) == -1 &&
                      errno == EINVAL,
                  "map on a closed pool must fail with EINVAL (errno %s)", strerror(errno));
    int rc = thread_pool_join(pool);
    ck_assert_msg(rc == 0, "join after close: %d (errno %s)", rc, strerror(errno));
    thread_pool_destroy(pool);
}

WB_TEST(map_null_fn_is_einval)
{
    struct thread_pool *pool = create(1);
    void *arg = NULL, *result;
    errno = 0;
    ck_assert_msg(thread_pool_map(pool, NULL, &arg, 1, &result) == -1 && errno == EINVAL,
                  "map(NULL) must fail with EINVAL (errno %s)", strerror(errno));
    thread_pool_destroy(pool);
}

/* ThreadPool(-1): the executor refuses the count, and the pool gives back what it had
 * taken (memcheck runs this test: a pool left allocated is a leak). */
WB_TEST(create_with_a_negative_count_is_einval)
{
    errno = 0;
    struct thread_pool *pool = thread_pool_create(-1);
    int err = errno;
    ck_assert_msg(pool == NULL && err == EINVAL,
                  "thread_pool_create(-1): expected NULL with errno EINVAL (from "
                  "executor_create), got %p (errno %s)", (void *)pool, strerror(err));
}
