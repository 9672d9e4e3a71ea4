/* deadlock.c - is a test deadlocked? (see deadlock.h) Read from /proc, outside the
 * sandbox: nothing the test does can change what is read. */
#include "deadlock.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "grader.h"

enum { MAX_PIDS = 4096, MAX_MARKS = 4096 };

bool deadlock_untimed_wait(long nr, const unsigned long a[6])
{
    switch (nr) {
    case SYS_futex: {
        unsigned long cmd = a[1] & ~(unsigned long)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
        bool waits = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
                     cmd == FUTEX_WAIT_REQUEUE_PI || cmd == 13 /* FUTEX_LOCK_PI2 */;
        return waits && a[3] == 0;
    }
    case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv:
    case SYS_write: case SYS_writev: case SYS_pwrite64: case SYS_pwritev:
    case SYS_wait4: case SYS_waitid: case SYS_pause: case SYS_rt_sigsuspend:
    case SYS_msgrcv: case SYS_msgsnd: case SYS_semop: case SYS_flock:
    case SYS_accept: case SYS_accept4: case SYS_connect:
    case SYS_recvfrom: case SYS_recvmsg: case SYS_sendto: case SYS_sendmsg:
    case SYS_open: case SYS_openat: /* a FIFO's open waits for the other end */
        return true;
    case SYS_fcntl:
        return a[1] == F_SETLKW || a[1] == F_OFD_SETLKW;
    case SYS_rt_sigtimedwait:
        return a[2] == 0;
    case SYS_semtimedop: case SYS_futex_waitv: case SYS_epoll_pwait2:
        return a[3] == 0;
    case SYS_mq_timedreceive: case SYS_mq_timedsend: case SYS_select: case SYS_pselect6:
    case SYS_recvmmsg:
        return a[4] == 0;
    case SYS_poll:
        return (int)a[2] < 0;
    case SYS_ppoll:
        return a[2] == 0;
    case SYS_epoll_wait: case SYS_epoll_pwait:
        return (int)a[3] < 0;
    default:
        return false; /* sleeps, timed waits, and what is not known here */
    }
}

bool deadlock_parse_syscall(const char *text, long *nr, unsigned long args[6])
{
    char *end;
    *nr = strtol(text, &end, 10);
    if (end == text || *nr < 0)
        return false;
    for (int i = 0; i < 6; i++) {
        const char *p = end;
        args[i] = strtoul(p, &end, 16);
        if (end == p)
            return false;
    }
    return true;
}

/* ---- looking at /proc ---- */

static char *read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    return buf;
}

/* The processes below runner (not the runner), by one pass over /proc. */
static size_t below(pid_t runner, pid_t *out, size_t max)
{
    static pid_t pid[MAX_PIDS], ppid[MAX_PIDS];
    size_t n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < MAX_PIDS) {
        long p = strtol(e->d_name, NULL, 10);
        char path[64], buf[512];
        if (p <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/stat", p);
        char *close_paren = read_small(path, buf, sizeof buf) ? strrchr(buf, ')') : NULL;
        char state;
        int parent;
        if (close_paren && sscanf(close_paren + 1, " %c %d", &state, &parent) == 2) {
            pid[n] = (pid_t)p;
            ppid[n++] = (pid_t)parent;
        }
    }
    if (d)
        closedir(d);
    size_t k = 0;
    out[k++] = runner;
    for (size_t i = 0; i < k && k < max; i++)
        for (size_t j = 0; j < n && k < max; j++)
            if (ppid[j] == out[i])
                out[k++] = pid[j];
    memmove(out, out + 1, (k - 1) * sizeof *out);
    return k - 1;
}

static unsigned long long status_hex(const char *status, const char *name)
{
    const char *p = strstr(status, name);
    return p ? strtoull(p + strlen(name), NULL, 16) : 0;
}

static unsigned long long status_num(const char *status, const char *name)
{
    const char *p = strstr(status, name);
    return p ? strtoull(p + strlen(name), NULL, 10) : 0;
}

static const unsigned long long clock_signals =
    (1ull << (SIGALRM - 1)) | (1ull << (SIGVTALRM - 1)) | (1ull << (SIGPROF - 1));

/* True when a clock may still wake the process: a POSIX timer, a timerfd, or a
 * clock's signal handled. */
