/* wb_test.c - helpers for chapter tests: child processes, pipes, hang guards. */
#include "wb_test.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The pid of the process running the current test body (Check forks one per test). */
static pid_t test_pid;

/* Where the grader wants completion records, and the secret that proves them. */
static int completion_fd = -1;
static char completion_token[65];

/* The runner's progress descriptor (see wb_runner.c); closed in each test process. */
static int progress_fd = -1;

void wb_test_set_progress_fd(int fd)
{
    progress_fd = fd;
}

static bool confined;

void wb_test_set_confined(bool on)
{
    confined = on;
}

void wb_test_set_completion_channel(int fd, const char *token)
{
    completion_fd = fd;
    snprintf(completion_token, sizeof completion_token, "%s", token);
}

/* Records that the test body ran to its end. Without this record the grader does
 * not count the test as passed: code that ends the test process early (exit(0) in
 * the function under test) would otherwise look like a pass to Check. */
void wb_test_completed(const char *name)
{
    wb_exit_if_stray();
    if (completion_fd < 0)
        return;
    char line[512];
    int len = snprintf(line, sizeof line, "%s %s\n", completion_token, name);
    ck_assert_msg(len > 0 && (size_t)len < sizeof line &&
                      wb_write_full(completion_fd, line, (size_t)len) == 0,
                  "cannot record that the test ran to its end: %s", strerror(errno));
}

/* Under valgrind, the grader needs to know which process ran which test: each test
 * appends "PID NAME" to the file named by WB_PID_LOG. */
static void log_test_pid(const char *name)
{
    const char *path = getenv("WB_PID_LOG");
    if (path == NULL)
        return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char line[512];
    int len = snprintf(line, sizeof line, "%d %s\n", (int)getpid(), name);
    if (len > 0 && (size_t)len < sizeof line)
        wb_write_full(fd, line, (size_t)len);
    close(fd);
}

void wb_test_begin(const char *name)
{
    test_pid = getpid();
    if (progress_fd >= 0)
        close(progress_fd);
    progress_fd = -1;
    /* Check's runner handles SIGTERM and SIGINT by killing its process group; a test
     * and the processes it forks must not inherit that: terminate() of a child must
     * end the child only. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    /* nor Check's timeout handler: a test with no clock of its own has none (the
     * grader's deadlock watch relies on it, grader/src/deadlock.h) */
    signal(SIGALRM, SIG_DFL);
    log_test_pid(name);
    /* last: the set-up above may open files, the code under test may not */
    if (confined && wb_confine() < 0)
        ck_abort_msg("the test process could not confine itself: %s", strerror(errno));
}

void wb_exit_if_stray(void)
{
    if (test_pid != 0 && getpid() != test_pid)
        _exit(127);
}

void wb_test_end(void)
{
    wb_exit_if_stray();
    /* Every process a test starts must be waited for by the code under test or by
     * the test. One still running here would outlive the test: end it, and fail. */
    size_t running = wb_proc_kill_children();
    ck_assert_msg(running == 0,
                  "%zu child process(es) were still running when the test ended "
                  "(they have been killed): wait for every process you start",
                  running);
}

FILE *wb_memory_file(void)
{
    int fd = memfd_create("wb_memory_file", MFD_CLOEXEC);
    ck_assert_msg(fd >= 0, "memfd_create failed: %s", strerror(errno));
    FILE *f = fdopen(fd, "w+");
    ck_assert_msg(f != NULL, "fdopen failed: %s", strerror(errno));
    return f;
}

pid_t wb_child_run(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork failed: %s", strerror(errno));
    if (pid == 0)
        _exit(fn(arg) & 0xff);
    return pid;
}

double wb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void wb_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
}

int wb_wait_status(pid_t pid, double timeout_s)
{
    double deadline = wb_now() + timeout_s;
    int status;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        ck_assert_msg(got == 0, "waitpid(%d) failed: %s", (int)pid, strerror(errno));
        if (wb_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            ck_abort_msg("child %d did not finish within %.0f s (killed)", (int)pid,
                         timeout_s);
        }
        wb_sleep(0.002);
    }
}

int wb_wait_exitcode(pid_t pid, double timeout_s)
{
    int status = wb_wait_status(pid, timeout_s);
    if (WIFSIGNALED(status))
        ck_abort_msg("child %d was killed by signal %d (%s)", (int)pid, WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
    ck_assert_msg(WIFEXITED(status), "child %d did not exit normally", (int)pid);
    return WEXITSTATUS(status);
}

void wb_wait_until_zombie(pid_t pid, double timeout_s)
{
    double deadline = wb_now() + timeout_s;
    while (wb_proc_state(pid) != 'Z') {
        ck_assert_msg(wb_proc_state(pid) != 0, "process %d no longer exists", (int)pid);
        ck_assert_msg(wb_now() < deadline, "process %d did not end within %.0f s",
                      (int)pid, timeout_s);
        wb_sleep(0.001);
    }
}

ssize_t wb_read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t got = read(fd, (char *)buf + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (ssize_t)done;
}

int wb_write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t put = write(fd, (const char *)buf + done, n - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -1;
        done += (size_t)put;
    }
    return 0;
}

