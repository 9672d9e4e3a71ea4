/* gil.h - a simulated Global Interpreter Lock: the one lock CPython's threads take turns on.
 *
 * Python:  a thread runs Python code only while it holds the GIL. A thread that
 *          computes keeps it, and every so often lets a waiting thread have it
 *          (Python 2: every sys.getcheckinterval() = 100 bytecodes; Python 3: every
 *          sys.getswitchinterval() = 0.005 s). A thread about to block (a read,
 *          time.sleep, a socket) releases it first and takes it back after.
 *
 * Here the interval is counted in ticks: a thread that computes calls gil_tick after each
 * step, and the interval-th tick since it took the GIL hands the GIL over if another
 * thread waits for it. Handing over is fair: the GIL goes to the threads in the order they
 * asked for it (first come, first served), and a thread that gives it up queues behind
 * those already waiting, so each of them gets a turn before it runs again (CPython 3's
 * "forced switching"). With a plain mutex the thread that lets go would usually take it
 * straight back, and the waiting one would starve.
 *
 * The fields below suggest a ticket queue, as at a bakery counter: each thread that asks
 * takes the next ticket (next_ticket++) and waits until serving shows its number and the
 * GIL is free; each release calls the next number (serving++). Every field is read and
 * written under `lock`, which is held for a moment only, never while a thread waits for
 * its turn (pthread_cond_wait releases it).
 *
 * Functions return 0 (or the value they document), or -1 with errno set. */
#ifndef GIL_H
#define GIL_H

#include <pthread.h>
#include <stdbool.h>

struct gil {
    pthread_mutex_t lock;       /* guards every field below */
    pthread_cond_t turn;        /* broadcast each time the GIL is released */
    bool held;                  /* whether a thread holds the GIL */
    pthread_t holder;           /* which one, while held */
    unsigned long next_ticket;  /* the ticket the next thread that asks takes */
    unsigned long serving;      /* the ticket whose turn it is once the GIL is free */
    int waiting;                /* threads in gil_acquire or gil_tick waiting for a turn */
    long interval;              /* ticks per turn (gil_init) */
    long ticks;                 /* ticks since the holder took the GIL */
    long switches;              /* how many times gil_tick has handed the GIL over */
};

/* Makes a free GIL whose holder hands it over every `interval` ticks (Python 2's
 * sys.setcheckinterval). No thread holds or waits for it, no switch has happened.
 * -1 with EINVAL when interval < 1; or with the error of pthread_mutex_init or
 * pthread_cond_init (nothing is left initialised then). */
int gil_init(struct gil *gil, long interval);

/* Takes the GIL for the calling thread, waiting while another thread holds it or while
 * threads that asked earlier have not had their turn: the GIL goes to the threads in the
 * order they called gil_acquire (or gave it up in gil_tick). The tick count starts at 0
 * for the new holder. -1 with EDEADLK when the calling thread holds it already (it would
 * wait for itself forever). */
int gil_acquire(struct gil *gil);

/* Gives the GIL up: the thread whose turn is next (if any) takes it. -1 with EPERM when
 * the calling thread does not hold it (Python: "RuntimeError: release unlocked lock"). */
int gil_release(struct gil *gil);

/* One step of computation done by the holder. On every `interval`-th tick since the
 * holder took the GIL: when at least one thread waits for the GIL, hands it over and
 * queues for it again behind the waiting threads, so that each of them has a turn, then
 * returns 1 holding it again (one more switch counted); when none waits, keeps it and
 * returns 0. Other ticks return 0 at once. Either way the count starts again from 0
 * after an `interval`-th tick. -1 with EPERM when the calling thread does not hold the
 * GIL. */
int gil_tick(struct gil *gil);

/* Whether the calling thread holds the GIL (CPython's PyGILState_Check()). */
bool gil_held(struct gil *gil);

/* How many threads are waiting in gil_acquire or gil_tick for their turn now. */
int gil_waiting(struct gil *gil);

/* How many times gil_tick has handed the GIL over since gil_init. */
long gil_switches(struct gil *gil);

/* Frees what gil_init made. -1 with EBUSY, changing nothing, while a thread holds the
 * GIL or waits for it. */
int gil_destroy(struct gil *gil);

#endif
