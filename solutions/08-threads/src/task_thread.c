/* task_thread.c - the class style: "subclass" struct thread and override run. */
#include "task_thread.h"

#include <errno.h>
#include <stdio.h>

int task_thread_init(struct task_thread *tt, const char *task, const char *name)
{
    /* super().__init__(): the base part first, then what the subclass adds. */
    if (thread_init(&tt->base, NULL, NULL, name) < 0)
        return -1;
    tt->base.run = task_thread_run; /* the override */
    tt->task = task;
    tt->report[0] = '\0';
    return 0;
}

void task_thread_run(struct thread *self)
{
    /* self points into the middle of a task_thread: step back to its start. */
    struct task_thread *tt = container_of(self, struct task_thread, base);
    snprintf(tt->report, sizeof tt->report, "current task: %s (in %s)", tt->task,
             thread_current_name());
}
