/* task_thread.c - the class style: "subclass" struct thread and override run. */
#include "task_thread.h"

#include <errno.h>
#include <stdio.h>

int task_thread_init(struct task_thread *tt, const char *task, const char *name)
{
    /* TODO: super().__init__(): thread_init the base (no target); then install the
     * override (base.run = task_thread_run), keep task, empty report. */
    (void)tt;
    (void)task;
    (void)name;
    errno = ENOSYS;
    return -1;
}

void task_thread_run(struct thread *self)
{
    /* TODO: find the task_thread that self is part of (container_of), and write
     * "current task: TASK (in NAME)" into its report with snprintf. */
    (void)self;
}
