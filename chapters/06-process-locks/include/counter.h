/* counter.h - lost updates: a shared counter with and without a lock.
 *
 * Python (the course's p12_nolock.py / p13_lock.py):
 *     def job(v, num):                      def job(v, num, l):
 *         for _ in range(5):                    l.acquire()
 *             v.value += num                    for _ in range(5):
 *                                                   v.value += num
 *                                               l.release()
 *
 * `v.value += 1` is three steps: read the value, add one, write it back. Two
 * processes that read the same value both write value + 1: one increment is lost.
 */
#ifndef COUNTER_H
#define COUNTER_H

/* Both functions start nprocs processes that each add 1 to one shared counter
 * `iterations` times, one read-modify-write at a time, wait for all of them, and
 * return the final count. nprocs * iterations increments were made.
 *
 * Returns -1 with errno set: EINVAL when nprocs < 1 or iterations < 0; ENOMEM when
 * the shared memory cannot be mapped; the errno of fork (after waiting for the
 * children already started); ECHILD when a child did not exit with status 0. */

/* Without a lock: on several cores, some increments are lost and the result is
 * smaller than nprocs * iterations, by a different amount each run. Given code. */
long counter_run_racy(int nprocs, long iterations);

/* With a process-shared lock (a struct plock) held around each increment: the result
 * is exactly nprocs * iterations. */
long counter_run_locked(int nprocs, long iterations);

#endif
