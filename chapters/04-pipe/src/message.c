/* message.c - whole messages over a connection: send_bytes / recv_bytes. */
#include "message.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "full_io.h"

int conn_send(struct conn *c, const void *buf, size_t len)
{
    /* TODO: check the end (EBADF) and the size (EMSGSIZE) first. Then write the
     * frame: the length as 4 bytes in network byte order (htonl), then the data,
     * each with io_write_all from full_io.c. */
    (void)c;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int conn_recv(struct conn *c, void **msg, size_t *len)
{
    /* TODO: set *msg = NULL and *len = 0, check the end (EBADF). Read the 4-byte
     * length with io_read_all: nothing at all means CONN_EOF, a part of it EIO.
     * Then malloc length + 1 bytes, read the data (a short count is EIO: free the
     * buffer), add the zero byte, fill *msg and *len and return CONN_MESSAGE. */
    (void)c;
    (void)msg;
    (void)len;
    errno = ENOSYS;
    return -1;
}
