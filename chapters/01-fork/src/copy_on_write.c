/* copy_on_write.c - after fork, each process has its own copy of memory. */
#include "copy_on_write.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

int fork_and_modify(int *value, int delta, struct cow_report *out)
{
    /* TODO: make a pipe, then fork. The child adds delta to *value, writes the new
     * value to the pipe and ends with _exit. The parent closes its write end, reads
     * the child's value, waits for the child, and fills *out. Close every pipe end
     * on every path; see copy_on_write.h for the errors to return. */
    (void)value;
    (void)delta;
    (void)out;
    errno = ENOSYS;
    return -1;
}
