/* timer.c - threading.Timer: call a function after a delay, unless cancelled first. */
#include "timer.h"

#include <errno.h>

#include "deadline.h"

int timer_init(struct timer *t, double interval, timer_fn function, void *arg)
{
    if (interval < 0) {
        errno = EINVAL;
        return -1;
    }
    t->interval = interval;
    t->function = function;
    t->arg = arg;
    t->started = t->cancelled = t->fired = t->joined = false;
    return sync_init(&t->mutex, &t->cancelled_changed);
}

/* The timer's thread: sleep on the condition variable, so that a cancel wakes it
 * early, then decide under the mutex whether to call the function. */
static void *timer_thread(void *arg)
{
    struct timer *t = arg;
    struct deadline d = deadline_after(t->interval);
    pthread_mutex_lock(&t->mutex);
    while (!t->cancelled && cond_wait_until(&t->cancelled_changed, &t->mutex, &d) != ETIMEDOUT)
        continue;
    /* Decided under the mutex: from here on, cancel either wins or reports "too late". */
    bool fire = !t->cancelled;
    t->fired = fire;
    pthread_mutex_unlock(&t->mutex);
    if (fire)
        t->function(t->arg); /* without the mutex: the function may take its time */
    return NULL;
}

int timer_start(struct timer *t)
{
    pthread_mutex_lock(&t->mutex);
    int err = t->started ? EINVAL : pthread_create(&t->tid, NULL, timer_thread, t);
    if (err == 0)
        t->started = true;
    pthread_mutex_unlock(&t->mutex);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

int timer_cancel(struct timer *t)
{
    pthread_mutex_lock(&t->mutex);
    bool in_time = !t->fired;
    if (in_time) {
        t->cancelled = true;
        pthread_cond_signal(&t->cancelled_changed); /* wake the timer's thread now */
    }
    pthread_mutex_unlock(&t->mutex);
    return in_time;
}

int timer_join(struct timer *t)
{
    pthread_mutex_lock(&t->mutex);
    bool started = t->started, join = started && !t->joined;
    t->joined = started;
    pthread_t tid = t->tid;
    pthread_mutex_unlock(&t->mutex);
    if (!started) {
        errno = EINVAL;
        return -1;
    }
    if (join)
        pthread_join(tid, NULL); /* only the first joiner: joining twice is undefined */
    return 0;
}

int timer_destroy(struct timer *t)
{
    pthread_mutex_lock(&t->mutex);
    bool busy = t->started && !t->joined;
    pthread_mutex_unlock(&t->mutex);
    if (busy) {
        errno = EBUSY;
        return -1;
    }
    pthread_cond_destroy(&t->cancelled_changed);
    pthread_mutex_destroy(&t->mutex);
    return 0;
}
