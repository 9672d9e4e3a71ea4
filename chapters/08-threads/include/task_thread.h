/* task_thread.h - the class style: "subclass" struct thread and override run.
 *
 * Python:  class MyThread(threading.Thread):
 *              def __init__(self, n):
 *                  super().__init__()          # needed when overriding run
 *                  self.n = n
 *              def run(self):                  # overrides Thread.run
 *                  print("current task：", self.n)
 *
 * C has no classes: the "subclass" is a struct that embeds a struct thread, and the
 * override is the run hook. The hook receives the embedded struct thread and gets back
 * to the whole task_thread with container_of (thread.h). */
#ifndef TASK_THREAD_H
#define TASK_THREAD_H

#include "thread.h"

#define TASK_REPORT_MAX 96

struct task_thread {
    const char *task;              /* the seeds' n: what to report */
    char report[TASK_REPORT_MAX];  /* written by the run hook */
    struct thread base;            /* the "superclass"; deliberately not the first
                                      member: a plain cast would not find the struct */
};

/* Like MyThread(n): initialises tt->base (thread_init with no target and the given
 * name, NULL meaning the next default name), installs task_thread_run as its run
 * hook, keeps task (not copied: it must outlive the thread) and empties report.
 *
 * Returns 0, or -1 with errno set by thread_init. Start, join and destroy it through
 * &tt->base. */
int task_thread_init(struct task_thread *tt, const char *task, const char *name);

/* The override of run: writes "current task: TASK (in NAME)" into the task_thread's
 * report, TASK being its task and NAME thread_current_name() as the running thread
 * sees it (cut to fit TASK_REPORT_MAX). */
void task_thread_run(struct thread *self);

#endif
