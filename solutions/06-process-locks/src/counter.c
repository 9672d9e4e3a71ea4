/* counter.c - lost updates: a shared counter with and without a lock. */
#include "counter.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plock.h"

/* The counter, in memory shared by every process forked after it is mapped. */
struct shared_counter {
    long value;
};

/* Busy work that returns x unchanged (64 one-bit rotations of 64 bits) but takes a
 * while: the seeds put time.sleep() inside job() "to make the effect obvious"; this
 * does the same without giving the CPU away. noinline keeps the compiler from seeing
 * through it. */
static __attribute__((noinline)) long dawdle(long x)
{
    unsigned long u = (unsigned long)x;
    for (int k = 0; k < 64; k++)
        u = (u << 1) | (u >> 63);
    return (long)u;
}

/* One unprotected read-modify-write, like `v.value += 1`: read, add, write back, with
 * a wide gap between the read and the write. A process that reads the counter while
 * another is in that gap writes back a stale value: that process's update is lost. */
static void increment(struct shared_counter *c)
{
    long seen = c->value;
    c->value = dawdle(seen) + 1;
}

/* Runs child(arg) in nprocs new processes and waits for all of them. The children
 * start counting together: each first waits for end-of-file on a "start gate" pipe,
 * which comes when the parent closes the write end after the last fork. Otherwise the
 * first child could be done before the last one exists, and nothing would overlap.
 * Returns 0, or -1 with errno set (fork's errno, or ECHILD when a child did not exit
 * with 0). */
static int run_processes(int nprocs, int (*child)(void *), void *arg)
{
    int gate[2];
    if (pipe(gate) < 0)
        return -1;
    int started = 0, failed_errno = 0;
    for (; started < nprocs; started++) {
        pid_t pid = fork();
        if (pid < 0) {
            failed_errno = errno;
            break;
        }
        if (pid == 0) {
            char byte;
            close(gate[1]);
            while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
                continue;
            _exit(child(arg));
        }
    }
    close(gate[0]);
    close(gate[1]); /* opens the gate */
    /* Wait for every child that was started, even after a failed fork. */
    for (int i = 0; i < started; i++) {
        int status;
        pid_t got;
        do
            got = wait(&status);
        while (got < 0 && errno == EINTR);
        if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed_errno = failed_errno ? failed_errno : ECHILD;
    }
    errno = failed_errno;
    return failed_errno ? -1 : 0;
}

static struct shared_counter *counter_new(void)
{
    struct shared_counter *c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE,
                                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return c == MAP_FAILED ? NULL : c;
}

static bool bad_arguments(int nprocs, long iterations)
{
    if (nprocs >= 1 && iterations >= 0)
        return false;
    errno = EINVAL;
    return true;
}

/* --- without a lock (given) --------------------------------------------------- */

struct racy_job {
    struct shared_counter *counter;
    long iterations;
};

static int racy_child(void *arg)
{
    struct racy_job *job = arg;
    for (long i = 0; i < job->iterations; i++)
        increment(job->counter);
    return 0;
}

long counter_run_racy(int nprocs, long iterations)
{
    if (bad_arguments(nprocs, iterations))
        return -1;
    struct shared_counter *c = counter_new();
    if (c == NULL)
        return -1;
    struct racy_job job = {c, iterations};
    long result = run_processes(nprocs, racy_child, &job) == 0 ? c->value : -1;
    int saved = errno;
    munmap(c, sizeof *c);
    errno = saved;
    return result;
}

/* --- with a lock ------------------------------------------------------------- */

struct locked_job {
    struct shared_counter *counter;
    struct plock *lock;
    long iterations;
};

static int locked_child(void *arg)
{
    struct locked_job *job = arg;
    for (long i = 0; i < job->iterations; i++) {
        /* The lock makes read, add and write one step: no other process can read
         * the counter between our read and our write. */
        if (plock_acquire(job->lock, true, -1) != 1)
            return 1;
        increment(job->counter);
        if (plock_release(job->lock) < 0)
            return 2;
    }
    return 0;
}

long counter_run_locked(int nprocs, long iterations)
{
    if (bad_arguments(nprocs, iterations))
        return -1;
    struct shared_counter *c = counter_new();
    if (c == NULL)
        return -1;
    struct locked_job job = {c, plock_new(), iterations};
    long result = -1;
    if (job.lock != NULL && run_processes(nprocs, locked_child, &job) == 0)
        result = c->value;
    int saved = errno;
    plock_free(job.lock);
    munmap(c, sizeof *c);
    errno = saved;
    return result;
}
