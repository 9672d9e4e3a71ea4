/* test_pool.c - pins pool.h: create, close, join, terminate, destroy. */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_test.h"

static bool reaped(pid_t pid)
{
    errno = 0;
    return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static void check_all_reaped(const pid_t *pids, size_t n, const char *after)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(reaped(pids[i]), "after %s, worker %d has not been reaped", after,
                      (int)pids[i]);
}

static size_t worker_pids(const struct pool *pool, pid_t *pids)
{
    for (size_t i = 0; i < pool->n_workers; i++)
        pids[i] = pool->workers[i].pid;
    return pool->n_workers;
}

WB_TEST(create_starts_n_worker_processes)
{
    struct pool *pool = t_create(3);
    ck_assert_msg(pool->n_workers == 3, "Pool(3) has %zu worker slots", pool->n_workers);
    for (size_t i = 0; i < 3; i++) {
        pid_t pid = pool->workers[i].pid;
        char state = wb_proc_state(pid);
        ck_assert_msg(pid > 0 && wb_proc_parent(pid) == getpid() && state != 'Z',
                      "worker %zu (pid %d) should be a running child of the caller", i,
                      (int)pid);
    }
    pool_destroy(pool);
}

WB_TEST(create_zero_means_one_per_cpu)
{
    struct pool *pool = t_create(0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ck_assert_msg((long)pool->n_workers == cpus,
                  "Pool(0) has %zu workers, expected one per online CPU (%ld)",
                  pool->n_workers, cpus);
    pool_destroy(pool);
}

WB_TEST(create_negative_is_einval)
{
    errno = 0;
    struct pool *pool = POOL(pool_create(-1));
    ck_assert_msg(pool == NULL && errno == EINVAL,
                  "pool_create(-1): got %p (errno %s), expected NULL with EINVAL",
                  (void *)pool, strerror(errno));
}

WB_TEST(join_before_close_is_einval_at_once)
{
    t_open_pipes();
    struct pool *pool = t_create(1);
    struct pool_result *r = POOL(pool_apply_async(pool, t_gated, 1));
    ck_assert_ptr_nonnull(r);
    errno = 0;
    double start = wb_now();
    int rc = POOL(pool_join(pool));
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "join on a running pool: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(errno));
    ck_assert_msg(wb_now() - start < 5, "join before close must fail at once, not wait");
    t_release(1);
    long value;
    ck_assert_int_eq(POOL(pool_result_get(r, 20, &value)), 0);
    ck_assert_int_eq(value, 101);
    pool_destroy(pool);
}

WB_TEST(close_then_join_runs_every_task_and_reaps_workers)
{
    struct pool *pool = t_create(2);
    pid_t pids[2];
    worker_pids(pool, pids);
    struct pool_result *results[8];
    for (long i = 0; i < 8; i++)
        results[i] = POOL(pool_apply_async(pool, t_square, i));
    ck_assert_int_eq(pool_close(pool), 0);
    int rc = POOL(pool_join(pool));
    ck_assert_msg(rc == 0, "join after close: %d (errno %s)", rc, strerror(errno));
    check_all_reaped(pids, 2, "close and join");
    for (long i = 0; i < 8; i++) {
        ck_assert_ptr_nonnull(results[i]);
        long value = -1;
        ck_assert_msg(pool_result_ready(results[i]),
                      "task %ld is not ready after join: join waits for every task", i);
        ck_assert_int_eq(POOL(pool_result_get(results[i], 0, &value)), 0);
        ck_assert_int_eq(value, i * i);
    }
    ck_assert_msg(POOL(pool_join(pool)) == 0, "a second join should return 0");
    pool_destroy(pool);
}

WB_TEST(closed_pool_refuses_new_tasks)
{
    struct pool *pool = t_create(1);
    ck_assert_int_eq(pool_close(pool), 0);
    long args[2] = {1, 2}, values[2];
    errno = 0;
    ck_assert_msg(POOL(pool_apply_async(pool, t_square, 3)) == NULL && errno == EINVAL,
                  "apply_async on a closed pool must return NULL with EINVAL (errno %s)",
                  strerror(errno));
    errno = 0;
    ck_assert_msg(POOL(pool_apply(pool, t_square, 3, &values[0])) == -1 && errno == EINVAL,
                  "apply on a closed pool must return -1 with EINVAL (errno %s)",
                  strerror(errno));
    errno = 0;
    ck_assert_msg(POOL(pool_map(pool, t_square, args, 2, values)) == -1 && errno == EINVAL,
                  "map on a closed pool must return -1 with EINVAL (errno %s)",
                  strerror(errno));
    errno = 0;
    ck_assert_msg(POOL(pool_imap(pool, t_square, args, 2)) == NULL && errno == EINVAL,
                  "imap on a closed pool must return NULL with EINVAL (errno %s)",
                  strerror(errno));
    ck_assert_int_eq(POOL(pool_join(pool)), 0);
    pool_destroy(pool);
}

WB_TEST(terminate_kills_workers_with_tasks_pending)
{
    t_open_pipes();
    struct pool *pool = t_create(2);
    pid_t pids[2];
    worker_pids(pool, pids);
    struct pool_result *running[2], *queued[3];
    for (int i = 0; i < 2; i++) /* never released: they would run forever */
        running[i] = POOL(pool_apply_async(pool, t_gated, i + 1));
    for (int i = 0; i < 3; i++)
        queued[i] = POOL(pool_apply_async(pool, t_square, i));
    struct t_event started[2];
    t_read_events(started, 2);
    ck_assert_int_eq(POOL(pool_terminate(pool)), 0);
    check_all_reaped(pids, 2, "terminate");
    struct pool_result *all[5] = {running[0], running[1], queued[0], queued[1], queued[2]};
    for (int i = 0; i < 5; i++) {
        ck_assert_ptr_nonnull(all[i]);
        long value = 12345;
        errno = 0;
        int rc = POOL(pool_result_get(all[i], -1, &value));
        ck_assert_msg(rc == -1 && errno == ECANCELED && value == 12345,
                      "get on task %d of a terminated pool: %d (errno %s), expected -1 with "
                      "ECANCELED at once",
                      i, rc, strerror(errno));
    }
    errno = 0;
    ck_assert_msg(POOL(pool_apply_async(pool, t_square, 1)) == NULL && errno == EINVAL,
                  "a terminated pool must refuse new tasks with EINVAL");
    ck_assert_msg(POOL(pool_join(pool)) == 0, "join after terminate should return 0");
    pool_destroy(pool);
}

WB_TEST(destroy_ends_workers_of_unjoined_pool)
{
    t_open_pipes();
    struct pool *pool = t_create(2);
    pid_t pids[2];
    worker_pids(pool, pids);
    ck_assert_ptr_nonnull(POOL(pool_apply_async(pool, t_gated, 1)));
    struct t_event started;
    t_read_events(&started, 1);
    pool_destroy(pool); /* like leaving `with Pool() as pool:` */
    check_all_reaped(pids, 2, "pool_destroy");
}

WB_TEST(no_descriptor_leaked)
{
    int before = dup(0);
    close(before);
    for (int round = 0; round < 3; round++) {
        struct pool *pool = t_create(3);
        long value;
        ck_assert_int_eq(POOL(pool_apply(pool, t_square, 2, &value)), 0);
        if (round == 0) {
            pool_close(pool);
            POOL(pool_join(pool));
        }
        pool_destroy(pool);
    }
    int after = dup(0);
    close(after);
    ck_assert_msg(after == before,
                  "file descriptors leak: the lowest free one was %d, now %d (close the "
                  "parent's pipe ends when a worker ends)",
                  before, after);
}
