/* barrier.c - threading.Barrier: parties threads wait for each other, round after round. */
#include "barrier.h"

#include <errno.h>

#include "deadline.h"

int barrier_init(struct barrier *b, int parties)
{
    if (parties < 1) {
        errno = EINVAL;
        return -1;
    }
    b->parties = parties;
    b->arrived = 0;
    b->round = 0;
    return sync_init(&b->mutex, &b->round_over);
}

int barrier_wait(struct barrier *b)
{
    pthread_mutex_lock(&b->mutex);
    int index = b->arrived++;
    if (b->arrived == b->parties) {
        /* The last one ends the round and opens the next at once. */
        b->arrived = 0;
        b->round++;
        pthread_cond_broadcast(&b->round_over);
    } else {
        /* Wait for *our* round to be over, not for arrived to reach parties: by the
         * time we run, fast threads may already be arriving for the next round. */
        unsigned long my_round = b->round;
        while (b->round == my_round)
            pthread_cond_wait(&b->round_over, &b->mutex);
    }
    pthread_mutex_unlock(&b->mutex);
    return index;
}

void barrier_destroy(struct barrier *b)
{
    pthread_cond_destroy(&b->round_over);
    pthread_mutex_destroy(&b->mutex);
}
