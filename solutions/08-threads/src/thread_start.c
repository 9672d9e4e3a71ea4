/* thread_start.c - making a thread object and starting it. */
#include "thread.h"

#include <errno.h>
#include <string.h>

#include "deadline.h"

int thread_init(struct thread *t, thread_target target, void *arg, const char *name)
{
    /* Check the name first: a rejected call must not use up a default name. */
    if (name != NULL && strlen(name) >= THREAD_NAME_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (name != NULL)
        strcpy(t->name, name);
    else if (thread_default_name(t->name, sizeof t->name) < 0)
        return -1;
    t->run = thread_run_target;
    t->target = target;
    t->arg = arg;
    t->started = t->finished = t->reaped = false;
    /* A monotonic clock for join's timeout: changes of the wall clock do not move it. */
    int err = cond_init_monotonic(&t->finished_changed);
    if (err == 0) {
        err = pthread_mutex_init(&t->lock, NULL);
        if (err != 0)
            pthread_cond_destroy(&t->finished_changed);
    }
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

void thread_run_target(struct thread *self)
{
    if (self->target != NULL)
        self->target(self->arg);
}

/* What the new thread runs: the run hook, then the news that it has finished. */
static void *start_routine(void *arg)
{
    struct thread *self = arg;
    thread_set_current(self);
    self->run(self);
    pthread_mutex_lock(&self->lock);
    self->finished = true;
    /* Broadcast, not signal: every joiner waits for this same news. */
    pthread_cond_broadcast(&self->finished_changed);
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

int thread_start(struct thread *t)
{
    pthread_mutex_lock(&t->lock);
    int err = t->started ? EINVAL : 0;
    /* Created under the lock: the new thread (joining itself, say) cannot look at tid
     * and started before they are set. */
    if (err == 0)
        err = pthread_create(&t->tid, NULL, start_routine, t);
    if (err == 0)
        t->started = true;
    pthread_mutex_unlock(&t->lock);
    if (err != 0) {
        errno = err; /* pthread functions return the error; our API sets errno */
        return -1;
    }
    return 0;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}
