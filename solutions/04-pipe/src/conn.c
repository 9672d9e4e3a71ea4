/* conn.c - a pipe between processes with two connection ends. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int conn_pipe(struct conn *c1, struct conn *c2, bool duplex)
{
    int fds[2];
    /* CLOEXEC at creation, not with a later fcntl: a thread that execs in between
     * would otherwise leak the descriptors into the new program. */
    int rc = duplex ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)
                    : pipe2(fds, O_CLOEXEC);
    if (rc < 0)
        return -1;
    /* pipe2 gives fds[0] the read end, fds[1] the write end: Python's order too. */
    *c1 = (struct conn){.fd = fds[0], .readable = true, .writable = duplex};
    *c2 = (struct conn){.fd = fds[1], .readable = duplex, .writable = true};
    return 0;
}

int conn_close(struct conn *c)
{
    if (c->fd < 0)
        return 0; /* already closed: like Python, not an error */
    int rc = close(c->fd);
    /* Even when close reports an error the descriptor is gone (Linux): never retry,
     * the number may already belong to another file. */
    *c = (struct conn){.fd = -1, .readable = false, .writable = false};
    return rc;
}
