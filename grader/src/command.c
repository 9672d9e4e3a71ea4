/* command.c - running one external command with a deadline and captured output. */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"
#include "wb_proc.h"

static volatile sig_atomic_t running_session; /* pid of a command in its own session */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
    interrupted = signo;
    if (running_session > 0)
        kill(-(pid_t)running_session, SIGKILL);
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

int command_run(const struct command *cmd, struct command_outcome *outcome)
{
    *outcome = (struct command_outcome){0};
    double start = monotonic_seconds();
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
        running_session = pid;
    close(report[1]);
    int e = 0;
    bool failed = read(report[0], &e, sizeof e) == (ssize_t)sizeof e;
    close(report[0]);
    if (failed) {
        waitpid(pid, NULL, 0);
        outcome->exec_errno = e;
        return -1;
    }
    if (!wait_until(pid, start + cmd->timeout_s, &outcome->status)) {
        outcome->timed_out = true;
        kill(cmd->own_session ? -pid : pid, SIGKILL);
        waitpid(pid, &outcome->status, 0);
    }
    if (cmd->own_session) {
        running_session = 0;
        kill(-pid, SIGKILL); /* whatever is left in its process group */
        outcome->strays = wb_proc_kill_children();
    }
    outcome->seconds = monotonic_seconds() - start;
    return 0;
}

bool command_succeeded(const struct command_outcome *outcome)
{
    return outcome->exec_errno == 0 && !outcome->timed_out && WIFEXITED(outcome->status) &&
           WEXITSTATUS(outcome->status) == 0;
}
