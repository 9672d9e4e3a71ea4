/* helpers.h - what this chapter's tests share: semaphore handshakes with hang guards,
 * and starting and joining plain POSIX threads. */
#ifndef HELPERS_H
#define HELPERS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

/* sem_wait that gives up after timeout_s seconds (a hang guard, never a verdict on
 * speed); true when the semaphore was taken. */
bool sem_wait_for(sem_t *sem, double timeout_s);

/* pthread_create that fails the test when the thread cannot be made. */
pthread_t start_pthread(void *(*fn)(void *), void *arg);

/* pthread_join. */
void join_pthread(pthread_t tid);

/* How many threads the calling process has now (/proc/self/status). */
int count_threads(void);

#endif
