/* shared_value.c - one typed value in shared memory: Value and RawValue. */
#include "shared_value.h"

#include <errno.h>
#include <string.h>

#include "shared_mem.h"

struct shm_value *shm_value_new(char typecode, const void *init, bool lock)
{
    /* TODO: EINVAL for a typecode shm_itemsize does not know. Map a struct shm_value
     * with shm_map (from shared_mem.c: it is zero-filled), fill its fields, copy the
     * initial item when init is not NULL, and initialize the lock with shm_lock_init
     * when lock is true (on failure unmap and return NULL with that error in errno). */
    (void)typecode;
    (void)init;
    (void)lock;
    errno = ENOSYS;
    return NULL;
}

int shm_value_get(struct shm_value *v, void *out)
{
    /* TODO: copy itemsize bytes of the value into out; when synchronized, hold the
     * lock during the copy (pthread_mutex_lock returns an error number: put it in
     * errno and return -1). */
    (void)v;
    (void)out;
    errno = ENOSYS;
    return -1;
}

int shm_value_set(struct shm_value *v, const void *in)
{
    /* TODO: like shm_value_get, copying the other way. */
    (void)v;
    (void)in;
    errno = ENOSYS;
    return -1;
}

pthread_mutex_t *shm_value_get_lock(struct shm_value *v)
{
    /* TODO: the lock of a synchronized value; NULL with EINVAL for a raw one. */
    (void)v;
    errno = ENOSYS;
    return NULL;
}

void shm_value_free(struct shm_value *v)
{
    /* TODO: ignore NULL; destroy the lock of a synchronized value; unmap. */
    (void)v;
}
