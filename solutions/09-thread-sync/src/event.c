/* event.c - threading.Event: a flag that threads wait for. */
#include "event.h"

#include <errno.h>

#include "deadline.h"

int event_init(struct event *e)
{
    e->flag = false;
    e->sets = 0;
    e->waiters = 0;
    return sync_init(&e->mutex, &e->changed);
}

void event_set(struct event *e)
{
    pthread_mutex_lock(&e->mutex);
    e->flag = true;
    e->sets++;
    pthread_cond_broadcast(&e->changed); /* every waiter waits for this one news */
    pthread_mutex_unlock(&e->mutex);
}

void event_clear(struct event *e)
{
    pthread_mutex_lock(&e->mutex);
    e->flag = false;
    pthread_mutex_unlock(&e->mutex);
}

bool event_is_set(struct event *e)
{
    pthread_mutex_lock(&e->mutex);
    bool flag = e->flag;
    pthread_mutex_unlock(&e->mutex);
    return flag;
}

int event_wait(struct event *e, double timeout)
{
    struct deadline d = deadline_after(timeout);
    pthread_mutex_lock(&e->mutex);
    /* Waiting for the flag alone would miss a set followed at once by a clear: wait
     * for the number of sets to change instead. */
    unsigned long sets_before = e->sets;
    e->waiters++;
    while (!e->flag && e->sets == sets_before &&
           cond_wait_until(&e->changed, &e->mutex, &d) != ETIMEDOUT)
        continue;
    e->waiters--;
    bool set = e->flag || e->sets != sets_before;
    pthread_mutex_unlock(&e->mutex);
    return set;
}

void event_destroy(struct event *e)
{
    pthread_cond_destroy(&e->changed);
    pthread_mutex_destroy(&e->mutex);
}
