/* full_io.c - reading and writing exactly n bytes, whatever the kernel does. */
#include "full_io.h"

#include <errno.h>
#include <unistd.h>

int io_write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue; /* a signal came before any byte moved: just try again */
        if (put < 0)
            return -1;
        /* A short write (full pipe, then a signal) moved only part: go on from there. */
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

ssize_t io_read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t done = 0;
    while (done < n) {
        ssize_t got = read(fd, p + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break; /* end-of-file: the caller learns it from the short count */
        done += (size_t)got;
    }
    return (ssize_t)done;
}
