/* barrier.h - threading.Barrier: parties threads wait for each other, round after round.
 *
 * Python:  barrier = threading.Barrier(3)
 *          i = barrier.wait()          # returns once 3 threads have called wait
 *          if i == 0: print("one thread, and only one, does the housekeeping")
 *
 * (Python's Barrier also has a timeout, abort() and a "broken" state; they are left
 * out here.) */
#ifndef BARRIER_H
#define BARRIER_H

#include <pthread.h>

struct barrier {
    pthread_mutex_t mutex;   /* guards the fields below; held only for a moment */
    pthread_cond_t round_over; /* broadcast when the last party of a round arrives */
    int parties;             /* threads per round; set by barrier_init */
    int arrived;             /* threads that have arrived in the current round */
    unsigned long round;     /* rounds completed: how a waiter knows its round is over */
};

/* Makes a barrier for parties threads. Returns 0, or -1 with errno EINVAL when parties
 * is less than 1, or as sync_init. */
int barrier_init(struct barrier *b, int parties);

/* Waits until parties threads (this one included) have called barrier_wait in this
 * round; then all of them return and the barrier is ready for the next round at once.
 * A thread that calls barrier_wait again before the others have left belongs to the
 * next round.
 *
 * Returns the thread's arrival index in its round: 0 for the first to arrive,
 * parties - 1 for the last (the one whose arrival ends the round). So every thread of
 * a round gets a different index, and exactly one gets 0. */
int barrier_wait(struct barrier *b);

/* Releases the resources of a barrier that no thread waits at. */
void barrier_destroy(struct barrier *b);

#endif
