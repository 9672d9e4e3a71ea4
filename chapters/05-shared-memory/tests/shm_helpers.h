/* shm_helpers.h - what the chapter 05 tests share. */
#ifndef SHM_HELPERS_H
#define SHM_HELPERS_H

#include <pthread.h>
#include <stdbool.h>

/* True when the page holding addr is mapped in this process. */
bool is_mapped(const void *addr);

/* True when addr lies in a MAP_SHARED mapping ('s' in /proc/self/maps). */
bool is_shared_mapping(const void *addr);

/* What a child did while the test held a lock (see run_while_locked). */
enum locked_run {
    WAITED_FOR_LOCK,  /* blocked until the lock was released, then succeeded */
    DID_NOT_WAIT,     /* finished its call while the lock was held */
    FAILED_AFTER,     /* waited, but its call then failed */
};

/* Locks lock in the test process, then runs fn(arg) in a child. Watches the child
 * until it sleeps (blocked, its call not returned: a structural check read from
 * /proc, no timing involved) or its call returns. Then releases the lock, waits for
 * the child and says what happened. fn returns 0 when its call succeeded. */
enum locked_run run_while_locked(pthread_mutex_t *lock, int (*fn)(void *), void *arg);

/* Runs fn(arg) in a child and returns its exit code (the test fails if it hangs). */
int in_child(int (*fn)(void *), void *arg);

/* Child side: pthread_mutex_trylock on arg; exits 0 when it got the lock (released
 * again), 1 when it was busy, 2 on any other result. */
int try_lock_child(void *arg);

#endif
