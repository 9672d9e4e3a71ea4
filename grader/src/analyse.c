/* analyse.c - stage 4: helgrind and memcheck over the chapter's small tests.
 *
 * The tests marked `valgrind = true` in chapter.cfg run once more, under each tool the
 * chapter asks for, in one valgrind per tool (Check's fork mode: one XML file per
 * process, %p). Timeouts are stretched, since valgrind is 10-400 times slower. The
 * tests' verdicts under valgrind do not count: only what the tool finds in the
 * student's code does. An analysis runs only once every test it covers has passed
 * on its own (a skeleton that does nothing must not be "race-free", and a failing
 * test may hang), and its points are earned when it ran to its end and found
 * nothing. */
#include "grader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "command.h"
#include "wb_proc.h"

/* The runner's own per-test timeout under a tool comes this much after the grader's
 * deadline for the test, so that the grader stops a test that hangs under the tool
 * first, and with it the tool's run: one hung test is enough to know that the run
 * cannot count, and waiting for the others' timeouts would cost minutes each. */
enum { VALGRIND_OVERHEAD_S = 60, RUNNER_TIMEOUT_MARGIN_S = 30 };
/* When the covered tests already fail, an analysis is feedback only (it cannot earn its
 * points): each test is then given at most this long under the tool. */
static const double FEEDBACK_TEST_LIMIT_S = 30;

struct tool {
    const char *name;
    double slowdown; /* how much longer a test may take under this tool */
    const char *const *options;
};

static const char *const helgrind_options[] = {"--tool=helgrind", NULL};
static const char *const memcheck_options[] = {
    "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
    "--errors-for-leak-kinds=definite", NULL};
static const struct tool helgrind = {"helgrind", 30, helgrind_options};
static const struct tool memcheck = {"memcheck", 20, memcheck_options};

/* The tests the tool runs (those marked valgrind = true, and in only when given). */
static bool *tool_selection(const struct chapter *ch, const bool *only)
{
    bool *selected = xcalloc(ch->n_tests, sizeof *selected);
    for (size_t i = 0; i < ch->n_tests; i++)
        selected[i] = ch->tests[i].valgrind && (!only || only[i]);
    return selected;
}

/* valgrind OPTIONS build/runner --xml-dir build/vg/xml --timeout ... NAME ... for the
 * tests marked valgrind = true (and in `only`, when given). Valgrind writes XML, or
 * with `text` its text log (build/vg/locks.PID.txt), which says more about locks. */
static struct argv valgrind_argv(const struct grade_config *cfg, const struct tool *tool,
                                 const struct chapter *ch, const bool *only, bool text,
                                 double *deadline)
{
    struct argv a = {0};
    argv_add(&a, "valgrind");
    for (const char *const *o = tool->options; *o; o++)
        argv_add(&a, *o);
    if (text) {
        argv_add(&a, "--log-file=build/vg/locks.%p.txt");
    } else {
        argv_add(&a, "--xml=yes");
        argv_addf(&a, "--xml-file=build/vg/%s.%%p.xml", tool->name);
    }
    /* a suppression file, if the workbook has one, is copied where the sandbox sees it */
    char *supp = path_join(cfg->root, "grader/valgrind.supp");
    if (is_file(supp))
        argv_add(&a, "--suppressions=logs/valgrind.supp");
    free(supp);
    argv_add(&a, "build/runner");
    argv_add(&a, "--xml-dir");
    argv_add(&a, "build/vg/xml");
    bool *selected = tool_selection(ch, only);
    *deadline = VALGRIND_OVERHEAD_S +
                runner_add_tests(&a, ch, selected, tool->slowdown, RUNNER_TIMEOUT_MARGIN_S);
    free(selected);
    return a;
}

/* One tool's run: what it needs while it runs and to be read afterwards. */
struct tool_run {
    const struct tool *tool;
    const struct analysis_spec *spec;
    struct analysis_result *result;
    char *pid_log, *pid_var, *log;
    char **env;
    struct argv argv;
    double deadline;
    struct command cmd;
    struct test_progress progress;
    bool *selected;
    struct stage_sandbox box;
    struct command_run run;
    struct command_outcome outcome;
    bool started;
    bool feedback_only; /* the covered tests fail: its points are lost whatever it finds */
};

/* build/vg/xml for the tools to write in, and the suppression file where they see it. */
static void prepare_folders(const struct grade_config *cfg, const char *work)
{
    char *vg_dir = path_join(work, "build/vg/xml");
    char *build = path_join(work, "build");
    char *supp = path_join(cfg->root, "grader/valgrind.supp");
    char *supp_copy = path_join(work, "logs/valgrind.supp");
    mkdir_p(vg_dir);
    if (cfg->sandbox)
        sandbox_give(cfg->sandbox, build);
    if (is_file(supp))
        copy_file(supp, supp_copy);
    free(supp_copy);
    free(supp);
    free(build);
    free(vg_dir);
}

