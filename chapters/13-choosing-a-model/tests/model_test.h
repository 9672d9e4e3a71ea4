/* model_test.h - the work the tests hand to the three models, and the log it keeps.
 *
 * Every job of these tests is a worker: its arg is a struct m_worker, its wait and
 * compute are m_wait and m_compute, which write to a log when the worker begins and ends
 * each wait and each step, and count how many workers are computing and how many are
 * waiting at that moment. The log lives in shared memory under a process-shared mutex
 * when the workers run in child processes (m_log_new(n, true)), so the children of
 * run_processes write to the same log the test reads. The tests assert on that log, on
 * what overlapped with what, never on how long anything took.
 *
 * Where a test is about an overlap, the workers make it certain rather than likely: a
 * step or a wait holds on until the other worker has got where the test is about
 * (computing too, waiting too, queued for the GIL), for at most M_PATIENCE seconds. A
 * correct solution gets there at once. One that runs the workers one after the other
 * never does: the worker then gives up, notes why in the log (m_expect_no_problem
 * reports it), and every later hold of the run is skipped, so that the run still ends.
 *
 * Only pthread mutexes (and the GIL under test) order the threads: helgrind checks the
 * thread tests. */
#ifndef MODEL_TEST_H
#define MODEL_TEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "wb_test.h"
#include "workers.h"

enum { M_WORKERS = 4, M_EVENTS = 512 };

#define M_PATIENCE 5.0 /* seconds a hold waits for the other worker before giving up */

enum m_what {
    M_STEP_BEGIN,
    M_STEP_END,
    M_WAIT_BEGIN,
    M_WAIT_END,
    M_TURN /* a bystander thread had the GIL (m_bystander_start) */
};

struct m_event {
    int worker;
    enum m_what what;
    long step;    /* for steps: which one; for M_TURN: how many turns in a row */
    pid_t pid;    /* the process and thread it happened in */
    pid_t tid;
    int gil_held; /* gil_held() of the worker's GIL then: 1 or 0; -1 without a GIL */
    int fds;      /* M_COUNT_FDS, step begins: descriptors open in its process */
    int std_open; /* ... and which of 0, 1, 2 are open (bits 0, 1, 2) */
};

/* What a worker does beyond logging (flags, combined with |). */
enum {
    M_MEET = 1 << 0,           /* step 0 holds until two workers compute at the same time */
    M_TAKE_TURNS = 1 << 1,     /* each step holds until another thread waits for the GIL
                                * (or another worker computes too: the test then fails,
                                * or every other worker has done all its steps) */
    M_AFTER_PEER_WAITS = 1 << 2, /* each step begins only once worker `peer` is waiting,
                                  * or a thread waits for the GIL (the peer needs a turn
                                  * with it to begin its wait) */
    M_READ_WRITE = 1 << 3,     /* Python's n += 1 in two steps: even steps read the log's
                                * counter, odd steps write what was read, plus 1 */
    M_SPIN = 1 << 4,           /* step 0 spins until this worker and `peer` have each seen
                                * the other run while it ran itself (processes only) */
    M_CRASH = 1 << 5,          /* step 0 kills its process with SIGSEGV (processes only) */
    M_WAIT_ALL = 1 << 6,       /* the wait holds until every worker has waited at once */
    M_WAIT_PEER_DONE = 1 << 7, /* the wait holds until worker `peer` did all its steps */
    M_SLOW_WAIT = 1 << 8,      /* the wait first sleeps 0.05 s (a signal does not cut it) */
    M_COUNT_FDS = 1 << 9       /* step begins record the descriptors open (m_event.fds) */
};

