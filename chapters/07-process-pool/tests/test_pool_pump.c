/* test_pool_pump.c - pins dispatching and crash handling (pool_dispatch, pool_pump). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_test.h"

static long get_value(struct pool_result *r, int expected_rc, int expected_errno)
{
    long value = -1;
    errno = 0;
    int rc = POOL(pool_result_get(r, 20, &value));
    ck_assert_msg(rc == expected_rc && (rc == 0 || errno == expected_errno),
                  "get: %d (errno %s), expected %d (errno %s)", rc, strerror(errno),
                  expected_rc, strerror(expected_errno));
    return value;
}

WB_TEST(pool_runs_at_most_n_tasks_at_once)
{
    enum { N = 3, TASKS = 12 };
    t_open_pipes();
    struct pool *pool = t_create(N);
    struct pool_result *results[TASKS];
    for (int i = 0; i < TASKS; i++) /* every task waits on gate 0 */
        results[i] = POOL(pool_apply_async(pool, t_gated, 0));
    struct t_event events[2 * TASKS];
    t_read_events(events, N); /* N tasks hold: the pool is full */
    for (int i = 0; i < TASKS; i++)
        t_release(0);
    for (int i = 0; i < TASKS; i++) {
        ck_assert_msg(results[i] != NULL, "pool_apply_async(t_gated, 0) number %d returned "
                      "NULL", i + 1);
        long value = get_value(results[i], 0, 0);
        ck_assert_msg(value == 100, "pool_result_get of t_gated(0) number %d: value %ld, "
                      "expected 100", i + 1, value);
    }
    t_read_events(events + N, 2 * TASKS - N);
    int max = t_max_running(events, 2 * TASKS);
    ck_assert_msg(max == N, "at most %d tasks ran at once in a pool of %d workers, got %d", N,
                  N, max);
    pool_destroy(pool);
}

WB_TEST(queued_tasks_start_in_submission_order)
{
    enum { TASKS = 6 };
    t_open_pipes();
    struct pool *pool = t_create(1);
    struct pool_result *last = NULL;
    for (long i = 0; i < TASKS; i++)
        last = POOL(pool_apply_async(pool, t_logged, i));
    ck_assert_msg(last != NULL, "pool_apply_async(t_logged, %d), the last of %d, returned NULL",
                  TASKS - 1, TASKS);
    long value = get_value(last, 0, 0);
    ck_assert_msg(value == TASKS - 1, "pool_result_get of the last task, t_logged(%d): value "
                  "%ld, expected %d", TASKS - 1, value, TASKS - 1);
    struct t_event events[2 * TASKS];
    t_read_events(events, 2 * TASKS);
    for (long i = 0; i < TASKS; i++)
        ck_assert_msg(events[2 * i].arg == i,
                      "task number %ld to start was %ld: queued tasks start in the order "
                      "they were submitted",
                      i, events[2 * i].arg);
    pool_destroy(pool);
}

WB_TEST(crash_by_signal_is_reported_as_echild)
{
    struct pool *pool = t_create(2);
    struct pool_result *r = POOL(pool_apply_async(pool, t_segfault, 0));
    ck_assert_msg(r != NULL, "pool_apply_async(t_segfault, 0) returned NULL (errno %s)",
                  strerror(errno));
    get_value(r, -1, ECHILD);
    ck_assert_msg(pool_result_ready(r), "a task whose worker died is finished: ready()");
    pool_destroy(pool);
}

WB_TEST(crash_by_exit_is_reported_as_echild)
{
    struct pool *pool = t_create(1);
    struct pool_result *r = POOL(pool_apply_async(pool, t_exit, 0));
    ck_assert_msg(r != NULL, "pool_apply_async(t_exit, 0) returned NULL (errno %s)",
                  strerror(errno));
    get_value(r, -1, ECHILD); /* even exit code 0: no result was sent */
    long value;
    errno = 0;
    int rc = POOL(pool_apply(pool, t_exit, 3, &value));
    ck_assert_msg(rc == -1 && errno == ECHILD, "apply of a task calling _exit(3): %d (%s)", rc,
                  strerror(errno));
    pool_destroy(pool);
}

