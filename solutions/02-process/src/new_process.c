/* new_process.c - "subclassing" Process in C: struct embedding and a run hook. */
#include "new_process.h"

#include <unistd.h>

void new_process_init(struct new_process *np, int num, int report_fd)
{
    process_init(&np->base, NULL, NULL, NULL); /* super().__init__() */
    np->num = num;
    np->report_fd = report_fd;
    np->base.run = new_process_run; /* the override */
}

int new_process_run(struct process *self)
{
    /* base is the first member, so the base pointer is the whole object's address. */
    struct new_process *np = (struct new_process *)self;
    struct new_process_report report = {np->num, getpid()};
    /* One small write (< PIPE_BUF) to a pipe is atomic: no partial report. */
    if (write(np->report_fd, &report, sizeof report) != (ssize_t)sizeof report)
        return 255;
    return np->num;
}
