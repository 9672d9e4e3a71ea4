/* pc_helpers.h - what the chapter's tests share. */
#ifndef PC_HELPERS_H
#define PC_HELPERS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "bbuf.h"

/* Items are numbers disguised as non-NULL pointers: ITEM(0) is (void *)1. */
#define ITEM(i) ((void *)(uintptr_t)((i) + 1))
#define ID(item) ((long)(uintptr_t)(item) - 1)

/* Threads making one bb_put or bb_get that should wait; returned counts those whose
 * call has returned (guarded by lock). */
struct racer {
    struct bbuf *b;
    pthread_mutex_t *lock;
    int *returned;
    void *item; /* the item to put, or the item got */
    int rc;
};
void *race_get(void *racer);
void *race_put(void *racer);

/* Polls, holding b->lock, until *field == value (name says which field); fails the
 * test at once when a racer has returned (it should be waiting), and after 5 s. */
void wait_waiting(struct bbuf *b, const size_t *field, size_t value, const char *name,
                  pthread_mutex_t *lock, const int *returned);

/* Reads *field holding b->lock. */
size_t read_field(struct bbuf *b, const size_t *field);

/* Checks that ids[0 .. n-1] is exactly 0 .. total-1, each once. */
void check_each_once(const long *ids, long n, long total);

#endif