WB_TEST(crashed_worker_is_reaped_and_replaced)
{
    struct pool *pool = t_create(1);
    pid_t old = pool->workers[0].pid;
    struct pool_result *r = POOL(pool_apply_async(pool, t_segfault, 0));
    ck_assert_msg(r != NULL, "pool_apply_async(t_segfault, 0) returned NULL (errno %s)",
                  strerror(errno));
    get_value(r, -1, ECHILD);
    errno = 0;
    ck_assert_msg(waitpid(old, NULL, WNOHANG) < 0 && errno == ECHILD,
                  "the dead worker %d was not reaped", (int)old);
    pid_t new = pool->workers[0].pid;
    ck_assert_msg(new > 0 && new != old && wb_proc_parent(new) == getpid(),
                  "slot 0 should hold a new worker, holds pid %d (the dead one was %d)",
                  (int)new, (int)old);
    long value = 0;
    int rc = POOL(pool_apply(pool, t_getpid, 0, &value));
    ck_assert_msg(rc == 0, "pool_apply(t_getpid) after a worker died and was replaced: expected "
                  "0, got %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(value == new, "the next task ran in %ld, expected the new worker %d", value,
                  (int)new);
    pool_destroy(pool);
}

WB_TEST(pool_keeps_serving_after_many_crashes)
{
    enum { TASKS = 12 };
    struct pool *pool = t_create(2);
    struct pool_result *results[TASKS];
    for (long i = 0; i < TASKS; i++)
        results[i] = POOL(pool_apply_async(pool, i % 2 ? t_segfault : t_square, i));
    for (long i = 0; i < TASKS; i++) {
        ck_assert_msg(results[i] != NULL, "pool_apply_async(%s, %ld) returned NULL",
                      i % 2 ? "t_segfault" : "t_square", i);
        long value = get_value(results[i], i % 2 ? -1 : 0, ECHILD);
        if (i % 2 == 0)
            ck_assert_msg(value == i * i, "pool_result_get of t_square(%ld) among tasks whose "
                          "workers die: value %ld, expected %ld", i, value, i * i);
    }
    long value;
    int rc = POOL(pool_apply(pool, t_square, 11, &value));
    ck_assert_msg(rc == 0, "pool_apply(t_square, 11) after 6 workers died: expected 0, got %d "
                  "(errno %s)", rc, strerror(errno));
    ck_assert_msg(value == 121, "pool_apply(t_square, 11) after 6 workers died: value %ld, "
                  "expected 121", value);
    rc = pool_close(pool);
    ck_assert_msg(rc == 0, "pool_close after 6 workers died: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    rc = POOL(pool_join(pool));
    ck_assert_msg(rc == 0, "pool_join after pool_close and 6 workers died: expected 0, got %d "
                  "(errno %s)", rc, strerror(errno));
    pool_destroy(pool);
}

WB_TEST(replaced_worker_holds_only_its_own_pipe_ends)
{
    t_open_pipes();
    struct pool *pool = t_create(3);
    long value;
    for (int i = 0; i < 3; i++) { /* replace workers a few times */
        int rc = POOL(pool_apply(pool, t_segfault, 0, &value));
        ck_assert_msg(rc == -1, "pool_apply(t_segfault, 0) number %d, whose worker dies: "
                      "expected -1, got %d", i + 1, rc);
    }
    t_check_pool_fds(pool);
    pool_destroy(pool);
}

/* Signals interrupt the parent's blocking calls (poll, read, waitpid) with EINTR all
 * the time here: each must be retried, and an end-of-file must still be told from an
 * interrupted read (errno is left at EINTR by the interrupted calls before it). */
WB_TEST(pool_works_through_a_storm_of_signals)
{
    struct pool *pool = t_create(2);
    ck_assert_msg(wb_signal_storm_start(0.001) == 0,
                  "test setup: starting the signal storm failed: %s", strerror(errno));
    long value = -1;
    int rc = POOL(pool_apply(pool, t_nap, 50, &value));
    int rc_err = errno;
    struct pool_result *dies = POOL(pool_apply_async(pool, t_nap_then_die, 50));
    long died = 0;
    int died_rc = dies ? POOL(pool_result_get(dies, 20, &died)) : -2;
    int died_err = errno;
    long args[4] = {10, 20, 30, 40}, values[4] = {0};
    int map_rc = POOL(pool_map(pool, t_nap, args, 4, values));
    struct pool_result *slow = POOL(pool_apply_async(pool, t_nap, 1000));
    long slow_value = 0;
    int slow_rc = slow ? POOL(pool_result_get(slow, 0.1, &slow_value)) : -2;
    int slow_err = errno;
    long signals = wb_signal_storm_stop();
    ck_assert_msg(signals > 0, "no signal arrived during the test");
    ck_assert_msg(rc == 0 && value == 50, "apply of a 50 ms task under a storm of signals: %d "
                  "(errno %s) with value %ld, expected 0 and 50: retry calls that fail with "
                  "EINTR", rc, strerror(rc_err), value);
    ck_assert_msg(died_rc == -1 && died_err == ECHILD,
                  "a worker that died under a storm of signals: get returned %d (errno %s), "
                  "expected -1 with ECHILD: an end-of-file is not an interrupted read",
                  died_rc, strerror(died_err));
    ck_assert_msg(map_rc == 0 && values[0] == 10 && values[3] == 40,
                  "map under a storm of signals: %d, values %ld..%ld", map_rc, values[0],
                  values[3]);
    ck_assert_msg(slow_rc == -1 && slow_err == ETIMEDOUT,
                  "get(timeout 0.1) of a 1 s task under a storm of signals: %d (errno %s), "
                  "expected -1 with ETIMEDOUT: a poll that timed out is not an interrupted "
                  "one (errno is left at EINTR by the interrupted calls before it)",
                  slow_rc, strerror(slow_err));
    pool_destroy(pool);
}

/* pool_dispatch gives a queued task to an idle worker, and starts a new worker first in
 * an empty slot (as after a worker that could not be replaced). The test empties a
 * slot by hand: it kills and reaps its worker and closes its pipes. */
WB_TEST(dispatch_starts_a_worker_in_an_empty_slot)
{
    t_open_pipes();
    struct pool *pool = t_create(2);
    struct pool_worker *w = &pool->workers[1];
    pid_t old = w->pid;
    ck_assert_msg(kill(old, SIGKILL) == 0, "test setup: kill(%d, SIGKILL) of worker 1 failed: "
                  "%s", (int)old, strerror(errno));
    pid_t reaped = waitpid(old, NULL, 0);
    ck_assert_msg(reaped == old, "test setup: waitpid(%d) of the killed worker returned %d "
                  "(errno %s)", (int)old, (int)reaped, strerror(errno));
    close(w->task_fd);
    close(w->result_fd);
    *w = (struct pool_worker){.pid = 0, .task_fd = -1, .result_fd = -1, .running = NULL};
    struct pool_result *r1 = POOL(pool_apply_async(pool, t_gated, 1));
    struct pool_result *r2 = POOL(pool_apply_async(pool, t_gated, 2));
    ck_assert_msg(r1 != NULL, "pool_apply_async(t_gated, 1) with slot 1 empty returned NULL");
    ck_assert_msg(r2 != NULL, "pool_apply_async(t_gated, 2) with slot 1 empty returned NULL");
    struct t_event started[2];
    t_read_events(started, 2); /* both run at once: the empty slot got a worker */
    pid_t new = pool->workers[1].pid;
    ck_assert_msg(new > 0 && new != old && wb_proc_parent(new) == getpid(),
                  "the empty slot holds pid %d, expected a new worker", (int)new);
    t_release(1);
    t_release(2);
    long first = get_value(r1, 0, 0);
    ck_assert_msg(first == 101, "pool_result_get of t_gated(1): value %ld, expected 101", first);
    long second = get_value(r2, 0, 0);
    ck_assert_msg(second == 102, "pool_result_get of t_gated(2): value %ld, expected 102",
                  second);
    pool_destroy(pool);
}
