/* message.h - whole messages over a connection: send_bytes / recv_bytes.
 *
 * Python:  conn.send_bytes(b"hello")       # one message, any size
 *          data = conn.recv_bytes()        # exactly that message; EOFError when the
 *                                          # other end is closed and nothing is left
 *
 * A pipe carries a stream of bytes, not messages: two writes may arrive as one read,
 * and one large write as many reads. So each message travels as a frame:
 *
 *     [ length: 4 bytes, big-endian ][ length bytes of data ]
 *
 * (the framing Python's Connection uses for messages below 2 GiB). Only one process
 * at a time may send on an end, and one receive from it: frames from two concurrent
 * senders would interleave.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"

/* The results of conn_recv besides -1. */
enum { CONN_EOF = 0, CONN_MESSAGE = 1 };

/* The largest message a frame can carry. */
#define CONN_MAX_MESSAGE ((size_t)UINT32_MAX)

/* Sends the len bytes at buf as one message (len may be 0: an empty message). Blocks
 * until the whole frame is written, which for a large message means until the other
 * side has read most of it. Partial writes and signals (EINTR) are handled.
 *
 * Returns 0. Returns -1 with errno set:
 *   EBADF     the end is closed or not writable (the read end of a one-way pipe);
 *   EMSGSIZE  len > CONN_MAX_MESSAGE; checked first, nothing is written;
 *   EPIPE     the other end is closed (with SIGPIPE ignored, as Python does);
 *   or another errno from write. */
int conn_send(struct conn *c, const void *buf, size_t len);

/* Receives the next message. Blocks until a whole message has arrived or the other
 * end is closed.
 *
 * Returns CONN_MESSAGE and stores in *msg a new buffer (malloc) holding the message,
 * followed by one extra zero byte not counted in *len (so a text message can be used
 * as a C string), and its length in *len. The caller frees *msg.
 *
 * Returns CONN_EOF, with *msg = NULL and *len = 0, when every copy of the other end
 * is closed and all messages sent before have been received; again on every later
 * call.
 *
 * Returns -1 with errno set, *msg = NULL and *len = 0:
 *   EBADF   the end is closed or not readable (the write end of a one-way pipe);
 *   EIO     end-of-file came in the middle of a frame (a truncated message);
 *   ENOMEM  no memory for the message;
 *   or another errno from read. */
int conn_recv(struct conn *c, void **msg, size_t *len);

#endif
