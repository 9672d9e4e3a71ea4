/* command.h - running one external command, usually in a sandbox, with a deadline
 * the grader enforces, capped output and a watched disk use. */
#ifndef COMMAND_H
#define COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

enum { COMMAND_OUTPUT_CAP = 64 * 1024 }; /* bytes of output kept by default */

struct command_run;

struct command {
    char *const *argv;       /* argv[0] is looked up in PATH (inside the sandbox) */
    const char *cwd;         /* NULL: the grader's own */
    const char *output_path; /* the kept part of stdout and stderr goes here */
    size_t output_cap;       /* bytes kept; the rest is counted (0: COMMAND_OUTPUT_CAP) */
    char *const *env;        /* NULL: the grader's own environment */
    double timeout_s;        /* wall clock; then the command is killed */
    bool own_session;        /* setsid(), and on return kill all that it left */
    const int *pass_fds;     /* descriptors the command inherits at the same numbers */
    int n_pass_fds;
    const struct sandbox_spec *sandbox; /* NULL: the grader's own tools, unconfined */
    /* Lines the command writes to progress_fd (the read end of a pipe whose write end
     * it inherits) go to on_progress, which may move run->deadline. */
    int progress_fd;         /* used only when on_progress is set */
    void (*on_progress)(void *ctx, const char *line, struct command_run *run);
    void *progress_ctx;
    /* Called with progress_ctx a few times a second while the command runs. */
    void (*on_tick)(void *ctx, struct command_run *run);
};

struct command_outcome {
    int status;          /* wait status when it ran */
    bool timed_out;      /* killed at the deadline */
    bool interrupted;    /* killed because the grader was interrupted (Ctrl-C, SIGTERM) */
    bool disk_exceeded;  /* killed: its writable folders grew beyond the limit */
    int exec_errno;      /* non-zero: could not be started (errno of exec/chdir) */
    unsigned long strays; /* processes it left running, killed afterwards */
    size_t output_bytes; /* all it wrote to stdout and stderr */
    bool output_cut;     /* more than the cap: only the first part was kept */
    bool file_size_reached; /* a file it wrote reached the sandbox's file size limit */
    long pids_refused;   /* forks the process cap refused */
    long oom_kills;      /* processes the memory cap killed */
    double seconds;
};

/* A growing, NULL-terminated argument list for struct command; it owns its strings. */
struct argv {
    char **items;
    size_t n, cap;
};
void argv_add(struct argv *a, const char *arg);
void argv_addf(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_free(struct argv *a);

/* A command started and not yet finished. The command it was started from must
 * live until it is finished. */
struct command_run {
    const struct command *cmd;
    pid_t pid;
    int pidfd, out_fd, log_fd;
    double start, deadline, next_disk_check;
    size_t kept, seen;
    char progress[1024]; /* a progress line being received */
    size_t progress_len;
    bool ended, timed_out, interrupted, disk_exceeded;
    int status;
    struct sandbox_run sandbox;
    bool sandboxed;
    char *sandbox_error;
};

/* Starts the command; 0, or -1 when it could not be started (outcome->exec_errno,
 * or run->sandbox_error when the sandbox could not be set up). */
int command_start(const struct command *cmd, struct command_run *run,
                  struct command_outcome *outcome);

/* Waits for a started command until its deadline (then kills it, its sandbox and its
 * process group) and fills outcome. Meanwhile it drains the output of every command
 * still running and enforces their deadlines too. Does not sweep strays: with
 * several commands running, call command_sweep() once all are finished. */
void command_finish(struct command_run *run, struct command_outcome *outcome);

/* Runs the command to its end or its deadline. With own_session, every descendant
 * it left behind is killed too (the grader is a child subreaper, see main.c).
 * Returns 0, or -1 when it could not be started (outcome->exec_errno says why). */
int command_run(const struct command *cmd, struct command_outcome *outcome);

/* Kills every process the commands left: processes of the sandbox uid, and those
 * re-parented to the grader (a child subreaper). Returns how many were running. */
unsigned long command_sweep(const struct sandbox *box);

/* A note on the limits the command ran into ("stopped: more than 256 processes and
 * threads", ...), or NULL when it hit none. */
char *command_limits_note(const struct command *cmd, const struct command_outcome *o);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that kill the running command's session, so
 * that an interrupted grader leaves nothing behind; command_interrupted() then says
 * which signal came (0: none). */
void command_handle_interrupts(void);
int command_interrupted(void);

/* A function called on every round of the wait for running commands (at least every
 * 250 ms), e.g. to redraw a progress line; NULL: none. */
void command_set_tick(void (*tick)(void));

/* True when the command ran and exited with status 0. */
bool command_succeeded(const struct command_outcome *outcome);

#endif
