/* test_verdicts.c - grades whole submissions with bin/grade and checks the verdicts:
 * the solutions score full marks, the skeletons score 0 (and compile), and each
 * fixture submission in grader/tests/fixtures/ gets the verdict its fixture.json
 * expects. Run from the workbook's root (make test does).
 *
 * A fixture.json holds:
 *   about             what the submission does and what must happen
 *   chapter, base     the chapter graded, and the folder its submission starts from
 *                     (solutions, chapters, or a grader-only tree); the fixture's own
 *                     CHAPTER/ files are laid over it, then its changes.patch applied
 *   chapters          the chapters tree to grade against (default: chapters)
 *   also_chapters     [ids]: copied from the base as well and graded in the same run;
 *                     each must score full marks (an attack must not cost the others)
 *   fifo              [paths in the submission]: replaced by FIFOs after copying
 *   concurrent_honest id: the base's chapter id is graded in the same TMPDIR just
 *                     before and then again and again until the fixture's grading
 *                     ends; every one of those gradings must score full marks
 *   canary            true: build/sandbox-canary.txt gets a random line before the
 *                     grading and must be unchanged after it (hostile code looks for
 *                     it through /proc/PID/cwd and /proc/PID/root)
 *   hostile           true: after the grading there must be no new /dev/shm entry
 *                     named wb-hostile*, no new System V object with a key 0x5742....,
 *                     and no process named wb-hostile (only these names and keys, so
 *                     that other activity on the machine cannot fail a fixture)
 *   needs             [sandbox layers]: when bin/grade --sandbox-info says one is
 *                     missing, the fixture is skipped (not run, not counted as passed)
 *   args              more bin/grade options, e.g. "--test lock_ --show-output"
 *   exit_status       bin/grade's expected exit status (default 0); the report must
 *                     be written whatever it is
 *   expect            status, score, message (a string or strings, each contained),
 *                     message_any [one contained], message_lacks [in no message of the
 *                     chapter, its tests or its notes], tests { name: { status,
 *                     message (a string or strings, each contained) } }, notes [each in some note], notes_any [one of them
 *                     in some note], analysis { tool: { score,
 *                     errors, kind, where, message (of a finding), says (in the
 *                     analysis's own message) } }, no_process_named [...],
 *                     max_seconds (the whole bin/grade run, wall clock), no_path [glob
 *                     patterns that must match nothing after grading], max_file_bytes
 *                     (no larger file left in the grading's TMPDIR, nor new in /tmp),
 *                     output [each in the terminal output], output_lacks [none in it],
 *                     output_max_lines, partial (the report's "partial"), test_names
 *                     [exactly the tests the report lists, in order]
 * Every fixture is graded with a TMPDIR of its own, removed afterwards; what a hostile
 * fixture leaves behind is reported, then removed so that it cannot fail the next.
 *
 * To grade some fixtures only: VERDICT_FIXTURES=a,b CK_RUN_CASE=fixtures build/verdict-tests
 * Interrupted and killed gradings, make grade in a chapter folder:
 * CK_RUN_CASE=interruptions build/verdict-tests */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"
#include "processes.h"
#include "wb_proc.h"

#define FIXTURES "grader/tests/fixtures"
#define CANARY "build/sandbox-canary.txt"
#define HOSTILE_NAME "wb-hostile"

enum { MAX_FIXTURES = 128, GRADE_TIMEOUT_S = 1200, HOSTILE_KEY_PREFIX = 0x5742,
       PROCESS_GONE_S = 3, LARGE_FILE_DEPTH = 8 };

static char *fixtures[MAX_FIXTURES];
static int n_fixtures;
static char *skipped; /* "name (needs LAYER: why), ..." for the closing summary */
static int n_skipped;

