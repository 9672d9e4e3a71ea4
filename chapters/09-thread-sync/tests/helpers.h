/* helpers.h - what this chapter's tests share beyond wb_test.h: hang guards and a
 * structural check of mutual exclusion. */
#ifndef HELPERS_H
#define HELPERS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

/* Polls *value (read under mutex) until it is at least target or timeout_s seconds
 * have passed; returns the last value read. A hang guard, not a verdict on speed. */
int wait_until_at_least(pthread_mutex_t *mutex, const int *value, int target,
                        double timeout_s);

/* Counts how many threads are inside a critical section at once. The test's own
 * mutex guards the counters, so the check itself is race-free. */
struct occupancy {
    pthread_mutex_t mutex;
    int inside;      /* threads inside now */
    int most_inside; /* the most ever inside at once */
    long entries;    /* how many times it was entered */
};

void occupancy_init(struct occupancy *o);
void occupancy_enter(struct occupancy *o);
void occupancy_leave(struct occupancy *o);

/* Seconds since start on the monotonic clock. */
double since(double start);

#endif
