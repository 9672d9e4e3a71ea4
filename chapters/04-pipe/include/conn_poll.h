/* conn_poll.h - is there something to receive?
 *
 * Python:  conn.poll()          # don't wait: True when recv() would not block
 *          conn.poll(0.5)       # wait up to 0.5 s
 *          conn.poll(None)      # wait as long as it takes
 */
#ifndef CONN_POLL_H
#define CONN_POLL_H

#include "conn.h"

/* Waits until data can be received on c, at most timeout seconds: 0 does not wait
 * at all, a negative timeout waits forever. Nothing is consumed: the next conn_recv
 * gets the message.
 *
 * "Data can be received" means conn_recv would not block for the start of a
 * message: a message (or its first bytes) has arrived, or the other end is closed (the
 * next conn_recv then reports CONN_EOF), as in Python.
 *
 * A signal that interrupts the wait does not end it: the wait resumes for the time
 * that is left, so the call never returns 0 before timeout seconds have passed.
 *
 * Returns 1 when data can be received, 0 when the timeout passed first. Returns -1
 * with errno EBADF when the end is closed or not readable (the write end of a one-way
 * pipe), or another errno from poll. */
int conn_poll(struct conn *c, double timeout);

#endif