static bool has_clock(pid_t p)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/timers", (int)p);
    if (read_small(path, buf, sizeof buf) && buf[0] != '\0')
        return true;
    snprintf(path, sizeof path, "/proc/%d/status", (int)p);
    if (!read_small(path, buf, sizeof buf) || (status_hex(buf, "\nSigCgt:") & clock_signals))
        return true;
    snprintf(path, sizeof path, "/proc/%d/fd", (int)p);
    DIR *d = opendir(path);
    if (d == NULL)
        return true;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        char link[320], target[64];
        snprintf(link, sizeof link, "/proc/%d/fd/%s", (int)p, e->d_name);
        ssize_t len = readlink(link, target, sizeof target - 1);
        if (len > 0) {
            target[len] = '\0';
            found = strcmp(target, "anon_inode:[timerfd]") == 0;
        }
    }
    closedir(d);
    return found;
}

/* Adds a mark for thread tid of p; false when the thread is not blocked for good.
 * A thread that has ended (a zombie) adds nothing. */
static bool look_at_thread(pid_t p, pid_t tid, struct deadlock_mark *marks, size_t *n)
{
    char path[96], stat[1024], status[4096], call[256];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)p, (int)tid);
    char *paren = read_small(path, stat, sizeof stat) ? strrchr(stat, ')') : NULL;
    char state;
    unsigned long long utime, stime;
    if (paren == NULL || sscanf(paren + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                                &state, &utime, &stime) != 3)
        return false;
    if (state == 'Z' || state == 'X')
        return true;
    snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)p, (int)tid);
    if (state != 'S' || !read_small(path, status, sizeof status) ||
        (status_hex(status, "\nSigBlk:") & clock_signals))
        return false;
    snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)p, (int)tid);
    long nr;
    unsigned long args[6];
    if (!read_small(path, call, sizeof call) || !deadlock_parse_syscall(call, &nr, args) ||
        !deadlock_untimed_wait(nr, args) || *n == MAX_MARKS)
        return false;
    marks[(*n)++] = (struct deadlock_mark){
        .tid = tid,
        .switches = status_num(status, "\nvoluntary_ctxt_switches:") +
                    status_num(status, "\nnonvoluntary_ctxt_switches:"),
        .cpu = utime + stime};
    return true;
}

/* Marks for every thread below runner; false as soon as one is not blocked for good. */
static bool look(pid_t runner, struct deadlock_mark *marks, size_t *n)
{
    static pid_t pids[MAX_PIDS];
    size_t n_pids = below(runner, pids, MAX_PIDS);
    *n = 0;
    if (n_pids == 0)
        return false;
    for (size_t i = 0; i < n_pids; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int)pids[i]);
        DIR *d = opendir(path);
        if (d == NULL)
            continue; /* it ended since */
        bool blocked = !has_clock(pids[i]);
        struct dirent *e;
        while (blocked && (e = readdir(d)) != NULL) {
            long tid = strtol(e->d_name, NULL, 10);
            if (tid > 0)
                blocked = look_at_thread(pids[i], (pid_t)tid, marks, n);
        }
        closedir(d);
        if (!blocked)
            return false;
    }
    return *n > 0;
}

static int by_tid(const void *a, const void *b)
{
    pid_t x = ((const struct deadlock_mark *)a)->tid, y = ((const struct deadlock_mark *)b)->tid;
    return (x > y) - (x < y);
}

void deadlock_watch_reset(struct deadlock_watch *w)
{
    free(w->marks);
    *w = (struct deadlock_watch){0};
}

bool deadlock_watch_update(struct deadlock_watch *w, pid_t runner, double now, double window)
{
    static struct deadlock_mark marks[MAX_MARKS];
    size_t n;
    if (runner <= 0 || !look(runner, marks, &n)) {
        deadlock_watch_reset(w);
        return false;
    }
    qsort(marks, n, sizeof *marks, by_tid);
    bool same = w->have && w->n == n;
    for (size_t i = 0; same && i < n; i++)
        same = w->marks[i].tid == marks[i].tid && w->marks[i].switches == marks[i].switches &&
               w->marks[i].cpu == marks[i].cpu;
    if (same)
        return now - w->since >= window;
    deadlock_watch_reset(w);
    w->marks = xcalloc(n, sizeof *marks);
    memcpy(w->marks, marks, n * sizeof *marks);
    w->n = n;
    w->have = true;
    w->since = now;
    return false;
}
