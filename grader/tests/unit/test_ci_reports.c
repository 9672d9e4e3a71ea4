/* test_ci_reports.c - the CI reports have their exact shapes: the Classroom payload,
 * the GitHub annotations, the job summary's Markdown, and the locations and pass mark
 * they share. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static char *student_files[] = {"src/a.c", "src/b.c"};
static struct test_spec specs[] = {
    {"t_ok", 2, 5, false}, {"t_bad", 3, 5, false}, {"t_same_line", 1, 5, false},
    {"t_crash", 1, 5, false}, {"t_in_student", 1, 5, false}};

/* A chapter whose folder has tests/test_a.c, graded: t_ok passed, t_bad and t_same_line
 * failed at test_a.c:12, t_crash crashed (no location), t_in_student failed at a.c:3;
 * memcheck (3 points) found a leak at src/a.c:7. Score 2 of 11. */
struct graded {
    char *dir;
    struct chapter ch;
    struct chapter_result r;
};

static void set_test(struct test_verdict *t, enum test_status s, const char *message,
                     const char *location)
{
    free(t->message);
    t->status = s;
    t->message = message ? xstrdup(message) : NULL;
    t->location = location ? xstrdup(location) : NULL;
}

static void add_leak(struct analysis_result *a)
{
    a->ran = true;
    a->errors = 1;
    a->n_findings = 1;
    a->findings = xcalloc(1, sizeof *a->findings);
    a->findings[0] = (struct finding){.kind = xstrdup("Leak_DefinitelyLost"),
                                      .message = xstrdup("8 bytes lost\n    src/a.c:7: p = "
                                                         "malloc(8);"),
                                      .n_where = 1, .test = xstrdup("t_ok")};
    a->findings[0].where = xcalloc(1, sizeof *a->findings[0].where);
    a->findings[0].where[0] = xstrdup("src/a.c:7");
}

static void setup_graded(struct graded *g)
{
    g->dir = unit_tempdir();
    unit_write(g->dir, "tests/test_a.c", "/* the tests */\n");
    g->ch = (struct chapter){.id = "01-x", .dir = g->dir, .title = "Title | with <html>",
                             .student_files = student_files, .n_student_files = 2,
                             .tests = specs, .n_tests = 5, .memcheck = {true, 3}};
    struct chapter_result *r = &g->r;
    chapter_result_init(r, &g->ch);
    set_test(&r->tests[0], TEST_PASSED, NULL, NULL);
    set_test(&r->tests[1], TEST_FAILED, "got 1, expected 2 | *not* <this>", "test_a.c:12");
    set_test(&r->tests[2], TEST_FAILED, "other", "test_a.c:12");
    set_test(&r->tests[3], TEST_ERROR, "killed by signal 11 (Segmentation fault)", NULL);
    set_test(&r->tests[4], TEST_FAILED, "100%, really: no", "a.c:3");
    add_leak(&r->memcheck);
    r->stage_seconds.run = 1.5;
    score_chapter(r);
}

static void teardown_graded(struct graded *g)
{
    chapter_result_free(&g->r);
    remove_tree(g->dir);
    free(g->dir);
}

static const struct report_context repo_root = {.prefix = "chapters/", .pass_percent = 100};

/* Runs a writer into a fresh file and returns what it wrote. */
typedef int (*writer)(const char *, const struct chapter_result *, size_t,
                      const struct report_context *, char *, size_t);
static char *written_n(writer w, const struct chapter_result *r, size_t n,
                       const struct report_context *ctx)
{
    char *dir = unit_tempdir(), *path = path_join(dir, "out");
    char err[256];
    ck_assert_int_eq(w(path, r, n, ctx, err, sizeof err), 0);
    char *text = read_text_file(path, 1 << 20);
    ck_assert_ptr_nonnull(text);
    remove_tree(dir);
    free(path);
    free(dir);
    return text;
}

static char *written(writer w, const struct chapter_result *r,
                     const struct report_context *ctx)
{
    return written_n(w, r, 1, ctx);
}

