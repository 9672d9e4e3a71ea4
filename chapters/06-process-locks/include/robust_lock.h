/* robust_lock.h - a lock that survives the death of its holder (beyond Python).
 *
 * If a process dies while holding a plock, the lock stays locked forever and every
 * other process waiting for it hangs. A robust mutex (PTHREAD_MUTEX_ROBUST) is
 * released by the kernel when its owner dies, and the next process to acquire it is
 * told so, because the data it protects may be half-updated:
 *
 *     int rc = robust_lock_acquire(l);
 *     if (rc == ROBUST_OWNER_DIED) {
 *         repair(data);                 // make the protected data consistent again
 *         robust_lock_consistent(l);    // then mark the lock usable again
 *     }
 *     ... use data ...
 *     robust_lock_release(l);
 *
 * If the new holder releases the lock without calling robust_lock_consistent, the
 * lock becomes unusable for good: every later acquire fails with ENOTRECOVERABLE.
 */
#ifndef ROBUST_LOCK_H
#define ROBUST_LOCK_H

#include <pthread.h>

struct robust_lock {
    /* Process-shared, robust and error-checking. */
    pthread_mutex_t mutex;
};

/* The results of robust_lock_acquire besides -1. */
enum { ROBUST_ACQUIRED = 0, ROBUST_OWNER_DIED = 1 };

/* Makes a new, unlocked robust lock in shared memory. Returns it (free it with
 * robust_lock_free), or NULL with errno set. */
struct robust_lock *robust_lock_new(void);

/* Waits as long as it takes for the lock, then holds it.
 *
 * Returns ROBUST_ACQUIRED normally. Returns ROBUST_OWNER_DIED when the previous holder
 * died holding it (ended, or was killed, even while the caller was already waiting):
 * the caller holds the lock and must repair the data, then call
 * robust_lock_consistent before releasing. Returns -1 with errno ENOTRECOVERABLE when
 * an earlier ROBUST_OWNER_DIED was released without robust_lock_consistent, EDEADLK
 * when the caller already holds it, or another errno. */
int robust_lock_acquire(struct robust_lock *l);

/* Marks the lock consistent again after ROBUST_OWNER_DIED; the caller keeps holding
 * it. Returns 0, or -1 with errno EINVAL when the lock is not in the owner-died state
 * (or not held by the caller). */
int robust_lock_consistent(struct robust_lock *l);

/* Releases the lock. Returns 0, or -1 with errno EPERM when the caller does not hold
 * it. */
int robust_lock_release(struct robust_lock *l);

/* Destroys and unmaps the lock, once no process uses it. NULL is ignored. */
void robust_lock_free(struct robust_lock *l);

#endif
