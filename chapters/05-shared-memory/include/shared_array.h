/* shared_array.h - a fixed-length typed array in shared memory: Array and RawArray.
 *
 * Python:  arr = Array('i', range(10))    # synchronized: one lock for the whole array
 *          raw = RawArray('d', 5)         # five zeros, no lock
 *          arr[3] = -3; x = arr[3]        # IndexError past the end
 *          len(arr); arr[:]               # a copy of every item
 *
 * A struct shm_array and its items live in one shared mapping, so every process
 * forked after shm_array_new sees the same items.
 */
#ifndef SHARED_ARRAY_H
#define SHARED_ARRAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "shm_types.h"

/* Read the fields, never change them: the functions do. */
struct shm_array {
    pthread_mutex_t lock; /* process-shared and recursive; initialized only when
                             synchronized */
    bool synchronized;    /* false for a raw array */
    char typecode;        /* 'c', 'i', 'l' or 'd' */
    size_t itemsize;      /* shm_itemsize(typecode) */
    size_t length;        /* the number of items, fixed at creation */
    max_align_t items[];  /* length * itemsize bytes of items follow the header */
};

/* Makes a new array of length items of typecode, in shared memory, initialized from
 * the length items at init (an int[] for 'i', ...) or to zeros when init is NULL.
 * A length of 0 is allowed. lock true makes it synchronized, as Array; false makes
 * it raw, as RawArray.
 *
 * Returns the new array; free it with shm_array_free. Returns NULL with errno set:
 * EINVAL for an unknown typecode; ENOMEM when length * itemsize does not fit in a
 * size_t (checked before mapping anything) or the memory cannot be mapped. */
struct shm_array *shm_array_new(char typecode, size_t length, const void *init,
                                bool lock);

/* The number of items. */
size_t shm_array_len(const struct shm_array *a);

/* Copies item index into *out (itemsize bytes), under the lock when synchronized;
 * blocks while another process holds it.
 *
 * Returns 0. Returns -1 with errno ERANGE when index >= length (Python's IndexError),
 * *out untouched; or with the errno of a lock that cannot be taken. */
int shm_array_get(struct shm_array *a, size_t index, void *out);

/* Stores the item at *in as item index, under the lock when synchronized; blocks
 * while another process holds it. Returns 0, or -1 with errno ERANGE when
 * index >= length (nothing is stored), or the errno of a lock that cannot be taken. */
int shm_array_set(struct shm_array *a, size_t index, const void *in);

/* Copies every item into out (length * itemsize bytes), as arr[:]. A synchronized
 * array holds its lock for the whole copy, so the copy is a snapshot: it never mixes
 * items from before and after a change made under the lock by another process.
 * Returns 0, or -1 with errno set when the lock cannot be taken. */
int shm_array_read(struct shm_array *a, void *out);

/* The array's lock, as get_lock(): recursive and process-shared. Returns NULL with
 * errno EINVAL for a raw array. */
pthread_mutex_t *shm_array_get_lock(struct shm_array *a);

/* Destroys the lock (if any) and unmaps the array in the calling process. Call it in
 * one process, once no other process uses the array. NULL is ignored. */
void shm_array_free(struct shm_array *a);

#endif
