/* full_io.c - reading and writing exactly n bytes, whatever the kernel does. */
#include "full_io.h"

#include <errno.h>
#include <unistd.h>

int io_write_all(int fd, const void *buf, size_t n)
{
    /* TODO: call write until all n bytes are written. A short write moved only part
     * of the buffer: continue from where it stopped. Retry when write fails with
     * EINTR; on any other error return -1, keeping write's errno. */
    (void)fd;
    (void)buf;
    (void)n;
    errno = ENOSYS;
    return -1;
}

ssize_t io_read_all(int fd, void *buf, size_t n)
{
    /* TODO: call read until n bytes have arrived or read returns 0 (end-of-file), and
     * return how many arrived. Retry on EINTR; on any other error return -1. */
    (void)fd;
    (void)buf;
    (void)n;
    errno = ENOSYS;
    return -1;
}
