/* shared_string.c - a fixed-size text in shared memory. */
#include "shared_string.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared_mem.h"

/* Copies src into dst of size bytes by the snprintf rule: at most size - 1 bytes,
 * then a zero byte. Returns strlen(src). The caller holds the lock. */
static size_t copy_truncated(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);
    if (size == 0)
        return len;
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return len;
}

struct shm_string *shm_string_new(size_t capacity, const char *init)
{
    if (capacity == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (capacity > SIZE_MAX - sizeof(struct shm_string)) {
        errno = ENOMEM;
        return NULL;
    }
    struct shm_string *s = shm_map(sizeof *s + capacity); /* zeros: the empty text */
    if (s == NULL)
        return NULL;
    s->capacity = capacity;
    int rc = shm_lock_init(&s->lock);
    if (rc != 0) {
        shm_unmap(s, sizeof *s + capacity);
        errno = rc;
        return NULL;
    }
    if (init != NULL)
        copy_truncated(s->text, capacity, init); /* no other process has it yet */
    return s;
}

ssize_t shm_string_set(struct shm_string *s, const char *text)
{
    int rc = pthread_mutex_lock(&s->lock);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    /* Under the lock: a reader never sees half of the old text and half of the new. */
    size_t len = copy_truncated(s->text, s->capacity, text);
    pthread_mutex_unlock(&s->lock);
    return (ssize_t)len;
}

ssize_t shm_string_get(struct shm_string *s, char *buf, size_t size)
{
    int rc = pthread_mutex_lock(&s->lock);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    size_t len = copy_truncated(buf, size, s->text);
    pthread_mutex_unlock(&s->lock);
    return (ssize_t)len;
}

pthread_mutex_t *shm_string_get_lock(struct shm_string *s)
{
    return &s->lock;
}

void shm_string_free(struct shm_string *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    shm_unmap(s, sizeof *s + s->capacity);
}
