/* command.c - running one external command with a deadline and captured output. */
#include "command.h"

#include <dirent.h>
#include <linux/close_range.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

enum { MAX_RUNS = 8, DISK_CHECK_S = 1 /* quarter seconds */, MAX_DISK_ENTRIES = 100000 };
/* pids of the commands running in their own sessions, for the interrupt handler */
static volatile sig_atomic_t running_sessions[MAX_RUNS];
static volatile sig_atomic_t interrupted;
/* the commands started and not yet finished: each wait serves them all */
static struct command_run *active_runs[MAX_RUNS];
static void (*tick_hook)(void); /* command_set_tick */

void command_set_tick(void (*tick)(void))
{
    tick_hook = tick;
}

static void on_interrupt(int signo)
{
    interrupted = signo;
    for (int i = 0; i < MAX_RUNS; i++)
        if (running_sessions[i] > 0)
            kill(-(pid_t)running_sessions[i], SIGKILL);
}

static void track_session(pid_t old_pid, pid_t new_pid)
{
    for (int i = 0; i < MAX_RUNS; i++)
        if (running_sessions[i] == old_pid) {
            running_sessions[i] = new_pid;
            return;
        }
}

static void track_run(struct command_run *old_run, struct command_run *new_run)
{
    for (int i = 0; i < MAX_RUNS; i++)
        if (active_runs[i] == old_run) {
            active_runs[i] = new_run;
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

/* In the child: set up (sandbox included) and exec, or report errno through
 * report_fd and exit. Only async-signal-safe calls: the grader may have threads. */
static void exec_child(const struct command *cmd, const struct command_run *run,
                       char *const *line, int out_fd, int report_fd)
{
    if (cmd->own_session)
        setsid();
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0 ||
        (cmd->cwd && chdir(cmd->cwd) < 0))
        goto fail;
    /* Nothing the grader inherited from its own caller (a test framework's message
     * file, a terminal) may reach the command: only 0-2 and the descriptors passed. */
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0 && errno != ENOSYS)
        goto fail;
    for (int i = 0; i < cmd->n_pass_fds; i++)
        if (fcntl(cmd->pass_fds[i], F_SETFD, 0) < 0) /* clear close-on-exec */
            goto fail;
    if (run->sandboxed) {
        if (sandbox_enter(&run->sandbox) < 0)
            goto fail;
    } else {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* a crash must not litter the work folder */
    }
    if (cmd->env)
        execvpe(line[0], line, cmd->env);
    else
        execvp(line[0], line);
fail:;
    int e = errno;
    if (write(report_fd, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Everything a started or failed run holds, given back. */
static void release_run(struct command_run *run)
{
    close_fd(&run->pidfd);
    close_fd(&run->out_fd);
    close_fd(&run->log_fd);
    if (run->sandboxed)
        sandbox_release(&run->sandbox);
    run->sandboxed = false;
}

/* Sets up what the run needs before fork: the sandbox, the output pipe and file. */
static int prepare_run(const struct command *cmd, struct command_run *run, int out[2])
{
    char why[512];
    if (cmd->sandbox) {
        if (sandbox_prepare(cmd->sandbox, &run->sandbox, why, sizeof why) < 0) {
            run->sandbox_error = xstrdup(why);
            return -1;
        }
        run->sandboxed = true;
    }
    run->log_fd = open(cmd->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                       0644);
    if (run->log_fd < 0 || pipe2(out, O_CLOEXEC) < 0)
        return -1;
    return 0;
}

int command_start(const struct command *cmd, struct command_run *run,
                  struct command_outcome *outcome)
{
    *outcome = (struct command_outcome){0};
    *run = (struct command_run){.cmd = cmd, .start = monotonic_seconds(), .pidfd = -1,
                                .out_fd = -1, .log_fd = -1};
    run->deadline = run->start + cmd->timeout_s;
    int out[2] = {-1, -1}, report[2] = {-1, -1};
    if (prepare_run(cmd, run, out) < 0 || pipe2(report, O_CLOEXEC) < 0) {
        outcome->exec_errno = run->sandbox_error ? EPERM : errno;
        close_fd(&out[0]);
        close_fd(&out[1]);
        release_run(run);
        return -1;
    }
    char **line = run->sandboxed ? sandbox_command_line(&run->sandbox, cmd->argv)
                                 : (char **)cmd->argv;
    pid_t pid = fork();
    if (pid == 0)
        exec_child(cmd, run, line, out[1], report[1]);
    if (line != cmd->argv)
        free(line);
    close(out[1]);
    close(report[1]);
    run->out_fd = out[0];
    int e = pid < 0 ? errno : 0;
    if (pid > 0 && read(report[0], &e, sizeof e) != (ssize_t)sizeof e)
        e = 0; /* the exec closed the report pipe: the command runs */
    close(report[0]);
    if (e != 0) {
        if (pid > 0)
            waitpid(pid, NULL, 0);
        outcome->exec_errno = e;
        release_run(run);
        return -1;
    }
    run->pid = pid;
    run->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    fcntl(run->out_fd, F_SETFL, O_NONBLOCK);
    if (cmd->own_session)
        track_session(0, pid);
    track_run(NULL, run);
    return 0;
}

/* ---- serving the running commands ---- */

/* Keeps the first output_cap bytes of what arrived, counts the rest. False at EOF. */
static bool drain_output(struct command_run *run)
{
    char buf[65536];
    size_t cap = run->cmd->output_cap ? run->cmd->output_cap : COMMAND_OUTPUT_CAP;
    for (int chunk = 0; chunk < 64; chunk++) { /* then let the others have a turn */
        ssize_t n = read(run->out_fd, buf, sizeof buf);
        if (n == 0)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        size_t keep = run->kept < cap ? cap - run->kept : 0;
        if (keep > (size_t)n)
            keep = (size_t)n;
        if (keep > 0 && write(run->log_fd, buf, keep) == (ssize_t)keep)
            run->kept += keep;
        run->seen += (size_t)n;
    }
    return true;
}

/* Hands complete progress lines to the command's callback. */
static void read_progress(struct command_run *run)
{
    const struct command *cmd = run->cmd;
    size_t room = sizeof run->progress - 1 - run->progress_len;
    ssize_t n = read(cmd->progress_fd, run->progress + run->progress_len, room);
    if (n <= 0)
        return;
    run->progress_len += (size_t)n;
    run->progress[run->progress_len] = '\0';
    char *line = run->progress, *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        cmd->on_progress(cmd->progress_ctx, line, run);
        line = nl + 1;
    }
    run->progress_len = strlen(line);
    memmove(run->progress, line, run->progress_len + 1);
    if (run->progress_len == sizeof run->progress - 1)
        run->progress_len = 0; /* a line this long is noise: drop it */
}

/* What a walk of the writable folders found. */
struct disk_use {
    long long bytes;   /* blocks used, so that sparse files count for what they hold */
    long entries;
    long long largest; /* the largest file's size */
};

/* Adds what is under the folder open as dirfd (which it closes) to *u; never follows
 * links. Stops counting at MAX_DISK_ENTRIES. */
static void disk_use_at(int dirfd, int depth, struct disk_use *u)
{
    DIR *d = fdopendir(dirfd);
    if (d == NULL) {
        close(dirfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && u->entries < MAX_DISK_ENTRIES) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        u->entries++;
        u->bytes += (long long)st.st_blocks * 512;
        if (S_ISREG(st.st_mode) && st.st_size > u->largest)
            u->largest = st.st_size;
        if (S_ISDIR(st.st_mode) && depth < 64) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                disk_use_at(sub, depth + 1, u);
        }
    }
    closedir(d);
}

static struct disk_use measure_disk(const struct sandbox_spec *spec)
{
    struct disk_use u = {0};
    for (const char *const *d = spec->writable; d && *d; d++) {
        int fd = open(*d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            disk_use_at(fd, 0, &u);
    }
    return u;
}

/* True when the run's writable folders hold more than its disk limit (or more
 * entries than the grader will count). */
static bool disk_exceeded(const struct command_run *run)
{
    struct disk_use u = measure_disk(run->cmd->sandbox);
    return u.bytes > run->cmd->sandbox->limits.disk || u.entries >= MAX_DISK_ENTRIES;
}

/* True when a file in the writable folders reached the file size limit: the writer
 * got SIGXFSZ, which a compiler reports as its own error rather than dying of it. */
static bool file_size_reached(const struct command_run *run)
{
    const struct sandbox_spec *spec = run->cmd->sandbox;
    return spec && spec->limits.file_size > 0 &&
           measure_disk(spec).largest >= spec->limits.file_size;
}

static bool watches_disk(const struct command_run *run)
{
    return run->cmd->sandbox && run->cmd->sandbox->limits.disk > 0 &&
           run->cmd->sandbox->box->active[LAYER_DISK_WATCH];
}

/* Kills everything the run started: its sandbox at once when a layer allows it, its
 * process group, the command itself. */
static void kill_run(struct command_run *run)
{
    if (run->sandboxed)
        sandbox_kill(&run->sandbox);
    if (run->cmd->own_session)
        kill(-run->pid, SIGKILL);
    kill(run->pid, SIGKILL);
}

/* Reaps the run's process if it has ended. */
static void check_ended(struct command_run *run)
{
    if (run->ended)
        return;
    int status;
    pid_t got = waitpid(run->pid, &status, WNOHANG);
    if (got == run->pid || (got < 0 && errno == ECHILD)) {
        run->ended = true;
        run->status = got == run->pid ? status : 0;
    }
}

/* Deadlines, the disk limit and interrupts, for one run still going. */
static void enforce_limits(struct command_run *run, double now)
{
    if (run->ended)
        return;
    bool stop = interrupted || now >= run->deadline;
    if (!stop && watches_disk(run) && now >= run->next_disk_check) {
        run->next_disk_check = now + DISK_CHECK_S / 4.0;
        if (disk_exceeded(run))
            stop = run->disk_exceeded = true;
    }
    if (!stop)
        return;
    run->interrupted = interrupted && !run->disk_exceeded;
    run->timed_out = !run->disk_exceeded && !run->interrupted;
    kill_run(run);
    while (waitpid(run->pid, &run->status, 0) < 0 && errno == EINTR)
        continue;
    run->ended = true;
}

/* One round of service for every active run: waits (at most 250 ms, less when a
 * deadline is nearer) for output, progress or an ending, then handles them. */
static void serve_runs(void)
{
    struct pollfd fds[3 * MAX_RUNS];
    struct command_run *owner[3 * MAX_RUNS];
    int kind[3 * MAX_RUNS];
    nfds_t n = 0;
    double now = monotonic_seconds(), wait_s = 0.25;
    for (int i = 0; i < MAX_RUNS; i++) {
        struct command_run *r = active_runs[i];
        if (r == NULL)
            continue;
        int fd3[3] = {r->out_fd, r->cmd->on_progress ? r->cmd->progress_fd : -1,
                      r->ended ? -1 : r->pidfd};
        for (int k = 0; k < 3; k++)
            if (fd3[k] >= 0) {
                fds[n] = (struct pollfd){.fd = fd3[k], .events = POLLIN};
                owner[n] = r;
                kind[n++] = k;
            }
        if (!r->ended && r->deadline - now < wait_s)
            wait_s = r->deadline - now;
    }
    poll(fds, n, wait_s > 0 ? (int)(wait_s * 1000) + 1 : 0);
    for (nfds_t i = 0; i < n; i++) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (kind[i] == 0 && !drain_output(owner[i]))
            close_fd(&owner[i]->out_fd);
        else if (kind[i] == 1)
            read_progress(owner[i]);
    }
    now = monotonic_seconds();
    for (int i = 0; i < MAX_RUNS; i++)
        if (active_runs[i]) {
            check_ended(active_runs[i]);
            enforce_limits(active_runs[i], now);
        }
    for (int i = 0; i < MAX_RUNS; i++)
        if (active_runs[i] && !active_runs[i]->ended && active_runs[i]->cmd->on_tick)
            active_runs[i]->cmd->on_tick(active_runs[i]->cmd->progress_ctx, active_runs[i]);
    if (tick_hook)
        tick_hook();
}

/* After the end: what is still in the pipes, without waiting for writers that
 * escaped every other layer. */
static void drain_rest(struct command_run *run)
{
    for (int round = 0; round < 64 && run->out_fd >= 0; round++) {
        struct pollfd p = {.fd = run->out_fd, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0)
            break;
        if (!drain_output(run))
            close_fd(&run->out_fd);
    }
    if (run->cmd->on_progress)
        read_progress(run);
}

/* bubblewrap exits with 128 + N when its command is killed by signal N: give back
 * the wait status of the command itself. */
static int unwrapped_status(const struct command_run *run)
{
    int status = run->status;
    bool wrapped = run->sandboxed && run->sandbox.prefix != NULL;
    if (wrapped && WIFEXITED(status) && WEXITSTATUS(status) > 128 &&
        WEXITSTATUS(status) < 128 + NSIG)
        return WEXITSTATUS(status) - 128; /* the wait status of death by that signal */
    return status;
}

void command_finish(struct command_run *run, struct command_outcome *outcome)
{
    while (!run->ended) {
        serve_runs();
        check_ended(run); /* also when it could not be tracked */
        enforce_limits(run, monotonic_seconds());
    }
    kill_run(run); /* whatever is left in its sandbox and process group */
    drain_rest(run);
    outcome->status = unwrapped_status(run);
    outcome->timed_out = run->timed_out;
    outcome->interrupted = run->interrupted;
    outcome->disk_exceeded = run->disk_exceeded;
    outcome->output_bytes = run->seen;
    outcome->output_cut = run->seen > run->kept;
    outcome->file_size_reached = file_size_reached(run);
    if (run->sandboxed && run->sandbox.has_cgroup) {
        outcome->pids_refused = cgroup_pids_refused(&run->sandbox.cgroup);
        outcome->oom_kills = cgroup_oom_kills(&run->sandbox.cgroup);
    }
    if (run->cmd->own_session)
        track_session(run->pid, 0);
    track_run(run, NULL);
    release_run(run);
    outcome->seconds = monotonic_seconds() - run->start;
}

unsigned long command_sweep(const struct sandbox *box)
{
    unsigned long strays = wb_proc_kill_children(); /* reaps the zombies too */
    /* Inside bubblewrap's pid namespace nothing outlives the command; without it, a
     * process that left the session and its parents is still the sandbox uid's. */
    if (box && !box->active[LAYER_BUBBLEWRAP]) {
        sandbox_kill_uid(box);
        strays += wb_proc_kill_children();
        sandbox_remove_ipc(box);
    }
    return strays;
}

int command_run(const struct command *cmd, struct command_outcome *outcome)
{
    struct command_run run;
    if (command_start(cmd, &run, outcome) < 0) {
        free(run.sandbox_error);
        return -1;
    }
    command_finish(&run, outcome);
    free(run.sandbox_error);
    if (cmd->own_session)
        outcome->strays = command_sweep(cmd->sandbox ? cmd->sandbox->box : NULL);
    return 0;
}

bool command_succeeded(const struct command_outcome *outcome)
{
    return outcome->exec_errno == 0 && !outcome->timed_out && !outcome->disk_exceeded &&
           WIFEXITED(outcome->status) && WEXITSTATUS(outcome->status) == 0;
}

static char *mib(long long bytes)
{
    return xasprintf("%lld MiB", bytes >> 20);
}

char *command_limits_note(const struct command *cmd, const struct command_outcome *o)
{
    const struct sandbox_limits *l = cmd->sandbox ? &cmd->sandbox->limits : NULL;
    char *parts[6];
    int n = 0;
    if (l && o->pids_refused > 0)
        parts[n++] = xasprintf("stopped: more than %ld processes and threads (%ld forks "
                               "refused)", l->processes, o->pids_refused);
    if (l && o->oom_kills > 0) {
        char *m = mib(l->memory);
        parts[n++] = xasprintf("stopped: more than %s of memory (%ld process(es) killed)", m,
                               o->oom_kills);
        free(m);
    }
    if (l && o->disk_exceeded) {
        char *m = mib(l->disk);
        parts[n++] = xasprintf("stopped: the work folder grew beyond %s", m);
        free(m);
    }
    int sig = WIFSIGNALED(o->status) ? WTERMSIG(o->status) : 0;
    if (l && (sig == SIGXFSZ || o->file_size_reached)) {
        char *m = mib(l->file_size);
        parts[n++] = xasprintf("stopped: a file grew beyond %s", m);
        free(m);
    }
    if (l && sig == SIGXCPU)
        parts[n++] = xasprintf("stopped: more than %ld s of CPU time", l->cpu_seconds);
    if (o->output_cut)
        parts[n++] = xasprintf("output: %zu bytes were written; only the first %zu KiB were "
                               "kept", o->output_bytes,
                               (cmd->output_cap ? cmd->output_cap : COMMAND_OUTPUT_CAP) >> 10);
    if (n == 0)
        return NULL;
    char *note = xstrdup("");
    for (int i = 0; i < n; i++) {
        char *longer = xasprintf("%s%s%s", note, i ? "; " : "", parts[i]);
        free(note);
        free(parts[i]);
        note = longer;
    }
    return note;
}
