/* shared_array.c - a fixed-length typed array in shared memory: Array and RawArray. */
#include "shared_array.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared_mem.h"

/* The size of the whole mapping: the header, then the items. */
static size_t mapping_size(const struct shm_array *a)
{
    return sizeof *a + a->length * a->itemsize;
}

struct shm_array *shm_array_new(char typecode, size_t length, const void *init, bool lock)
{
    size_t itemsize = shm_itemsize(typecode);
    if (itemsize == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* length * itemsize could wrap around and map far too little: check first. */
    if (length > (SIZE_MAX - sizeof(struct shm_array)) / itemsize) {
        errno = ENOMEM;
        return NULL;
    }
    struct shm_array *a = shm_map(sizeof *a + length * itemsize);
    if (a == NULL)
        return NULL;
    *a = (struct shm_array){.synchronized = lock, .typecode = typecode,
                            .itemsize = itemsize, .length = length};
    if (init != NULL && length > 0)
        memcpy(a->items, init, length * itemsize);
    int rc = lock ? shm_lock_init(&a->lock) : 0;
    if (rc != 0) {
        shm_unmap(a, mapping_size(a));
        errno = rc;
        return NULL;
    }
    return a;
}

size_t shm_array_len(const struct shm_array *a)
{
    return a->length;
}

static int lock_if_synchronized(struct shm_array *a)
{
    int rc = a->synchronized ? pthread_mutex_lock(&a->lock) : 0;
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

static void unlock_if_synchronized(struct shm_array *a)
{
    if (a->synchronized)
        pthread_mutex_unlock(&a->lock);
}

static char *item(struct shm_array *a, size_t index)
{
    return (char *)a->items + index * a->itemsize;
}

int shm_array_get(struct shm_array *a, size_t index, void *out)
{
    /* length never changes: the bounds check needs no lock. */
    if (index >= a->length) {
        errno = ERANGE;
        return -1;
    }
    if (lock_if_synchronized(a) < 0)
        return -1;
    memcpy(out, item(a, index), a->itemsize);
    unlock_if_synchronized(a);
    return 0;
}

int shm_array_set(struct shm_array *a, size_t index, const void *in)
{
    if (index >= a->length) {
        errno = ERANGE;
        return -1;
    }
    if (lock_if_synchronized(a) < 0)
        return -1;
    memcpy(item(a, index), in, a->itemsize);
    unlock_if_synchronized(a);
    return 0;
}

int shm_array_read(struct shm_array *a, void *out)
{
    /* One lock around the whole copy: item-by-item locking could mix old and new. */
    if (lock_if_synchronized(a) < 0)
        return -1;
    if (a->length > 0)
        memcpy(out, a->items, a->length * a->itemsize);
    unlock_if_synchronized(a);
    return 0;
}

pthread_mutex_t *shm_array_get_lock(struct shm_array *a)
{
    if (!a->synchronized) {
        errno = EINVAL;
        return NULL;
    }
    return &a->lock;
}

void shm_array_free(struct shm_array *a)
{
    if (a == NULL)
        return;
    if (a->synchronized)
        pthread_mutex_destroy(&a->lock);
    shm_unmap(a, mapping_size(a));
}