/* Appends formatted text to *s (which may be NULL). */
static void append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **s, const char *fmt, ...)
{
    va_list ap;
    char *piece;
    va_start(ap, fmt);
    int rc = vasprintf(&piece, fmt, ap);
    va_end(ap);
    char *longer = xasprintf("%s%s", *s ? *s : "", rc < 0 ? "" : piece);
    if (rc >= 0)
        free(piece);
    free(*s);
    *s = longer;
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* A JSON string's text, "" for anything else. */
static const char *text_of(json_t *value)
{
    const char *s = json_string_value(value);
    return s ? s : "";
}

static double num(json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

/* ---- running bin/grade ---- */

/* One bin/grade run, started in the background; its report, log and time go to dir. */
struct grade_run {
    pid_t pid;
    bool ended;
    int status; /* its wait status, once ended */
    int want_status; /* the exit status expected of it */
    char *dir;
    char *output; /* what it printed, once waited for (the caller frees it) */
};

/* In the child: runs cmd, writes its wall time to seconds_path, and ends with its exit
 * status. The child times it, so that the time is exact even while the parent is busy
 * with other gradings. */
static void run_timed(const char *cmd, const char *seconds_path)
{
    double start = monotonic_seconds();
    int status = system(cmd);
    FILE *f = fopen(seconds_path, "w");
    if (f != NULL) {
        fprintf(f, "%.3f\n", monotonic_seconds() - start);
        fclose(f);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

/* Starts bin/grade on submission against the chapters tree, for chapter_args ("" for
 * all, or "--chapter 'ID' ..."), with TMPDIR set to tmpdir unless it is NULL. */
static struct grade_run grade_start(const char *chapters, const char *submission,
                                    const char *chapter_args, const char *tmpdir)
{
    struct grade_run g = {.dir = xstrdup("/tmp/grade-verdict.XXXXXX")};
    ck_assert_ptr_nonnull(mkdtemp(g.dir));
    char *env = tmpdir ? xasprintf("TMPDIR='%s' ", tmpdir) : xstrdup("");
    char *cmd = xasprintf("%sbin/grade --root . --no-color --chapters '%s' --submission '%s' "
                          "%s --json '%s/report.json' >'%s/grade.log' 2>&1",
                          env, chapters, submission, chapter_args, g.dir, g.dir);
    char *seconds = path_join(g.dir, "seconds");
    fflush(NULL); /* the child must not print what the parent had buffered */
    g.pid = fork();
    ck_assert_int_ge(g.pid, 0);
    if (g.pid == 0)
        run_timed(cmd, seconds);
    free(seconds);
    free(cmd);
    free(env);
    return g;
}

/* True once the grading has ended; never blocks. */
static bool grade_ended(struct grade_run *g)
{
    if (!g->ended && waitpid(g->pid, &g->status, WNOHANG) == g->pid)
        g->ended = true;
    return g->ended;
}

/* Waits for the grading and returns its report, and in *seconds (unless NULL) how
 * long it ran (-1 when unknown). NULL, with *problem saying why, when bin/grade
 * failed or wrote no report. Removes the run's folder. */
static json_t *grade_wait(struct grade_run *g, double *seconds, char **problem)
{
    while (!g->ended) {
        pid_t got = waitpid(g->pid, &g->status, 0);
        g->ended = got == g->pid || (got < 0 && errno != EINTR);
    }
    char *log = path_join(g->dir, "grade.log"), *json = path_join(g->dir, "report.json");
    char *time_path = path_join(g->dir, "seconds");
    char *output = read_text_file(log, 1 << 20), *time_text = read_text_file(time_path, 64);
    json_error_t error;
    json_t *report = NULL;
    if (!WIFEXITED(g->status) || WEXITSTATUS(g->status) != g->want_status)
        *problem = xasprintf("bin/grade exited with wait status %d, expected exit status "
                             "%d:\n%.8192s", g->status, g->want_status, output ? output : "");
    else if ((report = json_load_file(json, 0, &error)) == NULL)
        *problem = xasprintf("no JSON report: %s", error.text);
    if (seconds)
        *seconds = time_text ? strtod(time_text, NULL) : -1;
    free(time_text);
    g->output = output;
    free(time_path);
    free(json);
    free(log);
    remove_tree(g->dir);
    free(g->dir);
    g->dir = NULL;
    return report;
}

/* Runs bin/grade and returns its JSON report; the test fails if grade did not run. */
static json_t *grade_in(const char *chapters, const char *submission, const char *chapter_args,
                        const char *tmpdir)
{
    struct grade_run g = grade_start(chapters, submission, chapter_args, tmpdir);
    char *problem = NULL;
    json_t *report = grade_wait(&g, NULL, &problem);
    free(g.output);
    ck_assert_msg(report != NULL, "%s", problem);
    return report;
}

static json_t *grade(const char *submission)
{
    return grade_in("chapters", submission, "", NULL);
}

/* The names of the chapter's tests whose status is not want, for messages. */
static char *tests_not(json_t *chapter, const char *want)
{
    char *list = xstrdup("");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(chapter, "tests"), i, t)
    {
        if (strcmp(str(t, "status"), want) != 0)
            append(&list, "\n    %s: %s %s", str(t, "name"), str(t, "status"),
                   str(t, "message"));
    }
    return list;
}

/* Why a chapter of a report does not have full marks, or NULL when it has them. */
static char *not_full_marks(json_t *ch)
{
    if (strcmp(str(ch, "status"), "graded") == 0 && num(ch, "max_score") > 0 &&
        num(ch, "score") == num(ch, "max_score"))
        return NULL;
    char *failing = tests_not(ch, "passed");
    char *notes = xstrdup(""); /* a file replaced by its skeleton says why in a note */
    size_t i;
    json_t *note;
    json_array_foreach(json_object_get(ch, "notes"), i, note)
        append(&notes, "\n  note: %s", json_string_value(note));
    char *why = xasprintf("%s: %s, %g/%g%s\n%s%.2000s", str(ch, "id"), str(ch, "status"),
                          num(ch, "score"), num(ch, "max_score"), failing, str(ch, "message"),
                          notes);
    free(notes);
    free(failing);
    return why;
}

static json_t *find_chapter(json_t *report, const char *id)
{
    size_t i;
    json_t *ch;
    json_array_foreach(json_object_get(report, "chapters"), i, ch)
    {
        if (strcmp(str(ch, "id"), id) == 0)
            return ch;
    }
    return NULL;
}

static size_t count_chapters(void)
{
    struct chapter *chs;
    size_t n;
    char err[512];
    ck_assert_msg(chapters_load_all("chapters", &chs, &n, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < n; i++)
        chapter_free(&chs[i]);
    free(chs);
    return n;
}

START_TEST(solutions_score_full_marks)
{
    json_t *report = grade("solutions");
    ck_assert_msg(json_is_true(json_object_get(report, "complete")) &&
                      json_is_false(json_object_get(report, "partial")),
                  "a whole grading's report is complete and not partial");
    json_t *chapters = json_object_get(report, "chapters");
    ck_assert_uint_eq(json_array_size(chapters), count_chapters());
    size_t i;
    json_t *ch;
    json_array_foreach(chapters, i, ch)
    {
        char *why = not_full_marks(ch);
        ck_assert_msg(why == NULL, "solution of %s", why);
    }
    json_decref(report);
}
END_TEST

START_TEST(skeletons_compile_and_score_zero)
{
    json_t *report = grade("chapters");
    json_t *chapters = json_object_get(report, "chapters");
    ck_assert_uint_eq(json_array_size(chapters), count_chapters());
    size_t i;
    json_t *ch;
    json_array_foreach(chapters, i, ch)
    {
        ck_assert_msg(strcmp(str(ch, "status"), "graded") == 0,
                      "skeleton of %s does not build: %s\n%s", str(ch, "id"), str(ch, "status"),
                      str(ch, "message"));
        char *passing = tests_not(ch, "failed");
        ck_assert_msg(num(ch, "score") == 0, "skeleton of %s scores %g; its tests:%s",
                      str(ch, "id"), num(ch, "score"), passing);
        free(passing);
    }
    json_decref(report);
}
END_TEST

static json_t *find_test(json_t *chapter, const char *name);
static void expect_substring(const char *what, const char *text, const char *part);

/* ---- the same verdicts whatever -j ---- */

/* value without what depends on timing (every "seconds" and "stage_seconds", and when
 * it was graded). */
static void drop_times(json_t *value)
{
    if (json_is_object(value)) {
        json_object_del(value, "seconds");
        json_object_del(value, "stage_seconds");
        json_object_del(value, "graded_at");
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member)
            drop_times(member);
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
            drop_times(item);
    }
}

/* Grades submission's chapters (chapter_args) with -j 1 and -j 2: the reports must be
 * the same in everything but times: scores, statuses, messages, every test's verdict,
 * every analysis and finding, chapters in chapter order. */
static void same_verdicts_whatever_jobs(const char *submission, const char *chapter_args)
{
    char *one = xasprintf("-j 1 %s", chapter_args), *two = xasprintf("-j 2 %s", chapter_args);
    json_t *sequential = grade_in("chapters", submission, one, NULL);
    json_t *parallel = grade_in("chapters", submission, two, NULL);
    drop_times(sequential);
    drop_times(parallel);
    if (!json_equal(sequential, parallel)) {
        char *a = json_dumps(sequential, JSON_INDENT(1)), *b = json_dumps(parallel, JSON_INDENT(1));
        ck_abort_msg("%s %s: -j 1 and -j 2 differ:\n%.6000s\n--- -j 2 ---\n%.6000s", submission,
                     chapter_args, a, b);
    }
    json_decref(sequential);
    json_decref(parallel);
    free(one);
    free(two);
}

START_TEST(parallel_grading_gives_the_same_verdicts)
{
    /* full marks with both analyses, and failures with their messages */
    same_verdicts_whatever_jobs("solutions", "--chapter 01 --chapter 08 --chapter 11");
    same_verdicts_whatever_jobs("chapters", "--chapter 03 --chapter 09 --chapter 12");
}
END_TEST


/* ---- interrupted gradings, and make grade in a chapter folder ---- */

/* Starts bin/grade on the solutions of chapters 07, 08 and 09 (valgrind makes each take
 * a few seconds), with -j jobs, its output to dir/grade.log, its report to
 * dir/report.json, its work folder in dir. */
static pid_t grade_directly(const char *dir, const char *jobs)
{
    char *json = path_join(dir, "report.json"), *log = path_join(dir, "grade.log");
    ck_assert_int_eq(chmod(dir, 0711), 0); /* the sandbox uid passes through to its folder */
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (freopen(log, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0 ||
            setenv("TMPDIR", dir, 1) < 0)
            _exit(127);
        execl("bin/grade", "bin/grade", "--root", ".", "--no-color", "--submission", "solutions",
              "--chapter", "07", "--chapter", "08", "--chapter", "09", "--json", json,
              "-j", jobs, (char *)NULL);
        _exit(127);
    }
    free(json);
    free(log);
    return pid;
}

/* The report once it holds at least `chapters` chapters (it is rewritten as grading
 * goes), or NULL after 300 s. */
static json_t *report_with(const char *dir, size_t chapters)
{
    char *json = path_join(dir, "report.json");
    json_t *report = NULL;
    for (double end = monotonic_seconds() + 300; monotonic_seconds() < end; usleep(50 * 1000)) {
        report = is_file(json) ? json_load_file(json, 0, NULL) : NULL;
        ck_assert_msg(report != NULL || !is_file(json), "%s is not valid JSON", json);
        if (report && json_array_size(json_object_get(report, "chapters")) >= chapters)
            break;
        json_decref(report);
        report = NULL;
    }
    free(json);
    return report;
}

/* A grading stopped by signo once a chapter is in its report (with -j 2, others are
 * being graded then; with -j 1 the next one, shown as far as it went) leaves a valid
 * report marked incomplete, which still holds every chapter graded before the signal,
 * in chapter order; nothing of it keeps running. Returns its wait status. */
static int interrupt_grading(int signo, const char *jobs)
{
    char *dir = xstrdup("/tmp/grade-verdict.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    pid_t pid = grade_directly(dir, jobs);
    json_t *early = report_with(dir, 1);
    ck_assert_msg(early != NULL, "no report with one chapter within 300 s");
    ck_assert_msg(json_is_false(json_object_get(early, "complete")),
                  "a report written while grading goes on says complete: false");
    ck_assert_int_eq(kill(pid, signo), 0);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    json_t *report = report_with(dir, 1);
    ck_assert_msg(report != NULL, "no valid report after signal %d", signo);
    /* what the signal stopped is said to be interrupted, never timed out */
    char *log_path = path_join(dir, "grade.log");
    char *log = read_text_file(log_path, 1 << 20);
    ck_assert_msg(log && strstr(log, "did not finish within") == NULL,
                  "after signal %d the grading's output speaks of a time limit:\n%s", signo,
                  log ? log : "(no output)");
    free(log);
    free(log_path);
    ck_assert_msg(json_is_false(json_object_get(report, "complete")),
                  "an interrupted grading's report says complete: false");
    size_t i;
    json_t *ch, *chapters = json_object_get(report, "chapters");
    json_array_foreach(json_object_get(early, "chapters"), i, ch)
    {
        json_t *later = find_chapter(report, str(ch, "id"));
        ck_assert_msg(later != NULL, "%s, graded before the signal, is in the report",
                      str(ch, "id"));
        ck_assert_msg(num(later, "score") == num(later, "max_score"), "%s was graded in full",
                      str(ch, "id"));
    }
    for (i = 1; i < json_array_size(chapters); i++)
        ck_assert_msg(strcmp(str(json_array_get(chapters, i - 1), "id"),
                             str(json_array_get(chapters, i), "id")) < 0,
                      "the report lists chapters in chapter order");
    pid_t left = 0;
    for (double end = monotonic_seconds() + 10; monotonic_seconds() < end; usleep(100 * 1000))
        if ((left = process_mentioning(dir)) == 0)
            break;
    ck_assert_msg(left == 0, "process %d of the grading still runs 10 s after it ended",
                  (int)left);
    json_decref(early);
    json_decref(report);
    remove_tree(dir);
    free(dir);
    return status;
}

START_TEST(interrupted_grading_leaves_an_incomplete_report)
{
    int status = interrupt_grading(SIGINT, "2");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT,
                  "an interrupted grading exits with 130 (wait status %d)", status);
}
END_TEST

/* One chapter at a time, the chapter being graded is shown as far as it went: what the
 * interrupt stopped (a build, a runner, valgrind) says so, not that it timed out. */
START_TEST(interrupted_sequential_grading_says_interrupted)
{
    int status = interrupt_grading(SIGINT, "1");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT,
                  "an interrupted grading exits with 130 (wait status %d)", status);
}
END_TEST

START_TEST(killed_grading_leaves_an_incomplete_report)
{
    int status = interrupt_grading(SIGKILL, "2");
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
END_TEST

/* make grade in chapters/01-fork grades that chapter: here FILE narrows it to reap.c. */
START_TEST(make_grade_in_a_chapter_folder)
{
    char *dir = xstrdup("/tmp/grade-verdict.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *cmd = xasprintf("make -s -C chapters/01-fork grade FILE=src/reap.c JSON='%s/r.json' "
                          ">'%s/make.log' 2>&1", dir, dir);
    int status = system(cmd);
    char *log_path = path_join(dir, "make.log"), *json = path_join(dir, "r.json");
    char *log = read_text_file(log_path, 1 << 20);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "make grade failed: %s", log);
    json_t *report = json_load_file(json, 0, NULL);
    ck_assert_msg(report != NULL, "no report: %s", log);
    json_t *chapters = json_object_get(report, "chapters");
    ck_assert_uint_eq(json_array_size(chapters), 1);
    json_t *ch = json_array_get(chapters, 0);
    ck_assert_str_eq(str(ch, "id"), "01-fork");
    ck_assert_uint_eq(json_array_size(json_object_get(ch, "tests")), 4);
    ck_assert_ptr_nonnull(find_test(ch, "reap_collects_every_zombie"));
    ck_assert(json_is_true(json_object_get(report, "partial")));
    expect_substring("make grade's output", log, "reap.c: 0/4 passed");
    json_decref(report);
    free(log);
    free(json);
    free(log_path);
    free(cmd);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- what a fixture's report must say ---- */

static json_t *find_test(json_t *chapter, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(chapter, "tests"), i, t)
    {
        if (strcmp(str(t, "name"), name) == 0)
            return t;
    }
    return NULL;
}

static void expect_substring(const char *what, const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "%s is '%s', expected it to contain '%s'", what,
                  text, part);
}

static void expect_lacks(const char *what, const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) == NULL, "%s is '%s', expected it not to contain '%s'",
                  what, text, part);
}

