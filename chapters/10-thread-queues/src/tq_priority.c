/* tq_priority.c - the store of queue.PriorityQueue: smallest first, ties in order. */
#include "tq_kind.h"

#include <errno.h>
#include <stdlib.h>

/* Each item is stored with the number of items pushed before it. Comparing that
 * number when cmp finds two items equal makes the heap behave as if every item were
 * unique, so equal items come out in the order they went in. (Python's heapq does not
 * promise this by itself; its documentation suggests the same counter.) */
struct entry {
    void *item;
    unsigned long long seq;
};

/* A binary min-heap in an array: the children of entries[i] are entries[2i+1] and
 * entries[2i+2], and no entry comes before its parent. */
struct heap {
    struct entry *entries;
    size_t count;
    size_t capacity;
    unsigned long long next_seq; /* the seq the next push will get */
    tq_cmp cmp;
};

static void *heap_create(tq_cmp cmp)
{
    /* TODO: a priority queue cannot order its items without cmp: when cmp is NULL,
     * fail with errno EINVAL. */
    struct heap *h = calloc(1, sizeof *h);
    if (h != NULL)
        h->cmp = cmp;
    return h;
}

static void heap_destroy(void *store)
{
    struct heap *h = store;
    free(h->entries);
    free(h);
}

static int heap_push(void *store, void *item)
{
    /* TODO: grow the array when it is full (as a stack does; on failure return -1
     * with the store unchanged), add {item, next_seq++} at the end and move it up
     * while it comes before its parent. "Comes before": cmp < 0, or cmp == 0 and a
     * smaller seq. */
    (void)store;
    (void)item;
    errno = ENOSYS;
    return -1;
}

static void *heap_pop(void *store)
{
    /* TODO: the root is the item to return. Move the last entry to the root, then
     * move it down, swapping with whichever child comes first, while a child comes
     * before it. The heap is not empty. */
    (void)store;
    return NULL;
}

const struct tq_kind tq_priority = {
    .name = "PriorityQueue",
    .create = heap_create,
    .destroy = heap_destroy,
    .push = heap_push,
    .pop = heap_pop,
};
