/* test_pool.c - pins pool.h: create, close, join, terminate, destroy. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    ck_assert_msg(r != NULL, "pool_apply_async(t_gated, 1) on a new pool returned NULL "
                  "(errno %s)", strerror(errno));
    errno = 0;
    double start = wb_now();
    int rc = POOL(pool_join(pool));
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "join on a running pool: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(errno));
    ck_assert_msg(wb_now() - start < 5, "join before close must fail at once, not wait");
    t_release(1);
    long value;
    int got = POOL(pool_result_get(r, 20, &value));
    ck_assert_msg(got == 0, "pool_result_get(timeout 20) of t_gated(1), let go after a refused "
                  "join: expected 0, got %d (errno %s)", got, strerror(errno));
    ck_assert_msg(value == 101, "pool_result_get of t_gated(1): value %ld, expected 101", value);
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
    int closed = pool_close(pool);
    ck_assert_msg(closed == 0, "pool_close of an open pool given 8 tasks: expected 0, got %d "
                  "(errno %s)", closed, strerror(errno));
    int rc = POOL(pool_join(pool));
    ck_assert_msg(rc == 0, "join after close: %d (errno %s)", rc, strerror(errno));
    check_all_reaped(pids, 2, "close and join");
    for (long i = 0; i < 8; i++) {
        ck_assert_msg(results[i] != NULL, "pool_apply_async(t_square, %ld) returned NULL", i);
        long value = -1;
        ck_assert_msg(pool_result_ready(results[i]),
                      "task %ld is not ready after join: join waits for every task", i);
        int got = POOL(pool_result_get(results[i], 0, &value));
        ck_assert_msg(got == 0, "pool_result_get(timeout 0) of t_square(%ld) after join: "
                      "expected 0, got %d (errno %s)", i, got, strerror(errno));
        ck_assert_msg(value == i * i, "pool_result_get of t_square(%ld): value %ld, expected "
                      "%ld", i, value, i * i);
    }
    ck_assert_msg(POOL(pool_join(pool)) == 0, "a second join should return 0");
    pool_destroy(pool);
}

WB_TEST(closed_pool_refuses_new_tasks)
{
    struct pool *pool = t_create(1);
    int closed = pool_close(pool);
    ck_assert_msg(closed == 0, "pool_close of a new pool: expected 0, got %d (errno %s)", closed,
                  strerror(errno));
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
    int joined = POOL(pool_join(pool));
    ck_assert_msg(joined == 0, "pool_join of a closed pool that refused new tasks: expected 0, "
                  "got %d (errno %s)", joined, strerror(errno));
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
    int terminated = POOL(pool_terminate(pool));
    ck_assert_msg(terminated == 0, "pool_terminate of a pool running 2 tasks with 3 queued: "
                  "expected 0, got %d (errno %s)", terminated, strerror(errno));
    check_all_reaped(pids, 2, "terminate");
    struct pool_result *all[5] = {running[0], running[1], queued[0], queued[1], queued[2]};
    for (int i = 0; i < 5; i++) {
        ck_assert_msg(all[i] != NULL, "pool_apply_async of task %d (2 of t_gated, then 3 of "
                      "t_square) returned NULL", i);
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
    ck_assert_msg(POOL(pool_apply_async(pool, t_gated, 1)) != NULL,
                  "pool_apply_async(t_gated, 1) on a new pool returned NULL (errno %s)",
                  strerror(errno));
    struct t_event started;
    t_read_events(&started, 1);
    pool_destroy(pool); /* like leaving `with Pool() as pool:` */
    check_all_reaped(pids, 2, "pool_destroy");
}

/* Descriptors are counted in full (every open one, wherever it is), before and after:
 * a leaked pipe end is a high number, which the lowest free descriptor does not show. */
