/* helpers.h - what this chapter's tests share (the rest is in wb_test.h). */
#ifndef HELPERS_H
#define HELPERS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

/* How many threads the calling process has now (/proc/self/status). */
int count_threads(void);

/* From now on, every pthread_create of the calling process fails with EAGAIN, as when
 * the system is out of threads, whatever stack size the thread would get: a seccomp
 * filter refuses clone with CLONE_THREAD (and clone3, so that the C library falls back
 * to clone). fork still works. It cannot be undone: call it last in a test, which runs
 * in a process of its own. */
void deny_new_threads(void);

#endif
