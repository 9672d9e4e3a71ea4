/* thread_naming.c - default names, and which thread object is running. */
#include "thread.h"

#include <errno.h>
#include <stdio.h>

/* Every thread that asks for a default name shares this counter: without the lock,
 * two threads could both read N and both hand out "Thread-N". */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter; /* guarded by counter_lock */

/* One variable per thread: each thread sees its own value, NULL until set. */
static _Thread_local struct thread *current;

int thread_default_name(char *buf, size_t size)
{
    pthread_mutex_lock(&counter_lock);
    unsigned long n = ++counter;
    pthread_mutex_unlock(&counter_lock);
    int len = snprintf(buf, size, "Thread-%lu", n);
    if (len < 0 || (size_t)len >= size) {
        errno = ERANGE;
        return -1;
    }
    return 0;
}

void thread_set_current(struct thread *self)
{
    current = self;
}

struct thread *thread_current(void)
{
    return current;
}

const char *thread_current_name(void)
{
    return current != NULL ? current->name : "MainThread";
}
