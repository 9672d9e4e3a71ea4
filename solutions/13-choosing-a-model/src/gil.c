/* gil.c - a simulated GIL: a fair lock handed over every `interval` ticks. */
#include "gil.h"

#include <errno.h>

int gil_init(struct gil *gil, long interval)
{
    if (interval < 1) {
        errno = EINVAL;
        return -1;
    }
    int rc = pthread_mutex_init(&gil->lock, NULL);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    rc = pthread_cond_init(&gil->turn, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&gil->lock);
        errno = rc;
        return -1;
    }
    gil->held = false;
    gil->next_ticket = gil->serving = 0;
    gil->waiting = 0;
    gil->interval = interval;
    gil->ticks = gil->switches = 0;
    return 0;
}

static bool held_by_caller(const struct gil *gil)
{
    return gil->held && pthread_equal(gil->holder, pthread_self());
}

/* With gil->lock held: queues the caller (the next ticket) and waits until it is its
 * turn and the GIL is free, then takes it. */
static void take_turn(struct gil *gil)
{
    unsigned long ticket = gil->next_ticket++;
    gil->waiting++;
    /* while, not if: every release wakes every waiter, and only one has the ticket. */
    while (gil->held || gil->serving != ticket)
        pthread_cond_wait(&gil->turn, &gil->lock);
    gil->waiting--;
    gil->held = true;
    gil->holder = pthread_self();
    gil->ticks = 0;
}

/* With gil->lock held, by the holder: frees the GIL for the next ticket. */
static void give_up(struct gil *gil)
{
    gil->held = false;
    gil->serving++;
    /* Broadcast: the waiter whose ticket is called may be any of them. */
    pthread_cond_broadcast(&gil->turn);
}

int gil_acquire(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    if (held_by_caller(gil)) {
        pthread_mutex_unlock(&gil->lock);
        errno = EDEADLK;
        return -1;
    }
    take_turn(gil);
    pthread_mutex_unlock(&gil->lock);
    return 0;
}

int gil_release(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    bool mine = held_by_caller(gil);
    if (mine)
        give_up(gil);
    pthread_mutex_unlock(&gil->lock);
    if (!mine) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

int gil_tick(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    if (!held_by_caller(gil)) {
        pthread_mutex_unlock(&gil->lock);
        errno = EPERM;
        return -1;
    }
    int switched = 0;
    if (++gil->ticks >= gil->interval) {
        gil->ticks = 0;
        if (gil->waiting > 0) {
            /* Forced switching: give it up, then queue behind the waiting threads. */
            gil->switches++;
            give_up(gil);
            take_turn(gil);
            switched = 1;
        }
    }
    pthread_mutex_unlock(&gil->lock);
    return switched;
}

bool gil_held(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    bool mine = held_by_caller(gil);
    pthread_mutex_unlock(&gil->lock);
    return mine;
}

int gil_waiting(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    int waiting = gil->waiting;
    pthread_mutex_unlock(&gil->lock);
    return waiting;
}

long gil_switches(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    long switches = gil->switches;
    pthread_mutex_unlock(&gil->lock);
    return switches;
}

int gil_destroy(struct gil *gil)
{
    pthread_mutex_lock(&gil->lock);
    bool busy = gil->held || gil->waiting > 0;
    pthread_mutex_unlock(&gil->lock);
    if (busy) {
        errno = EBUSY;
        return -1;
    }
    pthread_cond_destroy(&gil->turn);
    pthread_mutex_destroy(&gil->lock);
    return 0;
}
