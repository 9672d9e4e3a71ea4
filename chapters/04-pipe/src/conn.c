/* conn.c - a pipe between processes with two connection ends. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int conn_pipe(struct conn *c1, struct conn *c2, bool duplex)
{
    /* TODO: duplex: socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, ...), both ends
     * readable and writable. One-way: pipe2(..., O_CLOEXEC); c1 is the read end
     * (fds[0], readable only), c2 the write end (fds[1], writable only). On failure
     * return -1 and leave *c1 and *c2 unchanged. */
    (void)c1;
    (void)c2;
    (void)duplex;
    errno = ENOSYS;
    return -1;
}

int conn_close(struct conn *c)
{
    /* TODO: close the descriptor (unless the end is already closed: then return 0),
     * and mark the end closed: fd -1, neither readable nor writable. */
    (void)c;
    errno = ENOSYS;
    return -1;
}
