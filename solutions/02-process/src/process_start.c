/* process_start.c - creating and starting a process, like Process(...).start(). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* How many process_init calls this program has made (Python: _process_counter). */
static int process_counter;

void process_init(struct process *p, process_target target, void *arg, const char *name)
{
    /* Python takes a number for every Process created, named or not. */
    int n = ++process_counter;
    memset(p, 0, sizeof *p);
    p->target = target;
    p->arg = arg;
    p->state = PROCESS_CREATED;
    p->sentinel = -1;
    p->exitcode = PROCESS_NO_EXITCODE;
    if (name != NULL)
        snprintf(p->name, sizeof p->name, "%s", name);
    else
        snprintf(p->name, sizeof p->name, "Process-%d", n);
}

/* The child's side of process_start: never returns. */
static void run_child(struct process *p)
{
    process_children_forget();
    int code = 0;
    if (p->run != NULL)
        code = p->run(p);
    else if (p->target != NULL)
        code = p->target(p->arg);
    /* Our own output, written by the target, must not be lost: _exit does not flush. */
    fflush(NULL);
    _exit(code & 0xff);
}

int process_start(struct process *p)
{
    if (p->state != PROCESS_CREATED) {
        errno = EINVAL;
        return -1;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    /* Whatever is still buffered would be copied into the child and written twice. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* The child keeps the write end open until it ends: the kernel closes it
         * then, however the child ends, and the parent reads end-of-file. */
        close(fds[0]);
        run_child(p);
    }
    /* Only the child may hold the write end, or end-of-file would never come. */
    close(fds[1]);
    p->sentinel = fds[0];
    p->pid = pid;
    p->parent = getpid();
    p->state = PROCESS_STARTED;
    process_children_add(p);
    return 0;
}
