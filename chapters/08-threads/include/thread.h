/* thread.h - threading.Thread in C: target and argument, name, start, join(timeout).
 *
 * Python:  t = threading.Thread(target=run, args=("thread 1",))
 *          t.name                              # "Thread-1" when no name was given
 *          t.start(); t.is_alive()             # True
 *          t.join(timeout=0.5)                 # returns after 0.5 s at most
 *          threading.current_thread().name     # "MainThread" in the main thread
 *
 *          class MyThread(threading.Thread):   # the class style: override run()
 *              def run(self): ...
 *
 * The functions are written in three files: thread_naming.c (default names, the
 * current thread), thread_start.c (init, start, the code the new thread runs) and
 * thread_join.c (join, is_alive, destroy). */
#ifndef THREAD_H
#define THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define THREAD_NAME_MAX 32 /* bytes in a name, the terminating '\0' included */

/* The struct that contains `member` at address ptr: how a run hook finds the
 * struct it is embedded in ("self" of a subclass). */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

typedef void (*thread_target)(void *arg);

struct thread {
    /* Set by thread_init (run may be replaced before thread_start); read-only once
     * started, so the new thread may read them without the lock. */
    void (*run)(struct thread *self); /* what the new thread runs: thread_run_target
                                         unless a "subclass" overrides it */
    thread_target target;             /* called with arg by thread_run_target */
    void *arg;
    char name[THREAD_NAME_MAX];

    /* lock must be held when using these: */
    pthread_mutex_t lock;
    pthread_cond_t finished_changed; /* broadcast when finished becomes true; uses
                                        CLOCK_MONOTONIC (see deadline.h) */
    pthread_t tid;                   /* the POSIX thread, valid once started */
    bool started;                    /* thread_start succeeded */
    bool finished;                   /* run has returned */
    bool reaped;                     /* pthread_join has been (or is being) called */
};

/* ---- thread_naming.c ---------------------------------------------------------- */

/* Writes the next default name, "Thread-N", into buf. N is 1 for the first call in
 * the process and one more at every call, also when many threads call at once: no
 * two calls ever get the same N.
 *
 * Returns 0. Returns -1 with errno ERANGE when the name does not fit in size bytes
 * (its '\0' included); that N is used up all the same. */
int thread_default_name(char *buf, size_t size);

/* Makes self the calling thread's thread object, as thread_current() will return it.
 * Each thread has its own: setting it in one thread changes nothing in the others.
 * The code that thread_start runs calls it first thing. */
void thread_set_current(struct thread *self);

/* The calling thread's thread object, or NULL when the calling thread was not started
 * by thread_start (the main thread, for one). Python: threading.current_thread(). */
struct thread *thread_current(void);

/* The name of thread_current(), or "MainThread" when it is NULL.
 * Python: threading.current_thread().name. */
const char *thread_current_name(void);

/* ---- thread_start.c ----------------------------------------------------------- */

/* Prepares t to run target(arg) once started: run is set to thread_run_target.
 * target may be NULL (the thread then does nothing, like Thread() in Python). name is
 * copied; when NULL, t gets the next default name (thread_default_name).
 *
 * Returns 0. Returns -1 with errno EINVAL when name is THREAD_NAME_MAX bytes or longer
 * (no default name is used up then), or with the error of pthread_mutex_init /
 * pthread_cond_init; t is then not initialised and needs no thread_destroy. */
int thread_init(struct thread *t, thread_target target, void *arg, const char *name);

/* The default run hook: calls self->target(self->arg) when target is not NULL.
 * Python: Thread.run(). */
void thread_run_target(struct thread *self);

/* Starts a new thread that calls thread_set_current(t), then t->run(t); when run
 * returns, the thread marks t finished and wakes every thread_join waiting for it.
 *
 * Returns 0 as soon as the thread exists, without waiting for run: from then on
 * thread_is_alive(t) is true until run has returned.
 *
 * Returns -1 with errno EINVAL when t was already started (a thread is started once,
 * even after it ended), or with the error of pthread_create (EAGAIN) and t unstarted. */
int thread_start(struct thread *t);

/* t's name. */
const char *thread_name(const struct thread *t);

/* ---- thread_join.c ------------------------------------------------------------ */

/* Waits until t's run has returned, at most timeout seconds: timeout < 0 waits as long
 * as it takes, 0 only checks. Any number of threads may join t, at the same time or
 * one after the other; the POSIX thread is reclaimed (pthread_join) exactly once.
 *
 * Returns 0 when t has ended (at once when it had already ended). Returns -1 with
 * errno set:
 *   ETIMEDOUT  t still runs after timeout seconds; it can be joined again later
 *              (Python's join returns None then, and is_alive() tells);
 *   EINVAL     t was not started (Python: RuntimeError);
 *   EDEADLK    t is the calling thread: it would wait for itself forever
 *              (Python: RuntimeError "cannot join current thread"). */
int thread_join(struct thread *t, double timeout);

/* True from thread_start's return until t's run has returned; false before start.
 * Python: t.is_alive(). */
bool thread_is_alive(struct thread *t);

/* Releases t's lock and condition variable. t must be unstarted, or joined: a
 * thread_join returned 0.
 *
 * Returns 0. Returns -1 with errno EBUSY when t was started and has not been joined;
 * t is then left untouched. */
int thread_destroy(struct thread *t);

#endif
