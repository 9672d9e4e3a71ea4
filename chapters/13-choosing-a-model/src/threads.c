/* threads.c - jobs in threads that take turns on the GIL, as CPython's threads do. */
#include "workers.h"

#include <errno.h>
#include <stdlib.h>

int job_run_with_gil(struct gil *gil, const struct job *job, long *result)
{
    /* TODO: without a GIL it is job_run. Else check the job (EINVAL), take the GIL, and
     * run the job as job_run does, but: give the GIL up just before the wait and take it
     * back just after, and call gil_tick after every step. Release it at the end. Pass
     * on an error of gil_acquire (EDEADLK), releasing the GIL if the job holds it. */
    (void)gil;
    (void)job;
    (void)result;
    errno = ENOSYS;
    return -1;
}

int run_threads(struct gil *gil, const struct job *jobs, size_t n, long *results)
{
    /* TODO: check every job first (EINVAL). Start one thread per job, every one before
     * joining any, each running job_run_with_gil(gil, &jobs[i], &results[i]) and
     * keeping its errno somewhere the caller can read after the join. When
     * pthread_create fails, start no more, join the started ones and report its error.
     * Join them all; report the first error of a job. */
    (void)gil;
    (void)jobs;
    (void)n;
    (void)results;
    errno = ENOSYS;
    return -1;
}