/* expect.message: one substring, or an array of them, all in the chapter's message. */
static void check_message(json_t *chapter, json_t *want)
{
    size_t i;
    json_t *part;
    if (json_is_string(want))
        expect_substring("the chapter message", str(chapter, "message"), text_of(want));
    json_array_foreach(want, i, part)
        expect_substring("the chapter message", str(chapter, "message"), text_of(part));
}

/* expect.message_any: at least one of them is in the chapter's message. */
static void check_message_any(json_t *chapter, json_t *parts)
{
    size_t i;
    json_t *part;
    bool found = json_array_size(parts) == 0;
    json_array_foreach(parts, i, part) found =
        found || strstr(str(chapter, "message"), text_of(part)) != NULL;
    ck_assert_msg(found, "the chapter message is '%s', expected one of %s",
                  str(chapter, "message"), json_dumps(parts, JSON_COMPACT));
}

/* expect.message_lacks: none of them in the chapter's message, a note or a test's. */
static void check_message_lacks(json_t *chapter, json_t *parts)
{
    size_t i, k;
    json_t *part, *item;
    json_array_foreach(parts, i, part)
    {
        const char *p = text_of(part);
        expect_lacks("the chapter message", str(chapter, "message"), p);
        json_array_foreach(json_object_get(chapter, "notes"), k, item)
            expect_lacks("a note", text_of(item), p);
        json_array_foreach(json_object_get(chapter, "tests"), k, item)
            expect_lacks(str(item, "name"), str(item, "message"), p);
    }
}

