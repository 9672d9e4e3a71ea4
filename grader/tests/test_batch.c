/* test_batch.c - grade --batch on a tiny class, run from the workbook's root (make
 * test does: build/batch-tests). Three submissions of chapter 01: "sol" (the reference
 * solution, a git repository: fake .git files naming a commit), "skel" (the skeleton)
 * and "hang" (the hang fixture: the solution with a wait that never returns).
 *
 *   scores_match_gradings_alone: graded with -j 2, each scores as it does graded alone;
 *     the CSV gradebook is exact; every report carries its provenance; the class
 *     summary's numbers are those of this class.
 *   killed_batch_resumes: a batch killed (SIGKILL) once its first grading has ended
 *     leaves no grading running; run again (from a list of the same folders) it grades
 *     only the submissions without a finished grading, leaves the others' reports as
 *     they were; --force grades all three again.
 *   hidden_tests_in_batch: --extra-tests reaches every grading: the solution earns the
 *     hidden tests' points, its report conceals their names; run again with
 *     --instructor, the batch grades it again (the view changed) and names them.
 *
 * One case: CK_RUN_CASE=batch CK_RUN_TEST=... is not Check's; run all (about 3 min). */
#include <check.h>
#include <glob.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"
#include "processes.h"
#include "provenance.h"

#define SOL_COMMIT "5a1f0c0ffee5a1f0c0ffee5a1f0c0ffee5a1f0c0"
static const char *const ids[] = {"hang", "skel", "sol"};
enum { N_SUBS = 3, KILL_WAIT_S = 300, CHILDREN_GONE_S = 20 };

static char *class_dir; /* the class: one folder per submission */

/* The class, made once (before the tests fork). */
static void make_class(void)
{
    class_dir = xstrdup("/tmp/grade-batch-test.XXXXXX");
    if (mkdtemp(class_dir) == NULL)
        abort();
    char *cmd = xasprintf(
        "set -e; c='%s'; mkdir -p $c/class/sol $c/class/skel $c/class/hang;"
        "cp -r solutions/01-fork $c/class/sol/; cp -r chapters/01-fork $c/class/skel/;"
        "cp -r solutions/01-fork $c/class/hang/;"
        "patch -s -p1 -d $c/class/hang < grader/tests/fixtures/hang/changes.patch;"
        "mkdir -p $c/class/sol/.git/refs/heads;"
        "echo 'ref: refs/heads/main' > $c/class/sol/.git/HEAD;"
        "echo " SOL_COMMIT " > $c/class/sol/.git/refs/heads/main",
        class_dir);
    int status = system(cmd);
    free(cmd);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "cannot make the class in %s\n", class_dir);
        exit(1);
    }
}

static char *in_class(const char *name)
{
    return path_join(class_dir, name);
}

/* Runs a batch; returns what it printed (to free). */
static char *batch(const char *source, const char *json_dir, const char *more, int want)
{
    char *log = xasprintf("%s.out", json_dir);
    char *cmd = xasprintf("bin/grade --batch '%s' --root . --chapter 01 --json-dir '%s' %s "
                          ">'%s' 2>&1",
                          source, json_dir, more, log);
    int status = system(cmd);
    char *out = read_text_file(log, 1 << 20);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want,
                  "%s: status %d, output:\n%s", cmd, status, out ? out : "");
    free(cmd);
    free(log);
    return out ? out : xstrdup("");
}

static json_t *load(const char *dir, const char *id)
{
    char *path = xasprintf("%s/%s.json", dir, id);
    json_error_t e;
    json_t *r = json_load_file(path, 0, &e);
    ck_assert_msg(r != NULL, "%s: %s", path, e.text);
    free(path);
    return r;
}

static double score_of(json_t *report)
{
    return json_number_value(json_object_get(report, "score"));
}

static void expect_in(const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "expected \"%s\" in:\n%s", part, text);
}

static void expect_not_in(const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) == NULL, "did not expect \"%s\" in:\n%s", part, text);
}

