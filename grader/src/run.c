/* run.c - stage 3: run a chapter's tests and read their results.
 *
 * The runner runs in the run stage's sandbox with a clean Check environment (fork
 * mode, one timeout per test). It reports on a progress pipe when each test begins
 * and ends, and the grader holds each test to its own deadline from there: a runner
 * that stops itself, ignores signals or hangs costs the running test only. When it
 * ends, everything it started is killed (see command.c), and the results come from
 * Check's XML logs. */
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "live.h"
#include "watch.h"

extern char **environ;

enum { LIST_TIMEOUT_S = 30, RUNNER_OVERHEAD_S = 30 };
/* The grader's deadlines around Check's own: the runner's start until its first
 * test, the gap between two tests, and the grace after a test's own timeout. */
enum { START_GRACE_S = 30, BETWEEN_TESTS_S = 10, TEST_GRACE_S = 10 };
/* Check's own timeout comes this much after the test's: the grader's watch stops a
 * hung test first, so that it can say where its threads were (watch.h). */
enum { CHECK_MARGIN_S = 2 };

/* Without a sandbox: the grader's environment without CK_* and WB_* settings. */
static char **unsandboxed_environment(char *extra)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 4, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CK_", 3) != 0 && strncmp(environ[i], "WB_", 3) != 0)
            env[k++] = environ[i];
    env[k++] = "CK_FORK=yes";
    env[k++] = "CK_VERBOSITY=normal";
    if (extra)
        env[k++] = extra;
    return env;
}

char **runner_environment(const struct grade_config *cfg, char *extra)
{
    if (cfg->sandbox == NULL)
        return unsandboxed_environment(extra);
    char *const settings[] = {"CK_FORK=yes", "CK_VERBOSITY=normal", extra, NULL};
    return sandbox_environment(cfg->sandbox, settings);
}

/* ---- progress: each test held to its own deadline ---- */

