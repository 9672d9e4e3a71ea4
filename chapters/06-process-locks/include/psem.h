/* psem.h - a counting semaphore shared by processes: multiprocessing.Semaphore.
 *
 * Python:  s = multiprocessing.Semaphore(3)   # at most 3 holders at a time
 *          s.acquire(); ...; s.release()
 *          s.acquire(block=False); s.acquire(timeout=0.5); s.get_value()
 *
 * A struct psem lives in its own shared mapping (sem_init with pshared = 1), so the
 * processes forked after psem_new all use the same semaphore.
 */
#ifndef PSEM_H
#define PSEM_H

#include <limits.h> /* SEM_VALUE_MAX */
#include <semaphore.h>
#include <stdbool.h>

struct psem {
    sem_t sem; /* initialized with pshared = 1 */
};

/* Makes a new semaphore with value `value`. Returns it (free it with psem_free), or
 * NULL with errno set: EINVAL when value > SEM_VALUE_MAX, ENOMEM when it cannot be
 * mapped. */
struct psem *psem_new(unsigned value);

/* Takes one unit: waits while the value is 0, then decrements it.
 *
 * block true, timeout < 0:   waits as long as it takes.
 * block true, timeout >= 0:  waits at most timeout seconds (0: does not wait).
 * block false:               does not wait; timeout is ignored.
 *
 * A signal that interrupts the wait does not end it: the wait goes on until the same
 * deadline. Returns 1 when a unit was taken, 0 when none was (value 0 with block false,
 * or the timeout passed: never before timeout seconds), -1 with errno set on failure. */
int psem_acquire(struct psem *s, bool block, double timeout);

/* Gives one unit back (increments the value, waking one waiter). Any process may
 * release, even one that never acquired (a semaphore has no owner). Returns 0, or -1
 * with errno EOVERFLOW when the value is already SEM_VALUE_MAX. */
int psem_release(struct psem *s);

/* The current value (a snapshot: other processes may change it right after). */
int psem_get_value(struct psem *s);

/* Destroys and unmaps the semaphore, once no process uses it. NULL is ignored. */
void psem_free(struct psem *s);

#endif
