/* shared_array.c - a fixed-length typed array in shared memory: Array and RawArray. */
#include "shared_array.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared_mem.h"

struct shm_array *shm_array_new(char typecode, size_t length, const void *init, bool lock)
{
    /* TODO: EINVAL for an unknown typecode; ENOMEM when the header plus
     * length * itemsize bytes do not fit in a size_t (check with a division, before
     * multiplying). Map header and items with shm_map, fill the header, copy the
     * initial items when init is not NULL, and initialize the lock when lock is true
     * (on failure unmap and return NULL with the error in errno). */
    (void)typecode;
    (void)length;
    (void)init;
    (void)lock;
    errno = ENOSYS;
    return NULL;
}

size_t shm_array_len(const struct shm_array *a)
{
    /* TODO: the number of items. */
    (void)a;
    return 0;
}

int shm_array_get(struct shm_array *a, size_t index, void *out)
{
    /* TODO: ERANGE when index >= length. Copy item index (at byte
     * index * itemsize of items) into out, under the lock when synchronized. */
    (void)a;
    (void)index;
    (void)out;
    errno = ENOSYS;
    return -1;
}

int shm_array_set(struct shm_array *a, size_t index, const void *in)
{
    /* TODO: like shm_array_get, copying the other way. */
    (void)a;
    (void)index;
    (void)in;
    errno = ENOSYS;
    return -1;
}

int shm_array_read(struct shm_array *a, void *out)
{
    /* TODO: copy all the items into out, holding the lock (when synchronized) for the
     * whole copy. */
    (void)a;
    (void)out;
    errno = ENOSYS;
    return -1;
}

pthread_mutex_t *shm_array_get_lock(struct shm_array *a)
{
    /* TODO: the lock of a synchronized array; NULL with EINVAL for a raw one. */
    (void)a;
    errno = ENOSYS;
    return NULL;
}

void shm_array_free(struct shm_array *a)
{
    /* TODO: ignore NULL; destroy the lock of a synchronized array; unmap the whole
     * mapping (header and items). */
    (void)a;
}
