/* watch.c - the run stage's watch over the running test (see watch.h). */
#include "watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grader.h"
#include "wb_proc.h"

/* A deadlock must last this long (seconds) before it is stopped. What is certain is
 * certain at once (see deadlock.h): the window is a margin, and short enough that a
 * chapter in which every test deadlocks is reported within a minute. */
static const double DEADLOCK_WINDOW_S = 2.0;
/* Hung tests are waited for up to their timeouts until the chapter's hung tests have
 * cost this many seconds; after that, a test is waited for CAPPED_LIMIT_S at most. */
static const double HANG_BUDGET_S = 10.0;
static const double CAPPED_LIMIT_S = 0.5;
enum { MAX_TREE = 1024 };

double watch_limit(double timeout, double spent, bool *capped)
{
    double left = HANG_BUDGET_S - spent;
    *capped = false;
    if (timeout <= left)
        return timeout;
    double limit = left > CAPPED_LIMIT_S ? left : CAPPED_LIMIT_S;
    *capped = limit < timeout;
    return *capped ? limit : timeout;
}

int watch_open(struct test_watch *w, const struct chapter *ch, const char *work,
               struct hang_budget *budget, int report_fd)
{
    *w = (struct test_watch){.chapter = ch, .budget = budget, .running = -1,
                             .attach = {-1, -1}};
    w->work = xstrdup(work);
    w->shown = xasprintf("chapters/%s/", ch->id);
    w->paths = (struct stack_paths){.work = w->work, .shown = w->shown};
    w->stopped = xcalloc(ch->n_tests, sizeof *w->stopped);
    w->crash = xcalloc(ch->n_tests, sizeof *w->crash);
    if (pipe2(w->attach, O_CLOEXEC) < 0)
        return -1;
    if (tracer_start(&w->tracer, &w->paths, report_fd) < 0)
        w->tracer = (struct tracer){.pid = 0, .sock = -1}; /* no locations, the rest works */
    return 0;
}

int watch_attach_fd(const struct test_watch *w)
{
    return w->attach[0];
}

void watch_begin(struct test_watch *w, int i)
{
    w->running = i;
    w->test = 0;
    w->stopping = false;
    w->started = monotonic_seconds();
    w->deadline = w->started + watch_limit(w->chapter->tests[i].timeout, w->budget->spent,
                                           &w->capped);
    deadlock_watch_reset(&w->deadlock);
}

void watch_end(struct test_watch *w, int i)
{
    if (i == w->running)
        w->running = -1;
    deadlock_watch_reset(&w->deadlock);
}

/* The last pid of /proc/PID/status's NSpid line: pid as its own namespace sees it. */
static long inner_pid(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    long inner = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "NSpid:", 6) == 0) {
            char *last = strrchr(line, '\t');
            inner = strtol(last ? last : line + 6, NULL, 10);
            break;
        }
    if (f)
        fclose(f);
    return inner;
}

/* The host pid of the process below ancestor that its pid namespace calls inner. */
static pid_t host_pid(long inner, pid_t ancestor)
{
    pid_t tree[MAX_TREE];
    size_t n = 0;
    tree[n++] = ancestor;
    for (size_t i = 0; i < n; i++) {
        if (inner_pid(tree[i]) == inner)
            return tree[i];
        n += wb_proc_children(tree[i], tree + n, MAX_TREE - n);
        if (n > MAX_TREE)
            n = MAX_TREE;
    }
    return 0;
}

bool watch_line(struct test_watch *w, const char *line, pid_t command_pid)
{
    if (strncmp(line, "runner ", 7) == 0) {
        w->runner = host_pid(strtol(line + 7, NULL, 10), command_pid);
        if (w->runner > 0 && w->tracer.pid > 0 && tracer_seize(&w->tracer, w->runner) < 0)
            tracer_stop(&w->tracer); /* ptrace is not allowed here: no locations */
        if (w->attach[1] >= 0 && write(w->attach[1], "g", 1) < 0)
            return true; /* the runner is gone */
        return true;
    }
    if (strncmp(line, "test ", 5) == 0) {
        if (w->running >= 0)
            w->test = (pid_t)strtol(line + 5, NULL, 10);
        return true;
    }
    if (strncmp(line, "crash ", 6) == 0) {
        const char *text = strchr(line + 6, ' ');
        if (w->running >= 0 && w->crash[w->running] == NULL && text)
            w->crash[w->running] = xstrdup(text + 1);
        return true;
    }
    return false;
}

/* Kills test and every process below it. */
static void kill_tree(pid_t test)
{
    pid_t tree[MAX_TREE];
    size_t n = 0;
    tree[n++] = test;
    for (size_t i = 0; i < n; i++) {
        n += wb_proc_children(tree[i], tree + n, MAX_TREE - n);
        if (n > MAX_TREE)
            n = MAX_TREE;
    }
    for (size_t i = 0; i < n; i++)
        kill(tree[i], SIGKILL);
}

/* The grader stops the running test: where its threads are, then SIGKILL. */
static void stop_test(struct test_watch *w, char *reason)
{
    int i = w->running;
    w->stopping = true;
    char *where = w->tracer.pid > 0 ? tracer_where(&w->tracer, w->test) : NULL;
    kill_tree(w->test);
    w->budget->spent += monotonic_seconds() - w->started;
    free(w->stopped[i]);
    w->stopped[i] = where ? xasprintf("%s: %s", reason, where) : xstrdup(reason);
    free(where);
    free(reason);
}

void watch_tick(struct test_watch *w)
{
    if (w->running < 0 || w->stopping || w->test <= 0)
        return;
    const struct test_spec *t = &w->chapter->tests[w->running];
    double now = monotonic_seconds();
    if (now >= w->deadline && w->capped)
        stop_test(w, xasprintf("stopped after %.1f s, short of its %g s timeout: earlier "
                               "tests of this chapter hung for %.0f s, so the rest are not "
                               "waited for (fix those first)", now - w->started, t->timeout,
                               w->budget->spent));
    else if (now >= w->deadline)
        stop_test(w, xasprintf("timed out after %g s", t->timeout));
    else if (deadlock_watch_update(&w->deadlock, w->runner, now, DEADLOCK_WINDOW_S))
        stop_test(w, xasprintf("deadlock: every thread of the test has been blocked for "
                               "%.0f s in calls without a timeout, and nothing that could "
                               "wake one is running", DEADLOCK_WINDOW_S));
}

void watch_apply(struct test_watch *w, struct chapter_result *r)
{
    for (size_t i = 0; i < w->chapter->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        if (w->stopped[i] && t->status != TEST_PASSED) {
            free(t->message);
            t->message = xstrdup(w->stopped[i]);
            t->status = TEST_TIMEOUT;
        } else if (w->crash[i] && t->status == TEST_ERROR && t->message &&
                   strstr(t->message, "killed by signal")) {
            char *longer = xasprintf("%s %s", t->message, w->crash[i]);
            free(t->message);
            t->message = longer;
        }
    }
}

void watch_close(struct test_watch *w)
{
    tracer_stop(&w->tracer);
    for (int k = 0; k < 2; k++)
        if (w->attach[k] >= 0)
            close(w->attach[k]);
    for (size_t i = 0; w->stopped && i < w->chapter->n_tests; i++) {
        free(w->stopped[i]);
        free(w->crash[i]);
    }
    free(w->stopped);
    free(w->crash);
    free(w->work);
    free(w->shown);
    deadlock_watch_reset(&w->deadlock);
}
