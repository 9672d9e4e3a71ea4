/* lock.h - threading.Lock: a lock that any thread may release.
 *
 * Python:  mutex = threading.Lock()
 *          if mutex.acquire(1):        # blocking=True
 *              num = num + 1
 *          mutex.release()
 *          mutex.acquire(blocking=False); mutex.acquire(timeout=0.5)
 *
 * Python's Lock has no owner: the thread that releases it need not be the one that
 * acquired it, and the holder acquiring it again simply waits (it is not reentrant;
 * see rlock.h). A pthread mutex cannot do either (unlocking another thread's mutex is
 * undefined), so the lock is a flag guarded by a mutex, with a condition variable to
 * wait on.
 *
 * Return values in this chapter follow Python's booleans: 1 for True, 0 for False,
 * and -1 with errno set where Python raises (RuntimeError: EPERM, ValueError: EINVAL). */
#ifndef LOCK_H
#define LOCK_H

#include <pthread.h>
#include <stdbool.h>

struct lock {
    pthread_mutex_t mutex; /* guards locked; held only for a moment, never while waiting */
    pthread_cond_t unlocked; /* signalled when locked becomes false (cond_init_monotonic) */
    bool locked;
};

/* Makes an unlocked lock. Returns 0, or -1 with errno set (see sync_init). */
int lock_init(struct lock *l);

/* Acquires the lock.
 *   blocking, timeout < 0    waits as long as it takes;
 *   blocking, timeout >= 0   waits at most timeout seconds;
 *   !blocking                does not wait (timeout must then be negative).
 * Returns 1 when acquired, 0 when not (the lock was locked and blocking was false, or
 * the timeout passed). Returns -1 with errno EINVAL when blocking is false and timeout
 * is not negative (Python: ValueError). The holder acquiring it again is not special:
 * it waits like any other thread. */
int lock_acquire(struct lock *l, bool blocking, double timeout);

/* Unlocks the lock and wakes one waiting thread, if any. Any thread may release it.
 * Returns 0, or -1 with errno EPERM when it was not locked (Python: RuntimeError). */
int lock_release(struct lock *l);

/* Whether the lock is locked now. Python: l.locked(). */
bool lock_locked(struct lock *l);

/* Releases the resources of an unlocked lock that no thread waits for. */
void lock_destroy(struct lock *l);

#endif
