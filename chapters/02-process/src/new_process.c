/* new_process.c - "subclassing" Process in C: struct embedding and a run hook. */
#include "new_process.h"

#include <unistd.h>

void new_process_init(struct new_process *np, int num, int report_fd)
{
    /* TODO: super().__init__(): process_init the base (no target, no name); then set
     * num and report_fd; then override run: np->base.run = new_process_run. */
    (void)np;
    (void)num;
    (void)report_fd;
}

int new_process_run(struct process *self)
{
    /* TODO: get the whole struct new_process back from self (base is its first
     * member), write one struct new_process_report {num, getpid()} to report_fd,
     * and return num (255 when the write fails). */
    (void)self;
    return 0;
}
