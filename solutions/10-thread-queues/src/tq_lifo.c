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
    struct lifo *s = store;
    if (s->count == s->capacity) {
        /* Doubling keeps the cost of a push O(1) on average. */
        size_t capacity = s->capacity > 0 ? 2 * s->capacity : 8;
        void **items = realloc(s->items, capacity * sizeof *items);
        if (items == NULL)
            return -1; /* realloc left the old array intact: the store is unchanged */
        s->items = items;
        s->capacity = capacity;
    }
    s->items[s->count++] = item;
    return 0;
}

static void *lifo_pop(void *store)
{
    struct lifo *s = store;
    return s->items[--s->count];
}

const struct tq_kind tq_lifo = {
    .name = "LifoQueue",
    .create = lifo_create,
    .destroy = lifo_destroy,
    .push = lifo_push,
    .pop = lifo_pop,
};
