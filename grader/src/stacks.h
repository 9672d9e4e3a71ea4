/* stacks.h - where the threads of a stopped process are: their stacks, read with
 * elfutils' libdwfl (as eu-stack does), told in the chapter's own files and lines. */
#ifndef STACKS_H
#define STACKS_H

#include <stddef.h>
#include <sys/types.h>

/* How the chapter's files are named: the work folder they were compiled in, and the
 * name of that folder in reports ("chapters/09-thread-sync/"). */
struct stack_paths {
    const char *work;
    const char *shown;
};

/* One frame of a stack, innermost first: its function and its source line (file is
 * the compiler's absolute path; NULL and 0 when unknown). */
struct stack_frame {
    char *function;
    char *file;
    int line;
};

enum { STACK_MAX_FRAMES = 64 };

/* Where one thread is, from its frames: "waits in pthread_cond_wait at
 * chapters/09-thread-sync/src/lock.c:31 (lock_acquire), called from
 * chapters/09-thread-sync/tests/test_lock.c:50 (holder)" when it is in a library
 * function the chapter's code called, "is at FILE:LINE (fn), called from ..." when
 * it is in the chapter's code, "is in FN (no frame in the chapter's files)"
 * otherwise. A pure function of its arguments. */
char *stacks_describe_thread(const struct stack_frame *frames, size_t n,
                             const struct stack_paths *paths);

/* A crashed thread's stack, short: the chapter's frames first, "FILE:LINE (fn)",
 * innermost first, at most 3 of them, then how many library frames were folded:
 * "in strlen, called from chapters/01-fork/src/reap.c:12 (reap_ended_children) <
 * chapters/01-fork/tests/test_reap.c:40 (reap_collects_every_zombie); 5 library
 * frames folded". Pure. */
char *stacks_describe_crash(const struct stack_frame *frames, size_t n,
                            const struct stack_paths *paths);

/* Reads the stack of thread tid of process pid, which the caller has stopped with
 * ptrace; stores up to STACK_MAX_FRAMES frames. Returns how many, or -1. */
int stacks_read(pid_t pid, pid_t tid, struct stack_frame *frames);
void stacks_free(struct stack_frame *frames, size_t n);

/* The threads of pid, sorted (the main thread first); returns how many (at most
 * max), 0 when it is gone. */
size_t stacks_threads(pid_t pid, pid_t *tids, size_t max);

#endif
