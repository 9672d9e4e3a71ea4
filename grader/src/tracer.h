/* tracer.h - a helper process of the grader that ptraces a test runner from outside
 * the sandbox, to say where its tests crash and where they hang.
 *
 * The grader seizes the runner (PTRACE_SEIZE) before its first test: every test
 * process the runner forks is then traced from its birth, and so is every thread a
 * test process starts (not the processes a test forks). Signals pass through at
 * once; a crash (a fatal signal with its default action) is stopped on its way,
 * the crashing thread's stack read (stacks.c), "crash TEXT" written to the report
 * descriptor (the runner's progress pipe), and the signal delivered. On request,
 * the helper stops every thread of a test's processes and tells where each is.
 *
 * A process of its own: ptrace events are waited for with waitpid(-1), which a
 * grader with children of its own cannot do, and a crash of the stack reader on a
 * submission's memory costs the locations only. */
#ifndef TRACER_H
#define TRACER_H

#include <sys/types.h>

#include "stacks.h"

struct tracer {
    pid_t pid; /* 0: not running */
    int sock;
};

/* Starts the helper; report_fd receives "test PID" when the runner forks a test
 * process and "crash TEXT" lines. Returns 0 or -1. */
int tracer_start(struct tracer *t, const struct stack_paths *paths, int report_fd);

/* Seizes the runner (a host pid). Returns 0, or -1 (ptrace is not allowed here). */
int tracer_seize(struct tracer *t, pid_t runner);

/* Stops every thread of test (a host pid) and of the processes below it, and tells
 * where each is: "thread 1 waits in pthread_join at ...; thread 2 ...". The threads
 * stay stopped: the caller kills them. NULL when nothing could be read. */
char *tracer_where(struct tracer *t, pid_t test);

/* Ends the helper (its tracees are detached). */
void tracer_stop(struct tracer *t);

#endif
