/* tracer.c - the helper process that ptraces a test runner: crashes stopped on their
 * way and located, hung tests stopped and located (see tracer.h). */
#include "tracer.h"

#include <errno.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader.h"
#include "wb_proc.h"

enum { OP_SEIZE = 1, OP_WHERE = 2 };
enum { REPLY_MAX = 8192, REPORT_MAX = 900, MAX_THREADS = 512, MAX_PROCESSES = 64,
       SHOWN_THREADS = 8, SHOWN_PROCESSES = 4, STOP_WAIT_MS = 500, REQUEST_WAIT_MS = 5000 };

struct request {
    int seq, op, pid;
};

struct reply {
    int seq, rc;
    char text[REPLY_MAX];
};

/* ---- in the helper ---- */

static struct {
    const struct stack_paths *paths;
    int report_fd;
    pid_t runner;
    unsigned char *known; /* a bit per pid: traced by this helper */
    long pid_max;
} h;

static bool known(pid_t tid)
{
    return tid > 0 && tid < h.pid_max && (h.known[tid / 8] >> (tid % 8)) & 1;
}

static void set_known(pid_t tid, bool on)
{
    if (tid <= 0 || tid >= h.pid_max)
        return;
    if (on)
        h.known[tid / 8] |= (unsigned char)(1u << (tid % 8));
    else
        h.known[tid / 8] &= (unsigned char)~(1u << (tid % 8));
}

/* A field of /proc/TID/status, as a number in the given base; -1 when absent. */
static long long status_field(pid_t tid, const char *name, int base)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "re");
    long long value = -1;
    size_t len = strlen(name);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            value = strtoll(line + len + 1, NULL, base);
            break;
        }
    if (f)
        fclose(f);
    return value;
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    char line[REPORT_MAX + 2];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, REPORT_MAX, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if (len >= REPORT_MAX)
        len = REPORT_MAX - 1;
    for (int i = 0; i < len; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    line[len++] = '\n';
    if (write(h.report_fd, line, (size_t)len) < 0)
        return; /* the grader is gone */
}

/* Signals whose default action ends the process with a crash. */
static bool crash_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
           sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP;
}

/* True when delivering sig to tid ends its process: no handler, and not ignored
 * (a fault is fatal even when ignored or blocked). */
static bool fatal(pid_t tid, int sig, const siginfo_t *si)
{
    long long caught = status_field(tid, "SigCgt", 16), ignored = status_field(tid, "SigIgn", 16);
    unsigned long long bit = 1ull << (sig - 1);
    bool fault = si->si_code > 0;
    return caught >= 0 && !((unsigned long long)caught & bit) &&
           (fault || ignored < 0 || !((unsigned long long)ignored & bit));
}

/* 1-based position of tid among its process's threads. */
static size_t thread_number(pid_t pid, pid_t tid)
{
    pid_t tids[MAX_THREADS];
    size_t n = stacks_threads(pid, tids, MAX_THREADS);
    for (size_t i = 0; i < n; i++)
        if (tids[i] == tid)
            return i + 1;
    return 0;
}

static void report_crash(pid_t tid, int sig)
{
    pid_t pid = (pid_t)status_field(tid, "Tgid", 10);
    if (pid <= 0 || pid == h.runner)
        return;
    struct stack_frame frames[STACK_MAX_FRAMES];
    int n = stacks_read(pid, tid, frames);
    if (n <= 0)
        return;
    char *where = stacks_describe_crash(frames, (size_t)n, h.paths);
    report("crash %d in thread %zu %s", sig, thread_number(pid, tid), where);
    free(where);
    stacks_free(frames, (size_t)n);
}

