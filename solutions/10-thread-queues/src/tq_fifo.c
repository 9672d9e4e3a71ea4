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
    struct fifo *f = store;
    struct fifo_node *node = malloc(sizeof *node);
    if (node == NULL)
        return -1;
    *node = (struct fifo_node){.item = item, .next = NULL};
    if (f->tail == NULL)
        f->head = node; /* the list was empty: the new node is both ends */
    else
        f->tail->next = node;
    f->tail = node;
    return 0;
}

static void *fifo_pop(void *store)
{
    struct fifo *f = store;
    struct fifo_node *node = f->head;
    void *item = node->item;
    f->head = node->next;
    if (f->head == NULL)
        f->tail = NULL; /* the last node left: forget the tail too */
    free(node);
    return item;
}

const struct tq_kind tq_fifo = {
    .name = "Queue",
    .create = fifo_create,
    .destroy = fifo_destroy,
    .push = fifo_push,
    .pop = fifo_pop,
};