static int test_index(const struct chapter *ch, const char *name)
{
    for (size_t i = 0; i < ch->n_tests; i++)
        if (strcmp(ch->tests[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A progress line from the runner. Tests run in chapter order, so a "begin" is
 * believed only for a selected test after the last one begun, and an "end" only for
 * the test running: the deadlines can move forward, never be stretched. */
double test_limit(const struct test_progress *p, int i)
{
    double limit = p->chapter->tests[i].timeout * p->slowdown;
    return p->cap_s > 0 && limit > p->cap_s ? p->cap_s : limit;
}

static void on_progress(void *ctx, const char *line, struct command_run *run)
{
    struct test_progress *p = ctx;
    double now = monotonic_seconds();
    if (strncmp(line, "begin ", 6) == 0) {
        int i = test_index(p->chapter, line + 6);
        if (i > p->last_begun && p->selected[i]) {
            p->running = p->last_begun = i;
            live_test_began(p->live, i);
            run->deadline = now + test_limit(p, i) + TEST_GRACE_S;
            if (run->deadline > p->latest)
                run->deadline = p->latest;
            if (p->watch)
                watch_begin(p->watch, i);
        }
    } else if (strncmp(line, "end ", 4) == 0) {
        char name[256];
        int genuine = 0, forged = 0;
        int fields = sscanf(line + 4, "%255s %d %d", name, &genuine, &forged);
        int i = fields >= 1 ? test_index(p->chapter, name) : -1;
        if (i >= 0 && i == p->running) {
            if (p->completions && fields == 3)
                completions_record(p->completions, (size_t)i, genuine, forged);
            live_test_ended(p->live, i, p->completions);
            p->running = -1;
            if (p->watch)
                watch_end(p->watch, i);
            run->deadline = now + BETWEEN_TESTS_S;
            if (run->deadline > p->latest)
                run->deadline = p->latest;
        }
    } else if (strncmp(line, "strays ", 7) == 0) {
        p->strays = strtol(line + 7, NULL, 10);
    } else if (p->watch) {
        watch_line(p->watch, line, run->pid);
    }
}

static void on_tick(void *ctx, struct command_run *run)
{
    struct test_progress *p = ctx;
    (void)run;
    if (p->watch)
        watch_tick(p->watch);
}

int test_progress_open(struct test_progress *p, const struct chapter *ch, const bool *selected,
                       double slowdown)
{
    *p = (struct test_progress){.chapter = ch, .selected = selected, .slowdown = slowdown,
                                .running = -1, .last_begun = -1, .pipe = {-1, -1}};
    if (pipe2(p->pipe, O_CLOEXEC) < 0)
        return -1;
    fcntl(p->pipe[0], F_SETFL, O_NONBLOCK);
    return 0;
}

void test_progress_attach(struct test_progress *p, struct command *cmd, struct argv *runner_args,
                          double total_s)
{
    p->latest = monotonic_seconds() + total_s;
    argv_add(runner_args, "--progress");
    argv_addf(runner_args, "%d", p->pipe[1]);
    cmd->progress_fd = p->pipe[0];
    cmd->on_progress = on_progress;
    cmd->on_tick = on_tick;
    cmd->progress_ctx = p;
}

void test_progress_close(struct test_progress *p)
{
    for (int i = 0; i < 2; i++)
        if (p->pipe[i] >= 0)
            close(p->pipe[i]);
    p->pipe[0] = p->pipe[1] = -1;
}

/* "tests define WB_TEST(a), WB_TEST(b), which chapter.cfg does not declare (...)" for
 * the listed tests the metadata lacks, or NULL: such a test would never run. */
static char *undeclared_tests(const struct chapter *ch, char *listing)
{
    char *names = NULL;
    for (char *line = listing; *line;) {
        size_t len = strcspn(line, "\n");
        bool declared = false;
        for (size_t i = 0; i < ch->n_tests && !declared; i++)
            declared = strlen(ch->tests[i].name) == len &&
                       strncmp(ch->tests[i].name, line, len) == 0;
        if (!declared && len > 0) {
            char *longer = xasprintf("%s%sWB_TEST(%.*s)", names ? names : "", names ? ", " : "",
                                     (int)len, line);
            free(names);
            names = longer;
        }
        line += len + (line[len] == '\n');
    }
    if (names == NULL)
        return NULL;
    char *message = xasprintf("not graded: its metadata is broken: the tests define %s, which "
                              "chapter.cfg does not declare (give each its points there)",
                              names);
    free(names);
    return message;
}

/* Asks the runner which tests it defines; marks declared tests it lacks. Returns the
 * number of declared tests present, -1 when the runner could not list them, -2 when
 * it defines tests the metadata does not declare (r->message says which). */
static int check_defined(const char *work, char **env, const struct sandbox_spec *sandbox,
                         struct chapter_result *r, bool *present)
{
    char *const argv[] = {"build/runner", "--list", NULL};
    char *out_path = path_join(work, "logs/list.txt");
    struct command cmd = {.argv = argv, .cwd = work, .output_path = out_path, .env = env,
                          .timeout_s = LIST_TIMEOUT_S, .own_session = true,
                          .output_cap = 256 * 1024, .sandbox = sandbox};
    struct command_outcome out;
    char *listing = NULL;
    if (command_run(&cmd, &out) == 0 && command_succeeded(&out))
        listing = read_text_file(out_path, 256 * 1024);
    free(out_path);
    if (listing == NULL || listing[0] == '\0') {
        free(listing); /* a runner with no test at all cannot be linked: it died early */
        return -1;
    }
    char *undeclared = undeclared_tests(r->chapter->whole ? r->chapter->whole : r->chapter,
                                        listing);
    if (undeclared) {
        r->message = undeclared;
        free(listing);
        return -2;
    }
    int count = 0;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        const char *name = r->tests[i].spec->name;
        size_t len = strlen(name);
        present[i] = false;
        for (const char *p = strstr(listing, name); p && !present[i]; p = strstr(p + 1, name))
            present[i] = (p == listing || p[-1] == '\n') && p[len] == '\n';
        if (present[i]) {
            count++;
        } else {
            free(r->tests[i].message);
            r->tests[i].message = xasprintf("test '%s' is declared in chapter.cfg but not "
                                            "defined in tests/ (renamed or deleted?)", name);
        }
    }
    free(listing);
    return count;
}

/* What one attempt at running the tests needs. */
struct attempt {
    const struct chapter *chapter;
    const char *work;
    char **env;
    struct completions *completions;
    const struct sandbox_spec *sandbox;
    struct live *live;
    struct hang_budget *hang_budget;
};

/* What one run of the runner left to say beyond the XML logs. */
struct run_report {
    struct command_outcome outcome;
    int running;       /* the test running when it was stopped, or -1 */
    long strays;       /* processes its tests left, by the runner's count */
    char *limits_note; /* the limits it ran into */
};

double runner_add_tests(struct argv *a, const struct chapter *ch, const bool *selected,
                        double slowdown, double margin_s)
{
    double total = 0;
    for (size_t i = 0; i < ch->n_tests; i++) {
        if (!selected[i])
            continue;
        double t = ch->tests[i].timeout * slowdown + margin_s;
        argv_add(a, "--timeout");
        argv_addf(a, "%s=%g", ch->tests[i].name, t);
        total += t;
    }
    for (size_t i = 0; i < ch->n_tests; i++)
        if (selected[i])
            argv_add(a, ch->tests[i].name);
    return total;
}

/* runner --confine --xml-dir build/xml --token-fd FD --attach-fd FD --timeout NAME=S
 * ... NAME ... for the tests in `todo` (and the caller's --progress). */
static struct argv runner_argv(const struct chapter *ch, const bool *todo, int token_fd,
                               int attach_fd, double *total_timeout)
{
    struct argv a = {0};
    argv_add(&a, "build/runner");
    argv_add(&a, "--confine");
    argv_add(&a, "--xml-dir");
    argv_add(&a, "build/xml");
    argv_add(&a, "--token-fd");
    argv_addf(&a, "%d", token_fd);
    argv_add(&a, "--attach-fd");
    argv_addf(&a, "%d", attach_fd);
    *total_timeout = RUNNER_OVERHEAD_S + runner_add_tests(&a, ch, todo, 1, CHECK_MARGIN_S);
    return a;
}

/* Why the runner stopped before reporting every test. */
static char *missing_reason(const struct command_outcome *out)
{
    if (out->interrupted)
        return xstrdup("no result: the grading was interrupted while the test ran");
    if (out->timed_out)
        return xasprintf("no result: the test runner did not finish within %.0f s and was "
                         "killed", out->seconds);
    if (WIFSIGNALED(out->status))
        return xasprintf("no result: the test runner was killed by signal %d (%s) while "
                         "running this test",
                         WTERMSIG(out->status), strsignal(WTERMSIG(out->status)));
    return xasprintf("no result: the test runner ended (status %d) without reporting it",
                     WEXITSTATUS(out->status));
}

static void set_message(struct test_verdict *t, char *message)
{
    free(t->message);
    t->message = message;
    t->status = TEST_ERROR;
}

/* Reads the log of each test that was to run, build/xml/NAME.xml. */
static void read_logs(const struct chapter *ch, const char *xml_dir, const bool *todo,
                      struct chapter_result *r)
{
    for (size_t i = 0; i < ch->n_tests; i++) {
        if (!todo[i])
            continue;
        char *xml = xasprintf("%s/%s.xml", xml_dir, ch->tests[i].name);
        checklog_read(xml, r);
        free(xml);
    }
}

/* Makes build/xml afresh, for the sandbox to write in. */
static int fresh_xml_dir(const struct attempt *a, const char *xml_dir)
{
    if (remove_tree(xml_dir) < 0 || mkdir_p(xml_dir) < 0)
        return -1;
    if (a->sandbox) {
        char *build = path_join(a->work, "build");
        int rc = sandbox_give(a->sandbox->box, build);
        free(build);
        return rc;
    }
    return 0;
}

/* command_run(), with the watch's helper ended before the sweep, which would count
 * it among the processes left behind: it is the grader's child too. */
static int run_watched(const struct command *cmd, struct command_outcome *out,
                       struct test_watch *watch)
{
    struct command_run run;
    int rc = command_start(cmd, &run, out);
    if (rc == 0)
        command_finish(&run, out);
    free(run.sandbox_error);
    tracer_stop(&watch->tracer);
    if (rc == 0)
        out->strays = command_sweep(cmd->sandbox ? cmd->sandbox->box : NULL);
    return rc;
}

/* Runs the runner once for the tests in todo and reads what it reported. Returns -1
 * when it could not start (r says why). */
static int run_once(const struct attempt *a, const bool *todo, struct chapter_result *r,
                    struct run_report *report)
{
    int token_fd = completions_token_pipe(a->completions);
    struct test_progress progress;
    if (token_fd < 0 || test_progress_open(&progress, a->chapter, todo, 1) < 0) {
        r->message = xasprintf("cannot pass the runner its token: %s", strerror(errno));
        if (token_fd >= 0)
            close(token_fd);
        return -1;
    }
    struct test_watch watch;
    if (watch_open(&watch, a->chapter, a->work, a->hang_budget, progress.pipe[1]) < 0) {
        r->message = xasprintf("cannot watch the tests: %s", strerror(errno));
        close(token_fd);
        test_progress_close(&progress);
        watch_close(&watch);
        return -1;
    }
    progress.watch = &watch;
    double deadline;
    struct argv argv = runner_argv(a->chapter, todo, token_fd, watch_attach_fd(&watch),
                                   &deadline);
    char *log = path_join(a->work, "logs/run.log");
    char *xml_dir = path_join(a->work, "build/xml");
    int pass[] = {token_fd, progress.pipe[1], watch_attach_fd(&watch)};
    struct command cmd = {.argv = argv.items, .cwd = a->work, .output_path = log, .env = a->env,
                          .timeout_s = deadline, .own_session = true, .pass_fds = pass,
                          .n_pass_fds = 3, .sandbox = a->sandbox};
    progress.completions = a->completions;
    progress.live = a->live;
    test_progress_attach(&progress, &cmd, &argv, deadline);
    cmd.argv = argv.items; /* the list may have moved as it grew */
    cmd.timeout_s = START_GRACE_S; /* until the first test begins; progress moves it */
    struct command_outcome *out = &report->outcome;
    int rc = fresh_xml_dir(a, xml_dir) == 0 ? run_watched(&cmd, out, &watch) : -1;
    close(token_fd);
    if (rc < 0) {
        r->message = xasprintf("cannot start the test runner: %s",
                               strerror(out->exec_errno ? out->exec_errno : errno));
    } else {
        read_logs(a->chapter, xml_dir, todo, r);
        test_output_read(log, r); /* display only (--show-output) */
        watch_apply(&watch, r);
        report->running = out->timed_out ? progress.running : -1;
        report->strays = progress.strays + (long)out->strays;
        report->limits_note = command_limits_note(&cmd, out);
    }
    test_progress_close(&progress);
    watch_close(&watch);
    free(log);
    free(xml_dir);
    argv_free(&argv);
    return rc;
}

static bool any(const bool *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (flags[i])
            return true;
    return false;
}

/* The notes a run leaves for the student: processes left behind, limits hit. */
static void add_run_notes(const struct run_report *report, struct chapter_result *r)
{
    if (report->strays > 0)
        chapter_result_add_note(r, "%ld process(es) started during the tests were still "
                                "running after them and were killed", report->strays);
    if (report->limits_note)
        chapter_result_add_note(r, "%s", report->limits_note);
}

/* The running test's verdict when the grader stopped the runner at its deadline. */
static void charge_stopped_test(const struct chapter *ch, size_t i, struct test_verdict *t)
{
    free(t->message);
    t->message = xasprintf("did not finish within %g s: the test runner stopped responding "
                           "and the grader ended it", ch->tests[i].timeout);
    t->status = TEST_TIMEOUT;
}

/* A killed test's message says when the memory cap killed it. */
static void explain_memory_kills(const struct run_report *report, struct chapter_result *r)
{
    if (report->outcome.oom_kills == 0)
        return;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        if (t->status != TEST_PASSED && t->message && strstr(t->message, "signal 9")) {
            char *longer = xasprintf("%s: the sandbox's memory limit was reached", t->message);
            free(t->message);
            t->message = longer;
        }
    }
}

/* Runs the tests in todo. The runner runs them in the order given (chapter.cfg's),
 * so when a signal kills it (a test that kill()s its parent, say) or the grader stops
 * it at a test's deadline, the first unreported test was running: it is charged with
 * it and the runner is started again for the rest, so that one hostile test cannot
 * cost the others. */
static int run_tests(const struct attempt *a, bool *todo, struct chapter_result *r)
{
    size_t n = a->chapter->n_tests;
    while (any(todo, n)) {
        struct run_report report = {.running = -1};
        if (run_once(a, todo, r, &report) < 0)
            return -1;
        const struct command_outcome *out = &report.outcome;
        add_run_notes(&report, r);
        explain_memory_kills(&report, r);
        free(report.limits_note);
        size_t first = n;
        for (size_t i = 0; i < n; i++) {
            todo[i] = todo[i] && !r->tests[i].reported;
            if (todo[i] && first == n)
                first = i;
        }
        if (first == n)
            return 0;
        bool stopped_in_test = out->timed_out && report.running >= 0;
        bool retry = stopped_in_test ||
                     (!out->timed_out && !out->interrupted && WIFSIGNALED(out->status));
        if (stopped_in_test)
            first = (size_t)report.running;
        char *reason = missing_reason(out);
        for (size_t i = first; i < n; i++)
            if (todo[i] && (i == first || !retry))
                set_message(&r->tests[i], xstrdup(reason));
        free(reason);
        if (stopped_in_test)
            charge_stopped_test(a->chapter, first, &r->tests[first]);
        todo[first] = false;
        if (!retry)
            return 0;
    }
    return 0;
}

int run_chapter(const struct grade_config *cfg, const struct chapter *ch,
                struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char **env = runner_environment(cfg, NULL);
    bool *todo = xcalloc(ch->n_tests, sizeof *todo);
    struct completions completions = {0};
    struct stage_sandbox box;
    const struct sandbox_spec *sandbox = stage_sandbox(&box, cfg, work, STAGE_RUN);
    int rc = 0;
    int defined = check_defined(work, env, sandbox, r, todo);
    if (defined == 0) {
        /* every declared test is missing from tests/: each one's message says so */
    } else if (defined == -2) {
        r->status = CHAPTER_ERROR;
        r->metadata_broken = true;
        chapter_result_fail_all(r, TEST_ERROR, "not graded: a test is not declared");
        rc = -1;
    } else if (defined < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xstrdup("the test runner did not list its tests: it ended at start-up, "
                             "before any test ran");
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the test runner did not start");
        rc = -1;
    } else if (completions_init(&completions, ch->n_tests) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot make the run's secret token: %s", strerror(errno));
        rc = -1;
    } else {
        struct hang_budget budget = {0};
        struct attempt a = {ch, work, env, &completions, sandbox, cfg->live, &budget};
        rc = run_tests(&a, todo, r);
        if (rc < 0)
            r->status = CHAPTER_ERROR;
        completions_apply(&completions, r);
    }
    completions_free(&completions);
    stage_sandbox_free(&box);
    free(todo);
    free(env);
    free(work);
    return rc;
}