struct m_log {
    pthread_mutex_t lock; /* guards everything below; process-shared in shared logs */
    bool shared;          /* in MAP_SHARED memory, for processes */
    int n_workers;
    int computing, waiting;         /* workers between begin and end now */
    int max_computing, max_waiting; /* the most at once so far */
    bool is_waiting[M_WORKERS];
    long steps_done[M_WORKERS], steps_total[M_WORKERS];
    size_t n_events;
    bool overflow;
    struct m_event events[M_EVENTS];
    bool gave_up;
    char problem[320]; /* the first reason a hold gave up, "" while none did */
    long counter;      /* M_READ_WRITE's shared "Python variable" */
    bool stop;         /* tells the bystander to end */
    long spins[M_WORKERS]; /* M_SPIN: each worker's loop count (atomics, processes only) */
    int spin_ok[M_WORKERS];
};

struct m_worker {
    struct m_log *log;
    int id;
    struct gil *gil; /* recorded with each event, and M_TAKE_TURNS looks at it; or NULL */
    unsigned flags;
    int peer;
    long read_value; /* M_READ_WRITE: what the last even step read */
};

/* Steps and waits done in this process's own memory (not the log's): a child's are
 * its own. Counted under the log's lock. */
extern long m_private_steps;

/* A log for n workers (at most M_WORKERS); shared: in shared memory, for processes. */
struct m_log *m_log_new(int n, bool shared);
void m_log_free(struct m_log *log);

/* Makes job i of a test: worker i of log, with `steps` steps and a wait if `waits`.
 * gil may be NULL; peer is used by the flags that name one. */
void m_job(struct job *job, struct m_worker *w, struct m_log *log, int i, long steps,
           bool waits, unsigned flags, struct gil *gil, int peer);

/* The job and the worker callbacks, for a test that calls them itself. */
long m_wait(void *arg);
long m_compute(void *arg, long step);

/* What step `step` of worker i returns, what its wait returns, and what the job's
 * result should be. */
long m_step_value(int i, long step);
long m_wait_value(int i);
long m_expected(int i, long steps, bool waits);

/* The log's events, copied under its lock: returns how many (at most max). */
size_t m_events(struct m_log *log, struct m_event *out, size_t max);

/* The largest number of workers computing, or waiting, at the same time so far. */
int m_max_computing(struct m_log *log);
int m_max_waiting(struct m_log *log);

/* Fails the test, with what: the run in words, when a hold of the run gave up. */
void m_expect_no_problem(struct m_log *log, const char *what);

/* Fails the test unless the steps of workers 0 and 1 (each `steps` steps, a multiple of
 * interval) ran in turns of exactly `interval` steps, the two workers alternating. */
void m_expect_turns(struct m_log *log, long interval, long steps, const char *what);

/* Describes events (at most the first 40) into buf, one short token each, as
 * "w0 s0 s1 ~ W1 ..." : step begins, wait begins "W", ends "/W", bystander turns "T". */
void m_describe(const struct m_event *events, size_t n, char *buf, size_t size);

/* A bystander thread that loops gil_acquire, logs an M_TURN, gil_release, until
 * m_bystander_stop, as worker `id` of log: a second thread that always wants the GIL. */
pthread_t m_bystander_start(struct m_log *log, struct gil *gil, int id);
void m_bystander_stop(struct m_log *log, pthread_t tid);

/* Polls until gil_waiting(gil) >= n, for at most M_PATIENCE seconds; true if it did. */
bool m_wait_for_waiters(struct gil *gil, int n);

/* Which of the descriptors 0, 1 and 2 are open in the calling process (bits 0 to 2). */
int m_std_open(void);

/* How many CPUs this process may run on: the online ones it is allowed. */
int m_usable_cpus(void);

/* Whether no child of the test process is left (waitpid(-1, WNOHANG) says ECHILD). */
bool m_no_children_left(void);

/* Calls code that forks, then stops at once if the caller is a child that returned
 * into the test. */
#define M_FORKS(call)                                                                  \
    __extension__({                                                                    \
        __typeof__(call) m_call_result_ = (call);                                      \
        wb_exit_if_stray();                                                            \
        m_call_result_;                                                                \
    })

#endif
