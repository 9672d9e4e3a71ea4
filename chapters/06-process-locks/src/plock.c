/* plock.c - a lock shared by processes: multiprocessing.Lock. */
#include "plock.h"

#include <errno.h>
#include <sys/mman.h>

#include "deadline.h"

struct plock *plock_new(void)
{
    /* TODO: mmap a struct plock in anonymous shared memory and initialize its mutex
     * with a pthread_mutexattr_t set to PTHREAD_PROCESS_SHARED and
     * PTHREAD_MUTEX_ERRORCHECK (destroy the attribute afterwards). On failure unmap,
     * set errno to the error and return NULL. */
    errno = ENOSYS;
    return NULL;
}

int plock_acquire(struct plock *l, bool block, double timeout)
{
    /* TODO: block false: pthread_mutex_trylock. block with timeout < 0:
     * pthread_mutex_lock. Otherwise pthread_mutex_clocklock on CLOCK_MONOTONIC until
     * deadline_after(timeout). 0 from them is 1 (acquired); EBUSY and ETIMEDOUT are 0
     * (not acquired); any other error number goes to errno with -1. */
    (void)l;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int plock_release(struct plock *l)
{
    /* TODO: pthread_mutex_unlock; its error number (EPERM when not the holder) goes
     * to errno with -1. */
    (void)l;
    errno = ENOSYS;
    return -1;
}

void plock_free(struct plock *l)
{
    /* TODO: ignore NULL; destroy the mutex and unmap. */
    (void)l;
}
