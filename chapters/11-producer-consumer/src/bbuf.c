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
    /* TODO: with b->lock held, wait on not_full while the buffer is full and open -
     * in a while loop, never an if - counting yourself in waiting_putters around each
     * pthread_cond_wait and adding one to wakeups after it. Closed: return BB_CLOSED
     * without storing. Else store item after the last one (the ring wraps at
     * capacity), update count and max_held, wake one consumer, return BB_OK. */
    (void)b;
    (void)item;
    errno = ENOSYS;
    return -1;
}

int bb_get(struct bbuf *b, void **item)
{
    /* TODO: the mirror image: wait on not_empty while the buffer is empty and open
     * (waiting_getters, wakeups). An item left - closed or not - is taken from head
     * and returned with BB_OK after waking one producer; none left means the buffer
     * is closed: BB_CLOSED, *item untouched. */
    (void)b;
    (void)item;
    errno = ENOSYS;
    return -1;
}

void bb_close(struct bbuf *b)
{
    /* TODO: mark the buffer closed, with the lock held, and wake every waiting
     * producer and every waiting consumer. */
    (void)b;
}
