/* shared_string.c - a fixed-size text in shared memory. */
#include "shared_string.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared_mem.h"

struct shm_string *shm_string_new(size_t capacity, const char *init)
{
    /* TODO: EINVAL for capacity 0. Map the header and capacity bytes of text,
     * initialize the lock, and store init (when not NULL) by the truncation rule of
     * shared_string.h. */
    (void)capacity;
    (void)init;
    errno = ENOSYS;
    return NULL;
}

ssize_t shm_string_set(struct shm_string *s, const char *text)
{
    /* TODO: under the lock, copy at most capacity - 1 bytes of text and a zero byte;
     * return strlen(text). */
    (void)s;
    (void)text;
    errno = ENOSYS;
    return -1;
}

ssize_t shm_string_get(struct shm_string *s, char *buf, size_t size)
{
    /* TODO: under the lock, copy at most size - 1 bytes of the text and a zero byte
     * into buf (nothing when size is 0); return the length of the stored text. */
    (void)s;
    (void)buf;
    (void)size;
    errno = ENOSYS;
    return -1;
}

pthread_mutex_t *shm_string_get_lock(struct shm_string *s)
{
    /* TODO: the string's lock. */
    (void)s;
    return NULL;
}

void shm_string_free(struct shm_string *s)
{
    /* TODO: ignore NULL; destroy the lock; unmap header and text. */
    (void)s;
}
