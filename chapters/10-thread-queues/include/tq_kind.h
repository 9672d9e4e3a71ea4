/* tq_kind.h - the ordering of a thread queue, as a small strategy.
 *
 * Python's queue.Queue keeps its items in a store reached only through four methods
 * (_init, _qsize, _put, _get); LifoQueue and PriorityQueue override just those, and
 * inherit all the locking and waiting. Here a kind is the same four operations in a
 * struct of function pointers, and tq_core.c holds the one copy of the blocking logic.
 *
 * A store knows nothing of threads: tq_core.c calls these functions only with the
 * queue's lock held, so only one of them runs at a time on a given store. */
#ifndef TQ_KIND_H
#define TQ_KIND_H

#include "tq.h"

struct tq_kind {
    const char *name; /* Python's class name: "Queue", "LifoQueue", "PriorityQueue" */

    /* Returns a new empty store, or NULL with errno set (ENOMEM; EINVAL when the kind
     * needs cmp and it is NULL). cmp is only used by the priority kind. */
    void *(*create)(tq_cmp cmp);

    /* Frees the store, not the items still in it. */
    void (*destroy)(void *store);

    /* Adds item to the store; a store has no size limit (tq_core.c enforces maxsize).
     * Returns 0, or -1 with errno ENOMEM: the store is then unchanged. */
    int (*push)(void *store, void *item);

    /* Removes and returns the item that comes out next. The store is not empty
     * (the caller makes sure of it). */
    void *(*pop)(void *store);
};

#endif
