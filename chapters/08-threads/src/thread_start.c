/* thread_start.c - making a thread object and starting it. */
#include "thread.h"

#include <errno.h>
#include <string.h>

#include "deadline.h"

int thread_init(struct thread *t, thread_target target, void *arg, const char *name)
{
    /* TODO: reject a name too long (EINVAL) before using up a default name; copy the
     * name or take a default one; set run to thread_run_target, target, arg, and the
     * three flags to false; initialise finished_changed with cond_init_monotonic
     * (deadline.h) and lock with pthread_mutex_init. */
    (void)t;
    (void)target;
    (void)arg;
    (void)name;
    errno = ENOSYS;
    return -1;
}

void thread_run_target(struct thread *self)
{
    /* TODO: call the target with its argument, if there is a target. */
    (void)self;
}

int thread_start(struct thread *t)
{
    /* TODO: write the function the new thread runs (static void *start_routine(void *)):
     * thread_set_current(self), then self->run(self), then, under self->lock, set
     * finished and wake every joiner. Here, under t->lock: EINVAL when already started;
     * else pthread_create(&t->tid, ...) and set started. Creating the thread while
     * holding the lock means the new thread cannot see tid before it is set. */
    (void)t;
    errno = ENOSYS;
    return -1;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}
