/* plock.c - a lock shared by processes: multiprocessing.Lock. */
#include "plock.h"

#include <errno.h>
#include <sys/mman.h>

#include "deadline.h"

/* Initializes a mutex that works across processes and reports misuse. */
static int init_mutex(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    /* ERRORCHECK: unlock by a non-owner fails with EPERM instead of corrupting the
     * lock, and relocking by the owner fails with EDEADLK instead of hanging. */
    if (rc == 0)
        rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    if (rc == 0)
        rc = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

struct plock *plock_new(void)
{
    /* Shared memory: after fork, every process sees this one mutex, not a copy. */
    struct plock *l = mmap(NULL, sizeof *l, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (l == MAP_FAILED)
        return NULL;
    int rc = init_mutex(&l->mutex);
    if (rc != 0) {
        munmap(l, sizeof *l);
        errno = rc;
        return NULL;
    }
    return l;
}

int plock_acquire(struct plock *l, bool block, double timeout)
{
    int rc;
    if (!block) {
        rc = pthread_mutex_trylock(&l->mutex);
    } else if (timeout < 0) {
        rc = pthread_mutex_lock(&l->mutex);
    } else {
        /* An absolute deadline on the monotonic clock: setting the wall clock
         * neither shortens nor stretches the wait. */
        struct timespec when = deadline_after(timeout);
        rc = pthread_mutex_clocklock(&l->mutex, CLOCK_MONOTONIC, &when);
    }
    if (rc == 0)
        return 1;
    if (rc == EBUSY || rc == ETIMEDOUT)
        return 0; /* not acquired: not an error */
    errno = rc;
    return -1;
}

int plock_release(struct plock *l)
{
    int rc = pthread_mutex_unlock(&l->mutex);
    if (rc != 0) {
        errno = rc; /* EPERM from the error-checking mutex: not the owner */
        return -1;
    }
    return 0;
}

void plock_free(struct plock *l)
{
    if (l == NULL)
        return;
    pthread_mutex_destroy(&l->mutex);
    munmap(l, sizeof *l);
}
