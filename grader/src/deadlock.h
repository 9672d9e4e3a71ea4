/* deadlock.h - telling a deadlocked test from a slow one, without waiting for its
 * timeout.
 *
 * A test is deadlocked when every thread of every process below the runner (the test
 * process, what it forked, what was re-parented to the runner) sleeps in a blocking
 * call that has no timeout, and no thread has run since the previous look (same
 * context switches, same CPU time, same threads): then nothing inside the test can
 * wake any of them, and nothing outside it will. A wait with a timeout, a sleep, a
 * running or stopped thread, a process with a clock that may still fire (a POSIX
 * timer, a timerfd, a SIGALRM, SIGVTALRM or SIGPROF handled or blocked) and any call
 * this file does not know make the test not deadlocked. The watch asks for that
 * state unchanged over a window of seconds. */
#ifndef DEADLOCK_H
#define DEADLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One thread's progress counters in a look. */
struct deadlock_mark {
    pid_t tid;
    unsigned long long switches, cpu;
};

struct deadlock_watch {
    bool have;     /* marks hold a look in which everything was blocked */
    double since;  /* when that look was taken */
    struct deadlock_mark *marks;
    size_t n;
};

/* True when system call nr with these arguments blocks with no timeout (x86-64
 * numbering, as in /proc/PID/syscall). Pure. */
bool deadlock_untimed_wait(long nr, const unsigned long args[6]);

/* Parses /proc/PID/task/TID/syscall ("202 0x55d0 0x80 ..."); false for "running"
 * or "-1 ..." (not in a system call). Pure. */
bool deadlock_parse_syscall(const char *text, long *nr, unsigned long args[6]);

/* Looks at the processes below runner; true once they have been deadlocked, with
 * nothing changed, for window seconds. */
bool deadlock_watch_update(struct deadlock_watch *w, pid_t runner, double now, double window);

void deadlock_watch_reset(struct deadlock_watch *w);

#endif
