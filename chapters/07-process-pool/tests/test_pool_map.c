/* test_pool_map.c - pins pool_map.h: map, imap, imap_unordered, next. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pool_test.h"

static struct pool_iter *check_iter(struct pool_iter *it)
{
    ck_assert_msg(it != NULL, "imap returned NULL (errno %s)", strerror(errno));
    return it;
}

static long next_value(struct pool_iter *it)
{
    long value = -1;
    errno = 0;
    int rc = POOL(pool_iter_next(it, 20, &value));
    ck_assert_msg(rc == 0, "next: %d (errno %s), expected a value", rc, strerror(errno));
    return value;
}

WB_TEST(map_returns_values_in_input_order)
{
    enum { N = 20 };
    struct pool *pool = t_create(3);
    long args[N], values[N];
    for (int i = 0; i < N; i++)
        args[i] = i - 5;
    int rc = POOL(pool_map(pool, t_square, args, N, values));
    ck_assert_msg(rc == 0, "map: %d (errno %s)", rc, strerror(errno));
    for (int i = 0; i < N; i++)
        ck_assert_msg(values[i] == args[i] * args[i], "values[%d] is %ld, expected %ld", i,
                      values[i], args[i] * args[i]);
    pool_destroy(pool);
}

WB_TEST(map_keeps_input_order_when_tasks_end_in_reverse)
{
    t_open_pipes();
    struct pool *pool = t_create(T_CHAIN);
    long args[T_CHAIN], values[T_CHAIN];
    for (int i = 0; i < T_CHAIN; i++)
        args[i] = i;
    /* Task i waits for task i + 1 to end: they end last to first. */
    int rc = POOL(pool_map(pool, t_chain, args, T_CHAIN, values));
    ck_assert_msg(rc == 0, "map: %d (errno %s)", rc, strerror(errno));
    struct t_event ended[T_CHAIN];
    t_read_events(ended, T_CHAIN);
    for (int i = 0; i < T_CHAIN; i++) {
        ck_assert_msg(ended[i].arg == T_CHAIN - 1 - i, "the log shows task %ld ended %d%s",
                      ended[i].arg, i + 1, i ? "th" : "st");
        ck_assert_msg(values[i] == 100 + i,
                      "values[%d] is %ld, expected %d: map gives results in input order, "
                      "not in the order tasks end",
                      i, values[i], 100 + i);
    }
    pool_destroy(pool);
}

WB_TEST(map_with_crash_is_echild_and_keeps_other_values)
{
    struct pool *pool = t_create(2);
    long args[4] = {2, -1, 4, 5}, values[4] = {-7, -7, -7, -7};
    errno = 0;
    int rc = POOL(pool_map(pool, t_square_or_die, args, 4, values));
    ck_assert_msg(rc == -1 && errno == ECHILD,
                  "map where one task's worker dies: %d (errno %s), expected -1 with ECHILD",
                  rc, strerror(errno));
    ck_assert_msg(values[1] == -7, "the crashed task's values[1] changed to %ld", values[1]);
    ck_assert_msg(values[0] == 4 && values[2] == 16 && values[3] == 25,
                  "the other tasks' values are %ld, %ld, %ld, expected 4, 16, 25: map waits "
                  "for every task",
                  values[0], values[2], values[3]);
    pool_destroy(pool);
}

WB_TEST(map_of_no_items_returns_zero)
{
    struct pool *pool = t_create(1);
    int rc = POOL(pool_map(pool, t_square, NULL, 0, NULL));
    ck_assert_msg(rc == 0, "map of 0 items: %d (errno %s), expected 0", rc, strerror(errno));
    pool_destroy(pool);
}

WB_TEST(imap_yields_in_input_order)
{
    enum { N = 4 };
    t_open_pipes();
    struct pool *pool = t_create(N);
    long gates[N] = {1, 2, 3, 4};
    struct pool_iter *it = check_iter(POOL(pool_imap(pool, t_gated, gates, N)));
    struct t_event events[2 * N];
    t_read_events(events, N); /* all started */
    for (int i = N - 1; i >= 1; i--) { /* let the last three end, last first */
        t_release((int)gates[i]);
        t_read_events(&events[N + (N - 1 - i)], 1);
    }
    long value = 0;
    errno = 0;
    int rc = POOL(pool_iter_next(it, 0.05, &value));
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT,
                  "next while the first task still runs: %d (errno %s, value %ld), expected "
                  "ETIMEDOUT: imap yields in input order",
                  rc, strerror(errno), value);
    t_release((int)gates[0]);
    for (int i = 0; i < N; i++) {
        long got = next_value(it);
        ck_assert_msg(got == 100 + gates[i], "next number %d gave %ld, expected %ld", i + 1,
                      got, 100 + gates[i]);
    }
    pool_destroy(pool);
}

