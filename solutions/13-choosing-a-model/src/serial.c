/* serial.c - a job, and several jobs one after the other, in the calling thread. */
#include "workers.h"

#include <errno.h>

static bool job_valid(const struct job *job)
{
    return job->steps >= 0 && (job->steps == 0 || job->compute != NULL);
}

int job_run(const struct job *job, long *result)
{
    if (!job_valid(job)) {
        errno = EINVAL;
        return -1;
    }
    long sum = job->wait != NULL ? job->wait(job->arg) : 0;
    for (long step = 0; step < job->steps; step++)
        sum += job->compute(job->arg, step);
    *result = sum;
    return 0;
}

int run_serial(const struct job *jobs, size_t n, long *results)
{
    for (size_t i = 0; i < n; i++)
        if (!job_valid(&jobs[i])) {
            errno = EINVAL;
            return -1;
        }
    for (size_t i = 0; i < n; i++)
        if (job_run(&jobs[i], &results[i]) < 0)
            return -1;
    return 0;
}
