/* tq_helpers.h - what the chapter's tests share: a test store, and watching a thread
 * block. */
#ifndef TQ_HELPERS_H
#define TQ_HELPERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <stdint.h>

#include "tq.h"
#include "tq_kind.h"

/* Items are numbers disguised as non-NULL pointers: ITEM(0) is (void *)1. */
#define ITEM(i) ((void *)(uintptr_t)((i) + 1))
#define ID(item) ((long)(uintptr_t)(item) - 1)

/* A first-in first-out store for testing tq_core.c on its own, without the student's
 * stores. It records the most items it ever held, and can be told to fail. Its fields
 * are used under the queue's lock, or by the test once the other threads are joined. */
struct test_store {
    void **items;
    size_t head, tail, capacity; /* items[head .. tail-1] */
    size_t max_held;             /* the most items held at one time */
    bool fail_pushes;            /* push fails with ENOMEM while true */
};
extern const struct tq_kind test_kind;
extern struct test_store *test_store_last; /* the store test_kind created last */

/* One thread that the test watches block. The thread calls watch_begin(w) just before
 * the call that should block, and watch_end(w) just after it returns. */
struct watch {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pid_t tid;   /* the watched thread's id, once begun */
    bool begun;  /* watch_begin was called */
    bool ended;  /* watch_end was called */
};
void watch_init(struct watch *w);
void watch_destroy(struct watch *w);
void watch_begin(struct watch *w);
void watch_end(struct watch *w);
bool watch_ended(struct watch *w);

/* Waits until the watched thread has begun and then is either asleep in the kernel
 * (blocked: returns true) or has ended its call (returns false). Fails the test when
 * neither happens within 5 s (a thread spinning instead of blocking). */
bool watch_blocks(struct watch *w);

#endif
