/* tq.h - thread queues: FIFO, LIFO and priority queues shared by threads.
 *
 * Python:  import queue
 *          q = queue.Queue(5)            # also queue.LifoQueue(), queue.PriorityQueue()
 *          q.put(111); item = q.get()
 *          q.task_done(); q.join()
 *          q.qsize(); q.empty(); q.full()
 *
 * One queue type serves the three kinds: the kind (tq_fifo, tq_lifo, tq_priority)
 * only decides which item comes out next; the blocking, the timeouts and the task
 * counting are the same for all three (see tq_kind.h).
 *
 * Items are void pointers that the queue stores and hands back; it never frees
 * them. Every function may be called by any number of threads at once, except
 * tq_free. */
#ifndef TQ_H
#define TQ_H

#include <stdbool.h>
#include <stddef.h>

/* What tq_put and tq_get return besides 0 (Python raises queue.Full and
 * queue.Empty). Errors are -1 with errno set. */
enum {
    TQ_OK = 0,
    TQ_FULL = 1,  /* put: no free slot, at once (block false) or within the timeout */
    TQ_EMPTY = 2, /* get: no item, at once (block false) or within the timeout */
};

/* Orders two items of a priority queue: negative when a comes out before b, zero
 * when they are equal, positive when b comes first (like strcmp: the smallest item
 * comes out first, as with Python's PriorityQueue). */
typedef int (*tq_cmp)(const void *a, const void *b);

struct tq;      /* a queue */
struct tq_kind; /* an ordering: tq_fifo, tq_lifo, tq_priority (tq_kind.h) */

extern const struct tq_kind tq_fifo;     /* queue.Queue: first in, first out */
extern const struct tq_kind tq_lifo;     /* queue.LifoQueue: last in, first out */
extern const struct tq_kind tq_priority; /* queue.PriorityQueue: smallest first by cmp;
                                          * equal items come out first in, first out */

/* Creates an empty queue of the given kind holding at most maxsize items; maxsize 0
 * means no limit (Python: Queue(maxsize=0)). cmp orders the items of a tq_priority
 * queue and is ignored (may be NULL) for the other kinds.
 *
 * Returns the queue, or NULL with errno set: ENOMEM when memory runs out, EINVAL when
 * kind is tq_priority and cmp is NULL. Free it with tq_free. */
struct tq *tq_new(const struct tq_kind *kind, size_t maxsize, tq_cmp cmp);

/* Frees the queue, not the items still in it. No thread may be using the queue, or
 * use it afterwards. NULL is allowed and does nothing. */
void tq_free(struct tq *q);

/* Puts item into the queue (Python: q.put(item, block, timeout)).
 *
 * When the queue is full (maxsize items in it):
 *   block false:             returns TQ_FULL at once; timeout is ignored.
 *   block true, timeout < 0: blocks until a slot is free, however long it takes.
 *   block true, timeout >= 0: blocks at most timeout seconds, then returns TQ_FULL.
 * A queue with maxsize 0 is never full.
 *
 * Returns TQ_OK once the item is in: one thread blocked in tq_get has been woken,
 * and the count of unfinished tasks (see tq_task_done) has grown by one. Returns -1
 * with errno ENOMEM when memory runs out; the queue is then unchanged. */
int tq_put(struct tq *q, void *item, bool block, double timeout);

/* Removes the next item and stores it in *item (Python: q.get(block, timeout)).
 * Which item is next depends on the kind.
 *
 * When the queue is empty:
 *   block false:             returns TQ_EMPTY at once; timeout is ignored.
 *   block true, timeout < 0: blocks until an item is put, however long it takes.
 *   block true, timeout >= 0: blocks at most timeout seconds, then returns TQ_EMPTY.
 *
 * Returns TQ_OK with *item set, and one thread blocked in tq_put has been woken.
 * *item is left alone when TQ_EMPTY is returned. */
int tq_get(struct tq *q, void **item, bool block, double timeout);

/* tq_put(q, item, false, 0) and tq_get(q, item, false, 0) (Python: put_nowait,
 * get_nowait): TQ_OK, or TQ_FULL / TQ_EMPTY at once. */
int tq_put_nowait(struct tq *q, void *item);
int tq_get_nowait(struct tq *q, void **item);

/* How many items are in the queue, whether it holds none, whether it holds maxsize
 * (never true when maxsize is 0). Like Python's, the answers may be out of date by
 * the time the caller reads them: another thread may put or get in between. */
size_t tq_qsize(struct tq *q);
bool tq_empty(struct tq *q);
bool tq_full(struct tq *q);

/* Marks one task done (Python: q.task_done()). Every successful tq_put adds one
 * unfinished task; each call here removes one. When none is left, every thread
 * blocked in tq_join is woken.
 *
 * Returns 0. Returns -1 with errno EINVAL (Python raises ValueError) when called more
 * times than items were put: the count stays at 0. */
int tq_task_done(struct tq *q);

/* Blocks until every item ever put has been marked done with tq_task_done (Python:
 * q.join()); returns at once when none is unfinished. Any number of threads may
 * wait in tq_join at once: all of them return. Returns 0. */
int tq_join(struct tq *q);

#endif
