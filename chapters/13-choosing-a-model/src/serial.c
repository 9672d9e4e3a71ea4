/* serial.c - a job, and several jobs one after the other, in the calling thread. */
#include "workers.h"

#include <errno.h>

int job_run(const struct job *job, long *result)
{
    /* TODO: EINVAL for an invalid job (steps < 0, or steps > 0 without compute), before
     * calling anything. Then the wait if there is one, then each step in order; the
     * result is what the wait returned plus what the steps returned. */
    (void)job;
    (void)result;
    errno = ENOSYS;
    return -1;
}

int run_serial(const struct job *jobs, size_t n, long *results)
{
    /* TODO: check every job before running any (EINVAL), then job_run each in turn. */
    (void)jobs;
    (void)n;
    (void)results;
    errno = ENOSYS;
    return -1;
}
