/* timer.h - threading.Timer: call a function after a delay, on a thread of its own,
 * unless cancelled first.
 *
 * Python:  def hello(): print("hello, world")
 *          t = Timer(1, hello)     # hello runs 1 s after start, in the timer's thread
 *          t.start()
 *          t.cancel()              # in time: hello never runs
 *
 * (Not POSIX's timer_create: these functions have names of their own.) */
#ifndef TIMER_H
#define TIMER_H

#include <pthread.h>
#include <stdbool.h>

typedef void (*timer_fn)(void *arg);

struct timer {
    /* Set by timer_init; read-only afterwards. */
    double interval; /* seconds from start to the call */
    timer_fn function;
    void *arg;

    /* mutex must be held when using these: */
    pthread_mutex_t mutex;
    pthread_cond_t cancelled_changed; /* signalled by timer_cancel */
    pthread_t tid;   /* the timer's thread, valid once started */
    bool started;    /* timer_start succeeded */
    bool cancelled;  /* timer_cancel was called before the function was */
    bool fired;      /* the function has been called (or is being called) */
    bool joined;     /* the timer's thread has been reclaimed (pthread_join) */
};

/* Prepares a timer that calls function(arg) interval seconds after timer_start.
 * Returns 0, or -1 with errno EINVAL when interval is negative, or as sync_init. */
int timer_init(struct timer *t, double interval, timer_fn function, void *arg);

/* Starts the timer's thread, which waits interval seconds (not fewer) and then calls
 * the function once, unless the timer was cancelled by then, in which case it ends
 * without calling it. Returns 0 without waiting. Returns -1 with errno EINVAL when the
 * timer was already started, or with pthread_create's error. */
int timer_start(struct timer *t);

/* Cancels the timer: if the function has not been called yet, it never will be, and a
 * waiting timer thread ends at once. A timer may be cancelled before it is started
 * (start then does nothing visible) and more than once.
 *
 * Returns 1 when the function has not been and never will be called, 0 when it had
 * already been called (or was being called): too late to cancel. */
int timer_cancel(struct timer *t);

/* Waits until the timer's thread has ended (the function returned, or the timer was
 * cancelled) and reclaims it. Returns 0, also when already joined, or -1 with errno
 * EINVAL when the timer was not started. */
int timer_join(struct timer *t);

/* Releases the timer's resources. Returns 0, or -1 with errno EBUSY when the timer was
 * started and not joined. */
int timer_destroy(struct timer *t);

#endif
