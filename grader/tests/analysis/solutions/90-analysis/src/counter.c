/* counter.c - a counter shared by threads, with a condition to wait on. */
#include "counter.h"

#include <errno.h>
#include <time.h>

void counter_init(struct counter *c)
{
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    c->value = c->calls = 0;
}

void counter_destroy(struct counter *c)
{
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
}

void counter_add(struct counter *c, long n)
{
    pthread_mutex_lock(&c->lock);
    c->value += n;
    c->calls++;
    pthread_mutex_unlock(&c->lock);
    /* signalled after unlocking: correct, and the woken thread need not wait for us */
    pthread_cond_broadcast(&c->changed);
}

bool counter_add_below(struct counter *c, long n, long limit)
{
    pthread_mutex_lock(&c->lock);
    bool fits = c->value + n <= limit; /* checked and changed under one lock */
    if (fits)
        c->value += n;
    pthread_mutex_unlock(&c->lock);
    return fits;
}

void counter_reset(struct counter *c)
{
    pthread_mutex_lock(&c->lock);
    c->value = 0;
    pthread_mutex_unlock(&c->lock);
}

bool counter_wait_for(struct counter *c, long target, double timeout_s)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)timeout_s;
    deadline.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    while (c->value < target && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&c->changed, &c->lock, &deadline);
    bool reached = c->value >= target;
    pthread_mutex_unlock(&c->lock);
    return reached;
}
