/* condition.c - threading.Condition: wait until notified, with a lock of its own. */
#include "condition.h"

#include <errno.h>
#include <limits.h>

#include "deadline.h"

int condition_init(struct condition *c)
{
    c->held = false;
    c->first = c->last = NULL;
    return sync_init(&c->mutex, &c->lock_free);
}

/* The helpers below expect c->mutex to be held. */

static bool held_by_me(const struct condition *c)
{
    return c->held && pthread_equal(c->owner, pthread_self());
}

/* Takes the condition's lock, waiting until the deadline at most; true when taken. */
static bool take_lock(struct condition *c, const struct deadline *d)
{
    while (c->held && cond_wait_until(&c->lock_free, &c->mutex, d) != ETIMEDOUT)
        continue;
    if (c->held)
        return false;
    c->held = true;
    c->owner = pthread_self();
    return true;
}

static void drop_lock(struct condition *c)
{
    c->held = false;
    pthread_cond_signal(&c->lock_free);
}

static void append_waiter(struct condition *c, struct condition_waiter *w)
{
    w->next = NULL;
    if (c->last != NULL)
        c->last->next = w;
    else
        c->first = w;
    c->last = w;
}

/* Removes w, a waiter that timed out, from the list (it is in it: not notified). */
static void remove_waiter(struct condition *c, struct condition_waiter *w)
{
    struct condition_waiter **link = &c->first, *prev = NULL;
    while (*link != w) {
        prev = *link;
        link = &(*link)->next;
    }
    *link = w->next;
    if (c->last == w)
        c->last = prev;
}

int condition_acquire(struct condition *c, bool blocking, double timeout)
{
    if (!blocking && timeout >= 0) {
        errno = EINVAL;
        return -1;
    }
    struct deadline d = deadline_after(blocking ? timeout : 0);
    pthread_mutex_lock(&c->mutex);
    bool taken = (blocking || !c->held) && take_lock(c, &d);
    pthread_mutex_unlock(&c->mutex);
    return taken;
}

int condition_release(struct condition *c)
{
    pthread_mutex_lock(&c->mutex);
    bool mine = held_by_me(c);
    if (mine)
        drop_lock(c);
    pthread_mutex_unlock(&c->mutex);
    if (!mine) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* condition_wait with c->mutex held and the caller holding the condition's lock. */
static bool wait_locked(struct condition *c, const struct deadline *d)
{
    struct condition_waiter w = {.notified = false};
    if (cond_init_monotonic(&w.wake) != 0)
        return false; /* cannot wait: behave as an immediate timeout */
    append_waiter(c, &w);
    drop_lock(c); /* atomically with starting to wait: c->mutex stays held */
    /* Only our own flag ends the wait: a spurious wakeup just loops. */
    while (!w.notified && cond_wait_until(&w.wake, &c->mutex, d) != ETIMEDOUT)
        continue;
    if (!w.notified)
        remove_waiter(c, &w); /* timed out: a later notify must not count us */
    struct deadline forever = deadline_after(-1);
    take_lock(c, &forever);
    pthread_cond_destroy(&w.wake);
    return w.notified;
}

int condition_wait(struct condition *c, double timeout)
{
    struct deadline d = deadline_after(timeout);
    pthread_mutex_lock(&c->mutex);
    bool mine = held_by_me(c);
    bool notified = mine && wait_locked(c, &d);
    pthread_mutex_unlock(&c->mutex);
    if (!mine) {
        errno = EPERM;
        return -1;
    }
    return notified;
}

int condition_wait_for(struct condition *c, bool (*predicate)(void *), void *arg,
                       double timeout)
{
    /* One deadline for the whole call: each notification that finds the predicate
     * still false waits only for what is left of the timeout. */
    struct deadline d = deadline_after(timeout);
    pthread_mutex_lock(&c->mutex);
    bool mine = held_by_me(c);
    pthread_mutex_unlock(&c->mutex);
    if (!mine) {
        errno = EPERM;
        return -1;
    }
    /* The predicate runs without c->mutex, but with the condition's lock held. */
    bool result = predicate(arg);
    while (!result) {
        pthread_mutex_lock(&c->mutex);
        bool notified = wait_locked(c, &d);
        pthread_mutex_unlock(&c->mutex);
        result = predicate(arg);
        if (!notified)
            break; /* timed out: the predicate's value now is the answer */
    }
    return result;
}

int condition_notify(struct condition *c, int n)
{
    pthread_mutex_lock(&c->mutex);
    bool mine = held_by_me(c);
    for (; mine && n > 0 && c->first != NULL; n--) {
        struct condition_waiter *w = c->first;
        c->first = w->next;
        if (c->first == NULL)
            c->last = NULL;
        w->notified = true; /* out of the list: a timeout can no longer remove it */
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&c->mutex);
    if (!mine) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

int condition_notify_all(struct condition *c)
{
    return condition_notify(c, INT_MAX);
}

void condition_destroy(struct condition *c)
{
    pthread_cond_destroy(&c->lock_free);
    pthread_mutex_destroy(&c->mutex);
}
