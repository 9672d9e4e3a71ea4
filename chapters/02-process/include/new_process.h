/* new_process.h - "subclassing" Process in C: struct embedding and a run hook.
 *
 * Python:  class NewProcess(Process):
 *              def __init__(self, num):
 *                  self.num = num
 *                  super().__init__()
 *              def run(self):
 *                  print(f'我是进程 {self.num} , 我的pid是: {os.getpid()}')
 *
 * In C the "subclass" is a struct whose FIRST member is the base struct process: a
 * pointer to a new_process is then also a valid pointer to its base, and the run hook
 * gets the whole object back from the base pointer it is given.
 */
#ifndef NEW_PROCESS_H
#define NEW_PROCESS_H

#include <sys/types.h>

#include "process.h"

struct new_process {
    struct process base; /* must stay first: &np->base == (struct process *)np */
    int num;
    int report_fd;       /* where run writes its report */
};

/* What the run hook writes to report_fd, in one write. */
struct new_process_report {
    int num;   /* self->num */
    pid_t pid; /* getpid() in the child that ran the hook */
};

/* Initialises np like NewProcess(num): the base with process_init (no target, no
 * name: "Process-N"), then num and report_fd, then the base's run hook set to
 * new_process_run. Start it with process_start(&np->base). */
void new_process_init(struct new_process *np, int num, int report_fd);

/* The overridden run (called in the child by process_start, never by the caller):
 * writes one struct new_process_report {num, getpid()} to report_fd and returns num,
 * which becomes the child's exit code. Returns 255 when the write fails. */
int new_process_run(struct process *self);

#endif
