/* test_verdicts.c - grades whole submissions with bin/grade and checks the verdicts:
 * the solutions score full marks, the skeletons score 0 (and compile), and each
 * fixture submission in grader/tests/fixtures/ gets the verdict its fixture.json
 * expects. Run from the workbook's root (make test does). */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader.h"
#include "wb_proc.h"

#define FIXTURES "grader/tests/fixtures"

enum { MAX_FIXTURES = 128, GRADE_TIMEOUT_S = 1200 };

static char *fixtures[MAX_FIXTURES];
static int n_fixtures;

/* Runs bin/grade and returns its JSON report; the test fails if grade did not run. */
static json_t *grade_in(const char *chapters, const char *submission, const char *chapter)
{
    char dir[] = "/tmp/grade-verdict.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *json = path_join(dir, "report.json"), *log = path_join(dir, "grade.log");
    char *cmd = xasprintf("bin/grade --root . --no-color --chapters '%s' --submission '%s' "
                          "%s%s --json '%s' >'%s' 2>&1",
                          chapters, submission, chapter ? "--chapter " : "",
                          chapter ? chapter : "", json, log);
    int status = system(cmd);
    char *output = read_text_file(log, 8192);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "bin/grade failed (status %d):\n%s", status, output ? output : "");
    json_error_t error;
    json_t *report = json_load_file(json, 0, &error);
    ck_assert_msg(report != NULL, "no JSON report: %s", error.text);
    free(output);
    free(cmd);
    free(log);
    free(json);
    remove_tree(dir);
    return report;
}

static json_t *grade(const char *submission, const char *chapter)
{
    return grade_in("chapters", submission, chapter);
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static double num(json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

/* The names of the chapter's tests whose status is not want, for messages. */
static char *tests_not(json_t *chapter, const char *want)
{
    char *list = xstrdup("");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(chapter, "tests"), i, t)
    {
        if (strcmp(str(t, "status"), want) == 0)
            continue;
        char *longer = xasprintf("%s\n    %s: %s %s", list, str(t, "name"), str(t, "status"),
                                 str(t, "message"));
        free(list);
        list = longer;
    }
    return list;
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
    json_t *report = grade("solutions", NULL);
    json_t *chapters = json_object_get(report, "chapters");
    ck_assert_uint_eq(json_array_size(chapters), count_chapters());
    size_t i;
    json_t *ch;
    json_array_foreach(chapters, i, ch)
    {
        char *failing = tests_not(ch, "passed");
        ck_assert_msg(strcmp(str(ch, "status"), "graded") == 0 && num(ch, "max_score") > 0 &&
                          num(ch, "score") == num(ch, "max_score"),
                      "solution of %s: %s, %g/%g%s\n%s", str(ch, "id"), str(ch, "status"),
                      num(ch, "score"), num(ch, "max_score"), failing, str(ch, "message"));
        free(failing);
    }
    json_decref(report);
}
END_TEST

START_TEST(skeletons_compile_and_score_zero)
{
    json_t *report = grade("chapters", NULL);
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

/* ---- fixtures ---- */

static json_t *find_test(json_t *chapter, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(chapter, "tests"), i, t) if (strcmp(str(t, "name"),
                                                                           name) == 0) return t;
    return NULL;
}

static void expect_substring(const char *what, const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "%s is '%s', expected it to contain '%s'", what,
                  text, part);
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
        if (json_object_get(want, "message"))
            expect_substring(name, str(got, "message"), str(want, "message"));
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
            found || strstr(json_string_value(note), json_string_value(want)) != NULL;
        ck_assert_msg(found, "no note contains '%s'", json_string_value(want));
    }
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
                where_found || strstr(json_string_value(w), str(want, "where")) != NULL;
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
    if (json_object_get(expect, "message"))
        expect_substring("the chapter message", str(chapter, "message"),
                         str(expect, "message"));
    check_tests(chapter, json_object_get(expect, "tests"));
    check_notes(chapter, json_object_get(expect, "notes"));
    check_analysis(chapter, json_object_get(expect, "analysis"));
    size_t i;
    json_t *name;
    json_array_foreach(json_object_get(expect, "no_process_named"), i, name)
        ck_assert_msg(!process_named(json_string_value(name)),
                      "a process named %s outlived the grading", json_string_value(name));
}

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

/* The fixture's submission: its base chapter (the solution or the skeleton) with the
 * fixture's own files laid over it, then its changes.patch applied. */
static char *make_submission(const char *fixture, json_t *spec)
{
    const char *chapter = str(spec, "chapter"), *base = str(spec, "base");
    ck_assert_msg(base[0] != '\0' && base[0] != '/' && strstr(base, "..") == NULL,
                  "%s: base must be a folder of the workbook, like \"solutions\"", fixture);
    char *dir = xstrdup("/tmp/grade-fixture.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *from = xasprintf("%s/%s", base, chapter), *to = path_join(dir, chapter);
    char *overlay = xasprintf("%s/%s/%s", FIXTURES, fixture, chapter);
    ck_assert_msg(copy_tree(from, to) == 0, "cannot copy %s", from);
    ck_assert_msg(!is_dir(overlay) || copy_tree(overlay, to) == 0, "cannot copy %s", overlay);
    apply_patch(fixture, dir);
    free(from);
    free(to);
    free(overlay);
    return dir;
}

START_TEST(fixture_gets_expected_verdict)
{
    const char *fixture = fixtures[_i];
    fprintf(stderr, "fixture %s\n", fixture);
    char *spec_path = xasprintf("%s/%s/fixture.json", FIXTURES, fixture);
    json_error_t error;
    json_t *spec = json_load_file(spec_path, 0, &error);
    ck_assert_msg(spec != NULL, "%s: %s (line %d)", spec_path, error.text, error.line);
    char *submission = make_submission(fixture, spec);
    const char *chapters = json_object_get(spec, "chapters") ? str(spec, "chapters") : "chapters";
    json_t *report = grade_in(chapters, submission, str(spec, "chapter"));
    json_t *chapter = json_array_get(json_object_get(report, "chapters"), 0);
    ck_assert_msg(chapter != NULL, "%s: the report has no chapter", fixture);
    check_expectations(chapter, json_object_get(spec, "expect"));
    json_decref(report);
    json_decref(spec);
    remove_tree(submission);
    free(submission);
    free(spec_path);
}
END_TEST

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_fixtures(void)
{
    DIR *d = opendir(FIXTURES);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n_fixtures < MAX_FIXTURES) {
        char *spec = xasprintf("%s/%s/fixture.json", FIXTURES, e->d_name);
        if (e->d_name[0] != '.' && is_file(spec))
            fixtures[n_fixtures++] = xstrdup(e->d_name);
        free(spec);
    }
    if (d)
        closedir(d);
    qsort(fixtures, (size_t)n_fixtures, sizeof *fixtures, by_name);
}

int main(void)
{
    find_fixtures();
    Suite *s = suite_create("verdicts");
    TCase *whole = tcase_create("whole workbook");
    tcase_set_timeout(whole, GRADE_TIMEOUT_S);
    tcase_add_test(whole, solutions_score_full_marks);
    tcase_add_test(whole, skeletons_compile_and_score_zero);
    suite_add_tcase(s, whole);
    TCase *fx = tcase_create("fixtures");
    tcase_set_timeout(fx, GRADE_TIMEOUT_S);
    tcase_add_loop_test(fx, fixture_gets_expected_verdict, 0, n_fixtures);
    suite_add_tcase(s, fx);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 && n_fixtures > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