static void check_tests(json_t *chapter, json_t *expected)
{
    const char *name;
    json_t *want;
    json_object_foreach(expected, name, want)
    {
        json_t *got = find_test(chapter, name);
        ck_assert_msg(got != NULL, "the report has no test %s", name);
        ck_assert_msg(strcmp(str(got, "status"), str(want, "status")) == 0,
                      "test %s is %s (%s), expected %s", name, str(got, "status"),
                      str(got, "message"), str(want, "status"));
        json_t *message = json_object_get(want, "message"), *part;
        size_t k;
        if (json_is_string(message))
            expect_substring(name, str(got, "message"), text_of(message));
        json_array_foreach(message, k, part) /* strings: each contained */
            expect_substring(name, str(got, "message"), text_of(part));
    }
}

static void check_notes(json_t *chapter, json_t *expected)
{
    size_t i, k;
    json_t *want, *note;
    json_array_foreach(expected, i, want)
    {
        bool found = false;
        json_array_foreach(json_object_get(chapter, "notes"), k, note) found =
            found || strstr(text_of(note), text_of(want)) != NULL;
        char *notes = json_dumps(json_object_get(chapter, "notes"), JSON_COMPACT);
        ck_assert_msg(found, "no note contains '%s'; the notes: %s", text_of(want),
                      notes ? notes : "none");
        free(notes);
    }
}

/* expect.notes_any: some note contains one of them (any layer that stops an attack). */
static void check_notes_any(json_t *chapter, json_t *parts)
{
    size_t i, k;
    json_t *part, *note;
    bool found = json_array_size(parts) == 0;
    json_array_foreach(parts, i, part)
        json_array_foreach(json_object_get(chapter, "notes"), k, note) found =
            found || strstr(text_of(note), text_of(part)) != NULL;
    ck_assert_msg(found, "no note contains one of %s; the notes: %s",
                  json_dumps(parts, JSON_COMPACT),
                  json_dumps(json_object_get(chapter, "notes"), JSON_COMPACT));
}

/* True when a process whose command name is comm exists. */
static bool process_named(const char *comm)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    bool found = false;
    while (!found && proc && (e = readdir(proc)) != NULL) {
        char *path = xasprintf("/proc/%s/comm", e->d_name);
        char *text = e->d_name[0] >= '0' && e->d_name[0] <= '9' ? read_text_file(path, 64)
                                                                  : NULL;
        found = text && strncmp(text, comm, strlen(comm)) == 0 && text[strlen(comm)] == '\n';
        free(text);
        free(path);
    }
    if (proc)
        closedir(proc);
    return found;
}

/* True when no process is named comm, waiting a little for killed ones to be reaped. */
static bool process_gone(const char *comm)
{
    for (double end = monotonic_seconds() + PROCESS_GONE_S; process_named(comm);) {
        if (monotonic_seconds() > end)
            return false;
        usleep(100 * 1000);
    }
    return true;
}

