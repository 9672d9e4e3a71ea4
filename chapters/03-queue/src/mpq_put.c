/* mpq_put.c - putting a message on the queue. */
#include "mpq.h"

#include <errno.h>
#include <unistd.h>

#include "timed_wait.h"

int mpq_put(struct mpq *q, const void *msg, size_t len, bool block, double timeout)
{
    /* TODO: MPQ_CLOSED when q is closed. Take a place: timed_sem_wait(slots, block,
     * timeout); EAGAIN is MPQ_FULL, ETIMEDOUT is MPQ_TIMEOUT. Then, holding wlock
     * (sem_wait, retried on EINTR), write the frame: len as a size_t, then the len
     * bytes. write() may write less than asked (a pipe holds 64 KiB): loop until
     * all is written, retrying on EINTR. Release wlock. If writing fails, give the
     * place back (sem_post(slots)) and return MPQ_ERROR with write's errno. */
    (void)q;
    (void)msg;
    (void)len;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return MPQ_ERROR;
}