/* One ptrace event of a tracee. */
static void on_event(pid_t tid, int status)
{
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        set_known(tid, false);
        return;
    }
    if (!WIFSTOPPED(status))
        return;
    int sig = WSTOPSIG(status), event = status >> 16;
    if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
        event == PTRACE_EVENT_CLONE) {
        unsigned long child = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, 0, &child);
        if (tid == h.runner && event != PTRACE_EVENT_CLONE)
            report("test %lu", child);
        ptrace(PTRACE_CONT, tid, 0, 0);
        return;
    }
    if (event == PTRACE_EVENT_STOP) {
        if (!known(tid)) { /* a new test process or thread, attached at its birth */
            set_known(tid, true);
            ptrace(PTRACE_SETOPTIONS, tid, 0, PTRACE_O_TRACECLONE);
            ptrace(PTRACE_CONT, tid, 0, 0);
            return;
        }
        /* a group-stop reports its stopping signal (an interrupt, SIGTRAP): the
         * tracee stays stopped, as it would untraced, until a SIGCONT */
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
            ptrace(PTRACE_LISTEN, tid, 0, 0);
        else
            ptrace(PTRACE_CONT, tid, 0, 0);
        return;
    }
    if (event != 0) {
        ptrace(PTRACE_CONT, tid, 0, 0);
        return;
    }
    siginfo_t si = {0};
    ptrace(PTRACE_GETSIGINFO, tid, 0, &si);
    if (crash_signal(sig) && fatal(tid, sig, &si))
        report_crash(tid, sig);
    ptrace(PTRACE_CONT, tid, 0, sig);
}

static void serve_events(void)
{
    int status;
    pid_t tid;
    while ((tid = waitpid(-1, &status, __WALL | WNOHANG)) > 0)
        on_event(tid, status);
}

static int seize(pid_t runner)
{
    if (ptrace(PTRACE_SEIZE, runner, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK) < 0)
        return -1;
    h.runner = runner;
    set_known(runner, true);
    return 0;
}

/* Stops tid (seizing it first when it is not traced yet); true once it is stopped. */
static bool stop_thread(pid_t tid)
{
    if (!known(tid)) {
        if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0)
            return false;
        set_known(tid, true);
    }
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
        return false;
    for (int ms = 0; ms < STOP_WAIT_MS; ms++) {
        int status;
        pid_t got = waitpid(tid, &status, __WALL | WNOHANG);
        if (got == tid) {
            if (!WIFSTOPPED(status))
                set_known(tid, false);
            return WIFSTOPPED(status);
        }
        if (got < 0)
            return false;
        usleep(1000);
    }
    return false;
}

/* Appends to text (capped) with a separator. */
static void append(char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *text, const char *fmt, ...)
{
    size_t len = strlen(text);
    if (len + 1 >= REPLY_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + len, REPLY_MAX - len, fmt, ap);
    va_end(ap);
}

/* test and the processes below it, test first; returns how many. */
static size_t process_tree(pid_t test, pid_t *pids, size_t max)
{
    size_t n = 0;
    pids[n++] = test;
    for (size_t i = 0; i < n && n < max; i++) {
        pid_t children[MAX_PROCESSES];
        size_t found = wb_proc_children(pids[i], children, MAX_PROCESSES);
        for (size_t j = 0; j < found && j < MAX_PROCESSES && n < max; j++)
            if (wb_proc_state(children[j]) != 'Z')
                pids[n++] = children[j];
    }
    return n;
}

static void where(pid_t test, char *text)
{
    text[0] = '\0';
    char state = wb_proc_state(test);
    if (state == 0 || state == 'Z' || state == 'X')
        return;
    pid_t pids[MAX_PROCESSES];
    size_t n_pids = process_tree(test, pids, MAX_PROCESSES);
    for (size_t p = 0; p < n_pids; p++) {
        pid_t tids[MAX_THREADS];
        size_t n = stacks_threads(pids[p], tids, MAX_THREADS);
        bool stopped[MAX_THREADS];
        for (size_t i = 0; i < n; i++)
            stopped[i] = stop_thread(tids[i]);
        if (p == SHOWN_PROCESSES) {
            append(text, "; and %zu more process%s", n_pids - p, n_pids - p == 1 ? "" : "es");
            continue;
        }
        if (p > SHOWN_PROCESSES)
            continue;
        for (size_t i = 0; i < n && i < SHOWN_THREADS; i++) {
            const char *sep = text[0] ? "; " : "";
            char label[64];
            if (p == 0)
                snprintf(label, sizeof label, "thread %zu", i + 1);
            else
                snprintf(label, sizeof label, "process %zu thread %zu", p + 1, i + 1);
            struct stack_frame frames[STACK_MAX_FRAMES];
            int got = stopped[i] ? stacks_read(pids[p], tids[i], frames) : -1;
            if (got <= 0) {
                append(text, "%s%s: its stack could not be read", sep, label);
                continue;
            }
            char *desc = stacks_describe_thread(frames, (size_t)got, h.paths);
            append(text, "%s%s %s", sep, label, desc);
            free(desc);
            stacks_free(frames, (size_t)got);
        }
        if (n > SHOWN_THREADS)
            append(text, "; and %zu more threads", n - SHOWN_THREADS);
    }
}

