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

int dq_append(struct dq *d, void *item, void **dropped)
{
    /* TODO: with d->lock held for the whole operation: when full, hand the leftmost
     * item to *dropped (if dropped is not NULL), remove it and return DQ_DROPPED at
     * the end; store item one past the rightmost. */
    (void)d;
    (void)item;
    (void)dropped;
    errno = ENOSYS;
    return -1;
}

int dq_appendleft(struct dq *d, void *item, void **dropped)
{
    /* TODO: the mirror image: when full, drop the rightmost; store item one before
     * the leftmost (first moves back by one, modulo maxlen). */
    (void)d;
    (void)item;
    (void)dropped;
    errno = ENOSYS;
    return -1;
}

int dq_pop(struct dq *d, void **item)
{
    /* TODO: with the lock held, DQ_EMPTY when count is 0, else take the rightmost. */
    (void)d;
    (void)item;
    errno = ENOSYS;
    return -1;
}

int dq_popleft(struct dq *d, void **item)
{
    /* TODO: with the lock held, DQ_EMPTY when count is 0, else take the leftmost. */
    (void)d;
    (void)item;
    errno = ENOSYS;
    return -1;
}

size_t dq_len(struct dq *d)
{
    /* TODO: read count with the lock held. */
    (void)d;
    return 0;
}

size_t dq_maxlen(const struct dq *d)
{
    return d->maxlen;
}
