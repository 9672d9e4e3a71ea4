/* run_in_child.c - fork returns twice: run a function in a new process. */
#include "run_in_child.h"

#include <unistd.h>

pid_t run_in_child(child_fn fn, void *arg)
{
    /* fork returns twice: 0 in the child, the child's pid in the parent, or -1
     * (with errno set) when no child could be made. */
    pid_t pid = fork();
    if (pid == 0) {
        /* _exit, not exit: exit would flush stdio buffers copied from the parent,
         * writing their contents a second time. */
        _exit(fn(arg));
    }
    return pid;
}