START_TEST(scores_match_gradings_alone)
{
    double alone[N_SUBS];
    char *dir = in_class("alone");
    ck_assert_int_eq(mkdir_p(dir), 0);
    for (int i = 0; i < N_SUBS; i++) {
        char *cmd = xasprintf("bin/grade --root . --chapter 01 --no-color --submission "
                              "'%s/class/%s' --json '%s/%s.json' >/dev/null 2>&1",
                              class_dir, ids[i], dir, ids[i]);
        system(cmd);
        free(cmd);
        json_t *r = load(dir, ids[i]);
        alone[i] = score_of(r);
        json_decref(r);
    }
    ck_assert_double_eq(alone[0], 54); /* hang: that test times out */
    ck_assert_double_eq(alone[1], 0);
    ck_assert_double_eq(alone[2], 55);
    char *source = in_class("class"), *grades = in_class("grades");
    char *csv = in_class("grades.csv");
    char *more = xasprintf("-j 2 --csv '%s'", csv);
    char *out = batch(source, grades, more, 0);
    char *workbook = git_head_commit(".");
    for (int i = 0; i < N_SUBS; i++) {
        json_t *r = load(grades, ids[i]);
        ck_assert_msg(score_of(r) == alone[i], "%s: %g in the batch, %g alone", ids[i],
                      score_of(r), alone[i]);
        json_t *prov = json_object_get(r, "provenance");
        const char *commit = json_string_value(json_object_get(prov, "submission_commit"));
        if (strcmp(ids[i], "sol") == 0)
            ck_assert_str_eq(commit ? commit : "(null)", SOL_COMMIT);
        else
            ck_assert_ptr_null(commit);
        const char *wb = json_string_value(json_object_get(prov, "workbook_commit"));
        ck_assert_str_eq(wb ? wb : "(null)", workbook ? workbook : "(null)");
        ck_assert_str_eq(json_string_value(json_object_get(prov, "grader_version")),
                         GRADER_VERSION);
        ck_assert_ptr_nonnull(json_string_value(json_object_get(prov, "graded_at")));
        json_decref(r);
    }
    char *table = read_text_file(csv, 1 << 16);
    ck_assert_str_eq(table ? table : "", "id,01-fork,total,max,flags,status,commit\r\n"
                                         "hang,54,54,55,0,graded,\r\n"
                                         "skel,0,0,55,0,graded,\r\n"
                                         "sol,55,55,55,0,graded," SOL_COMMIT "\r\n");
    char *side_path = xasprintf("%s.provenance.json", csv);
    json_t *side = json_load_file(side_path, 0, NULL);
    ck_assert_ptr_nonnull(side);
    const char *side_wb = json_string_value(json_object_get(side, "workbook_commit"));
    ck_assert_str_eq(side_wb ? side_wb : "(null)", workbook ? workbook : "(null)");
    json_t *sol = json_object_get(json_object_get(side, "submissions"), "sol");
    ck_assert_str_eq(json_string_value(json_object_get(sol, "commit")), SOL_COMMIT);
    /* the class summary: 54, 0, 55 */
    expect_in(out, "Class summary: 3 submission(s); workbook ");
    expect_in(out, "  01-fork                        3    36.3    54.0     55           1\n");
    expect_in(out, "    2 of 3  01-fork: wait_children_of_none_returns_zero\n");
    expect_in(out, "To look at (review flags, gradings with errors):\n  none\n");
    char *summary_path = xasprintf("%s/summary.txt", grades);
    char *summary = read_text_file(summary_path, 1 << 16);
    ck_assert_ptr_nonnull(summary);
    expect_in(summary, "  01-fork                        3    36.3    54.0     55           1\n");
    free(summary), free(summary_path);
    json_decref(side);
    free(side_path), free(table), free(workbook), free(out), free(more), free(csv);
    free(grades), free(source), free(dir);
}
END_TEST

static bool exists(const char *dir, const char *id, const char *ext)
{
    char *path = xasprintf("%s/%s.%s", dir, id, ext);
    bool yes = access(path, F_OK) == 0;
    free(path);
    return yes;
}

static struct timespec mtime_of(const char *dir, const char *id)
{
    char *path = xasprintf("%s/%s.json", dir, id);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    free(path);
    return st.st_mtim;
}