WB_TEST(imap_next_times_out_on_blocked_task)
{
    t_open_pipes();
    struct pool *pool = t_create(1);
    long gate = 5;
    struct pool_iter *it = check_iter(POOL(pool_imap(pool, t_gated, &gate, 1)));
    long value = 42;
    errno = 0;
    double start = wb_now();
    int rc = POOL(pool_iter_next(it, 0.05, &value));
    double waited = wb_now() - start;
    ck_assert_msg(rc == -1 && errno == ETIMEDOUT && value == 42,
                  "next(timeout=0.05) on a blocked task: %d (errno %s), expected -1 with "
                  "ETIMEDOUT and *value untouched",
                  rc, strerror(errno));
    ck_assert_msg(waited >= 0.05 - 1e-6, "next(timeout=0.05) gave up after %.4f s, too early",
                  waited);
    t_release(5);
    ck_assert_msg(next_value(it) == 105, "after a timeout the same result must come next");
    pool_destroy(pool);
}

WB_TEST(imap_unordered_yields_in_completion_order)
{
    enum { N = 4 };
    t_open_pipes();
    struct pool *pool = t_create(N);
    long gates[N] = {1, 2, 3, 4};
    int order[N] = {2, 0, 3, 1}; /* indexes into gates, in the order the test ends them */
    struct pool_iter *it = check_iter(POOL(pool_imap_unordered(pool, t_gated, gates, N)));
    struct t_event started[N];
    t_read_events(started, N);
    for (int i = 0; i < N; i++) {
        t_release((int)gates[order[i]]);
        long got = next_value(it); /* only that task can have ended */
        ck_assert_msg(got == 100 + gates[order[i]],
                      "imap_unordered gave %ld after task %d alone ended, expected %ld", got,
                      order[i], 100 + gates[order[i]]);
    }
    pool_destroy(pool);
}

WB_TEST(imap_next_after_last_is_enodata)
{
    struct pool *pool = t_create(2);
    long args[2] = {6, 7};
    struct pool_iter *it = check_iter(POOL(pool_imap(pool, t_square, args, 2)));
    long first = next_value(it);
    ck_assert_msg(first == 36, "the first pool_iter_next of imap(t_square, {6, 7}): value %ld, "
                  "expected 36", first);
    long second = next_value(it);
    ck_assert_msg(second == 49, "the second pool_iter_next of imap(t_square, {6, 7}): value "
                  "%ld, expected 49", second);
    long value = 5;
    errno = 0;
    int rc = POOL(pool_iter_next(it, 20, &value));
    ck_assert_msg(rc == -1 && errno == ENODATA && value == 5,
                  "next after the last result: %d (errno %s), expected -1 with ENODATA", rc,
                  strerror(errno));
    struct pool_iter *none = check_iter(POOL(pool_imap_unordered(pool, t_square, NULL, 0)));
    errno = 0;
    rc = POOL(pool_iter_next(none, 20, &value));
    ck_assert_msg(rc == -1 && errno == ENODATA, "next over no items: %d (errno %s)", rc,
                  strerror(errno));
    pool_destroy(pool);
}

WB_TEST(imap_reports_crash_and_goes_on)
{
    struct pool *pool = t_create(2);
    long args[3] = {3, -1, 4};
    struct pool_iter *it = check_iter(POOL(pool_imap(pool, t_square_or_die, args, 3)));
    long first = next_value(it);
    ck_assert_msg(first == 9, "the first pool_iter_next of imap(t_square_or_die, {3, -1, 4}): "
                  "value %ld, expected 9", first);
    long value = 8;
    errno = 0;
    int rc = POOL(pool_iter_next(it, 20, &value));
    ck_assert_msg(rc == -1 && errno == ECHILD && value == 8,
                  "next for the task whose worker died: %d (errno %s), expected ECHILD", rc,
                  strerror(errno));
    ck_assert_msg(next_value(it) == 16, "after the crashed item the iterator moves on");
    errno = 0;
    rc = POOL(pool_iter_next(it, 20, &value));
    ck_assert_msg(rc == -1 && errno == ENODATA, "then it is exhausted: %d (errno %s)", rc,
                  strerror(errno));
    pool_destroy(pool);
}