static json_t *classroom_payload(const struct chapter_result *r, size_t n,
                                 const struct report_context *ctx)
{
    char *text = written_n(report_classroom_write, r, n, ctx);
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    ck_assert_msg(root != NULL, "not JSON: %s", error.text);
    ck_assert_ptr_null(strchr(text, '\n')); /* one line, as the workflow encodes it */
    free(text);
    return root;
}

static void assert_keys(json_t *obj, const char *const *keys, size_t n)
{
    ck_assert_int_eq(json_object_size(obj), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(json_object_get(obj, keys[i]) != NULL, "no key %s", keys[i]);
}

static void assert_entry(json_t *e, const char *name, const char *status, json_int_t score,
                         const char *message, const char *seconds)
{
    static const char *const keys[] = {"name",    "status",  "score",
                                       "message", "line_no", "execution_time"};
    assert_keys(e, keys, 6);
    ck_assert_str_eq(json_string_value(json_object_get(e, "name")), name);
    ck_assert_str_eq(json_string_value(json_object_get(e, "status")), status);
    ck_assert(json_is_integer(json_object_get(e, "score")));
    ck_assert_int_eq(json_integer_value(json_object_get(e, "score")), score);
    ck_assert_str_eq(json_string_value(json_object_get(e, "message")), message);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "line_no")), 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "execution_time")), seconds);
}

/* Three chapters: the usual one (2 of 11), one at full marks, one that did not build. */
static void setup_three(struct graded g[3])
{
    for (int i = 0; i < 3; i++)
        setup_graded(&g[i]);
    g[0].r.seconds = 1.5;
    for (size_t i = 0; i < g[1].ch.n_tests; i++)
        set_test(&g[1].r.tests[i], TEST_PASSED, NULL, NULL);
    g[1].ch.id = "02-y";
    g[1].r.memcheck.score = g[1].r.memcheck.max_score;
    g[2].ch.id = "03-z";
    g[2].r.status = CHAPTER_COMPILE_ERROR;
    g[2].r.message = xstrdup("src/a.c:1:1: error: expected ';'\nmore");
    chapter_result_fail_all(&g[2].r, TEST_ERROR, "compile error");
    for (int i = 0; i < 3; i++)
        score_chapter(&g[i].r);
}

START_TEST(classroom_payload_has_the_reporters_shape)
{
    struct graded g[3];
    setup_three(g);
    struct chapter_result rs[3] = {g[0].r, g[1].r, g[2].r};
    json_t *root = classroom_payload(rs, 3, &repo_root);
    static const char *const keys[] = {"version", "status", "max_score", "tests"};
    assert_keys(root, keys, 4);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "version")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(root, "status")), "fail");
    ck_assert(json_is_integer(json_object_get(root, "max_score")));
    ck_assert_int_eq(json_integer_value(json_object_get(root, "max_score")), 33);
    json_t *tests = json_object_get(root, "tests");
    ck_assert_int_eq(json_array_size(tests), 3); /* one entry per chapter */
    assert_entry(json_array_get(tests, 0), "01-x: Title | with <html>", "fail", 2,
                 "2/11: failed: t_bad, t_same_line, t_crash, t_in_student; leak-free "
                 "(memcheck): 1 found", "1.50s");
    assert_entry(json_array_get(tests, 1), "02-y: Title | with <html>", "pass", 11, "11/11",
                 "0.00s");
    assert_entry(json_array_get(tests, 2), "03-z: Title | with <html>", "error", 0,
                 "0/11: compile_error: src/a.c:1:1: error: expected ';'", "0.00s");
    json_int_t sum = 0; /* what the reporter adds up must be the grade */
    for (size_t i = 0; i < json_array_size(tests); i++)
        sum += json_integer_value(json_object_get(json_array_get(tests, i), "score"));
    ck_assert_int_eq(sum, 13);
    json_decref(root);
    for (int i = 0; i < 3; i++)
        teardown_graded(&g[i]);
}
END_TEST

/* The payload reaches the reporter as one environment variable, which Linux caps at
 * 128 KiB: a message is cut short (between characters), and bytes that are not UTF-8
 * do not lose the entry. */
