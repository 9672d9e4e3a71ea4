/* helpers.c - what this chapter's tests share. */
#include "helpers.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "wb_test.h"

pthread_t start_pthread(void *(*fn)(void *), void *arg)
{
    pthread_t tid;
    int err = pthread_create(&tid, NULL, fn, arg);
    ck_assert_msg(err == 0, "pthread_create failed: %s", strerror(err));
    return tid;
}

void join_pthread(pthread_t tid)
{
    int err = pthread_join(tid, NULL);
    ck_assert_msg(err == 0, "pthread_join failed: %s", strerror(err));
}

bool sem_wait_for(sem_t *sem, double timeout_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)timeout_s;
    ts.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    int rc;
    while ((rc = sem_clockwait(sem, CLOCK_MONOTONIC, &ts)) < 0 && errno == EINTR)
        continue;
    return rc == 0;
}

int wait_until_at_least(pthread_mutex_t *mutex, const int *value, int target,
                        double timeout_s)
{
    double deadline = wb_now() + timeout_s;
    for (;;) {
        pthread_mutex_lock(mutex);
        int now = *value;
        pthread_mutex_unlock(mutex);
        if (now >= target || wb_now() > deadline)
            return now;
        wb_sleep(0.001);
    }
}

void occupancy_init(struct occupancy *o)
{
    pthread_mutex_init(&o->mutex, NULL);
    o->inside = o->most_inside = 0;
    o->entries = 0;
}

void occupancy_enter(struct occupancy *o)
{
    pthread_mutex_lock(&o->mutex);
    o->inside++;
    o->entries++;
    if (o->inside > o->most_inside)
        o->most_inside = o->inside;
    pthread_mutex_unlock(&o->mutex);
}

void occupancy_leave(struct occupancy *o)
{
    pthread_mutex_lock(&o->mutex);
    o->inside--;
    pthread_mutex_unlock(&o->mutex);
}

double since(double start)
{
    return wb_now() - start;
}
