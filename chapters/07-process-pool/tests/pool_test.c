/* pool_test.c - tasks and pipes shared by the pool tests. */
#include "pool_test.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int t_log[2] = {-1, -1};
int t_gate[T_GATES][2];

/* The inodes of the pool's pipes, written by the test after pool_create and read by
 * the workers: a MAP_SHARED page made before the fork is shared, not copied. */
struct shared_inodes {
    size_t n;
    ino_t inodes[4 * 64];
};
static struct shared_inodes *shared;

void t_open_pipes(void)
{
    wb_pipe(t_log);
    for (int i = 0; i < T_GATES; i++)
        wb_pipe(t_gate[i]);
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    ck_assert_msg(shared != MAP_FAILED, "mmap failed: %s", strerror(errno));
}

void t_release(int gate)
{
    ck_assert_msg(wb_write_full(t_gate[gate][1], "g", 1) == 0,
                  "test setup: opening gate %d (a byte into its pipe) failed: %s", gate,
                  strerror(errno));
}

void t_read_events(struct t_event *events, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pollfd p = {.fd = t_log[0], .events = POLLIN};
        ck_assert_msg(poll(&p, 1, 20000) == 1,
                      "waited 20 s for log record %zu of %zu: the tasks did not run", i + 1,
                      n);
        ck_assert_msg(wb_read_full(t_log[0], &events[i], sizeof events[i]) ==
                          (ssize_t)sizeof events[i],
                      "the log pipe broke");
    }
}

struct pool *t_create(int n)
{
    errno = 0;
    struct pool *pool = POOL(pool_create(n));
    ck_assert_msg(pool != NULL, "pool_create(%d) returned NULL (errno: %s)", n,
                  strerror(errno));
    return pool;
}

int t_max_running(const struct t_event *events, size_t n)
{
    int running = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        running += events[i].kind == T_START ? 1 : -1;
        if (running > max)
            max = running;
    }
    return max;
}

/* --- the tasks, run in the workers --- */

static void log_event(int kind, long arg)
{
    struct t_event e;
    memset(&e, 0, sizeof e); /* padding too: the whole struct goes through the pipe */
    e.kind = kind;
    e.arg = arg;
    e.pid = getpid();
    /* A write of a few bytes to a pipe is atomic: records never interleave. */
    if (wb_write_full(t_log[1], &e, sizeof e) < 0)
        _exit(90);
}

/* Waits for one byte on gate; gives up after 20 s so that a worker left behind by a
 * failed test does not wait forever. */
static void wait_gate(long gate)
{
    struct pollfd p = {.fd = t_gate[gate][0], .events = POLLIN};
    char byte;
    if (poll(&p, 1, 20000) != 1 || read(t_gate[gate][0], &byte, 1) != 1)
        _exit(91);
}

long t_square(long x)
{
    return x * x;
}

long t_getpid(long x)
{
    (void)x;
    return (long)getpid();
}

long t_segfault(long x)
{
    (void)x;
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return -1;
}

long t_square_or_die(long x)
{
    return x < 0 ? t_segfault(x) : x * x;
}

long t_exit(long code)
{
    _exit((int)code);
}

long t_nap(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) < 0 && errno == EINTR)
        continue;
    return ms;
}

long t_nap_then_die(long ms)
{
    t_nap(ms);
    return t_segfault(ms);
}

long t_gated(long gate)
{
    log_event(T_START, gate);
    wait_gate(gate);
    log_event(T_END, gate);
    return 100 + gate;
}

long t_logged(long x)
{
    log_event(T_START, x);
    log_event(T_END, x);
    return x;
}

long t_chain(long i)
{
    if (i != T_CHAIN - 1)
        wait_gate(i);
    log_event(T_END, i);
    if (i > 0 && wb_write_full(t_gate[i - 1][1], "g", 1) < 0)
        _exit(92);
    return 100 + i;
}

static bool is_pool_pipe(const struct stat *st)
{
    if (!S_ISFIFO(st->st_mode))
        return false;
    for (size_t i = 0; i < shared->n; i++)
        if (shared->inodes[i] == st->st_ino)
            return true;
    return false;
}

/* Task: waits until every worker runs one (gate 0), then counts pool pipe ends. */
static long count_pool_fds(long x)
{
    log_event(T_START, x);
    wait_gate(0);
    long count = 0;
    for (int fd = 0; fd < 1024; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0 && is_pool_pipe(&st))
            count++;
    }
    return count;
}

static void share_inodes(const struct pool *pool)
{
    shared->n = 0;
    for (size_t i = 0; i < pool->n_workers; i++) {
        int fds[2] = {pool->workers[i].task_fd, pool->workers[i].result_fd};
        for (int j = 0; j < 2; j++) {
            struct stat st;
            ck_assert_msg(fstat(fds[j], &st) == 0,
                          "worker slot %zu: descriptor %d is not open in the parent", i,
                          fds[j]);
            shared->inodes[shared->n++] = st.st_ino;
        }
    }
}

void t_check_pool_fds(struct pool *pool)
{
    enum { MAX = 16 };
    size_t n = pool->n_workers;
    ck_assert_msg(n <= MAX, "test setup: the pool has %zu worker slots, the check of its "
                  "descriptors takes at most %d", n, MAX);
    share_inodes(pool);
    struct pool_result *results[MAX];
    for (size_t i = 0; i < n; i++) {
        results[i] = POOL(pool_apply_async(pool, count_pool_fds, (long)i));
        ck_assert_msg(results[i] != NULL, "apply_async failed: %s", strerror(errno));
    }
    struct t_event started[MAX];
    t_read_events(started, n); /* all n run at once: one per worker */
    for (size_t i = 0; i < n; i++)
        t_release(0);
    for (size_t i = 0; i < n; i++) {
        long count = -1;
        int rc = POOL(pool_result_get(results[i], 20, &count));
        ck_assert_msg(rc == 0, "get failed: %s", strerror(errno));
        ck_assert_msg(count == 2,
                      "a worker holds %ld ends of the pool's pipes, expected 2 (its task read "
                      "end and its result write end): the child must close the parent's ends "
                      "of every slot, its own included",
                      count);
    }
}
