/* robust_lock.c - a lock that survives the death of its holder (beyond Python). */
#include "robust_lock.h"

#include <errno.h>
#include <sys/mman.h>

static int init_mutex(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    /* ROBUST: the kernel keeps a list of the robust mutexes each thread holds and
     * releases them, marked "owner died", when the thread's process ends. */
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    if (rc == 0)
        rc = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

struct robust_lock *robust_lock_new(void)
{
    struct robust_lock *l = mmap(NULL, sizeof *l, PROT_READ | PROT_WRITE,
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

int robust_lock_acquire(struct robust_lock *l)
{
    int rc = pthread_mutex_lock(&l->mutex);
    if (rc == 0)
        return ROBUST_ACQUIRED;
    /* EOWNERDEAD: we hold the lock, but the data it guards may be half-updated. */
    if (rc == EOWNERDEAD)
        return ROBUST_OWNER_DIED;
    errno = rc;
    return -1;
}

int robust_lock_consistent(struct robust_lock *l)
{
    int rc = pthread_mutex_consistent(&l->mutex);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

int robust_lock_release(struct robust_lock *l)
{
    int rc = pthread_mutex_unlock(&l->mutex);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

void robust_lock_free(struct robust_lock *l)
{
    if (l == NULL)
        return;
    pthread_mutex_destroy(&l->mutex);
    munmap(l, sizeof *l);
}
