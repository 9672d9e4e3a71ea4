/* shared_memory.c - threads of one process share its memory. */
#include "shared_memory.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* What the caller hands the thread: where to add, and where to note what it saw. */
struct modify_job {
    int *value;
    int delta;
    struct share_report *report;
};

static void *modify(void *arg)
{
    struct modify_job *job = arg;
    /* No lock: the caller only reads *value after pthread_join, which orders this
     * thread's writes before everything the caller does next. */
    *job->value += job->delta;
    job->report->seen_by_thread = *job->value;
    job->report->pid_in_thread = getpid();
    job->report->tid_in_thread = gettid();
    return NULL;
}

int share_modify(int *value, int delta, struct share_report *out)
{
    struct share_report report;
    struct modify_job job = {value, delta, &report};
    pthread_t tid;
    /* pthread functions return the error instead of setting errno. */
    int err = pthread_create(&tid, NULL, modify, &job);
    if (err != 0) {
        errno = err;
        return -1;
    }
    /* job lives on this stack frame: we must not return before the thread is done. */
    pthread_join(tid, NULL);
    report.seen_by_main = *value;
    *out = report;
    return 0;
}

static void *fill_slot(void *arg)
{
    *(pid_t *)arg = gettid(); /* only this thread touches this element */
    return NULL;
}

/* Joins the first n threads of threads. */
static void join_all(const pthread_t *threads, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
}

int share_fill_slots(pid_t *tids, size_t n)
{
    pthread_t *threads = calloc(n > 0 ? n : 1, sizeof *threads);
    if (threads == NULL)
        return -1; /* errno is ENOMEM */
    int err = 0;
    size_t started = 0;
    while (started < n && err == 0) {
        err = pthread_create(&threads[started], NULL, fill_slot, &tids[started]);
        if (err == 0)
            started++;
    }
    /* Also on failure: never leave a started thread behind. */
    join_all(threads, started);
    free(threads);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}
