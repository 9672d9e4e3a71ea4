/* plock.h - a lock shared by processes: multiprocessing.Lock.
 *
 * Python:  l = multiprocessing.Lock()
 *          l.acquire()                       # block until it is ours
 *          l.acquire(block=False)            # True or False at once
 *          l.acquire(timeout=0.5)            # give up after 0.5 s
 *          l.release()
 *
 * A struct plock lives in its own shared mapping, so the processes forked after
 * plock_new all use the same lock (as Python passes `l` to each Process).
 */
#ifndef PLOCK_H
#define PLOCK_H

#include <pthread.h>
#include <stdbool.h>

struct plock {
    /* Process-shared (PTHREAD_PROCESS_SHARED) and error-checking
     * (PTHREAD_MUTEX_ERRORCHECK): it knows its owner, so misuse is reported. */
    pthread_mutex_t mutex;
};

/* Makes a new, unlocked lock in shared memory. Returns it (free it with plock_free),
 * or NULL with errno set (ENOMEM, or the error of the mutex initialization). */
struct plock *plock_new(void);

/* Acquires the lock.
 *
 * block true, timeout < 0:   waits as long as it takes.
 * block true, timeout >= 0:  waits at most timeout seconds (0: does not wait).
 * block false:               does not wait; timeout is ignored (as in Python).
 *
 * Returns 1 when the caller now holds the lock; 0 when it was not acquired (held by
 * someone else with block false, or the timeout passed: never before timeout
 * seconds); -1 with errno EDEADLK when a blocking acquire is made by the thread that
 * already holds it (Python would wait forever), or another errno on failure. A
 * non-blocking acquire by the holder returns 0, as in Python. */
int plock_acquire(struct plock *l, bool block, double timeout);

/* Releases the lock. Only the holder may release it.
 *
 * Returns 0. Returns -1 with errno EPERM when the caller does not hold it (not
 * acquired at all, or held by another process): Python raises an error for a lock
 * released too many times. */
int plock_release(struct plock *l);

/* Destroys and unmaps the lock, once no process uses it any more. NULL is ignored. */
void plock_free(struct plock *l);

#endif