static void start_tool(const struct grade_config *cfg, const struct chapter *ch,
                       const char *work, const bool *passed, struct tool_run *t)
{
    t->pid_log = xasprintf("%s/build/vg/%s.pids", work, t->tool->name);
    t->pid_var = xasprintf("WB_PID_LOG=%s", t->pid_log);
    t->env = runner_environment(cfg, t->pid_var);
    t->argv = valgrind_argv(cfg, t->tool, ch, passed, false, &t->deadline);
    t->log = xasprintf("%s/logs/%s.log", work, t->tool->name);
    t->selected = tool_selection(ch, passed);
    const struct sandbox_spec *sandbox = stage_sandbox(&t->box, cfg, work, STAGE_ANALYSE);
    t->cmd = (struct command){.argv = t->argv.items, .cwd = work, .output_path = t->log,
                              .env = t->env, .timeout_s = t->deadline, .own_session = true,
                              .sandbox = sandbox};
    if (test_progress_open(&t->progress, ch, t->selected, t->tool->slowdown) == 0) {
        t->progress.cap_s = t->feedback_only ? FEEDBACK_TEST_LIMIT_S : 0;
        test_progress_attach(&t->progress, &t->cmd, &t->argv, t->deadline);
        t->cmd.argv = t->argv.items;
        t->cmd.pass_fds = &t->progress.pipe[1];
        t->cmd.n_pass_fds = 1;
    }
    t->started = command_start(&t->cmd, &t->run, &t->outcome) == 0;
    if (!t->started)
        t->result->message = xasprintf("valgrind could not start: %s",
                                       t->run.sandbox_error ? t->run.sandbox_error
                                                            : strerror(t->outcome.exec_errno));
    free(t->run.sandbox_error);
}

/* Why the tool's run does not count, or NULL: it must have ended by itself (the
 * runner exits 0, or 1 when a test failed under the tool), read the program's debug
 * information, and logged every covered test to its end. */
static char *why_not_counted(const struct tool_run *t, char *log_gap)
{
    const struct command_outcome *o = &t->outcome;
    if (o->interrupted)
        return xasprintf("the grading was interrupted while %s ran", t->tool->name);
    int hung = t->progress.running;
    if (o->timed_out && hung >= 0)
        return xasprintf("test %s did not finish under %s within %.0f s%s",
                         t->progress.chapter->tests[hung].name, t->tool->name,
                         test_limit(&t->progress, hung),
                         t->feedback_only ? " (as other tests fail, each is given at most "
                                            "that long under the tool)" : "");
    if (o->timed_out)
        return xasprintf("%s did not finish within %.0f s", t->tool->name, t->deadline);
    if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) > 1)
        return xasprintf("%s ended abnormally (status %d)", t->tool->name, o->status);
    char *text = read_text_file(t->log, 1 << 20);
    bool no_debug_info = text && strstr(text, "unhandled dwarf") != NULL;
    free(text);
    if (no_debug_info)
        return xasprintf("%s could not read the program's debug information", t->tool->name);
    return log_gap ? xstrdup(log_gap) : NULL;
}

/* Waits for the tool and reads its findings; true when its run counts. */
static bool finish_tool(const struct chapter *ch, const char *work, struct tool_run *t)
{
    struct analysis_result *a = t->result;
    bool ok = false;
    if (t->started) {
        command_finish(&t->run, &t->outcome);
        char *xml_dir = path_join(work, "build/vg");
        struct valgrind_scope scope = {work, ch, t->pid_log, t->selected};
        char *gap = valgrind_read(&scope, xml_dir, t->tool->name, a);
        char *why = why_not_counted(t, gap);
        free(gap);
        free(xml_dir);
        a->ran = why == NULL;
        a->seconds = t->outcome.seconds;
        ok = why == NULL;
        if (why) {
            free(a->message);
            a->message = xasprintf("could not analyse: %s", why);
        }
        free(why);
    }
    test_progress_close(&t->progress);
    stage_sandbox_free(&t->box);
    free(t->selected);
    free(t->log);
    argv_free(&t->argv);
    free(t->env);
    free(t->pid_var);
    free(t->pid_log);
    return ok;
}

