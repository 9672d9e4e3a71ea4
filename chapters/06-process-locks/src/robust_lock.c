/* robust_lock.c - a lock that survives the death of its holder (beyond Python). */
#include "robust_lock.h"

#include <errno.h>
#include <sys/mman.h>

struct robust_lock *robust_lock_new(void)
{
    /* TODO: mmap a struct robust_lock in anonymous shared memory; initialize its mutex
     * PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST (pthread_mutexattr_setrobust) and
     * PTHREAD_MUTEX_ERRORCHECK. On failure unmap and return NULL with errno set. */
    errno = ENOSYS;
    return NULL;
}

int robust_lock_acquire(struct robust_lock *l)
{
    /* TODO: pthread_mutex_lock: 0 is ROBUST_ACQUIRED, EOWNERDEAD is ROBUST_OWNER_DIED
     * (the caller then holds the lock), any other error number goes to errno with
     * -1. */
    (void)l;
    errno = ENOSYS;
    return -1;
}

int robust_lock_consistent(struct robust_lock *l)
{
    /* TODO: pthread_mutex_consistent; an error number goes to errno with -1. */
    (void)l;
    errno = ENOSYS;
    return -1;
}

int robust_lock_release(struct robust_lock *l)
{
    /* TODO: pthread_mutex_unlock; an error number goes to errno with -1. */
    (void)l;
    errno = ENOSYS;
    return -1;
}

void robust_lock_free(struct robust_lock *l)
{
    /* TODO: ignore NULL; destroy the mutex and unmap. */
    (void)l;
}
