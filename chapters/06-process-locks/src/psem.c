/* psem.c - a counting semaphore shared by processes: multiprocessing.Semaphore. */
#include "psem.h"

#include <errno.h>
#include <limits.h>
#include <sys/mman.h>

#include "deadline.h"

struct psem *psem_new(unsigned value)
{
    /* TODO: EINVAL when value > SEM_VALUE_MAX. mmap a struct psem in anonymous
     * shared memory and sem_init it with pshared = 1 (on failure unmap, keeping
     * errno). */
    (void)value;
    errno = ENOSYS;
    return NULL;
}

int psem_acquire(struct psem *s, bool block, double timeout)
{
    /* TODO: block false: sem_trywait (EAGAIN means 0). block with timeout < 0:
     * sem_wait. Otherwise sem_clockwait on CLOCK_MONOTONIC until a deadline computed
     * ONCE with deadline_after (ETIMEDOUT means 0). Retry the same call, with the same
     * deadline, when it fails with EINTR. */
    (void)s;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int psem_release(struct psem *s)
{
    /* TODO: sem_post. */
    (void)s;
    errno = ENOSYS;
    return -1;
}

int psem_get_value(struct psem *s)
{
    /* TODO: sem_getvalue. */
    (void)s;
    return -1;
}

void psem_free(struct psem *s)
{
    /* TODO: ignore NULL; sem_destroy and unmap. */
    (void)s;
}