static void serve_request(int sock, const struct request *req)
{
    static struct reply r;
    r.seq = req->seq;
    r.rc = 0;
    r.text[0] = '\0';
    if (req->op == OP_SEIZE)
        r.rc = seize(req->pid);
    else if (req->op == OP_WHERE)
        where(req->pid, r.text);
    if (send(sock, &r, offsetof(struct reply, text) + strlen(r.text) + 1, MSG_NOSIGNAL) < 0)
        _exit(0);
}

static void close_others(int a, int b)
{
    int lo = a < b ? a : b, hi = a < b ? b : a;
    if (lo > 3)
        syscall(SYS_close_range, 3U, (unsigned)lo - 1, 0);
    if (hi > lo + 1)
        syscall(SYS_close_range, (unsigned)lo + 1, (unsigned)hi - 1, 0);
    syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0);
}

static void helper_main(int sock, int report_fd, const struct stack_paths *paths)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close_others(sock, report_fd);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    unsetenv("DEBUGINFOD_URLS"); /* no network: the debug information is local */
    h.paths = paths;
    h.report_fd = report_fd;
    char *max = read_text_file("/proc/sys/kernel/pid_max", 64);
    h.pid_max = max ? strtol(max, NULL, 10) + 1 : 4194305;
    free(max);
    h.known = calloc((size_t)h.pid_max / 8 + 1, 1);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (h.known == NULL || sfd < 0)
        _exit(1);
    for (;;) {
        struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            _exit(1);
        struct signalfd_siginfo info;
        while (read(sfd, &info, sizeof info) > 0)
            continue;
        serve_events();
        if (fds[0].revents) {
            struct request req;
            ssize_t got = recv(sock, &req, sizeof req, 0);
            if (got <= 0)
                _exit(0);
            if (got == (ssize_t)sizeof req)
                serve_request(sock, &req);
        }
    }
}

/* ---- in the grader ---- */

int tracer_start(struct tracer *t, const struct stack_paths *paths, int report_fd)
{
    int sv[2];
    *t = (struct tracer){.pid = 0, .sock = -1};
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        helper_main(sv[1], report_fd, paths);
        _exit(0);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return -1;
    }
    t->pid = pid;
    t->sock = sv[0];
    return 0;
}

/* Sends a request and waits for its reply; -1 when the helper did not answer. */
static int ask(struct tracer *t, int op, pid_t pid, struct reply *r)
{
    static int seq;
    if (t->pid <= 0)
        return -1;
    struct request req = {.seq = ++seq, .op = op, .pid = (int)pid};
    if (send(t->sock, &req, sizeof req, MSG_NOSIGNAL) != (ssize_t)sizeof req)
        return -1;
    double end = monotonic_seconds() + REQUEST_WAIT_MS / 1000.0;
    for (;;) {
        double left = end - monotonic_seconds();
        struct pollfd p = {.fd = t->sock, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            return -1;
        ssize_t got = recv(t->sock, r, sizeof *r, 0);
        if (got <= 0)
            return -1;
        if (r->seq == req.seq) {
            r->text[REPLY_MAX - 1] = '\0';
            return 0;
        }
    }
}

int tracer_seize(struct tracer *t, pid_t runner)
{
    static struct reply r;
    return ask(t, OP_SEIZE, runner, &r) == 0 && r.rc == 0 ? 0 : -1;
}

char *tracer_where(struct tracer *t, pid_t test)
{
    static struct reply r;
    if (ask(t, OP_WHERE, test, &r) < 0 || r.text[0] == '\0')
        return NULL;
    return xstrdup(r.text);
}

void tracer_stop(struct tracer *t)
{
    if (t->sock >= 0)
        close(t->sock);
    if (t->pid > 0) {
        kill(t->pid, SIGKILL);
        while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
    }
    *t = (struct tracer){.pid = 0, .sock = -1};
}
