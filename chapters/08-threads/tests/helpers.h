/* helpers.h - what this chapter's tests share (the rest is in wb_test.h). */
#ifndef HELPERS_H
#define HELPERS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

/* How many threads the calling process has now (/proc/self/status). */
int count_threads(void);

#endif
