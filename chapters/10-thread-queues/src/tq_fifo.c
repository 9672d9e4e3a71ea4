/* tq_fifo.c - the store of queue.Queue: first in, first out. */
#include "tq_kind.h"

#include <errno.h>
#include <stdlib.h>

/* A singly linked list: items go in at the tail and come out at the head, so both
 * ends cost O(1) and the store grows one node at a time, without limit. */
struct fifo_node {
    void *item;
    struct fifo_node *next;
};

struct fifo {
    struct fifo_node *head; /* the oldest item: the next to come out; NULL when empty */
    struct fifo_node *tail; /* the newest item; NULL when empty */
};

static void *fifo_create(tq_cmp cmp)
{
    (void)cmp;
    return calloc(1, sizeof(struct fifo));
}

static void fifo_destroy(void *store)
{
    struct fifo *f = store;
    while (f->head != NULL) {
        struct fifo_node *next = f->head->next;
        free(f->head);
        f->head = next;
    }
    free(f);
}

static int fifo_push(void *store, void *item)
{
    /* TODO: append a new node holding item at the tail (malloc; when it fails return
     * -1, malloc has set errno to ENOMEM). Mind the empty list, where the new node is
     * the head as well. */
    (void)store;
    (void)item;
    errno = ENOSYS;
    return -1;
}

static void *fifo_pop(void *store)
{
    /* TODO: unlink the head node, free it, return its item. The list is not empty;
     * when it becomes empty the tail must not point at the freed node. */
    (void)store;
    return NULL;
}

const struct tq_kind tq_fifo = {
    .name = "Queue",
    .create = fifo_create,
    .destroy = fifo_destroy,
    .push = fifo_push,
    .pop = fifo_pop,
};
