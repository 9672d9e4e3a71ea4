/* shared_memory.h - threads of one process share its memory.
 *
 * Python:  num = 100
 *          def run(): global num; num += 1
 *          t = threading.Thread(target=run); t.start(); t.join()
 *          print(num)       # 101: unlike a forked child (chapter 01), a thread
 *                           # changes the one and only num
 *
 * These functions use the raw POSIX API (pthread_create, pthread_join). Note that
 * pthread functions do not set errno: they return the error number (0 = success). */
#ifndef SHARED_MEMORY_H
#define SHARED_MEMORY_H

#include <stddef.h>
#include <sys/types.h>

struct share_report {
    pid_t pid_in_thread;  /* getpid() in the new thread */
    pid_t tid_in_thread;  /* gettid() in the new thread: the kernel's id of that thread */
    int seen_by_thread;   /* *value in the new thread, after its change */
    int seen_by_main;     /* *value in the caller, after the thread ended */
};

/* Starts one thread (pthread_create) that adds delta to *value and notes what it then
 * sees, its pid and its thread id; waits for it to end (pthread_join); then fills *out,
 * seen_by_main being *value as the caller sees it afterwards.
 *
 * Returns 0. When the thread cannot be created, returns -1 with errno set to the error
 * pthread_create returned (EAGAIN when resources are short); *value is unchanged and
 * *out is not written. */
int share_modify(int *value, int delta, struct share_report *out);

/* Starts n threads; thread i stores its own gettid() in tids[i]. The threads run at the
 * same time and need no lock: each writes only its own element. Waits for every thread
 * before returning.
 *
 * Returns 0 (also for n == 0). When a thread cannot be created, the threads already
 * started are waited for, and -1 is returned with errno set to pthread_create's error
 * (ENOMEM when memory to keep track of the threads cannot be allocated). */
int share_fill_slots(pid_t *tids, size_t n);

#endif
