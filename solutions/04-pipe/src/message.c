/* message.c - whole messages over a connection: send_bytes / recv_bytes. */
#include "message.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "full_io.h"

int conn_send(struct conn *c, const void *buf, size_t len)
{
    if (c->fd < 0 || !c->writable) {
        errno = EBADF;
        return -1;
    }
    if (len > CONN_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }
    /* Big-endian on the wire, so that the frame means the same on every machine. */
    uint32_t header = htonl((uint32_t)len);
    if (io_write_all(c->fd, &header, sizeof header) < 0)
        return -1;
    return io_write_all(c->fd, buf, len);
}

/* Reads exactly n bytes; a short count here means the frame was cut off. */
static int read_frame_part(int fd, void *buf, size_t n)
{
    ssize_t got = io_read_all(fd, buf, n);
    if (got < 0)
        return -1;
    if ((size_t)got < n) {
        errno = EIO;
        return -1;
    }
    return 0;
}

int conn_recv(struct conn *c, void **msg, size_t *len)
{
    *msg = NULL;
    *len = 0;
    if (c->fd < 0 || !c->readable) {
        errno = EBADF;
        return -1;
    }
    uint32_t header;
    ssize_t got = io_read_all(c->fd, &header, sizeof header);
    if (got == 0)
        return CONN_EOF; /* end-of-file between frames: a clean end */
    if (got < 0)
        return -1;
    if ((size_t)got < sizeof header) {
        errno = EIO;
        return -1;
    }
    size_t size = ntohl(header);
    char *data = malloc(size + 1); /* +1: the zero byte that makes text a C string */
    if (data == NULL)
        return -1; /* malloc has set ENOMEM */
    if (read_frame_part(c->fd, data, size) < 0) {
        int saved = errno;
        free(data);
        errno = saved;
        return -1;
    }
    data[size] = '\0';
    *msg = data;
    *len = size;
    return CONN_MESSAGE;
}
