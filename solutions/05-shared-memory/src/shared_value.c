/* shared_value.c - one typed value in shared memory: Value and RawValue. */
#include "shared_value.h"

#include <errno.h>
#include <string.h>

#include "shared_mem.h"

struct shm_value *shm_value_new(char typecode, const void *init, bool lock)
{
    size_t itemsize = shm_itemsize(typecode);
    if (itemsize == 0) {
        errno = EINVAL;
        return NULL;
    }
    struct shm_value *v = shm_map(sizeof *v); /* zero-filled: the value starts at 0 */
    if (v == NULL)
        return NULL;
    v->synchronized = lock;
    v->typecode = typecode;
    v->itemsize = itemsize;
    if (init != NULL)
        memcpy(&v->data, init, itemsize);
    int rc = lock ? shm_lock_init(&v->lock) : 0;
    if (rc != 0) {
        shm_unmap(v, sizeof *v);
        errno = rc;
        return NULL;
    }
    return v;
}

/* Takes the lock of a synchronized value; a raw value has none to take. */
static int lock_if_synchronized(struct shm_value *v)
{
    int rc = v->synchronized ? pthread_mutex_lock(&v->lock) : 0;
    if (rc != 0) {
        errno = rc; /* pthread functions return the error instead of setting errno */
        return -1;
    }
    return 0;
}

static void unlock_if_synchronized(struct shm_value *v)
{
    if (v->synchronized)
        pthread_mutex_unlock(&v->lock);
}

int shm_value_get(struct shm_value *v, void *out)
{
    if (lock_if_synchronized(v) < 0)
        return -1;
    memcpy(out, &v->data, v->itemsize);
    unlock_if_synchronized(v);
    return 0;
}

int shm_value_set(struct shm_value *v, const void *in)
{
    if (lock_if_synchronized(v) < 0)
        return -1;
    memcpy(&v->data, in, v->itemsize);
    unlock_if_synchronized(v);
    return 0;
}

pthread_mutex_t *shm_value_get_lock(struct shm_value *v)
{
    if (!v->synchronized) {
        errno = EINVAL;
        return NULL;
    }
    return &v->lock;
}

void shm_value_free(struct shm_value *v)
{
    if (v == NULL)
        return;
    if (v->synchronized)
        pthread_mutex_destroy(&v->lock);
    shm_unmap(v, sizeof *v);
}