void wb_pipe(int fds[2])
{
    ck_assert_msg(pipe2(fds, O_CLOEXEC) == 0, "pipe failed: %s", strerror(errno));
}

int wb_count_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(dir);
    int n = 0;
    while (readdir(dir) != NULL)
        n++;
    closedir(dir);
    return n;
}

int wb_count_shared_mappings(void)
{
    FILE *maps = fopen("/proc/self/maps", "re");
    ck_assert_msg(maps != NULL, "cannot read /proc/self/maps: %s", strerror(errno));
    char line[4096];
    int n = 0;
    bool line_start = true;
    while (fgets(line, sizeof line, maps) != NULL) {
        char perms[5] = "";
        /* "start-end perms offset ...": the fourth letter of perms is 's' or 'p' */
        if (line_start && sscanf(line, "%*[0-9a-f]-%*[0-9a-f] %4s", perms) == 1 &&
            perms[3] == 's')
            n++;
        line_start = strchr(line, '\n') != NULL; /* a long line is read in pieces */
    }
    fclose(maps);
    return n;
}

void wb_fail_forks(int err)
{
    static const char *const calls[] = {"clone", "clone3", "fork", "vfork"};
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    ck_assert_msg(ctx != NULL, "cannot make fork fail: seccomp_init failed");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof calls / sizeof *calls; i++) {
        int nr = seccomp_syscall_resolve_name(calls[i]);
        if (nr != __NR_SCMP_ERROR) /* an architecture without this call */
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err), nr, 0);
    }
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    ck_assert_msg(rc == 0, "cannot make fork fail: %s", strerror(-rc));
}

static volatile sig_atomic_t storm_signals;

static void count_alarm(int signo)
{
    (void)signo;
    storm_signals++;
}

int wb_signal_storm_start(double interval_s)
{
    struct sigaction sa = {.sa_handler = count_alarm}; /* no SA_RESTART: calls see EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0)
        return -1;
    storm_signals = 0;
    long us = (long)(interval_s * 1e6);
    struct itimerval every = {{us / 1000000, us % 1000000}, {us / 1000000, us % 1000000}};
    return setitimer(ITIMER_REAL, &every, NULL);
}

long wb_signal_storm_stop(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    return (long)storm_signals;
}

pthread_t wb_thread_start(void *(*fn)(void *), void *arg)
{
    pthread_t tid;
    int err = pthread_create(&tid, NULL, fn, arg);
    ck_assert_msg(err == 0, "pthread_create failed: %s", strerror(err));
    return tid;
}

void *wb_thread_join(pthread_t tid)
{
    void *result;
    int err = pthread_join(tid, &result);
    ck_assert_msg(err == 0, "pthread_join failed: %s", strerror(err));
    return result;
}

bool wb_sem_wait_for(sem_t *sem, double timeout_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)timeout_s;
    ts.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    int rc;
    while ((rc = sem_clockwait(sem, CLOCK_MONOTONIC, &ts)) < 0 && errno == EINTR)
        continue;
    return rc == 0;
}

struct together {
    sem_t *gate;
    void *(*fn)(void *);
    void *arg;
};

static void *start_together(void *arg)
{
    struct together *t = arg;
    wb_sem_wait_for(t->gate, 10);
    return t->fn(t->arg);
}

void wb_run_together(int n, void *(*const *fns)(void *), void *const *args)
{
    enum { MAX = 8 };
    ck_assert_msg(n <= MAX, "wb_run_together: at most %d threads, not %d", MAX, n);
    sem_t gate;
    sem_init(&gate, 0, 0);
    struct together t[MAX];
    pthread_t tids[MAX];
    for (int i = 0; i < n; i++) {
        t[i] = (struct together){&gate, fns[i], args[i]};
        tids[i] = wb_thread_start(start_together, &t[i]);
    }
    for (int i = 0; i < n; i++)
        sem_post(&gate);
    for (int i = 0; i < n; i++)
        wb_thread_join(tids[i]);
    sem_destroy(&gate);
}

char wb_thread_state(pid_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *paren = strrchr(buf, ')'); /* the name may hold spaces: the state follows ")" */
    return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

bool wb_wait_others_asleep(double timeout_s)
{
    double deadline = wb_now() + timeout_s;
    for (;;) {
        DIR *dir = opendir("/proc/self/task");
        ck_assert_msg(dir != NULL, "cannot open /proc/self/task");
        bool all = true;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL && all) {
            if (e->d_name[0] == '.' || atoi(e->d_name) == gettid())
                continue;
            char state = wb_thread_state(atoi(e->d_name));
            all = state == 'S' || state == 0;
        }
        closedir(dir);
        if (all)
            return true;
        if (wb_now() > deadline)
            return false;
        wb_sleep(0.001);
    }
}
