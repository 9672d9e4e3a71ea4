/* command.c - running one external command with a deadline and captured output. */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"
#include "wb_proc.h"

void argv_add(struct argv *a, const char *arg)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? 2 * a->cap : 32;
        a->items = xrealloc(a->items, a->cap * sizeof *a->items);
    }
    a->items[a->n++] = xstrdup(arg);
    a->items[a->n] = NULL;
}

void argv_addf(struct argv *a, const char *fmt, ...)
{
    va_list ap;
    char *arg;
    va_start(ap, fmt);
    int rc = vasprintf(&arg, fmt, ap);
    va_end(ap);
    if (rc < 0)
        arg = xstrdup(""); /* cannot happen short of memory, which xstrdup reports */
    argv_add(a, arg);
    free(arg);
}

void argv_free(struct argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->items[i]);
    free(a->items);
    *a = (struct argv){0};
}

enum { MAX_SESSIONS = 4 };
/* pids of the commands running in their own sessions, for the interrupt handler */
static volatile sig_atomic_t running_sessions[MAX_SESSIONS];
static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
    interrupted = signo;
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (running_sessions[i] > 0)
            kill(-(pid_t)running_sessions[i], SIGKILL);
}

static void track_session(pid_t old_pid, pid_t new_pid)
{
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (running_sessions[i] == old_pid) {
            running_sessions[i] = new_pid;
            return;
        }
}

void command_handle_interrupts(void)
{
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int command_interrupted(void)
{
    return interrupted;
}

/* In the child: set up and exec, or report errno through report_fd and exit. */
static void exec_child(const struct command *cmd, int report_fd)
{
    if (cmd->own_session)
        setsid();
    int out = open(cmd->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(out, 2) < 0 || (cmd->cwd && chdir(cmd->cwd) < 0))
        goto fail;
    for (int i = 0; i < cmd->n_pass_fds; i++)
        if (fcntl(cmd->pass_fds[i], F_SETFD, 0) < 0) /* clear close-on-exec */
            goto fail;
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* a crash must not litter the work folder */
    if (cmd->env)
        execvpe(cmd->argv[0], cmd->argv, cmd->env);
    else
        execvp(cmd->argv[0], cmd->argv);
fail:;
    int e = errno;
    if (write(report_fd, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

/* Waits for pid until deadline; true when it ended (status stored), false on timeout. */
static bool wait_until(pid_t pid, double deadline, int *status)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    for (;;) {
        if (interrupted)
            deadline = 0;
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR))
            break;
        double left = deadline - monotonic_seconds();
        if (left <= 0) {
            if (pidfd >= 0)
                close(pidfd);
            return false;
        }
        if (pidfd >= 0) {
            /* readable when the process ends: no polling delay */
            struct pollfd p = {.fd = pidfd, .events = POLLIN};
            poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
        } else {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return true;
}

int command_start(const struct command *cmd, struct command_run *run,
                  struct command_outcome *outcome)
{
    *outcome = (struct command_outcome){0};
    *run = (struct command_run){.start = monotonic_seconds(), .own_session = cmd->own_session};
    run->deadline = run->start + cmd->timeout_s;
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return outcome->exec_errno = errno, -1;
    pid_t pid = fork();
    if (pid < 0) {
        outcome->exec_errno = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0)
        exec_child(cmd, report[1]);
    if (cmd->own_session)
        track_session(0, pid);
    close(report[1]);
    int e = 0;
    bool failed = read(report[0], &e, sizeof e) == (ssize_t)sizeof e;
    close(report[0]);
    if (failed) {
        waitpid(pid, NULL, 0);
        track_session(pid, 0);
        outcome->exec_errno = e;
        return -1;
    }
    run->pid = pid;
    return 0;
}

void command_finish(struct command_run *run, struct command_outcome *outcome)
{
    if (!wait_until(run->pid, run->deadline, &outcome->status)) {
        outcome->timed_out = true;
        kill(run->own_session ? -run->pid : run->pid, SIGKILL);
        waitpid(run->pid, &outcome->status, 0);
    }
    if (run->own_session) {
        track_session(run->pid, 0);
        kill(-run->pid, SIGKILL); /* whatever is left in its process group */
    }
    outcome->seconds = monotonic_seconds() - run->start;
}

int command_run(const struct command *cmd, struct command_outcome *outcome)
{
    struct command_run run;
    if (command_start(cmd, &run, outcome) < 0)
        return -1;
    command_finish(&run, outcome);
    if (cmd->own_session)
        outcome->strays = wb_proc_kill_children();
    return 0;
}

bool command_succeeded(const struct command_outcome *outcome)
{
    return outcome->exec_errno == 0 && !outcome->timed_out && WIFEXITED(outcome->status) &&
           WEXITSTATUS(outcome->status) == 0;
}
