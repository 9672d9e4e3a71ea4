/* process_start.c - creating and starting a process, like Process(...).start(). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void process_init(struct process *p, process_target target, void *arg, const char *name)
{
    /* TODO: fill every field of *p: target, arg, run NULL, state PROCESS_CREATED,
     * pid 0, sentinel -1, exitcode PROCESS_NO_EXITCODE, and the name: a copy of name
     * (truncated to fit), or "Process-N" when name is NULL. N comes from a static
     * counter that every call increments, named or not (Python's _process_counter). */
    (void)p;
    (void)target;
    (void)arg;
    (void)name;
}

int process_start(struct process *p)
{
    /* TODO: refuse a process that is not PROCESS_CREATED (EINVAL). Make the sentinel
     * pipe, flush stdio (fflush(NULL)), fork. The child closes the read end, calls
     * process_children_forget(), runs p->run(p) if set, else target(arg) if set,
     * flushes stdio and ends with _exit of the result; it keeps the write end open
     * until then. The parent closes the write end (only the child may hold it, or
     * end-of-file never comes), records sentinel, pid, parent (getpid()) and state,
     * and calls process_children_add(p). On failure close what you opened and keep
     * the errno of the call that failed. */
    (void)p;
    errno = ENOSYS;
    return -1;
}