/* expect.analysis.TOOL: { score, errors, kind, where } against the report's. */
static void check_analysis(json_t *chapter, json_t *expected)
{
    const char *tool;
    json_t *want;
    json_object_foreach(expected, tool, want)
    {
        json_t *got = json_object_get(json_object_get(chapter, "analysis"), tool);
        ck_assert_msg(got != NULL, "the report has no %s analysis", tool);
        json_t *findings = json_object_get(got, "findings");
        char *summary = xasprintf("%s: score %g, %d errors, message %s, first finding %s",
                                  tool, num(got, "score"),
                                  (int)json_integer_value(json_object_get(got, "errors")),
                                  str(got, "message"),
                                  str(json_array_get(findings, 0), "message"));
        if (json_object_get(want, "score"))
            ck_assert_msg(num(got, "score") == num(want, "score"), "%s; expected score %g",
                          summary, num(want, "score"));
        if (json_object_get(want, "says"))
            ck_assert_msg(strstr(str(got, "message"), str(want, "says")) != NULL,
                          "%s; expected the analysis to say '%s'", summary, str(want, "says"));
        if (json_object_get(want, "errors"))
            ck_assert_msg(json_integer_value(json_object_get(got, "errors")) ==
                              json_integer_value(json_object_get(want, "errors")),
                          "%s; expected %d errors", summary,
                          (int)json_integer_value(json_object_get(want, "errors")));
        size_t i;
        json_t *f;
        bool kind_found = !json_object_get(want, "kind"), where_found = !json_object_get(want, "where");
        bool message_found = !json_object_get(want, "message");
        json_array_foreach(findings, i, f)
        {
            kind_found = kind_found || strcmp(str(f, "kind"), str(want, "kind")) == 0;
            message_found = message_found || strstr(str(f, "message"), str(want, "message"));
            size_t k;
            json_t *w;
            json_array_foreach(json_object_get(f, "where"), k, w) where_found =
                where_found || strstr(text_of(w), str(want, "where")) != NULL;
        }
        ck_assert_msg(kind_found, "%s; expected a finding of kind %s", summary,
                      str(want, "kind"));
        ck_assert_msg(where_found, "%s; expected a finding at %s", summary, str(want, "where"));
        ck_assert_msg(message_found, "%s; expected a finding saying '%s'", summary,
                      str(want, "message"));
        free(summary);
    }
}

static void check_expectations(json_t *chapter, json_t *expect)
{
    if (json_object_get(expect, "status"))
        ck_assert_msg(strcmp(str(chapter, "status"), str(expect, "status")) == 0,
                      "chapter status %s (%s), expected %s", str(chapter, "status"),
                      str(chapter, "message"), str(expect, "status"));
    if (json_object_get(expect, "score")) {
        char *failing = tests_not(chapter, "passed");
        ck_assert_msg(num(chapter, "score") == num(expect, "score"),
                      "score %g, expected %g; tests not passed:%s", num(chapter, "score"),
                      num(expect, "score"), failing);
        free(failing);
    }
    check_message(chapter, json_object_get(expect, "message"));
    check_message_any(chapter, json_object_get(expect, "message_any"));
    check_message_lacks(chapter, json_object_get(expect, "message_lacks"));
    check_tests(chapter, json_object_get(expect, "tests"));
    check_notes(chapter, json_object_get(expect, "notes"));
    check_notes_any(chapter, json_object_get(expect, "notes_any"));
    check_analysis(chapter, json_object_get(expect, "analysis"));
    size_t i;
    json_t *name;
    json_array_foreach(json_object_get(expect, "no_process_named"), i, name)
        ck_assert_msg(process_gone(text_of(name)), "a process named %s outlived the grading",
                      text_of(name));
}

/* also_chapters: graded in the same run as the fixture, each with full marks. */
static void check_also_chapters(json_t *report, json_t *spec)
{
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(spec, "also_chapters"), i, id)
    {
        json_t *ch = find_chapter(report, text_of(id));
        ck_assert_msg(ch != NULL, "the report has no chapter %s", text_of(id));
        char *why = not_full_marks(ch);
        ck_assert_msg(why == NULL, "graded beside the fixture's chapter, %s", why);
    }
}

/* ---- what a fixture's grading must leave as it was ---- */

/* Writes a fresh random line into the canary and returns it. */
static char *canary_write(void)
{
    unsigned char bytes[16];
    ck_assert_int_eq(getrandom(bytes, sizeof bytes, 0), (ssize_t)sizeof bytes);
    char *line = xstrdup("canary ");
    for (size_t i = 0; i < sizeof bytes; i++)
        append(&line, "%02x", bytes[i]);
    append(&line, "\n");
    ck_assert_int_eq(mkdir_p("build"), 0);
    FILE *f = fopen(CANARY, "w");
    ck_assert_msg(f != NULL && fputs(line, f) >= 0 && fclose(f) == 0, "cannot write %s", CANARY);
    return line;
}

/* Adds a "KIND ID" line for each System V object of that kind ("shm", "sem", "msg")
 * whose key is a fixture's (0x5742....). /proc/sysvipc/KIND: "key id ..." in decimal. */
static void list_ipc(const char *kind, char **list)
{
    char *path = xasprintf("/proc/sysvipc/%s", kind);
    FILE *f = fopen(path, "r");
    char line[1024];
    long key, id;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%ld %ld", &key, &id) == 2 &&
            ((unsigned long)key & 0xffffffffUL) >> 16 == HOSTILE_KEY_PREFIX)
            append(list, "%s %ld\n", kind, id);
    if (f != NULL)
        fclose(f);
    free(path);
}

/* What hostile code may leave on the machine, one line each: /dev/shm entries named
 * wb-hostile* (POSIX shared memory and files), then the fixtures' System V objects. */
static char *leftovers(void)
{
    char *list = xstrdup("");
    DIR *d = opendir("/dev/shm");
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, HOSTILE_NAME) != NULL)
            append(&list, "/dev/shm/%s\n", e->d_name);
    if (d != NULL)
        closedir(d);
    list_ipc("shm", &list);
    list_ipc("sem", &list);
    list_ipc("msg", &list);
    return list;
}

/* The lines of after that are not lines of before. */
static char *new_lines(const char *before, const char *after)
{
    char *fresh = xstrdup(""), *haystack = xasprintf("\n%s", before);
    for (const char *line = after; *line;) {
        size_t len = strcspn(line, "\n");
        char *needle = xasprintf("\n%.*s\n", (int)len, line);
        if (strstr(haystack, needle) == NULL)
            append(&fresh, "%.*s\n", (int)len, line);
        free(needle);
        line += len + (line[len] == '\n');
    }
    free(haystack);
    return fresh;
}

/* Removes each leftover that leftovers() listed. */
static void remove_leftovers(const char *list)
{
    for (const char *line = list; *line; line += strcspn(line, "\n") + 1) {
        long id;
        if (line[0] == '/') {
            char *path = xasprintf("%.*s", (int)strcspn(line, "\n"), line);
            remove_tree(path);
            free(path);
        } else if (sscanf(line, "shm %ld", &id) == 1) {
            shmctl((int)id, IPC_RMID, NULL);
        } else if (sscanf(line, "sem %ld", &id) == 1) {
            semctl((int)id, 0, IPC_RMID);
        } else if (sscanf(line, "msg %ld", &id) == 1) {
            msgctl((int)id, IPC_RMID, NULL);
        }
    }
}

