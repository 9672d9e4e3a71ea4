/* process.h - a process object, like Python's multiprocessing.Process.
 *
 * Python:  p = Process(target=f, args=('john',))
 *          p.start(); p.join(timeout); p.is_alive(); p.exitcode; p.terminate()
 *          multiprocessing.active_children(); multiprocessing.cpu_count()
 *
 * A struct process belongs to the process that started it: join, is_alive, exitcode
 * and terminate are for that process only (a copy of the struct in a child is not a
 * handle on anything). None of these functions is thread-safe.
 */
#ifndef PROCESS_H
#define PROCESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { PROCESS_NAME_MAX = 64 };

/* What process_exitcode returns while there is no exit code yet (Python: None). */
#define PROCESS_NO_EXITCODE INT_MIN

/* A target: runs in the child; its return value becomes the child's exit code
 * (like sys.exit(n); only the low 8 bits reach the parent). */
typedef int (*process_target)(void *arg);

enum process_state {
    PROCESS_CREATED, /* initialised, not started */
    PROCESS_STARTED, /* forked; not yet known to have ended */
    PROCESS_ENDED,   /* ended and reaped: exitcode is known */
};

struct process {
    /* Set by process_init; the caller may change them before process_start. */
    process_target target;
    void *arg;
    /* The hook a "subclass" overrides (Python: def run(self)). NULL: the child
     * calls target(arg) (or nothing when target is NULL too). */
    int (*run)(struct process *self);
    char name[PROCESS_NAME_MAX]; /* "Process-N" unless a name was given */

    /* Kept by the functions below; read them, never write them. */
    enum process_state state;
    pid_t pid;      /* the child's pid once started, 0 before */
    pid_t parent;   /* the process that called process_start (Python: _parent_pid) */
    int sentinel;   /* read end of a pipe whose write end only the child holds: it
                     * reads end-of-file once the child has ended; -1 when closed */
    int exitcode;   /* valid in state PROCESS_ENDED */
    struct process *next_child; /* link in the list of active children */
};

/* --- process_start.c ---------------------------------------------------------- */

/* Initialises p to run target(arg) (Python: Process(target=..., args=...)). name is
 * copied (truncated to PROCESS_NAME_MAX - 1 bytes); when name is NULL, p is named
 * "Process-N" where N counts every process_init call made so far by this program,
 * named or not, starting at 1 (Python counts the same way). target may be NULL: the
 * child then does nothing and exits with 0, unless p->run is set. p->run is NULL. */
void process_init(struct process *p, process_target target, void *arg, const char *name);

/* Starts the child (Python: p.start()). Before forking, flushes every stdio stream so
 * that the child does not inherit unwritten output (which would be written twice).
 * The child forgets the parent's list of active children, calls p->run(p) when
 * p->run is set and otherwise target(arg), flushes stdio, and ends with _exit of the
 * result. It never returns from process_start.
 *
 * In the caller, returns 0 at once (without waiting for the child), with p->pid set,
 * p->state PROCESS_STARTED and p added to the active children. Returns -1 with errno
 * EINVAL when p was already started (Python: "cannot start a process twice"), or
 * errno from pipe or fork when they fail (nothing is then left open or running). */
int process_start(struct process *p);

/* --- process_wait.c ----------------------------------------------------------- */

/* Waits until p has ended (Python: p.join(timeout)). timeout is in seconds: negative
 * blocks until the child ends, 0 only checks, positive waits at most that long. Once
 * ended, p is reaped, its exit code recorded, its sentinel closed and p removed from
 * the active children. Joining an ended process again returns 0 at once. Retries
 * when a signal interrupts the wait.
 *
 * Returns 0 when p has ended. Returns -1 with errno:
 *   ETIMEDOUT  the timeout passed and p is still running (Python returns None and
 *              leaves exitcode None),
 *   EINVAL     p was never started (Python: "can only join a started process"),
 *   ECHILD     the caller is not the process that started p (Python: "can only join
 *              a child process"); detected at once, without waiting. */
int process_join(struct process *p, double timeout);

/* Tells whether p is running (Python: p.is_alive()), without blocking: false before
 * start and once ended. When it finds that p has ended, it reaps p exactly as
 * process_join does, so exitcode is known afterwards. */
bool process_is_alive(struct process *p);

/* Python's p.exitcode, without blocking: PROCESS_NO_EXITCODE before start and while p
 * is running; otherwise the exit code (0..255), or minus the signal number when a
 * signal killed p (-15 after process_terminate). Reaps p when it has just ended, like
 * process_is_alive. */
int process_exitcode(struct process *p);

/* --- process_terminate.c ------------------------------------------------------ */

/* Sends SIGTERM to p (Python: p.terminate()), without waiting: join p afterwards.
 * Does nothing when p has already ended and been reaped: its pid may by now belong to
 * another process, which must not be signalled.
 *
 * Returns 0. Returns -1 with errno EINVAL when p was never started, or errno from
 * kill. */
int process_terminate(struct process *p);

/* --- children.c --------------------------------------------------------------- */

/* Python: multiprocessing.active_children(). Checks every process this program
 * started and has not yet seen end (as process_is_alive does: the ended ones are
 * reaped and dropped from the list), and stores the running ones in
 * out[0 .. max-1]. Returns how many are running (which may be more than max). */
size_t process_active_children(struct process **out, size_t max);

/* Python: multiprocessing.cpu_count(): the number of processors online (at least 1),
 * or -1 when the system cannot tell (Python raises NotImplementedError). */
int process_cpu_count(void);

/* The list of active children behind process_active_children, kept by the other
 * files: process_start adds p after a successful fork, the reaping in
 * process_wait.c removes it (removing a process not in the list does nothing), and
 * a new child calls process_children_forget() so that it does not see its parent's
 * children as its own (Python empties the set the same way). */
void process_children_add(struct process *p);
void process_children_remove(struct process *p);
void process_children_forget(void);

#endif
