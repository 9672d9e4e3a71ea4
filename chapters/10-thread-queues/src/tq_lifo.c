/* tq_lifo.c - the store of queue.LifoQueue: last in, first out (a stack). */
#include "tq_kind.h"

#include <errno.h>
#include <stdlib.h>

/* A growing array used as a stack: the top is items[count - 1]. */
struct lifo {
    void **items;
    size_t count;
    size_t capacity;
};

static void *lifo_create(tq_cmp cmp)
{
    (void)cmp;
    return calloc(1, sizeof(struct lifo));
}

static void lifo_destroy(void *store)
{
    struct lifo *s = store;
    free(s->items);
    free(s);
}

static int lifo_push(void *store, void *item)
{
    /* TODO: when the array is full, grow it (realloc to twice the capacity, or 8 at
     * first; on failure return -1 with the store unchanged), then put item on top. */
    (void)store;
    (void)item;
    errno = ENOSYS;
    return -1;
}

static void *lifo_pop(void *store)
{
    /* TODO: take the item on top. The stack is not empty. */
    (void)store;
    return NULL;
}

const struct tq_kind tq_lifo = {
    .name = "LifoQueue",
    .create = lifo_create,
    .destroy = lifo_destroy,
    .push = lifo_push,
    .pop = lifo_pop,
};