START_TEST(classroom_messages_stay_short_and_valid)
{
    struct graded g;
    setup_graded(&g);
    g.r.status = CHAPTER_ERROR;
    char *long_line = xcalloc(1, 2001);
    for (int i = 0; i < 1000; i++)
        memcpy(long_line + 2 * i, "é", 2);
    g.r.message = xasprintf("\xff%s", long_line);
    json_t *root = classroom_payload(&g.r, 1, &repo_root);
    const char *message =
        json_string_value(json_object_get(json_array_get(json_object_get(root, "tests"), 0),
                                          "message"));
    ck_assert_ptr_nonnull(message);
    ck_assert_uint_le(strlen(message), 400);
    ck_assert_uint_ge(strlen(message), 390);
    ck_assert_str_eq(message + strlen(message) - 3, "...");
    ck_assert_ptr_nonnull(strstr(message, "error: ?"));
    json_decref(root);
    free(g.r.message); /* valid UTF-8, cut where a cut byte-wise would split an é */
    g.r.message = xasprintf("x%s", long_line);
    root = classroom_payload(&g.r, 1, &repo_root);
    message = json_string_value(
        json_object_get(json_array_get(json_object_get(root, "tests"), 0), "message"));
    ck_assert_ptr_nonnull(message);
    ck_assert_ptr_null(strchr(message, '?'));
    ck_assert_ptr_nonnull(strstr(message, "é..."));
    json_decref(root);
    free(long_line);
    teardown_graded(&g);
}
END_TEST

START_TEST(classroom_status_follows_the_pass_mark)
{
    struct graded g;
    setup_graded(&g);
    struct report_context low = repo_root;
    low.pass_percent = 18; /* 2 of 11 is 18.2% */
    json_t *root = classroom_payload(&g.r, 1, &low);
    ck_assert_str_eq(json_string_value(json_object_get(root, "status")), "pass");
    json_decref(root);
    low.pass_percent = 18.5;
    root = classroom_payload(&g.r, 1, &low);
    ck_assert_str_eq(json_string_value(json_object_get(root, "status")), "fail");
    json_decref(root);
    teardown_graded(&g);
}
END_TEST

START_TEST(annotations_are_exact_workflow_commands)
{
    struct graded g;
    setup_graded(&g);
    g.r.tests[0].status = TEST_FAILED; /* ignored: no location */
    char *changed[] = {"chapters/01-x/chapter.cfg", "Makefile"};
    struct report_context ctx = repo_root;
    ctx.changed = changed;
    ctx.n_changed = 2;
    char *text = written(report_annotations_write, &g.r, &ctx);
    ck_assert_str_eq(
        text,
        /* findings first, then failures at student lines, then at the tests' lines */
        "::error file=chapters/01-x/src/a.c,line=7,title=01-x%3A leak-free (memcheck) in "
        "test t_ok::[Leak_DefinitelyLost] 8 bytes lost%0A    src/a.c:7: p = malloc(8);\n"
        "::error file=chapters/01-x/src/a.c,line=3,title=01-x%3A t_in_student failed::100%25, "
        "really: no\n"
        "::error file=chapters/01-x/tests/test_a.c,line=12,title=01-x%3A t_bad failed (and 1 "
        "more tests here)::got 1, expected 2 | *not* <this>\n"
        "::warning title=Workbook files you changed are ignored::workbook files you changed "
        "are ignored: chapters/01-x/chapter.cfg, Makefile (only the student files that "
        "chapter.cfg names are graded)\n");
    free(text);
    teardown_graded(&g);
}
END_TEST

