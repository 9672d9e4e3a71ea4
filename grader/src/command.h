/* command.h - running one external command with a deadline and captured output. */
#ifndef COMMAND_H
#define COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct command {
    char *const *argv;       /* argv[0] is looked up in PATH */
    const char *cwd;         /* NULL: the grader's own */
    const char *output_path; /* stdout and stderr go here (created or truncated) */
    char *const *env;        /* NULL: the grader's own environment */
    double timeout_s;        /* wall clock; then the command is killed */
    bool own_session;        /* setsid(), and on return kill all that it left */
    const int *pass_fds;     /* descriptors the command inherits at the same numbers */
    int n_pass_fds;
};

struct command_outcome {
    int status;          /* wait status when it ran */
    bool timed_out;      /* killed at the deadline */
    int exec_errno;      /* non-zero: could not be started (errno of exec/chdir) */
    unsigned long strays; /* processes it left running, killed afterwards */
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

/* A command started and not yet finished. */
struct command_run {
    pid_t pid;
    double start, deadline;
    bool own_session;
};

/* Starts the command; 0, or -1 when it could not be started (outcome->exec_errno). */
int command_start(const struct command *cmd, struct command_run *run,
                  struct command_outcome *outcome);

/* Waits for a started command until its deadline (then kills it and its process
 * group) and fills outcome. Does not sweep strays: with several commands running,
 * call wb_proc_kill_children() once all are finished. */
void command_finish(struct command_run *run, struct command_outcome *outcome);

/* Runs the command to its end or its deadline. With own_session, every descendant
 * it left behind is killed too (the grader is a child subreaper, see main.c).
 * Returns 0, or -1 when it could not be started (outcome->exec_errno says why). */
int command_run(const struct command *cmd, struct command_outcome *outcome);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that kill the running command's session, so
 * that an interrupted grader leaves nothing behind; command_interrupted() then says
 * which signal came (0: none). */
void command_handle_interrupts(void);
int command_interrupted(void);

/* True when the command ran and exited with status 0. */
bool command_succeeded(const struct command_outcome *outcome);

#endif