/* The tests the analysis covers must pass first: names of those that did not. */
static char *covered_tests_not_passed(const struct chapter_result *r)
{
    char *list = NULL;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        if (!r->chapter->tests[i].valgrind || r->tests[i].status == TEST_PASSED)
            continue;
        char *longer = xasprintf("%s%s%s", list ? list : "", list ? ", " : "",
                                 r->chapter->tests[i].name);
        free(list);
        list = longer;
    }
    return list;
}

/* Runs helgrind again in text mode over the tests that showed races, for the locks
 * each access held (its XML does not say), and adds them to the findings. */
static void add_locks_held(const struct grade_config *cfg, const struct chapter *ch,
                           const char *work, const bool *passed, struct analysis_result *a)
{
    bool *only = xcalloc(ch->n_tests, sizeof *only);
    bool any = false;
    for (size_t f = 0; f < a->n_findings; f++)
        for (size_t i = 0; i < ch->n_tests; i++)
            if (strcmp(a->findings[f].kind, "Race") == 0 &&
                strcmp(a->findings[f].test, ch->tests[i].name) == 0 && passed[i])
                any = only[i] = true;
    if (any) {
        double deadline;
        struct argv argv = valgrind_argv(cfg, &helgrind, ch, only, true, &deadline);
        char **env = runner_environment(cfg, NULL);
        char *log = path_join(work, "logs/locks.log");
        struct stage_sandbox box;
        struct command cmd = {.argv = argv.items, .cwd = work, .output_path = log,
                              .env = env, .timeout_s = deadline, .own_session = true,
                              .sandbox = stage_sandbox(&box, cfg, work, STAGE_ANALYSE)};
        struct command_outcome out;
        if (command_run(&cmd, &out) == 0) {
            char *dir = path_join(work, "build/vg");
            locks_held_read(dir, a);
            free(dir);
        }
        stage_sandbox_free(&box);
        free(log);
        free(env);
        argv_free(&argv);
    }
    free(only);
}

/* Whether the analysis should run: on the covered tests that pass (a failing test
 * may hang, 30 times longer under valgrind); if not, why not is in a->message. */
static bool wanted(const struct analysis_spec *spec, const struct chapter_result *r,
                   const bool *passed, struct analysis_result *a)
{
    if (!spec->on || r->status != CHAPTER_GRADED)
        return false;
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        if (passed[i])
            return true;
    a->message = xstrdup("not run: none of the tests it covers passes yet");
    return false;
}

/* The covered tests that passed. */
static bool *covered_and_passed(const struct chapter_result *r)
{
    bool *passed = xcalloc(r->chapter->n_tests, sizeof *passed);
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        passed[i] = r->chapter->tests[i].valgrind && r->tests[i].status == TEST_PASSED;
    return passed;
}

/* The points are earned when the run counts, found nothing, and covered every test
 * (findings on some tests are shown while the others do not pass yet). */
static void score_analysis(const struct tool_run *t, bool counted, const char *failing)
{
    struct analysis_result *a = t->result;
    if (counted && a->errors == 0 && failing == NULL)
        a->score = t->spec->points;
    else if (counted && failing && a->message == NULL)
        a->message = xasprintf("ran only on the covered tests that pass; its points need "
                               "these to pass too: %s", failing);
}

void analyse_chapter(const struct grade_config *cfg, const struct chapter *ch,
                     struct chapter_result *r)
{
    struct tool_run runs[2];
    size_t n = 0;
    bool *passed = covered_and_passed(r);
    if (wanted(&ch->helgrind, r, passed, &r->helgrind))
        runs[n++] = (struct tool_run){.tool = &helgrind, .spec = &ch->helgrind, .result = &r->helgrind};
    if (wanted(&ch->memcheck, r, passed, &r->memcheck))
        runs[n++] = (struct tool_run){.tool = &memcheck, .spec = &ch->memcheck, .result = &r->memcheck};
    if (n == 0) {
        free(passed);
        return;
    }
    char *work = path_join(cfg->workdir, ch->id);
    char *vg = path_join(work, "build/vg");
    remove_tree(vg);
    prepare_folders(cfg, work);
    char *failing = covered_tests_not_passed(r);
    /* the tools run side by side: valgrind uses one core each */
    for (size_t i = 0; i < n; i++) {
        runs[i].feedback_only = failing != NULL;
        start_tool(cfg, ch, work, passed, &runs[i]);
    }
    for (size_t i = 0; i < n; i++)
        score_analysis(&runs[i], finish_tool(ch, work, &runs[i]), failing);
    free(failing);
    command_sweep(cfg->sandbox); /* anything either run left behind */
    if (r->helgrind.ran && r->helgrind.errors > 0)
        add_locks_held(cfg, ch, work, passed, &r->helgrind);
    free(passed);
    free(vg);
    free(work);
}
