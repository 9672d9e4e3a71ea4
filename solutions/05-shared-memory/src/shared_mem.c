/* shared_mem.c - memory, and locks inside it, that stay shared across fork. */
#include "shared_mem.h"

#include <errno.h>
#include <sys/mman.h>

void *shm_map(size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* MAP_SHARED: fork gives the child the same pages, not copies of them.
     * MAP_ANONYMOUS: no file behind it; the kernel hands out zero-filled pages. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int shm_unmap(void *addr, size_t size)
{
    if (addr == NULL || size == 0) {
        errno = EINVAL;
        return -1;
    }
    return munmap(addr, size);
}

int shm_lock_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    /* Without PROCESS_SHARED the mutex may rely on per-process state (a private
     * futex) and would not wake a waiter in another process. */
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    if (rc == 0)
        rc = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}
