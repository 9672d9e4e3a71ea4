/* full_io.h - reading and writing exactly n bytes, whatever the kernel does.
 *
 * Python:  conn.send_bytes(buf) writes the whole buffer, conn.recv_bytes() reads a
 *          whole message: underneath, both loop until every byte has moved.
 *
 * A single read() or write() may move fewer bytes than asked (a pipe holds 64 KiB; a
 * signal can interrupt a transfer half-way), or none at all with errno EINTR when a
 * signal arrives before any byte moved. These two functions hide both.
 */
#ifndef FULL_IO_H
#define FULL_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all n bytes of buf to fd, blocking as long as needed. Short writes are
 * continued where they stopped; a write interrupted by a signal (EINTR) is retried.
 *
 * Returns 0 once all n bytes are written (n == 0 writes nothing and returns 0).
 * Returns -1 with errno set by write on any other error: EBADF for a descriptor that
 * is not open for writing, EPIPE when no reader is left (the process must ignore
 * SIGPIPE, as Python does, or that signal ends it first). Some bytes may have been
 * written before the error. */
int io_write_all(int fd, const void *buf, size_t n);

/* Reads n bytes from fd into buf, blocking until they have all arrived or
 * end-of-file comes first. Short reads are continued; EINTR is retried.
 *
 * Returns the number of bytes read: n, or fewer (possibly 0) when end-of-file came
 * first. Returns -1 with errno set by read on error (EBADF for a descriptor that is
 * not open for reading). */
ssize_t io_read_all(int fd, void *buf, size_t n);

#endif