START_TEST(killed_batch_resumes)
{
    char *source = in_class("class"), *grades = in_class("resume");
    char *cmd = xasprintf("exec bin/grade --batch '%s' --root . --chapter 01 --json-dir '%s' "
                          "-j 2 >'%s.first' 2>&1", source, grades, grades);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    /* kill it as soon as one grading has ended (skel's, the quickest) */
    double start = monotonic_seconds();
    bool any = false;
    while (!any && monotonic_seconds() - start < KILL_WAIT_S) {
        for (int i = 0; i < N_SUBS; i++)
            any = any || exists(grades, ids[i], "manifest");
        struct timespec tick = {0, 50 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    ck_assert_msg(any, "no grading ended within %d s", KILL_WAIT_S);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    bool done[N_SUBS];
    size_t n_done = 0;
    for (int i = 0; i < N_SUBS; i++)
        n_done += done[i] = exists(grades, ids[i], "manifest");
    ck_assert_msg(n_done < N_SUBS, "every grading had ended: nothing to resume");
    /* its gradings end with it (they would write into grades otherwise) */
    start = monotonic_seconds();
    while (process_mentioning(grades) && monotonic_seconds() - start < CHILDREN_GONE_S)
        sleep(1);
    ck_assert_msg(!process_mentioning(grades), "a grading outlived its killed batch");
    /* the killed batch's work folder is left, until the next batch removes it */
    char *left = xasprintf("/tmp/grade-batch-%d.*", (int)pid);
    glob_t g;
    ck_assert_msg(glob(left, 0, NULL, &g) == 0, "no %s after the kill", left);
    globfree(&g);
    struct timespec before[N_SUBS];
    for (int i = 0; i < N_SUBS; i++)
        if (done[i])
            before[i] = mtime_of(grades, ids[i]);
    /* again, from a list of the same folders */
    char *list = in_class("list.txt");
    FILE *f = fopen(list, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# the class\n%s/sol\n\n%s/hang/\n%s/skel\n", source, source, source);
    fclose(f);
    char *out = batch(list, grades, "-j 2", 0);
    for (int i = 0; i < N_SUBS; i++) {
        char *skipped = xasprintf("skipped %s: unchanged since its last grading", ids[i]);
        char *graded = xasprintf("graded %s: ", ids[i]);
        if (done[i]) {
            expect_in(out, skipped);
            expect_not_in(out, graded);
            struct timespec after = mtime_of(grades, ids[i]);
            ck_assert_msg(after.tv_sec == before[i].tv_sec && after.tv_nsec == before[i].tv_nsec,
                          "%s's report was written again", ids[i]);
        } else {
            expect_in(out, graded);
            expect_not_in(out, skipped);
        }
        free(skipped), free(graded);
    }
    expect_in(out, "  01-fork                        3    36.3    54.0     55           1\n");
    ck_assert_msg(glob(left, 0, NULL, &g) == GLOB_NOMATCH, "%s is still there", left);
    free(left);
    free(out);
    /* --force grades every one again */
    out = batch(source, grades, "-j 2 --force", 0);
    for (int i = 0; i < N_SUBS; i++) {
        char *graded = xasprintf("graded %s: ", ids[i]);
        expect_in(out, graded);
        free(graded);
    }
    expect_not_in(out, "skipped");
    free(out);
    free(list), free(cmd), free(grades), free(source);
}
END_TEST

START_TEST(hidden_tests_in_batch)
{
    char *source = in_class("class"), *grades = in_class("hidden");
    char *list = in_class("sol-only.txt");
    FILE *f = fopen(list, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s/sol\n", source);
    fclose(f);
    char *out = batch(list, grades, "--extra-tests grader/tests/extra", 0);
    json_t *r = load(grades, "sol");
    ck_assert_msg(score_of(r) == 55 + 7, "sol scored %g with the extra tests, not 62",
                  score_of(r));
    char *text = json_dumps(r, 0);
    expect_in(text, "hidden test 1");
    expect_not_in(text, "secret_decodes_sigterm");
    expect_not_in(text, "later_decodes_sigint");
    free(text), json_decref(r), free(out);
    out = batch(list, grades, "--extra-tests grader/tests/extra --instructor", 0);
    expect_in(out, "graded sol: ");
    r = load(grades, "sol");
    text = json_dumps(r, 0);
    expect_in(text, "secret_decodes_sigterm");
    expect_in(text, "later_decodes_sigint");
    free(text), json_decref(r), free(out);
    free(list), free(grades), free(source);
}
END_TEST

int main(void)
{
    make_class();
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");
    tcase_set_timeout(tc, 1200);
    tcase_add_test(tc, scores_match_gradings_alone);
    tcase_add_test(tc, killed_batch_resumes);
    tcase_add_test(tc, hidden_tests_in_batch);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_VERBOSE);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tree(class_dir);
    free(class_dir);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