/* The paths that match the glob patterns, " PATH" each. They are removed once found
 * (only those whose name holds wb-hostile: a mistaken pattern cannot delete anything
 * else), so that a failure here does not fail the next run too. */
static char *paths_left(json_t *patterns)
{
    char *found = xstrdup("");
    size_t i;
    json_t *pattern;
    json_array_foreach(patterns, i, pattern)
    {
        glob_t g = {0};
        if (glob(text_of(pattern), 0, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc; k++) {
                const char *slash = strrchr(g.gl_pathv[k], '/');
                append(&found, " %s", g.gl_pathv[k]);
                if (strstr(slash ? slash : g.gl_pathv[k], HOSTILE_NAME) != NULL)
                    remove_tree(g.gl_pathv[k]);
            }
        }
        globfree(&g);
    }
    return found;
}

/* The first regular file below dir (depth folders down at most) larger than max bytes
 * and changed since `since`, as "PATH (N bytes)"; NULL when there is none. */
static char *large_file(const char *dir, off_t max, time_t since, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *found = NULL;
    while (found == NULL && d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = path_join(dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) < 0)
            st.st_mode = 0;
        if (S_ISREG(st.st_mode) && st.st_size > max && st.st_mtime >= since)
            found = xasprintf("%s (%lld bytes)", path, (long long)st.st_size);
        else if (S_ISDIR(st.st_mode) && depth > 0)
            found = large_file(path, max, since, depth - 1);
        free(path);
    }
    if (d != NULL)
        closedir(d);
    return found;
}

/* What a fixture's grading left behind. It is observed, and cleaned up, before any
 * check can fail, so that one failing fixture does not spoil the next. */
struct aftermath {
    char *leftovers;      /* new /dev/shm entries and IPC objects, one a line */
    char *paths;          /* what matches no_path, " PATH" each */
    char *large;          /* a file larger than max_file_bytes, or NULL */
    char *canary;         /* the canary's content when it changed, or NULL */
    bool hostile_process; /* a process named wb-hostile is still there */
};

static struct aftermath observe(json_t *spec, const char *before, const char *canary,
                                const char *tmpdir, time_t started)
{
    json_t *expect = json_object_get(spec, "expect");
    struct aftermath a = {0};
    if (before != NULL) { /* first: no_path's clean-up could remove /dev/shm entries */
        char *after = leftovers();
        a.leftovers = new_lines(before, after);
        remove_leftovers(a.leftovers);
        free(after);
        a.hostile_process = !process_gone(HOSTILE_NAME);
    }
    a.paths = paths_left(json_object_get(expect, "no_path"));
    json_t *max = json_object_get(expect, "max_file_bytes");
    if (max != NULL) {
        off_t limit = (off_t)json_integer_value(max);
        a.large = large_file(tmpdir, limit, 0, LARGE_FILE_DEPTH);
        if (a.large == NULL) /* a compiler's temporary files go to /tmp without TMPDIR */
            a.large = large_file("/tmp", limit, started, 0);
    }
    char *now = canary ? read_text_file(CANARY, 64 * 1024) : NULL;
    if (canary != NULL && (now == NULL || strcmp(now, canary) != 0))
        a.canary = now ? now : xstrdup("(nothing: it is gone)\n");
    else
        free(now);
    return a;
}

static void check_aftermath(struct aftermath *a)
{
    ck_assert_msg(a->leftovers == NULL || a->leftovers[0] == '\0',
                  "the grading left shared memory or IPC objects behind (now removed):\n%s",
                  a->leftovers);
    ck_assert_msg(!a->hostile_process, "a process named %s outlived the grading",
                  HOSTILE_NAME);
    ck_assert_msg(a->paths[0] == '\0', "these exist after the grading (now removed):%s",
                  a->paths);
    ck_assert_msg(a->large == NULL, "a large file remains after the grading: %s", a->large);
    ck_assert_msg(a->canary == NULL, "%s was changed during the grading; it holds:\n%s",
                  CANARY, a->canary);
    free(a->leftovers);
    free(a->paths);
}

/* ---- a fixture's submission and grading ---- */

/* Applies the fixture's changes.patch (paths like 01-fork/src/x.c) to dir. */
static void apply_patch(const char *fixture, const char *dir)
{
    char *patch = xasprintf("%s/%s/changes.patch", FIXTURES, fixture);
    if (!is_file(patch)) {
        free(patch);
        return;
    }
    char *cmd = xasprintf("patch --quiet --batch --no-backup-if-mismatch -p1 -d '%s' < '%s'",
                          dir, patch);
    int status = system(cmd);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s: changes.patch no longer applies to its base: update it", fixture);
    free(cmd);
    free(patch);
}

/* Copies the base's chapter id into dir, then the fixture's own files for it. */
static void lay_chapter(const char *fixture, const char *base, const char *id, const char *dir)
{
    char *from = xasprintf("%s/%s", base, id), *to = path_join(dir, id);
    char *overlay = xasprintf("%s/%s/%s", FIXTURES, fixture, id);
    ck_assert_msg(id[0] != '\0' && copy_tree(from, to) == 0, "cannot copy %s", from);
    ck_assert_msg(!is_dir(overlay) || copy_tree(overlay, to) == 0, "cannot copy %s", overlay);
    free(from);
    free(to);
    free(overlay);
}

/* Replaces each "fifo" path of the submission by a FIFO: git cannot carry one, but a
 * grader may still be handed one. */
static void plant_fifos(const char *fixture, json_t *spec, const char *dir)
{
    size_t i;
    json_t *rel;
    json_array_foreach(json_object_get(spec, "fifo"), i, rel)
    {
        const char *r = text_of(rel);
        ck_assert_msg(r[0] != '\0' && r[0] != '/' && strstr(r, "..") == NULL,
                      "%s: a fifo path is relative to the submission, like 01-fork/src/x.c",
                      fixture);
        char *path = path_join(dir, r);
        ck_assert_msg(remove_tree(path) == 0 && mkfifo(path, 0644) == 0,
                      "%s: cannot make the FIFO %s", fixture, path);
        free(path);
    }
}

/* The fixture's submission: its base chapter (and also_chapters) with the fixture's
 * own files laid over it, its changes.patch applied, its FIFOs planted. */
