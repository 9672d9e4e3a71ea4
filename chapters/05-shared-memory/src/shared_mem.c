/* shared_mem.c - memory, and locks inside it, that stay shared across fork. */
#include "shared_mem.h"

#include <errno.h>
#include <sys/mman.h>

void *shm_map(size_t size)
{
    /* TODO: EINVAL for size 0. Otherwise mmap size bytes, readable and writable,
     * MAP_SHARED | MAP_ANONYMOUS (no file: fd -1, offset 0). mmap reports failure
     * with MAP_FAILED, not NULL: return NULL then (mmap has set errno). */
    (void)size;
    errno = ENOSYS;
    return NULL;
}

int shm_unmap(void *addr, size_t size)
{
    /* TODO: EINVAL for a NULL addr or a size of 0, else munmap. */
    (void)addr;
    (void)size;
    errno = ENOSYS;
    return -1;
}

int shm_lock_init(pthread_mutex_t *m)
{
    /* TODO: a pthread_mutexattr_t set to PTHREAD_PROCESS_SHARED and
     * PTHREAD_MUTEX_RECURSIVE, then pthread_mutex_init. Destroy the attribute on every
     * path and return the first error number. */
    (void)m;
    return ENOSYS;
}
