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
    if (cmp == NULL) {
        errno = EINVAL;
        return NULL;
    }
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

/* Whether a must come out before b: by cmp, then by insertion order. */
static bool before(const struct heap *h, const struct entry *a, const struct entry *b)
{
    int c = h->cmp(a->item, b->item);
    return c < 0 || (c == 0 && a->seq < b->seq);
}

static void swap(struct entry *a, struct entry *b)
{
    struct entry t = *a;
    *a = *b;
    *b = t;
}

/* Moves entries[i] up until its parent comes before it. */
static void sift_up(struct heap *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(h, &h->entries[i], &h->entries[parent]))
            break;
        swap(&h->entries[i], &h->entries[parent]);
        i = parent;
    }
}

/* Moves entries[i] down until it comes before both its children. */
static void sift_down(struct heap *h, size_t i)
{
    for (;;) {
        size_t first = i, left = 2 * i + 1, right = left + 1;
        if (left < h->count && before(h, &h->entries[left], &h->entries[first]))
            first = left;
        if (right < h->count && before(h, &h->entries[right], &h->entries[first]))
            first = right;
        if (first == i)
            return;
        swap(&h->entries[i], &h->entries[first]);
        i = first;
    }
}

static int heap_push(void *store, void *item)
{
    struct heap *h = store;
    if (h->count == h->capacity) {
        size_t capacity = h->capacity > 0 ? 2 * h->capacity : 8;
        struct entry *entries = realloc(h->entries, capacity * sizeof *entries);
        if (entries == NULL)
            return -1; /* the old array is intact: the store is unchanged */
        h->entries = entries;
        h->capacity = capacity;
    }
    h->entries[h->count] = (struct entry){.item = item, .seq = h->next_seq++};
    sift_up(h, h->count++);
    return 0;
}

static void *heap_pop(void *store)
{
    struct heap *h = store;
    void *item = h->entries[0].item;
    /* The last entry fills the hole at the root, then sinks to its place. */
    h->entries[0] = h->entries[--h->count];
    sift_down(h, 0);
    return item;
}

const struct tq_kind tq_priority = {
    .name = "PriorityQueue",
    .create = heap_create,
    .destroy = heap_destroy,
    .push = heap_push,
    .pop = heap_pop,
};
