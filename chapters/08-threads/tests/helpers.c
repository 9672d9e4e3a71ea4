/* helpers.c - what this chapter's tests share. */
#include "helpers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wb_test.h"

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

int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_msg(f != NULL, "cannot open /proc/self/status");
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}
