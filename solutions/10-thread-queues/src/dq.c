/* dq.c - a double-ended queue with a maximum length, shared by threads. */
#include "dq.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* A ring buffer of maxlen slots: the items are slots[first], slots[first + 1], ...
 * (indices modulo maxlen), count of them, from the left end to the right end. */
struct dq {
    size_t maxlen; /* never changes: no lock needed */

    pthread_mutex_t lock;
    /* lock must be held when using these: */
    void **slots;
    size_t first; /* index of the leftmost item */
    size_t count;
};

struct dq *dq_new(size_t maxlen)
{
    if (maxlen == 0) {
        errno = EINVAL;
        return NULL;
    }
    struct dq *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->maxlen = maxlen;
    d->slots = calloc(maxlen, sizeof *d->slots);
    int rc = d->slots == NULL ? ENOMEM : pthread_mutex_init(&d->lock, NULL);
    if (rc != 0) {
        free(d->slots);
        free(d);
        errno = rc;
        return NULL;
    }
    return d;
}

void dq_free(struct dq *d)
{
    if (d == NULL)
        return;
    pthread_mutex_destroy(&d->lock);
    free(d->slots);
    free(d);
}

/* The slot of the i-th item from the left (i may be count, one past the right end).
 * (marked unused only so that compilers accept it before you use it) */
__attribute__((unused)) static inline size_t slot(const struct dq *d, size_t i)
{
    return (d->first + i) % d->maxlen;
}

/* The right end: the new item goes one past the last; when full, that slot is the
 * leftmost item's, which is dropped by moving first on. Caller holds d->lock. */
static int append_locked(struct dq *d, void *item, void **dropped)
{
    int rc = DQ_OK;
    if (d->count == d->maxlen) {
        if (dropped != NULL)
            *dropped = d->slots[d->first];
        d->first = slot(d, 1);
        d->count--;
        rc = DQ_DROPPED;
    }
    d->slots[slot(d, d->count)] = item;
    d->count++;
    return rc;
}

/* The left end: the new item goes one before first; when full, the rightmost item is
 * dropped first. Caller holds d->lock. */
static int appendleft_locked(struct dq *d, void *item, void **dropped)
{
    int rc = DQ_OK;
    if (d->count == d->maxlen) {
        d->count--;
        if (dropped != NULL)
            *dropped = d->slots[slot(d, d->count)];
        rc = DQ_DROPPED;
    }
    /* + maxlen - 1 is - 1 modulo maxlen, without going below zero. */
    d->first = (d->first + d->maxlen - 1) % d->maxlen;
    d->slots[d->first] = item;
    d->count++;
    return rc;
}

/* Every operation takes the one lock for its whole length: that is what makes each
 * of them atomic, as Python's deque methods are. */
int dq_append(struct dq *d, void *item, void **dropped)
{
    pthread_mutex_lock(&d->lock);
    int rc = append_locked(d, item, dropped);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int dq_appendleft(struct dq *d, void *item, void **dropped)
{
    pthread_mutex_lock(&d->lock);
    int rc = appendleft_locked(d, item, dropped);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int dq_pop(struct dq *d, void **item)
{
    pthread_mutex_lock(&d->lock);
    int rc = DQ_EMPTY;
    if (d->count > 0) {
        d->count--;
        *item = d->slots[slot(d, d->count)];
        rc = DQ_OK;
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int dq_popleft(struct dq *d, void **item)
{
    pthread_mutex_lock(&d->lock);
    int rc = DQ_EMPTY;
    if (d->count > 0) {
        *item = d->slots[d->first];
        d->first = slot(d, 1);
        d->count--;
        rc = DQ_OK;
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

size_t dq_len(struct dq *d)
{
    pthread_mutex_lock(&d->lock);
    size_t n = d->count;
    pthread_mutex_unlock(&d->lock);
    return n;
}

size_t dq_maxlen(const struct dq *d)
{
    return d->maxlen;
}
