/* workers.h - the same jobs run three ways: serially, in threads under the GIL, in
 * processes.
 *
 * Python (the course's timing scripts):
 *          for url in urls: craw(url)                      # serially
 *          threads = [threading.Thread(target=craw, args=(url,)) for url in urls]
 *          with ProcessPoolExecutor() as pool: pool.map(is_prime, PRIMES)
 *
 * A job is the work of one of those calls, in its two parts: waiting (I/O-bound: a page
 * to download, a file to read; the thread only blocks) and computing (CPU-bound: a loop
 * of arithmetic, cut into steps). A job first waits, if it has a wait, then computes its
 * steps, like a crawler that downloads a page and then parses it.
 *
 * Every function returns 0, or -1 with errno set. */
#ifndef WORKERS_H
#define WORKERS_H

#include <stddef.h>

#include "gil.h"

struct job {
    long (*wait)(void *arg);               /* blocks until the job's data is there and
                                            * returns it; NULL: the job does not wait */
    long (*compute)(void *arg, long step); /* one step of the computation; may be NULL
                                            * when steps is 0 */
    long steps;                            /* how many steps: compute(arg, 0), ...,
                                            * compute(arg, steps - 1) */
    void *arg;                             /* passed to wait and compute */
};

/* A job is valid when steps >= 0 and, if steps > 0, compute is not NULL. */

/* --- src/serial.c --- */

/* Runs the job in the calling thread: wait(arg) if wait is not NULL, then compute(arg, 0),
 * compute(arg, 1), ..., compute(arg, steps - 1), in that order, each once. *result is what
 * wait returned (0 without a wait) plus the sum of what the steps returned. -1 with EINVAL
 * for an invalid job, calling nothing and leaving *result alone. */
int job_run(const struct job *job, long *result);

/* Runs jobs[0], ..., jobs[n - 1] one after the other in the calling thread (job_run),
 * results[i] being the result of jobs[i]. Checks every job first: -1 with EINVAL when one
 * is invalid, having run none. n == 0 runs nothing and returns 0 (results may then be
 * NULL). */
int run_serial(const struct job *jobs, size_t n, long *results);

/* --- src/threads.c --- */

/* Runs the job in the calling thread as CPython runs Python code: takes the GIL
 * (gil_acquire) before anything, gives it up (gil_release) just before wait and takes it
 * back just after, holds it while it calls compute, calls gil_tick after every step, and
 * releases it before returning. Same calls, order and *result as job_run. gil == NULL is
 * a Python without a GIL (3.13's free-threaded build, PEP 703): then it is job_run.
 * -1 with EINVAL for an invalid job, before taking the GIL; an error of gil_acquire,
 * gil_release or gil_tick (EDEADLK: the caller holds the GIL already) ends the job with
 * it, the GIL released if the job held it. */
int job_run_with_gil(struct gil *gil, const struct job *job, long *result);

/* Runs each job in a thread of its own (job_run_with_gil with this gil), results[i] being
 * the result of jobs[i]: starts every thread before joining any, so that they run at the
 * same time as far as the GIL lets them, then joins them all. Checks every job first: -1
 * with EINVAL when one is invalid, having started none. -1 with errno from
 * pthread_create when a thread cannot be started (EAGAIN: the system's limit), after
 * joining those already started; -1 with the error of a job when one failed (all are
 * still joined). n == 0 returns 0. The caller must not hold the GIL. */
int run_threads(struct gil *gil, const struct job *jobs, size_t n, long *results);

/* --- src/processes.c --- */

/* Runs each job in a child process of its own (fork), results[i] being the result of
 * jobs[i]: forks every child before waiting for any, so that they run at the same time.
 * Child i runs job_run(&jobs[i]), sends its result to the parent (through a pipe, or
 * shared memory: processes share no other memory) and ends with _exit, never returning
 * into the caller. Of the descriptors run_processes made, a child keeps only the one it
 * sends through (it closes the read ends it inherited), and it closes none it did not
 * make. The parent fills results[i] from what child i sent and reaps every child
 * (waitpid) before returning; it leaves no descriptor or mapping of its own open. A
 * signal may interrupt a read or waitpid (EINTR): that is no error.
 * Checks every job first: -1 with EINVAL when one is invalid, having forked none. -1 with
 * ECHILD when a child ended without sending its result (it crashed: the other results
 * are still filled in); -1 with the errno of pipe or fork when a child cannot be started,
 * after waiting for the children already started. n == 0 returns 0. */
int run_processes(const struct job *jobs, size_t n, long *results);

#endif