START_TEST(compile_errors_are_annotated_at_student_lines)
{
    struct graded g;
    setup_graded(&g);
    g.r.status = CHAPTER_COMPILE_ERROR;
    g.r.message = xstrdup("src/b.c: In function 'f':\n"
                          "src/b.c:10:13: error: expected ';', found '}'\n"
                          "   10 |     return 0\n"
                          "src/b.c:4:5: note: declared here\n"
                          "tests/test_a.c:3:1: error: not the student's\n"
                          "src/a.c:22: uses 'exit', which this chapter does not allow\n");
    chapter_result_fail_all(&g.r, TEST_ERROR, "compile error");
    g.r.memcheck.n_findings = 0; /* freed with the rest: only the count matters here */
    char *text = written(report_annotations_write, &g.r, &repo_root);
    ck_assert_str_eq(text, "::error file=chapters/01-x/src/b.c,line=10,col=13,title=01-x%3A "
                           "compile error::error: expected ';', found '}'\n"
                           "::error file=chapters/01-x/src/a.c,line=22,title=01-x%3A compile "
                           "error::uses 'exit', which this chapter does not allow\n");
    free(text);
    g.r.memcheck.n_findings = 1;
    teardown_graded(&g);
}
END_TEST

/* A file that does not compile is graded as its skeleton; the note holds the compiler's
 * lines, which point at the student's file. */
static void add_compiler_note(struct chapter_result *r)
{
    chapter_result_add_note(r, "src/b.c does not compile, so this grading used the chapter's "
                               "skeleton of it: the tests that need it fail. The compiler said:"
                               "\n    src/b.c: In function 'f':"
                               "\n    src/b.c:10:13: error: expected ';' before '}' token"
                               "\n       10 |     return 0");
}

START_TEST(compile_errors_in_notes_are_annotated)
{
    struct graded g;
    setup_graded(&g);
    add_compiler_note(&g.r);
    char *text = written(report_annotations_write, &g.r, &repo_root);
    const char *first = "::error file=chapters/01-x/src/b.c,line=10,col=13,title=01-x%3A "
                        "compile error::error: expected ';' before '}' token\n::error ";
    ck_assert_msg(strncmp(text, first, strlen(first)) == 0, "got:\n%s", text);
    free(text);
    teardown_graded(&g);
}
END_TEST

START_TEST(summary_keeps_a_notes_compiler_output)
{
    struct graded g;
    setup_graded(&g);
    add_compiler_note(&g.r);
    char *text = written(report_markdown_write, &g.r, &repo_root);
    const char *part = "**Note:** src/b.c does not compile, so this grading used the chapter's "
                       "skeleton of it: the tests that need it fail. The compiler said:\n\n"
                       "````text\n    src/b.c: In function 'f':\n    src/b.c:10:13: error: "
                       "expected ';' before '}' token\n       10 |     return 0\n````\n";
    ck_assert_msg(strstr(text, part) != NULL, "missing:\n%s\nin:\n%s", part, text);
    free(text);
    teardown_graded(&g);
}
END_TEST

