/* watch.h - the run stage's watch over the running test, from outside the sandbox:
 * a deadlock is stopped as soon as it is certain (deadlock.c), a hang at its timeout
 * by the grader itself, a chapter whose tests keep hanging does not make the student
 * wait for each (the hang budget), and each hang, timeout and crash says where the
 * test's threads were (tracer.c, stacks.c).
 *
 * The runner, given --attach-fd, says "runner PID" on its progress pipe before its
 * first test and waits for a byte on that descriptor: the grader has the tracer seize
 * it first, so that every test process is traced from its birth. */
#ifndef WATCH_H
#define WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "deadlock.h"
#include "tracer.h"

struct chapter;
struct chapter_result;
struct command_run;

/* A chapter's hung tests, across the runner's restarts. */
struct hang_budget {
    double spent; /* seconds the grader waited for tests that hung */
};

struct test_watch {
    const struct chapter *chapter;
    struct hang_budget *budget;
    char *work, *shown;
    struct stack_paths paths;
    struct tracer tracer;
    int attach[2];        /* the runner waits for a byte on attach[0] */
    pid_t runner, test;   /* host pids; 0: not known yet */
    int running;          /* the test running, -1: none */
    bool stopping;        /* the grader stopped it: no second stop */
    double started, deadline;
    bool capped;          /* its deadline is shorter than its timeout: the budget is spent */
    struct deadlock_watch deadlock;
    char **stopped;       /* per test: the grader's verdict when it stopped the test */
    char **crash;         /* per test: where it crashed */
};

/* Prepares the watch for one run of the runner in work; report_fd is the write end
 * of the progress pipe (the tracer reports on it). Returns 0 or -1. */
int watch_open(struct test_watch *w, const struct chapter *ch, const char *work,
               struct hang_budget *budget, int report_fd);
/* The descriptor to pass to the runner as --attach-fd. */
int watch_attach_fd(const struct test_watch *w);

/* Progress: test i begins or ends; another line (true when it was the watch's). */
void watch_begin(struct test_watch *w, int i);
void watch_end(struct test_watch *w, int i);
bool watch_line(struct test_watch *w, const char *line, pid_t command_pid);
/* Called a few times a second while the runner runs. */
void watch_tick(struct test_watch *w);

/* The verdicts of the tests it stopped, the locations of crashes. */
void watch_apply(struct test_watch *w, struct chapter_result *r);
void watch_close(struct test_watch *w);

/* Seconds the grader waits for a test that is still running, from its timeout and
 * what the chapter's hung tests have spent; *capped when that is shorter than its
 * timeout. Pure. */
double watch_limit(double timeout, double spent, bool *capped);

#endif
