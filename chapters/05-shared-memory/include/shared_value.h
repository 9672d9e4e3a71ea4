/* shared_value.h - one typed value in shared memory: Value and RawValue.
 *
 * Python:  num = Value('d', 0.0)         # synchronized: every access takes its lock
 *          raw = RawValue('i', 7)         # no lock at all
 *          num.value = 3.1415927; x = num.value
 *          with num.get_lock():           # several accesses as one step
 *              num.value += 1
 *
 * A struct shm_value lives at the start of its own shared mapping, so every process
 * forked after shm_value_new sees the same value.
 */
#ifndef SHARED_VALUE_H
#define SHARED_VALUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "shm_types.h"

/* Read the fields, never change them: the functions do. */
struct shm_value {
    pthread_mutex_t lock; /* process-shared and recursive; initialized only when
                             synchronized */
    bool synchronized;    /* false for a raw value */
    char typecode;        /* 'c', 'i', 'l' or 'd' */
    size_t itemsize;      /* shm_itemsize(typecode) */
    union {               /* the value itself, in the member that typecode names */
        char c;
        int i;
        long l;
        double d;
    } data;
};

/* Makes a new value of typecode (see shm_types.h), in shared memory, initialized
 * from the item at init (an int for 'i', a double for 'd', ...) or to zero when init
 * is NULL. With lock true it is synchronized, as Value(typecode, init); with lock
 * false it is raw, as RawValue(typecode, init).
 *
 * Returns the new value; free it with shm_value_free. Returns NULL with errno set:
 * EINVAL for an unknown typecode, ENOMEM (or another errno from mmap) when it cannot
 * be mapped. */
struct shm_value *shm_value_new(char typecode, const void *init, bool lock);

/* Copies the value into *out (itemsize bytes: an int for 'i', a double for 'd').
 * A synchronized value takes its lock around the copy, so a value written by another
 * process at the same time is never seen half-written; a raw value takes no lock.
 * Blocks while another process holds the lock.
 *
 * Returns 0, or -1 with errno set when the lock cannot be taken. */
int shm_value_get(struct shm_value *v, void *out);

/* Stores the item at *in as the new value, under the lock when synchronized.
 * Blocks while another process holds the lock. Returns 0, or -1 with errno set when
 * the lock cannot be taken.
 *
 * Note that get then set, even synchronized, is not one step: another process may
 * set the value between the two. Hold shm_value_get_lock around both. */
int shm_value_set(struct shm_value *v, const void *in);

/* The value's lock, as get_lock(): a recursive, process-shared mutex; while a
 * process holds it, other processes' shm_value_get and shm_value_set wait.
 *
 * Returns NULL with errno EINVAL for a raw value, which has no lock. */
pthread_mutex_t *shm_value_get_lock(struct shm_value *v);

/* Destroys the lock (if any) and unmaps the value in the calling process. Call it in
 * one process, once no other process uses the value. NULL is ignored. */
void shm_value_free(struct shm_value *v);

#endif
