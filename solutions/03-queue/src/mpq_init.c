/* mpq_init.c - creating and closing a queue shared by processes. */
#include "mpq.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

int mpq_init(struct mpq *q, size_t maxsize)
{
    if (maxsize > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    unsigned places = maxsize == 0 ? SEM_VALUE_MAX : (unsigned)maxsize;
    /* MAP_SHARED: after fork, parent and children see the same semaphores, not
     * copies of them (chapter 01's copy-on-write would give each its own). */
    struct mpq_shared *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return -1;
    int fds[2];
    /* pshared = 1: the semaphores are used by several processes. */
    if (sem_init(&shared->slots, 1, places) < 0 || sem_init(&shared->wlock, 1, 1) < 0 ||
        sem_init(&shared->rlock, 1, 1) < 0 || pipe2(fds, O_CLOEXEC) < 0)
        goto err;
    q->shared = shared;
    q->read_fd = fds[0];
    q->write_fd = fds[1];
    q->closed = false;
    return 0;
err:;
    int saved = errno;
    munmap(shared, sizeof *shared);
    errno = saved;
    return -1;
}

int mpq_close(struct mpq *q)
{
    if (q->closed)
        return 0;
    /* No sem_destroy: other processes may still use the semaphores. The memory goes
     * away with the last mapping, when the last process unmaps it or ends. */
    close(q->read_fd);
    close(q->write_fd);
    munmap(q->shared, sizeof *q->shared);
    q->shared = NULL;
    q->read_fd = q->write_fd = -1;
    q->closed = true;
    return 0;
}
