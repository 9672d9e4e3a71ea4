/* pool_test.h - tasks and pipes shared by the pool tests (pool_test.c).
 *
 * The tasks run in the pool's workers, forked at pool_create: they see the pipes below
 * only if t_open_pipes() ran before pool_create. Tasks report through the log pipe and
 * wait on gate pipes the test controls; they never assert. */
#ifndef POOL_TEST_H
#define POOL_TEST_H

#include <sys/types.h>

#include "pool_internal.h"
#include "wb_test.h"

/* Calls pool code, then stops at once if the caller is a stray worker that returned
 * into the test (pool_create, get, next, map, join may fork). */
#define POOL(call)                                                                     \
    __extension__({                                                                    \
        __typeof__(call) pool_call_result_ = (call);                                   \
        wb_exit_if_stray();                                                            \
        pool_call_result_;                                                             \
    })

enum { T_GATES = 16, T_START = 1, T_END = 2 };

/* One log record: a task (by its argument) started or ended, in which process. */
struct t_event {
    int kind;
    long arg;
    pid_t pid;
};

extern int t_log[2];            /* tasks write struct t_event records; the test reads */
extern int t_gate[T_GATES][2];  /* a task waiting on gate i reads one byte of t_gate[i] */

/* Opens the log and gate pipes and the shared page t_check_pool_fds uses. Call before
 * pool_create. */
void t_open_pipes(void);

/* Writes one byte to gate i: one task waiting on it goes on. */
void t_release(int gate);

/* Reads n log records, failing the test when they do not come within 20 s. */
void t_read_events(struct t_event *events, size_t n);

/* pool_create(n), asserting it worked. */
struct pool *t_create(int n);

/* The largest number of tasks that were between T_START and T_END at once. */
int t_max_running(const struct t_event *events, size_t n);

/* Tasks. */
long t_square(long x);         /* x * x */
long t_getpid(long x);         /* the worker's pid */
long t_segfault(long x);       /* dies of SIGSEGV */
long t_exit(long code);        /* ends its process with _exit(code) */
long t_square_or_die(long x);  /* x * x, but dies of SIGSEGV when x is negative */
long t_gated(long gate);       /* logs start, waits on gate, logs end; returns 100 + gate */
long t_nap(long ms);           /* sleeps ms milliseconds (signals do not cut it short);
                                * returns ms */
long t_nap_then_die(long ms);  /* sleeps ms milliseconds, then dies of SIGSEGV */
long t_logged(long x);         /* logs start and end; returns x */
long t_chain(long i);          /* waits for gate i unless i is the last of T_CHAIN, logs
                                * end, opens gate i - 1; returns 100 + i */
enum { T_CHAIN = 4 };

/* Runs one task on every worker at once (each task holds until all have started, so
 * each runs in a different worker) that counts the pool's pipe ends open in its
 * process, and asserts each worker holds exactly two: its own task read end and result
 * write end. Leaves gate 0 unused. */
void t_check_pool_fds(struct pool *pool);

#endif
