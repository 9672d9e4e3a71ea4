/* rlock.h - threading.RLock: a reentrant lock, owned by a thread, with a depth.
 *
 * Python:  mutex = threading.RLock()
 *          if mutex.acquire(1):
 *              mutex.acquire()         # the owner may acquire again: no deadlock
 *              mutex.release()
 *          mutex.release()             # free only after as many releases as acquires
 *
 * Return values as in lock.h: 1/0 for True/False, -1 with errno where Python raises. */
#ifndef RLOCK_H
#define RLOCK_H

#include <pthread.h>
#include <stdbool.h>

struct rlock {
    pthread_mutex_t mutex;  /* guards the fields below; held only for a moment */
    pthread_cond_t released; /* signalled when count drops to 0 (cond_init_monotonic) */
    pthread_t owner;        /* the owning thread, valid while count > 0 */
    unsigned long count;    /* acquires not yet released by the owner; 0 when free */
};

/* Makes a free rlock. Returns 0, or -1 with errno set (see sync_init). */
int rlock_init(struct rlock *r);

/* Acquires the rlock. When the calling thread already owns it, adds one to the count
 * and returns 1 at once, whatever blocking and timeout say. Otherwise waits until it is
 * free, as lock_acquire does (blocking, timeout), and becomes its owner with count 1.
 * Returns 1 when acquired, 0 when not, -1 with errno EINVAL when blocking is false and
 * timeout is not negative. */
int rlock_acquire(struct rlock *r, bool blocking, double timeout);

/* Takes one from the count; when it reaches 0 the rlock is free and one waiting thread
 * is woken. Returns 0, or -1 with errno EPERM when the calling thread does not own the
 * rlock (also when it is free); the rlock is then unchanged. */
int rlock_release(struct rlock *r);

/* Releases the resources of a free rlock that no thread waits for. */
void rlock_destroy(struct rlock *r);

#endif
