/* dq.h - a double-ended queue with a maximum length, shared by threads.
 *
 * Python:  from collections import deque
 *          d = deque(maxlen=3)
 *          d.append(1); d.appendleft(0)     # add at the right / left end
 *          d.pop(); d.popleft()             # remove from the right / left end
 *          len(d); d.maxlen
 *
 * A full deque makes room: appending at one end discards the item at the other end,
 * as Python's does. Nothing ever blocks; each operation is atomic (one lock), so any
 * number of threads may use the deque at once, except dq_free.
 *
 * Items are void pointers the deque stores and hands back; it never frees them: an
 * item discarded by an append is handed to the caller through *dropped. Python's
 * unbounded deque (maxlen=None) is not covered here. */
#ifndef DQ_H
#define DQ_H

#include <stddef.h>

enum {
    DQ_OK = 0,
    DQ_DROPPED = 1, /* append: the deque was full, an item was discarded */
    DQ_EMPTY = 2,   /* pop: the deque holds nothing (Python raises IndexError) */
};

struct dq;

/* Creates an empty deque holding at most maxlen items. Returns it, or NULL with errno
 * EINVAL when maxlen is 0, ENOMEM when memory runs out. Free it with dq_free. */
struct dq *dq_new(size_t maxlen);

/* Frees the deque, not the items still in it. NULL is allowed and does nothing. */
void dq_free(struct dq *d);

/* Adds item at the right end (dq_append) or at the left end (dq_appendleft).
 *
 * Returns DQ_OK when there was room. When the deque already held maxlen items, the
 * item at the other end (the leftmost for dq_append, the rightmost for
 * dq_appendleft) is discarded to make room: it is stored in *dropped (when dropped is
 * not NULL) and DQ_DROPPED is returned. */
int dq_append(struct dq *d, void *item, void **dropped);
int dq_appendleft(struct dq *d, void *item, void **dropped);

/* Removes the item at the right end (dq_pop) or at the left end (dq_popleft) and
 * stores it in *item. Returns DQ_OK, or DQ_EMPTY (and *item is left alone) when the
 * deque holds nothing. */
int dq_pop(struct dq *d, void **item);
int dq_popleft(struct dq *d, void **item);

/* How many items the deque holds (Python: len(d)), and its maxlen. */
size_t dq_len(struct dq *d);
size_t dq_maxlen(const struct dq *d);

#endif
