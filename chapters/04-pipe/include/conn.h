/* conn.h - a pipe between processes with two connection ends.
 *
 * Python:  parent_conn, child_conn = Pipe()             # duplex: both ends send and recv
 *          reader, writer = Pipe(duplex=False)          # one-way: reader.recv() only,
 *                                                       #          writer.send() only
 *          conn.close()
 *
 * A duplex pipe is a pair of connected Unix stream sockets (socketpair); a one-way
 * pipe is a plain pipe(). After fork, each process holds a copy of BOTH ends: each
 * process closes the end it does not use, or end-of-file never comes.
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>

/* One end of a pipe. Read the fields, never change them: the functions do. */
struct conn {
    int fd;        /* the descriptor, -1 once closed */
    bool readable; /* recv and poll are allowed on this end */
    bool writable; /* send is allowed on this end */
};

/* Makes a pipe and fills its two ends, like Python's Pipe(duplex).
 *
 * duplex true:  *c1 and *c2 are both readable and writable; what one end sends, the
 *               other receives (socketpair(AF_UNIX, SOCK_STREAM)).
 * duplex false: *c1 is the read end (readable only) and *c2 the write end (writable
 *               only), in Python's order: reader, writer = Pipe(duplex=False).
 *
 * Both descriptors are close-on-exec (as Python's): a program started with exec does
 * not inherit them, so it cannot hold a pipe open by accident.
 *
 * Returns 0. Returns -1 with errno set by socketpair or pipe2 (EMFILE when the
 * process has no free descriptor left); then no descriptor was left open and *c1,
 * *c2 are unchanged. */
int conn_pipe(struct conn *c1, struct conn *c2, bool duplex);

/* Closes the end: its descriptor is closed, fd becomes -1 and the end is neither
 * readable nor writable any more. Once every copy of an end is closed (in every
 * process), the other end sees end-of-file after the data already sent.
 *
 * Closing an end that is already closed does nothing and returns 0 (as in Python).
 * Returns 0, or -1 with errno set by close (the end is marked closed all the same). */
int conn_close(struct conn *c);

#endif
