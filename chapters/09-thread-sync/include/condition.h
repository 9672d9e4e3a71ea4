/* condition.h - threading.Condition: wait until notified, with a lock of its own.
 *
 * Python:  cond = threading.Condition()
 *          cond.acquire()
 *          cond.wait_for(lambda: len(items) > 0, timeout=1.0)
 *          cond.release()
 *          ...
 *          with cond: items.append(x); cond.notify()       # or notify(n), notify_all()
 *
 * Python's Condition never wakes a waiter without a notify: each waiter waits on its
 * own lock, kept in a first-in first-out list, and notify(n) releases the first n of
 * them. This one does the same with one struct condition_waiter per waiting thread.
 * (A bare pthread_cond_wait may wake spuriously, and pthread_cond_signal may wake any
 * waiter: neither gives "at most n, the longest-waiting first" by itself.)
 *
 * The condition's lock is a plain, non-reentrant lock owned by the thread that holds
 * it, like Condition(threading.Lock()). Return values as in lock.h. */
#ifndef CONDITION_H
#define CONDITION_H

#include <pthread.h>
#include <stdbool.h>

/* One per thread blocked in condition_wait; lives on that thread's stack. */
struct condition_waiter {
    pthread_cond_t wake;             /* signalled when notified becomes true */
    bool notified;                   /* set by notify, under the condition's mutex */
    struct condition_waiter *next;   /* the next waiter in the list */
};

struct condition {
    pthread_mutex_t mutex; /* guards everything below; held only for a moment */
    pthread_cond_t lock_free; /* signalled when held becomes false */
    bool held;             /* the condition's lock is held ... */
    pthread_t owner;       /* ... by this thread (valid while held) */
    struct condition_waiter *first, *last; /* waiters not yet notified, oldest first */
};

/* Makes a condition whose lock is free. Returns 0, or -1 with errno set. */
int condition_init(struct condition *c);

/* Acquires the condition's lock, as lock_acquire does (blocking, timeout, the same
 * return values and EINVAL). The holder acquiring it again waits like anyone else. */
int condition_acquire(struct condition *c, bool blocking, double timeout);

/* Releases the condition's lock. Returns 0, or -1 with errno EPERM when the calling
 * thread does not hold it. */
int condition_release(struct condition *c);

/* Releases the lock, waits until notified or until timeout seconds have passed
 * (timeout < 0: no limit), then acquires the lock again (that last step has no time
 * limit) and returns. The caller must hold the lock.
 *
 * Returns 1 when notified, 0 when the timeout passed first; never returns because of a
 * spurious wakeup. Returns -1 with errno EPERM, at once, when the calling thread does
 * not hold the lock (Python: RuntimeError "cannot wait on un-acquired lock"). */
int condition_wait(struct condition *c, double timeout);

/* Waits until predicate(arg) is true, at most timeout seconds in all (timeout < 0: no
 * limit), however many notifications come in between; predicate is called with the
 * lock held, first before any waiting. Returns the predicate's last result (1 or 0),
 * or -1 with errno EPERM when the calling thread does not hold the lock. */
int condition_wait_for(struct condition *c, bool (*predicate)(void *), void *arg,
                       double timeout);

/* Wakes at most n waiting threads (none when n <= 0), those that have waited the
 * longest first. A notification with no one waiting is lost: it does not wake a later
 * waiter. The caller must hold the lock. Returns 0, or -1 with errno EPERM. */
int condition_notify(struct condition *c, int n);

/* Wakes every waiting thread. Returns 0, or -1 with errno EPERM when the caller does
 * not hold the lock. */
int condition_notify_all(struct condition *c);

/* Releases the resources of a condition whose lock is free and that no thread waits
 * on. */
void condition_destroy(struct condition *c);

#endif
