/* counter.h - a counter shared by threads, with a condition to wait on. */
#ifndef COUNTER_H
#define COUNTER_H

#include <pthread.h>
#include <stdbool.h>

struct counter {
    pthread_mutex_t lock; /* guards value and calls */
    pthread_cond_t changed;
    long value;
    long calls;
};

void counter_init(struct counter *c);
void counter_destroy(struct counter *c);
/* Adds n and counts the call; wakes every waiter. */
void counter_add(struct counter *c, long n);
/* Adds n only if the value stays <= limit, as one step; returns whether it did. */
bool counter_add_below(struct counter *c, long n, long limit);
/* Sets the value to 0. */
void counter_reset(struct counter *c);
/* Waits until the value is >= target or timeout_s seconds pass; returns whether it is. */
bool counter_wait_for(struct counter *c, long target, double timeout_s);

#endif
