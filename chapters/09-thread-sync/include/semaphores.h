/* semaphores.h - threading.Semaphore and threading.BoundedSemaphore.
 *
 * Python:  semaphore = threading.BoundedSemaphore(5)   # at most 5 threads at once
 *          semaphore.acquire()
 *          ...
 *          semaphore.release()
 *
 * A counter: acquire waits until it is above zero, then takes one; release adds one.
 * A bounded semaphore refuses a release that would take the counter above its initial
 * value: that is always a bug (a release without an acquire). Return values as in
 * lock.h. */
#ifndef SEMAPHORES_H
#define SEMAPHORES_H

#include <pthread.h>
#include <stdbool.h>

struct semaphore {
    pthread_mutex_t mutex; /* guards value; held only for a moment */
    pthread_cond_t available; /* signalled when value goes up */
    int value;             /* acquires that can succeed without waiting */
    int bound;             /* the initial value when bounded */
    bool bounded;
};

/* Makes a semaphore with the given value (Python: Semaphore(value)). Returns 0, or -1
 * with errno EINVAL when value is negative (Python: ValueError), or as sync_init. */
int semaphore_init(struct semaphore *s, int value);

/* Makes a bounded semaphore (Python: BoundedSemaphore(value)): as semaphore_init, and
 * release can never take the value above this initial value. */
int semaphore_init_bounded(struct semaphore *s, int value);

/* Takes one from the value, first waiting until it is above zero, as lock_acquire
 * does (blocking, timeout). Returns 1 when taken, 0 when not, -1 with errno EINVAL when
 * blocking is false and timeout is not negative. */
int semaphore_acquire(struct semaphore *s, bool blocking, double timeout);

/* Adds one to the value and wakes one waiting thread, if any. Returns 0. For a bounded
 * semaphore already at its initial value, returns -1 with errno EOVERFLOW and leaves
 * the value unchanged (Python: ValueError "Semaphore released too many times"). */
int semaphore_release(struct semaphore *s);

/* Releases the resources of a semaphore that no thread waits for. */
void semaphore_destroy(struct semaphore *s);

#endif