static char *make_submission(const char *fixture, json_t *spec)
{
    const char *base = str(spec, "base");
    ck_assert_msg(base[0] != '\0' && base[0] != '/' && strstr(base, "..") == NULL,
                  "%s: base must be a folder of the workbook, like \"solutions\"", fixture);
    char *dir = xstrdup("/tmp/grade-fixture.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    lay_chapter(fixture, base, str(spec, "chapter"), dir);
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(spec, "also_chapters"), i, id)
        lay_chapter(fixture, base, text_of(id), dir);
    apply_patch(fixture, dir);
    plant_fifos(fixture, spec, dir);
    return dir;
}

/* A TMPDIR of the fixture's own, open to all like /tmp (a sandbox may run as another
 * uid). Whatever the grading leaves there is removed with it. */
static char *private_tmpdir(void)
{
    char *dir = xstrdup("/tmp/grade-tmp.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 01777), 0);
    return dir;
}

static const char *chapters_of(json_t *spec)
{
    return json_object_get(spec, "chapters") ? str(spec, "chapters") : "chapters";
}

/* "--chapter 'ID'" for the fixture's chapter and each of its also_chapters. */
static char *chapter_args(json_t *spec)
{
    char *args = xasprintf("--chapter '%s'", str(spec, "chapter"));
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(spec, "also_chapters"), i, id)
        append(&args, " --chapter '%s'", text_of(id));
    return args;
}

/* Waits for the honest grading, then starts another while the fixture's grading runs
 * on: every one must score full marks. Returns the first problem, or NULL. */
static char *grade_honest_during(struct grade_run *honest, struct grade_run *fixture,
                                 json_t *spec, const char *args, const char *tmpdir)
{
    const char *id = str(spec, "concurrent_honest");
    for (int round = 1;; round++) {
        char *problem = NULL;
        json_t *report = grade_wait(honest, NULL, &problem);
        free(honest->output);
        json_t *ch = find_chapter(report, id);
        char *why = problem ? problem
                    : ch    ? not_full_marks(ch)
                            : xasprintf("the report has no chapter %s", id);
        json_decref(report);
        if (why != NULL) {
            char *message = xasprintf("concurrent grading %d of %s: %s", round, id, why);
            free(why);
            return message;
        }
        if (grade_ended(fixture)) {
            fprintf(stderr, "  %d grading(s) of %s ran meanwhile, all with full marks\n", round,
                    id);
            return NULL;
        }
        *honest = grade_start(chapters_of(spec), str(spec, "base"), args, tmpdir);
    }
}

/* Grades the fixture's submission in tmpdir and returns the report (NULL, with
 * *problem, when grade failed), in *seconds how long it took and in *output what it
 * printed. With concurrent_honest, honest gradings run meanwhile; *honest gets their
 * first problem. */
static json_t *grade_fixture(json_t *spec, const char *submission, const char *tmpdir,
                             double *seconds, char **problem, char **honest, char **output)
{
    const char *honest_id = str(spec, "concurrent_honest");
    char *honest_args = xasprintf("--chapter '%s'", honest_id), *args = chapter_args(spec);
    append(&args, " %s", str(spec, "args"));
    struct grade_run first = {0};
    if (honest_id[0] != '\0') /* started just before the fixture's */
        first = grade_start(chapters_of(spec), str(spec, "base"), honest_args, tmpdir);
    struct grade_run g = grade_start(chapters_of(spec), submission, args, tmpdir);
    g.want_status = (int)json_integer_value(json_object_get(spec, "exit_status"));
    if (honest_id[0] != '\0')
        *honest = grade_honest_during(&first, &g, spec, honest_args, tmpdir);
    json_t *report = grade_wait(&g, seconds, problem);
    *output = g.output;
    free(args);
    free(honest_args);
    return report;
}

static json_t *load_spec(const char *fixture)
{
    char *path = xasprintf("%s/%s/fixture.json", FIXTURES, fixture);
    json_error_t error;
    json_t *spec = json_load_file(path, 0, &error);
    ck_assert_msg(spec != NULL, "%s: %s (line %d)", path, error.text, error.line);
    free(path);
    return spec;
}

/* expect.output, output_lacks and output_max_lines against what bin/grade printed. */
static void check_output(json_t *expect, const char *output)
{
    size_t i, lines = 0;
    json_t *part;
    json_array_foreach(json_object_get(expect, "output"), i, part)
        expect_substring("the terminal output", output, text_of(part));
    json_array_foreach(json_object_get(expect, "output_lacks"), i, part)
        expect_lacks("the terminal output", output, text_of(part));
    for (const char *c = output; *c; c++)
        lines += *c == '\n';
    json_t *max = json_object_get(expect, "output_max_lines");
    ck_assert_msg(max == NULL || lines <= (size_t)json_integer_value(max),
                  "the terminal output has %zu lines, more than %d:\n%s", lines,
                  (int)json_integer_value(max), output);
}

/* expect.partial and expect.test_names: a narrowed grading's report. */
static void check_selection(json_t *report, json_t *chapter, json_t *expect)
{
    json_t *partial = json_object_get(expect, "partial");
    if (partial)
        ck_assert_msg(json_equal(json_object_get(report, "partial"), partial),
                      "the report's partial is %s, expected %s",
                      json_dumps(json_object_get(report, "partial"), JSON_ENCODE_ANY),
                      json_dumps(partial, JSON_ENCODE_ANY));
    json_t *names = json_object_get(expect, "test_names");
    if (names == NULL)
        return;
    json_t *got = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(chapter, "tests"), i, t)
        json_array_append_new(got, json_string(str(t, "name")));
    ck_assert_msg(json_equal(got, names), "the report's tests are %s, expected %s",
                  json_dumps(got, JSON_COMPACT), json_dumps(names, JSON_COMPACT));
    json_decref(got);
}

/* The report's verdicts against expect, then the other chapters of the run. */
static void check_report(json_t *report, json_t *spec, double seconds, const char *output)
{
    json_t *expect = json_object_get(spec, "expect");
    check_output(expect, output ? output : "");
    json_t *max = json_object_get(expect, "max_seconds");
    ck_assert_msg(max == NULL || (seconds >= 0 && seconds <= json_number_value(max)),
                  "the grading took %.1f s, more than %g s", seconds, json_number_value(max));
    json_t *chapter = find_chapter(report, str(spec, "chapter"));
    ck_assert_msg(chapter != NULL, "the report has no chapter %s", str(spec, "chapter"));
    check_expectations(chapter, expect);
    check_selection(report, chapter, expect);
    check_also_chapters(report, spec);
}