START_TEST(summary_is_markdown_with_a_table_per_chapter)
{
    struct graded g;
    setup_graded(&g);
    char *changed[] = {"chapters/01-x/tests/test_a.c"};
    struct report_context ctx = repo_root;
    ctx.changed = changed;
    ctx.n_changed = 1;
    char *text = written(report_markdown_write, &g.r, &ctx);
    static const char *const parts[] = {
        "## ❌ Grade: 2/11 (18.2%)\n\nBelow the pass mark of 100%.\n",
        "> [!WARNING]\n> **Workbook files you changed are ignored:**",
        "> `chapters/01-x/tests/test_a.c`\n",
        "| chapter | result | points | tests passed | time |\n|:--|:--|--:|--:|--:|\n"
        "| `01-x` Title \\| with &lt;html&gt; | ➖ graded | 2/11 | 1/5 | 0.0 s |\n",
        "### 01-x: Title \\| with &lt;html&gt; — 2/11\n\n| test | result | points |\n",
        "| `t_ok` | ✅ pass | 2/2 |\n| `t_bad` | ❌ failed | 0/3 |\n",
        "| `t_crash` | ❌ error | 0/1 |\n",
        "| leak-free (memcheck) | ❌ 1 found | 0/3 |\n",
        "**Failing tests**\n\n- `t_bad` at `chapters/01-x/tests/test_a.c:12`: got 1, expected 2 "
        "\\| \\*not\\* &lt;this&gt;\n",
        "- `t_crash`: killed by signal 11 (Segmentation fault)\n",
        "**leak-free (memcheck): [Leak\\_DefinitelyLost] in test `t_ok`**\n\n````text\n8 bytes "
        "lost\n    src/a.c:7: p = malloc(8);\n````\n"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        ck_assert_msg(strstr(text, parts[i]) != NULL, "missing:\n%s\nin:\n%s", parts[i], text);
    free(text);
    teardown_graded(&g);
}
END_TEST

START_TEST(summary_is_appended)
{
    struct graded g;
    setup_graded(&g);
    char *dir = unit_tempdir(), *path = path_join(dir, "summary.md");
    unit_write(dir, "summary.md", "earlier step\n");
    char err[256];
    ck_assert_int_eq(report_markdown_write(path, &g.r, 1, &repo_root, err, sizeof err), 0);
    char *text = read_text_file(path, 1 << 20);
    ck_assert_ptr_nonnull(strstr(text, "earlier step\n## ❌ Grade"));
    free(text);
    remove_tree(dir);
    free(path);
    free(dir);
    teardown_graded(&g);
}
END_TEST

static void assert_location(const struct chapter *ch, const char *prefix, const char *loc,
                            const char *path, long line)
{
    long got = 0;
    char *p = report_location(ch, prefix, loc, &got);
    if (path == NULL) {
        ck_assert_msg(p == NULL, "%s: got %s", loc ? loc : "(none)", p ? p : "");
        return;
    }
    ck_assert_msg(p != NULL, "%s: no path", loc);
    ck_assert_str_eq(p, path);
    ck_assert_int_eq(got, line);
    free(p);
}

START_TEST(locations_name_files_of_the_repository)
{
    struct graded g;
    setup_graded(&g);
    assert_location(&g.ch, "chapters/", "test_a.c:12", "chapters/01-x/tests/test_a.c", 12);
    assert_location(&g.ch, "", "test_a.c:12", "01-x/tests/test_a.c", 12);
    assert_location(&g.ch, "chapters/", "src/b.c:4", "chapters/01-x/src/b.c", 4);
    assert_location(&g.ch, "chapters/", "b.c:4", "chapters/01-x/src/b.c", 4);
    assert_location(&g.ch, "chapters/", "missing.c:4", NULL, 0);
    assert_location(&g.ch, "chapters/", "../tests/test_a.c:4", NULL, 0);
    assert_location(&g.ch, "chapters/", "test_a.c", NULL, 0);
    assert_location(&g.ch, "chapters/", "test_a.c:x", NULL, 0);
    assert_location(&g.ch, "chapters/", "test_a.c:0", NULL, 0);
    assert_location(&g.ch, "chapters/", NULL, NULL, 0);
    teardown_graded(&g);
}
END_TEST

START_TEST(pass_mark_is_exact)
{
    ck_assert(report_passes(45, 45, 100));
    ck_assert(!report_passes(44.5, 45, 100));
    ck_assert(report_passes(1, 3, 33.3));
    ck_assert(!report_passes(1, 3, 33.4));
    ck_assert(report_passes(0, 0, 0));
    ck_assert(!report_passes(0, 0, 50));
}
END_TEST

Suite *ci_reports_suite(void)
{
    Suite *s = suite_create("ci-reports");
    TCase *tc = tcase_create("ci-reports");
    tcase_add_test(tc, classroom_payload_has_the_reporters_shape);
    tcase_add_test(tc, classroom_messages_stay_short_and_valid);
    tcase_add_test(tc, classroom_status_follows_the_pass_mark);
    tcase_add_test(tc, annotations_are_exact_workflow_commands);
    tcase_add_test(tc, compile_errors_are_annotated_at_student_lines);
    tcase_add_test(tc, compile_errors_in_notes_are_annotated);
    tcase_add_test(tc, summary_keeps_a_notes_compiler_output);
    tcase_add_test(tc, summary_is_markdown_with_a_table_per_chapter);
    tcase_add_test(tc, summary_is_appended);
    tcase_add_test(tc, locations_name_files_of_the_repository);
    tcase_add_test(tc, pass_mark_is_exact);
    suite_add_tcase(s, tc);
    return s;
}
