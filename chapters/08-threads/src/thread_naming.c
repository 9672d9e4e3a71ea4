/* thread_naming.c - default names, and which thread object is running. */
#include "thread.h"

#include <errno.h>
#include <stdio.h>

/* TODO: a counter for the default names with a mutex that guards it
 * (PTHREAD_MUTEX_INITIALIZER), and a _Thread_local pointer to the calling thread's
 * thread object. */

int thread_default_name(char *buf, size_t size)
{
    /* TODO: take the next number (increment the counter under its lock), then write
     * "Thread-N" with snprintf; ERANGE when it was cut short. */
    (void)buf;
    (void)size;
    errno = ENOSYS;
    return -1;
}

void thread_set_current(struct thread *self)
{
    /* TODO: store self in the thread-local pointer. */
    (void)self;
}

struct thread *thread_current(void)
{
    /* TODO: the thread-local pointer. */
    return NULL;
}

const char *thread_current_name(void)
{
    /* TODO: the current thread object's name, or "MainThread" when there is none. */
    return NULL;
}