WB_TEST(no_descriptor_leaked)
{
    int before = wb_count_fds();
    for (int round = 0; round < 3; round++) {
        struct pool *pool = t_create(3);
        int with_workers = wb_count_fds();
        long value;
        int applied = POOL(pool_apply(pool, t_square, 2, &value));
        ck_assert_msg(applied == 0, "round %d: pool_apply(t_square, 2) on a new pool: expected "
                      "0, got %d (errno %s)", round, applied, strerror(errno));
        if (round == 1) { /* a worker dies and is replaced: its pipes go with it */
            applied = POOL(pool_apply(pool, t_segfault, 0, &value));
            ck_assert_msg(applied == -1, "pool_apply(t_segfault, 0), whose worker dies: "
                          "expected -1, got %d", applied);
            applied = POOL(pool_apply(pool, t_square, 3, &value));
            ck_assert_msg(applied == 0, "pool_apply(t_square, 3) after a worker died: expected "
                          "0, got %d (errno %s)", applied, strerror(errno));
            int replaced = wb_count_fds();
            ck_assert_msg(replaced == with_workers,
                          "after a worker died and was replaced the caller has %d descriptors "
                          "open, %d before: close the dead worker's pipe ends",
                          replaced, with_workers);
        }
        if (round == 0) {
            pool_close(pool);
            int join_rc = POOL(pool_join(pool));
            ck_assert_msg(join_rc == 0, "pool_join after pool_close: expected 0, got %d "
                          "(errno %s)", join_rc, strerror(errno));
            int joined = wb_count_fds();
            ck_assert_msg(joined == before,
                          "after close and join the caller has %d descriptors open, %d before "
                          "pool_create: join closes both pipe ends of every worker",
                          joined, before);
        }
        if (round == 2) {
            int terminate_rc = POOL(pool_terminate(pool));
            ck_assert_msg(terminate_rc == 0, "pool_terminate of an idle pool: expected 0, got "
                          "%d (errno %s)", terminate_rc, strerror(errno));
            int terminated = wb_count_fds();
            ck_assert_msg(terminated == before,
                          "after terminate the caller has %d descriptors open, %d before "
                          "pool_create: terminate closes both pipe ends of every worker",
                          terminated, before);
        }
        pool_destroy(pool);
        int after = wb_count_fds();
        ck_assert_msg(after == before,
                      "file descriptors leak: %d were open before pool_create, %d after "
                      "pool_destroy (round %d): close the parent's pipe ends when a worker "
                      "ends", before, after, round);
    }
}

/* Sets the descriptor limit so that exactly `room` more descriptors can be opened (the
 * lowest free numbers are used first); returns the limit to restore. */
static struct rlimit leave_room_for(int room)
{
    enum { MAX_FD = 4096 };
    static bool open_fd[MAX_FD];
    memset(open_fd, 0, sizeof open_fd);
    DIR *dir = opendir("/proc/self/fd");
    ck_assert_msg(dir != NULL, "test setup: opendir(/proc/self/fd) failed: %s",
                  strerror(errno));
    int own = dirfd(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd != own && fd < MAX_FD)
            open_fd[fd] = true;
    }
    closedir(dir);
    int limit = 0;
    for (int free_seen = 0; free_seen < room; limit++)
        free_seen += !open_fd[limit];
    struct rlimit old, tight;
    ck_assert_msg(getrlimit(RLIMIT_NOFILE, &old) == 0,
                  "test setup: getrlimit(RLIMIT_NOFILE) failed: %s", strerror(errno));
    tight = old;
    tight.rlim_cur = (rlim_t)limit;
    ck_assert_msg(setrlimit(RLIMIT_NOFILE, &tight) == 0,
                  "test setup: setrlimit(RLIMIT_NOFILE) to %d failed: %s", limit,
                  strerror(errno));
    return old;
}

/* Room for 5 descriptors: the first worker's two pipes fit (4), it keeps 2, and the
 * second worker's second pipe does not fit. */
WB_TEST(create_that_runs_out_of_descriptors_cleans_up)
{
    int before = wb_count_fds();
    struct rlimit old = leave_room_for(5);
    errno = 0;
    struct pool *pool = POOL(pool_create(3));
    int err = errno;
    setrlimit(RLIMIT_NOFILE, &old);
    int after = wb_count_fds();
    errno = 0;
    pid_t left = waitpid(-1, NULL, WNOHANG);
    int wait_err = errno;
    ck_assert_msg(pool == NULL && err == EMFILE,
                  "pool_create(3) with room for 5 more descriptors: got %p (errno %s), "
                  "expected NULL with errno EMFILE (the error of pipe)", (void *)pool,
                  strerror(err));
    ck_assert_msg(after == before, "%d descriptors were open before the failed pool_create, "
                  "%d after: close the pipes of the workers started and the pipe made "
                  "before the one that failed", before, after);
    ck_assert_msg(left < 0 && wait_err == ECHILD, "a failed pool_create left a child "
                  "(pid %d) unreaped: end and reap the workers already started", (int)left);
}
