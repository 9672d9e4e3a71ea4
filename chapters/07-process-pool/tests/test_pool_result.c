/* test_pool_result.c - pins pool_result.h: apply, apply_async, get, ready. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pool_test.h"

static struct pool_result *submit(struct pool *pool, pool_fn fn, long arg)
{
    errno = 0;
    struct pool_result *r = POOL(pool_apply_async(pool, fn, arg));
    ck_assert_msg(r != NULL, "apply_async returned NULL (errno %s)", strerror(errno));
    return r;
}

WB_TEST(apply_returns_task_value)
{
    struct pool *pool = t_create(2);
    for (long x = -2; x <= 10; x += 4) {
        long value = -1;
        int rc = POOL(pool_apply(pool, t_square, x, &value));
        ck_assert_msg(rc == 0 && value == x * x,
                      "apply(square, %ld): rc %d, value %ld, expected 0 and %ld", x, rc, value,
                      x * x);
    }
    pool_destroy(pool);
}

WB_TEST(apply_runs_in_a_worker_process)
{
    struct pool *pool = t_create(2);
    long pid = 0;
    int rc = POOL(pool_apply(pool, t_getpid, 0, &pid));
    ck_assert_msg(rc == 0, "pool_apply(t_getpid) on a new pool: expected 0, got %d (errno %s)",
                  rc, strerror(errno));
    ck_assert_msg(pid == pool->workers[0].pid || pid == pool->workers[1].pid,
                  "the task ran in process %ld, which is not one of the workers (%d, %d)%s",
                  pid, (int)pool->workers[0].pid, (int)pool->workers[1].pid,
                  pid == getpid() ? ": it ran in the caller" : "");
    pool_destroy(pool);
}

WB_TEST(apply_async_starts_task_before_returning)
{
    t_open_pipes();
    struct pool *pool = t_create(2);
    struct pool_result *r = submit(pool, t_gated, 3);
    /* Nothing else is called: the task can only start if apply_async handed it over. */
    struct t_event started;
    t_read_events(&started, 1);
    ck_assert_msg(started.kind == T_START && started.arg == 3,
                  "expected the task to start, got record kind %d arg %ld", started.kind,
                  started.arg);
    ck_assert_msg(!pool_result_ready(r), "ready() is true while the task waits on its gate");
    t_release(3);
    long value = 0;
    int rc = POOL(pool_result_get(r, 20, &value));
    ck_assert_msg(rc == 0, "pool_result_get(timeout 20) of t_gated(3), let go: expected 0, got "
                  "%d (errno %s)", rc, strerror(errno));
    ck_assert_msg(value == 103, "pool_result_get of t_gated(3): value %ld, expected 103", value);
    pool_destroy(pool);
}

WB_TEST(get_times_out_on_blocked_task)
{
    t_open_pipes();
    struct pool *pool = t_create(1);
    struct pool_result *r = submit(pool, t_gated, 2);
    long value = 777;
    errno = 0;
    double start = wb_now();
    int rc = POOL(pool_result_get(r, 0.05, &value));
    double waited = wb_now() - start;
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT && value == 777,
                  "get(timeout=0.05) on a blocked task: %d (errno %s), expected -1 with "
                  "ETIMEDOUT and *value untouched",
                  rc, strerror(errno));
    ck_assert_msg(waited >= 0.05 - 1e-6, "get(timeout=0.05) gave up after %.4f s, too early",
                  waited);
    errno = 0;
    rc = POOL(pool_result_get(r, 0, &value));
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT,
                  "get(timeout=0) on a blocked task: %d (errno %s), expected ETIMEDOUT", rc,
                  strerror(errno));
    t_release(2);
    rc = POOL(pool_result_get(r, -1, &value));
    ck_assert_msg(rc == 0 && value == 102,
                  "after the timeout, the task goes on: get gave %d, value %ld, expected 102",
                  rc, value);
    pool_destroy(pool);
}

WB_TEST(get_returns_same_value_again)
{
    struct pool *pool = t_create(1);
    struct pool_result *r = submit(pool, t_square, 9);
    long first = 0, second = 0;
    int rc = POOL(pool_result_get(r, 20, &first));
    ck_assert_msg(rc == 0, "the first pool_result_get(timeout 20) of t_square(9): expected 0, "
                  "got %d (errno %s)", rc, strerror(errno));
    rc = POOL(pool_result_get(r, 0, &second));
    ck_assert_msg(rc == 0, "the second pool_result_get(timeout 0) of t_square(9): expected 0, "
                  "got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(first == 81 && second == 81, "two gets gave %ld and %ld, expected 81 twice",
                  first, second);
    pool_destroy(pool);
}

WB_TEST(ready_turns_true_when_task_ends)
{
    t_open_pipes();
    struct pool *pool = t_create(1);
    struct pool_result *r = submit(pool, t_gated, 4);
    ck_assert_msg(!pool_result_ready(r), "ready() is true before the task could finish");
    t_release(4);
    struct t_event events[2];
    t_read_events(events, 2); /* started, ended: the result is on its way */
    double deadline = wb_now() + 20;
    while (!pool_result_ready(r)) { /* ready never blocks: poll it */
        wb_exit_if_stray();
        ck_assert_msg(wb_now() < deadline, "ready() stayed false 20 s after the task ended");
        wb_sleep(0.001);
    }
    long value;
    int rc = POOL(pool_result_get(r, 0, &value));
    ck_assert_msg(rc == 0, "pool_result_get(timeout 0) of t_gated(4) once ready() is true: "
                  "expected 0, got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(value == 104, "pool_result_get of t_gated(4): value %ld, expected 104", value);
    pool_destroy(pool);
}

WB_TEST(apply_async_null_fn_is_einval)
{
    struct pool *pool = t_create(1);
    errno = 0;
    struct pool_result *r = POOL(pool_apply_async(pool, NULL, 1));
    ck_assert_msg(r == NULL && errno == EINVAL,
                  "apply_async(NULL): got %p (errno %s), expected NULL with EINVAL",
                  (void *)r, strerror(errno));
    long value;
    int rc = POOL(pool_apply(pool, t_square, 5, &value));
    ck_assert_msg(rc == 0, "pool_apply(t_square, 5) after a refused apply_async(NULL): expected "
                  "0, got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(value == 25, "pool_apply(t_square, 5): value %ld, expected 25", value);
    pool_destroy(pool);
}
