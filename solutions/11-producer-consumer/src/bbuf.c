/* bbuf.c - a bounded buffer shared by producer and consumer threads, with shutdown. */
#include "bbuf.h"

#include <errno.h>
#include <stdlib.h>

int bb_init(struct bbuf *b, size_t capacity)
{
    if (capacity == 0) {
        errno = EINVAL;
        return -1;
    }
    *b = (struct bbuf){.capacity = capacity};
    b->slots = calloc(capacity, sizeof *b->slots);
    if (b->slots == NULL)
        return -1;
    /* With default attributes these cannot fail on Linux (no memory is allocated). */
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->not_empty, NULL);
    pthread_cond_init(&b->not_full, NULL);
    return 0;
}

void bb_destroy(struct bbuf *b)
{
    pthread_cond_destroy(&b->not_full);
    pthread_cond_destroy(&b->not_empty);
    pthread_mutex_destroy(&b->lock);
    free(b->slots);
}

int bb_put(struct bbuf *b, void *item)
{
    pthread_mutex_lock(&b->lock);
    /* while, not if: being woken only means "look again". The wakeup may be spurious,
     * another producer may have filled the freed slot before we got the lock back, or
     * the buffer may have been closed meanwhile. */
    while (b->count == b->capacity && !b->closed) {
        b->waiting_putters++;
        pthread_cond_wait(&b->not_full, &b->lock);
        b->waiting_putters--;
        b->wakeups++;
    }
    int rc = BB_CLOSED;
    if (!b->closed) {
        b->slots[(b->head + b->count) % b->capacity] = item;
        b->count++;
        if (b->count > b->max_held)
            b->max_held = b->count;
        /* One item feeds one consumer; the consumers all wait on not_empty, so the one
         * woken is of the right kind. */
        pthread_cond_signal(&b->not_empty);
        rc = BB_OK;
    }
    pthread_mutex_unlock(&b->lock);
    return rc;
}

int bb_get(struct bbuf *b, void **item)
{
    pthread_mutex_lock(&b->lock);
    while (b->count == 0 && !b->closed) { /* while, not if: see bb_put */
        b->waiting_getters++;
        pthread_cond_wait(&b->not_empty, &b->lock);
        b->waiting_getters--;
        b->wakeups++;
    }
    /* Closed or not, an item still in the buffer is delivered: close ends the
     * stream after what was already put. */
    int rc = BB_CLOSED;
    if (b->count > 0) {
        *item = b->slots[b->head];
        b->head = (b->head + 1) % b->capacity;
        b->count--;
        pthread_cond_signal(&b->not_full);
        rc = BB_OK;
    }
    pthread_mutex_unlock(&b->lock);
    return rc;
}

void bb_close(struct bbuf *b)
{
    pthread_mutex_lock(&b->lock);
    b->closed = true;
    /* Every waiter, producer or consumer, must see the change: broadcast both. */
    pthread_cond_broadcast(&b->not_empty);
    pthread_cond_broadcast(&b->not_full);
    pthread_mutex_unlock(&b->lock);
}
