/* helpers.c - what this chapter's tests share. */
#include "helpers.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "wb_test.h"

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

