/* mpq_init.c - creating and closing a queue shared by processes. */
#include "mpq.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

int mpq_init(struct mpq *q, size_t maxsize)
{
    /* TODO: EINVAL when maxsize > SEM_VALUE_MAX. Map a struct mpq_shared with
     * mmap(MAP_SHARED | MAP_ANONYMOUS), so that children share it after fork.
     * sem_init each semaphore with pshared 1: slots to maxsize (SEM_VALUE_MAX when
     * maxsize is 0), wlock and rlock to 1. Make the pipe (pipe2 with O_CLOEXEC) and
     * fill *q. On failure unmap what you mapped and keep the failing call's errno. */
    (void)q;
    (void)maxsize;
    errno = ENOSYS;
    return -1;
}

int mpq_close(struct mpq *q)
{
    /* TODO: nothing when already closed. Otherwise close both descriptors, munmap
     * the shared part (no sem_destroy: other processes may still use it), set the
     * descriptors to -1, shared to NULL and closed to true. */
    (void)q;
    return -1;
}
