/* semaphores.c - threading.Semaphore and threading.BoundedSemaphore. */
#include "semaphores.h"

#include <errno.h>

#include "deadline.h"

static int init(struct semaphore *s, int value, bool bounded)
{
    if (value < 0) {
        errno = EINVAL; /* Python: ValueError "semaphore initial value must be >= 0" */
        return -1;
    }
    s->value = s->bound = value;
    s->bounded = bounded;
    return sync_init(&s->mutex, &s->available);
}

int semaphore_init(struct semaphore *s, int value)
{
    return init(s, value, false);
}

int semaphore_init_bounded(struct semaphore *s, int value)
{
    return init(s, value, true);
}

int semaphore_acquire(struct semaphore *s, bool blocking, double timeout)
{
    if (!blocking && timeout >= 0) {
        errno = EINVAL;
        return -1;
    }
    struct deadline d = deadline_after(blocking ? timeout : 0);
    pthread_mutex_lock(&s->mutex);
    while (s->value == 0 && blocking &&
           cond_wait_until(&s->available, &s->mutex, &d) != ETIMEDOUT)
        continue;
    bool taken = s->value > 0;
    if (taken)
        s->value--;
    pthread_mutex_unlock(&s->mutex);
    return taken;
}

int semaphore_release(struct semaphore *s)
{
    pthread_mutex_lock(&s->mutex);
    bool too_many = s->bounded && s->value >= s->bound;
    if (!too_many) {
        s->value++;
        pthread_cond_signal(&s->available); /* one more unit: one waiter can go */
    }
    pthread_mutex_unlock(&s->mutex);
    if (too_many) {
        errno = EOVERFLOW;
        return -1;
    }
    return 0;
}

void semaphore_destroy(struct semaphore *s)
{
    pthread_cond_destroy(&s->available);
    pthread_mutex_destroy(&s->mutex);
}
