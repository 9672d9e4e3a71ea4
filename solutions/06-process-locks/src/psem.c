/* psem.c - a counting semaphore shared by processes: multiprocessing.Semaphore. */
#include "psem.h"

#include <errno.h>
#include <limits.h>
#include <sys/mman.h>

#include "deadline.h"

struct psem *psem_new(unsigned value)
{
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return NULL;
    }
    struct psem *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED)
        return NULL;
    /* pshared = 1: the semaphore is used by several processes, so it must live in
     * shared memory (it does) and be told so. */
    if (sem_init(&s->sem, 1, value) < 0) {
        int saved = errno;
        munmap(s, sizeof *s);
        errno = saved;
        return NULL;
    }
    return s;
}

/* One wait, as the block/timeout arguments ask; 0 when a unit was taken. */
static int wait_once(struct psem *s, bool block, const struct timespec *deadline)
{
    if (!block)
        return sem_trywait(&s->sem);
    if (deadline == NULL)
        return sem_wait(&s->sem);
    return sem_clockwait(&s->sem, CLOCK_MONOTONIC, deadline);
}

int psem_acquire(struct psem *s, bool block, double timeout)
{
    /* The deadline is fixed once: a wait resumed after a signal ends at the same
     * moment, however many signals arrive. */
    struct timespec when = deadline_after(timeout);
    const struct timespec *deadline = timeout < 0 ? NULL : &when;
    for (;;) {
        if (wait_once(s, block, deadline) == 0)
            return 1;
        if (errno == EAGAIN || errno == ETIMEDOUT)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int psem_release(struct psem *s)
{
    return sem_post(&s->sem); /* EOVERFLOW at SEM_VALUE_MAX */
}

int psem_get_value(struct psem *s)
{
    int value = 0;
    sem_getvalue(&s->sem, &value);
    return value;
}

void psem_free(struct psem *s)
{
    if (s == NULL)
        return;
    sem_destroy(&s->sem);
    munmap(s, sizeof *s);
}
