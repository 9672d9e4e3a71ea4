/* threads.c - jobs in threads that take turns on the GIL, as CPython's threads do. */
#include "workers.h"

#include <errno.h>
#include <stdlib.h>

static bool job_valid(const struct job *job)
{
    return job->steps >= 0 && (job->steps == 0 || job->compute != NULL);
}

int job_run_with_gil(struct gil *gil, const struct job *job, long *result)
{
    if (gil == NULL)
        return job_run(job, result); /* free-threaded: nothing to take turns on */
    if (!job_valid(job)) {
        errno = EINVAL;
        return -1;
    }
    if (gil_acquire(gil) < 0) /* a thread runs Python code only with the GIL */
        return -1;
    long sum = 0;
    if (job->wait != NULL) {
        /* Py_BEGIN_ALLOW_THREADS: nobody may wait for the GIL while we block. */
        gil_release(gil);
        sum = job->wait(job->arg);
        if (gil_acquire(gil) < 0) /* Py_END_ALLOW_THREADS */
            return -1;
    }
    for (long step = 0; step < job->steps; step++) {
        sum += job->compute(job->arg, step);
        if (gil_tick(gil) < 0) /* the check interval: maybe let another thread run */
            return -1;
    }
    gil_release(gil);
    *result = sum;
    return 0;
}

struct worker {
    pthread_t tid;
    struct gil *gil;
    const struct job *job;
    long *result;
    int error; /* errno of a failed job, 0 when it succeeded */
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    w->error = job_run_with_gil(w->gil, w->job, w->result) == 0 ? 0 : errno;
    return NULL;
}

int run_threads(struct gil *gil, const struct job *jobs, size_t n, long *results)
{
    for (size_t i = 0; i < n; i++)
        if (!job_valid(&jobs[i])) {
            errno = EINVAL;
            return -1;
        }
    if (n == 0)
        return 0;
    struct worker *workers = calloc(n, sizeof *workers);
    if (workers == NULL)
        return -1;
    /* Start them all before joining any: joining each right after starting it would
     * be serial again. */
    size_t started = 0;
    int error = 0;
    for (; started < n; started++) {
        struct worker *w = &workers[started];
        *w = (struct worker){.gil = gil, .job = &jobs[started], .result = &results[started]};
        int rc = pthread_create(&w->tid, NULL, worker_main, w);
        if (rc != 0) {
            error = rc;
            break;
        }
    }
    for (size_t i = 0; i < started; i++) {
        pthread_join(workers[i].tid, NULL);
        if (error == 0)
            error = workers[i].error;
    }
    free(workers);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}
