/* bbuf.h - a bounded buffer shared by producer and consumer threads, with shutdown.
 *
 * Python (the course's example, done right):
 *          con = threading.Condition()
 *          with con:                           # a producer
 *              while len(items) == capacity:   # while, not if
 *                  con.wait()
 *              items.append(item)
 *              con.notify_all()
 *
 * Producers put items, consumers get them, in first-in first-out order. A full buffer
 * makes producers wait; an empty one makes consumers wait. bb_close ends the stream:
 * producers are refused from then on, consumers take what is left and then learn that
 * nothing more will come.
 *
 * Every function may be called by any number of threads at once, except bb_init and
 * bb_destroy. */
#ifndef BBUF_H
#define BBUF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* The fields are shown so that tests can check the buffer's invariants (holding lock);
 * everything else uses the functions below. */
struct bbuf {
    size_t capacity; /* never changes after bb_init */

    pthread_mutex_t lock;
    /* lock must be held when using these: */
    void **slots;             /* a ring of capacity slots */
    size_t head;              /* the slot of the oldest item */
    size_t count;             /* how many items the buffer holds: 0 .. capacity */
    bool closed;              /* bb_close was called */
    size_t max_held;          /* the largest count ever reached */
    size_t waiting_getters;   /* consumers asleep in pthread_cond_wait(&not_empty) */
    size_t waiting_putters;   /* producers asleep in pthread_cond_wait(&not_full) */
    size_t wakeups;           /* returns from pthread_cond_wait, in put and get */
    pthread_cond_t not_empty; /* signalled when an item is put, broadcast on close */
    pthread_cond_t not_full;  /* signalled when an item is taken, broadcast on close */
};

enum {
    BB_OK = 0,
    BB_CLOSED = 1, /* put: the buffer is closed; get: closed and nothing left */
};

/* Prepares an empty, open buffer of capacity slots. Returns 0, or -1 with errno EINVAL
 * when capacity is 0, ENOMEM when memory runs out. */
int bb_init(struct bbuf *b, size_t capacity);

/* Frees what bb_init allocated, not the items left in the buffer. No thread may be
 * using the buffer. */
void bb_destroy(struct bbuf *b);

/* Appends item, blocking while the buffer is full and open. Returns BB_OK once the item
 * is in, or BB_CLOSED when the buffer is closed, whether it was closed before the call
 * or while the producer waited: the item is then not stored.
 *
 * While it waits, the producer is counted in waiting_putters; each time it wakes, in
 * wakeups. A producer that wakes up and finds the buffer full and open waits again. */
int bb_put(struct bbuf *b, void *item);

/* Removes the oldest item into *item, blocking while the buffer is empty and open.
 * Returns BB_OK with *item set; items put before bb_close are still delivered after it.
 * Returns BB_CLOSED (end of stream, *item left alone) once the buffer is closed and
 * empty.
 *
 * While it waits, the consumer is counted in waiting_getters; each time it wakes, in
 * wakeups. A consumer that wakes up
 * and finds the buffer empty and open (another consumer took the item first, or the
 * wakeup was spurious) waits again: it never returns without an item or BB_CLOSED. */
int bb_get(struct bbuf *b, void **item);

/* Closes the buffer and wakes every waiting producer and consumer. Closing twice is
 * allowed and does nothing more. */
void bb_close(struct bbuf *b);

#endif
