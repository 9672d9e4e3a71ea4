/* barrier.c - threading.Barrier: parties threads wait for each other, round after round. */
#include "barrier.h"

#include <errno.h>

#include "deadline.h"

int barrier_init(struct barrier *b, int parties)
{
    /* TODO: EINVAL when parties < 1; else no one arrived, round 0; sync_init. */
    (void)b;
    (void)parties;
    errno = ENOSYS;
    return -1;
}

int barrier_wait(struct barrier *b)
{
    /* TODO: under b->mutex: your index is the number arrived before you. The last to
     * arrive starts a new round (arrived back to 0, round + 1) and wakes everyone;
     * the others wait until round differs from the round they arrived in (not until
     * arrived reaches parties: fast threads may already be in the next round). */
    (void)b;
    errno = ENOSYS;
    return -1;
}

void barrier_destroy(struct barrier *b)
{
    /* TODO: destroy the condition variable and the mutex. */
    (void)b;
}