START_TEST(fixture_gets_expected_verdict)
{
    const char *fixture = fixtures[_i];
    fprintf(stderr, "fixture %s\n", fixture);
    json_t *spec = load_spec(fixture);
    char *submission = make_submission(fixture, spec), *tmpdir = private_tmpdir();
    char *before = json_is_true(json_object_get(spec, "hostile")) ? leftovers() : NULL;
    char *canary = json_is_true(json_object_get(spec, "canary")) ? canary_write() : NULL;
    time_t started = time(NULL);
    double seconds;
    char *problem = NULL, *honest = NULL, *output = NULL;
    json_t *report = grade_fixture(spec, submission, tmpdir, &seconds, &problem, &honest,
                                   &output);
    struct aftermath after = observe(spec, before, canary, tmpdir, started);
    remove_tree(tmpdir);
    remove_tree(submission);
    ck_assert_msg(report != NULL, "%s", problem);
    check_aftermath(&after);
    ck_assert_msg(honest == NULL, "%s", honest);
    check_report(report, spec, seconds, output);
    free(output);
    json_decref(report);
    json_decref(spec);
    free(canary);
    free(before);
    free(tmpdir);
    free(submission);
}
END_TEST

/* ---- which fixtures run ---- */

/* What bin/grade --sandbox-info says: { layers: [names], missing: [{ layer, reason }] };
 * NULL when it says nothing (a grader without that option): then every layer is taken
 * as present. */
static json_t *sandbox_info;

static void probe_sandbox(void)
{
    char dir[] = "/tmp/grade-verdict.XXXXXX";
    if (mkdtemp(dir) == NULL)
        return;
    char *json = path_join(dir, "sandbox.json");
    char *cmd = xasprintf("bin/grade --root . --sandbox-info --json '%s' >/dev/null 2>&1", json);
    json_t *info = system(cmd) == 0 ? json_load_file(json, 0, NULL) : NULL;
    json_t *inner = json_object_get(info, "sandbox"); /* a report's shape, or the bare object */
    sandbox_info = json_incref(inner ? inner : info);
    json_decref(info);
    if (!json_is_array(json_object_get(sandbox_info, "layers"))) {
        json_decref(sandbox_info);
        sandbox_info = NULL;
        fprintf(stderr, "bin/grade --sandbox-info said nothing: every sandbox layer is taken "
                        "as present\n");
    }
    remove_tree(dir);
    free(cmd);
    free(json);
}

/* Why the sandbox lacks layer, or NULL when it has it. */
static const char *layer_missing(const char *layer)
{
    size_t i;
    json_t *v;
    if (sandbox_info == NULL)
        return NULL;
    json_array_foreach(json_object_get(sandbox_info, "layers"), i, v)
    {
        if (strcmp(text_of(v), layer) == 0)
            return NULL;
    }
    json_array_foreach(json_object_get(sandbox_info, "missing"), i, v)
    {
        if (strcmp(str(v, "layer"), layer) == 0)
            return str(v, "reason");
    }
    return "bin/grade --sandbox-info does not list it";
}

/* "needs LAYER: why" for each layer the fixture needs and the sandbox lacks ("; "
 * between them), or NULL when it can run. */
static char *unmet_needs(const char *fixture)
{
    char *path = xasprintf("%s/%s/fixture.json", FIXTURES, fixture);
    json_t *spec = json_load_file(path, 0, NULL); /* a broken one runs, and its test says why */
    char *unmet = NULL;
    size_t i;
    json_t *need;
    json_array_foreach(json_object_get(spec, "needs"), i, need)
    {
        const char *why = layer_missing(text_of(need));
        if (why != NULL)
            append(&unmet, "%sneeds %s: %s", unmet ? "; " : "", text_of(need), why);
    }
    json_decref(spec);
    free(path);
    return unmet;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True when name is one of the comma-separated names in list, or list is NULL. */
static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return list == NULL;
}

/* Lists the fixtures (only those VERDICT_FIXTURES names, when it is set: "a,b"),
 * sorted, then keeps those the sandbox can run; the others are reported as skipped,
 * not registered, so that they never count as passed. */
static void find_fixtures(void)
{
    const char *only = getenv("VERDICT_FIXTURES");
    DIR *d = opendir(FIXTURES);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n_fixtures < MAX_FIXTURES) {
        char *spec = xasprintf("%s/%s/fixture.json", FIXTURES, e->d_name);
        if (e->d_name[0] != '.' && is_file(spec) && listed(only, e->d_name))
            fixtures[n_fixtures++] = xstrdup(e->d_name);
        free(spec);
    }
    if (d)
        closedir(d);
    qsort(fixtures, (size_t)n_fixtures, sizeof *fixtures, by_name);
    int kept = 0;
    for (int i = 0; i < n_fixtures; i++) {
        char *unmet = unmet_needs(fixtures[i]);
        if (unmet == NULL) {
            fixtures[kept++] = fixtures[i];
            continue;
        }
        fprintf(stderr, "fixture %s skipped: %s\n", fixtures[i], unmet);
        append(&skipped, "%s%s (%s)", n_skipped++ ? ", " : "", fixtures[i], unmet);
        free(unmet);
        free(fixtures[i]);
    }
    n_fixtures = kept;
}

int main(void)
{
    probe_sandbox();
    find_fixtures();
    Suite *s = suite_create("verdicts");
    TCase *whole = tcase_create("whole workbook");
    tcase_set_timeout(whole, GRADE_TIMEOUT_S);
    tcase_add_test(whole, solutions_score_full_marks);
    tcase_add_test(whole, skeletons_compile_and_score_zero);
    tcase_add_test(whole, parallel_grading_gives_the_same_verdicts);
    suite_add_tcase(s, whole);
    TCase *stops = tcase_create("interruptions");
    tcase_set_timeout(stops, GRADE_TIMEOUT_S);
    tcase_add_test(stops, interrupted_grading_leaves_an_incomplete_report);
    tcase_add_test(stops, interrupted_sequential_grading_says_interrupted);
    tcase_add_test(stops, killed_grading_leaves_an_incomplete_report);
    tcase_add_test(stops, make_grade_in_a_chapter_folder);
    suite_add_tcase(s, stops);
    TCase *fx = tcase_create("fixtures");
    tcase_set_timeout(fx, GRADE_TIMEOUT_S);
    tcase_add_loop_test(fx, fixture_gets_expected_verdict, 0, n_fixtures);
    suite_add_tcase(s, fx);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (n_skipped > 0)
        printf("%d fixture(s) skipped: %s\n", n_skipped, skipped);
    free(skipped);
    json_decref(sandbox_info);
    return failed == 0 && n_fixtures > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
