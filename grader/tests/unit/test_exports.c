/* test_exports.c - hidden tests and the course exports:
 *   - extra_tests_merge: an extra.cfg and its tests/ merged into a chapter, and every
 *     mistake an instructor can make in them refused with its file and line;
 *   - redaction: a hidden test shows as "hidden test 1: failed" in each report a student
 *     reads (terminal, JSON, Markdown, annotations, Classroom), never its name, location
 *     or message, and in full for --instructor; after_due_date ones with --after-due-date;
 *   - Gradescope's results.json, field by field;
 *   - JUnit XML, valid against grader/tests/schemas/junit.xsd (libxml2), and a report that
 *     breaks the schema is caught;
 *   - Autolab's scores line. */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

#include "exports.h"
#include "extra_tests.h"
#include "provenance.h"
#include "redact.h"
#include "unit.h"

/* ---- extra_tests_merge ---- */

static const char chapter_cfg[] =
    "title = \"T\";\nstudent_files = [ \"src/a.c\" ];\n"
    "analyses = { memcheck = true; };\n"
    "tests = ( { name = \"t_one\"; points = 2; valgrind = true; } );\n";

struct merged {
    char *dir, *extra;
    struct chapter *chs;
    size_t n;
    char err[1024];
};

/* A workbook with chapter 01-x and an extra folder holding cfg and tests/test_a_more.c. */
static int merge(struct merged *m, const char *cfg, const char *test_source)
{
    m->dir = unit_tempdir();
    unit_write(m->dir, "chapters/01-x/chapter.cfg", chapter_cfg);
    unit_write(m->dir, "chapters/01-x/tests/test_a.c", "WB_TEST(t_one) {}\n");
    unit_write(m->dir, "extra/01-x/extra.cfg", cfg);
    if (test_source)
        unit_write(m->dir, "extra/01-x/tests/test_a_more.c", test_source);
    char *chapters = path_join(m->dir, "chapters");
    m->extra = path_join(m->dir, "extra");
    ck_assert_int_eq(chapters_load_all(chapters, &m->chs, &m->n, m->err, sizeof m->err), 0);
    free(chapters);
    m->err[0] = '\0';
    return extra_tests_merge(m->extra, m->chs, m->n, m->err, sizeof m->err);
}

static void merged_free(struct merged *m)
{
    for (size_t i = 0; i < m->n; i++)
        chapter_free(&m->chs[i]);
    free(m->chs);
    remove_tree(m->dir);
    free(m->dir);
    free(m->extra);
}

static const char two_tests[] = "WB_TEST(t_secret) {}\nWB_TEST(t_later) {}\n";

START_TEST(extra_tests_are_merged)
{
    struct merged m;
    int rc = merge(&m, "timeout = 3.0;\n"
                       "test_sources = ( { source = \"tests/test_a_more.c\"; files = [ \"src/a.c\" ]; } );\n"
                       "tests = ( { name = \"t_secret\"; points = 3; visibility = \"hidden\"; },\n"
                       "  { name = \"t_later\"; points = 1; timeout = 9; visibility = \"after_due_date\"; } );\n",
                   two_tests);
    ck_assert_msg(rc == 0, "%s", m.err);
    struct chapter *ch = &m.chs[0];
    ck_assert_uint_eq(ch->n_tests, 3);
    ck_assert_str_eq(ch->tests[1].name, "t_secret");
    ck_assert_int_eq(test_visibility(ch, &ch->tests[1]), HIDDEN);
    char *name = concealed_name(ch, &ch->tests[1]);
    ck_assert_str_eq(name, "hidden test 1");
    free(name);
    ck_assert(ch->tests[1].timeout == 3.0 && ch->tests[1].points == 3);
    ck_assert_int_eq(test_visibility(ch, &ch->tests[2]), AFTER_DUE_DATE);
    name = concealed_name(ch, &ch->tests[2]);
    ck_assert_str_eq(name, "hidden test 2");
    free(name);
    ck_assert(ch->tests[2].timeout == 9.0);
    ck_assert_int_eq(test_visibility(ch, &ch->tests[0]), VISIBLE);
    ck_assert(!test_concealed(ch, &ch->tests[0], AUDIENCE_STUDENT));
    ck_assert(test_concealed(ch, &ch->tests[2], AUDIENCE_STUDENT));
    ck_assert(!test_concealed(ch, &ch->tests[2], AUDIENCE_AFTER_DUE_DATE));
    ck_assert(test_concealed(ch, &ch->tests[1], AUDIENCE_AFTER_DUE_DATE));
    ck_assert(!test_concealed(ch, &ch->tests[1], AUDIENCE_INSTRUCTOR));
    ck_assert_uint_eq(ch->n_extra_sources, 1);
    ck_assert_str_eq(ch->extra_sources[0], "tests/test_a_more.c");
    ck_assert(test_exercises(ch, 1, "src/a.c")); /* from the extra test_sources */
    ck_assert(same_exercise(ch, 0, 2));
    merged_free(&m);
}
END_TEST

/* Each mistake is refused, naming what is wrong. */
static void refused(const char *cfg, const char *source, const char *says)
{
    struct merged m;
    int rc = merge(&m, cfg, source);
    ck_assert_msg(rc < 0, "accepted: %s", cfg);
    ck_assert_msg(strstr(m.err, says) != NULL, "'%s' does not say '%s'", m.err, says);
    merged_free(&m);
}

START_TEST(extra_test_mistakes_are_refused)
{
    refused("tests = ( { name = \"t_secret\"; points = 1; visibilty = \"hidden\"; } );\n",
            two_tests, "extra.cfg:1: unknown setting 'visibilty'");
    refused("tests = ( { name = \"t_secret\"; points = 1; visibility = \"secret\"; } );\n",
            two_tests, "visibility must be");
    refused("tests = ( { name = \"t_secret\"; points = 1; visibility = \"hidden\"; "
            "valgrind = true; } );\n", two_tests, "cannot be analysed");
    refused("tests = ( { name = \"t_missing\"; points = 1; } );\n", two_tests,
            "no file in");
    refused("tests = ( { name = \"t_one\"; points = 1; } );\n", two_tests, "declared twice");
    refused("tests = ( { name = \"t_secret\"; } );\n", two_tests, "needs 'points'");
    refused("tests = ( { name = \"t_secret\"; points = 1; } );\n", NULL, "tests");
    refused("tests = ( { name = \"t_secret\"; points = 1; } );\n"
            "test_sources = ( { source = \"tests/test_a_more.c\"; files = [ \"src/b.c\" ]; } );\n",
            two_tests, "'src/b.c' is not one of");
    struct merged m; /* a folder that matches no chapter */
    merge(&m, "tests = ( { name = \"t_secret\"; points = 1; } );\n", two_tests);
    unit_write(m.extra, "02-nothing/extra.cfg", "tests = ();\n");
    for (size_t i = 0; i < m.n; i++)
        chapter_free(&m.chs[i]);
    free(m.chs);
    char *chapters = path_join(m.dir, "chapters");
    ck_assert_int_eq(chapters_load_all(chapters, &m.chs, &m.n, m.err, sizeof m.err), 0);
    free(chapters);
    ck_assert_int_lt(extra_tests_merge(m.extra, m.chs, m.n, m.err, sizeof m.err), 0);
    ck_assert_ptr_nonnull(strstr(m.err, "02-nothing matches no chapter"));
    merged_free(&m);
}
END_TEST

/* ---- a graded chapter with hidden tests ---- */

static char *student_files[] = {"src/a.c"};
static struct test_spec specs[] = {
    {.name = "t_ok", .points = 2, .timeout = 5},
    {.name = "t_bad", .points = 1, .timeout = 5},
    {.name = "t_secret", .points = 3, .timeout = 5},
    {.name = "t_later", .points = 2, .timeout = 5},
    {.name = "t_hidden_ok", .points = 1, .timeout = 5}};
static struct hidden_test hidden[] = {
    {"t_secret", HIDDEN, 1}, {"t_later", AFTER_DUE_DATE, 2}, {"t_hidden_ok", HIDDEN, 3}};

struct graded {
    char *dir;
    struct chapter ch;
    struct chapter_result r;
};

static void set_test(struct test_verdict *t, enum test_status s, const char *message,
                     const char *location, const char *output)
{
    t->status = s;
    t->message = message ? xstrdup(message) : NULL;
    t->location = location ? xstrdup(location) : NULL;
    t->output = output ? xstrdup(output) : NULL;
}

/* t_ok passed, t_bad failed, t_secret failed (SECRET-MSG, at test_more.c:7, printing
 * SECRET-OUT), t_later timed out (LATER-MSG), t_hidden_ok passed; memcheck (3 points)
 * found a leak. */
static void setup_graded(struct graded *g)
{
    g->dir = unit_tempdir();
    unit_write(g->dir, "tests/test_a.c", "/* the tests */\n");
    g->ch = (struct chapter){.id = "01-x", .dir = g->dir, .title = "Title",
                             .student_files = student_files, .n_student_files = 1,
                             .tests = specs, .n_tests = 5, .memcheck = {true, 3},
                             .hidden = hidden, .n_hidden = 3};
    struct chapter_result *r = &g->r;
    chapter_result_init(r, &g->ch);
    set_test(&r->tests[0], TEST_PASSED, NULL, NULL, NULL);
    set_test(&r->tests[1], TEST_FAILED, "got 1, expected 2", "test_a.c:12", NULL);
    set_test(&r->tests[2], TEST_FAILED, "SECRET-MSG: got 0", "test_more.c:7", "SECRET-OUT\n");
    set_test(&r->tests[3], TEST_TIMEOUT, "LATER-MSG: timed out", NULL, NULL);
    set_test(&r->tests[4], TEST_PASSED, NULL, NULL, NULL);
    r->memcheck.ran = true;
    r->memcheck.errors = 1;
    r->memcheck.n_findings = 1;
    r->memcheck.findings = xcalloc(1, sizeof *r->memcheck.findings);
    r->memcheck.findings[0] = (struct finding){.kind = xstrdup("Leak_DefinitelyLost"),
                                               .message = xstrdup("8 bytes lost"),
                                               .test = xstrdup("t_ok")};
    r->seconds = 2.5;
    score_chapter(r);
}

static void teardown_graded(struct graded *g)
{
    chapter_result_free(&g->r);
    remove_tree(g->dir);
    free(g->dir);
}

static const char *const secrets[] = {"t_secret", "SECRET-MSG", "test_more.c", "SECRET-OUT",
                                      "t_hidden_ok"};
static const char *const later[] = {"t_later", "LATER-MSG"};

static void assert_lacks(const char *what, const char *text, const char *const *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strstr(text, parts[i]) == NULL, "%s shows '%s':\n%s", what, parts[i], text);
}

static void assert_has(const char *what, const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "%s lacks '%s':\n%.3000s", what, part, text);
}

/* The terminal's report of the chapter, for an audience (verbose or quiet). */
static char *terminal(const struct chapter_result *r, enum audience a, bool verbose)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct terminal_options o = {.verbose = verbose, .show_output = true, .audience = (int)a};
    report_chapter_terminal(out, r, &o);
    fclose(out);
    return text;
}

typedef int (*writer)(const char *, const struct chapter_result *, size_t,
                      const struct report_context *, char *, size_t);

/* What a CI report writer writes for the audience (through redact_results, as grade does). */
static char *report_for(writer w, const struct chapter_result *r, enum audience a)
{
    static const struct report_context ctx = {.prefix = "chapters/", .pass_percent = 100};
    char *dir = unit_tempdir(), *path = path_join(dir, "out");
    char err[256];
    struct redacted red;
    const struct chapter_result *shown = redact_results(r, 1, a, &red);
    ck_assert_int_eq(w(path, shown, 1, &ctx, err, sizeof err), 0);
    redacted_free(&red);
    char *text = read_text_file(path, 1 << 20);
    ck_assert_ptr_nonnull(text);
    remove_tree(dir);
    free(path);
    free(dir);
    return text;
}

static char *json_for(const struct chapter_result *r, enum audience a)
{
    char *dir = unit_tempdir(), *path = path_join(dir, "out.json");
    char err[256];
    struct redacted red;
    const struct chapter_result *shown = redact_results(r, 1, a, &red);
    ck_assert_int_eq(report_json_write(path, shown, 1, NULL, err, sizeof err), 0);
    redacted_free(&red);
    char *text = read_text_file(path, 1 << 20);
    remove_tree(dir);
    free(path);
    free(dir);
    return text;
}

START_TEST(students_see_hidden_tests_by_number_only)
{
    struct graded g;
    setup_graded(&g);
    const char *names[] = {"terminal (verbose)", "terminal (quiet)", "JSON", "Markdown",
                           "annotations", "Classroom"};
    char *texts[] = {terminal(&g.r, AUDIENCE_STUDENT, true),
                     terminal(&g.r, AUDIENCE_STUDENT, false),
                     json_for(&g.r, AUDIENCE_STUDENT),
                     report_for(report_markdown_write, &g.r, AUDIENCE_STUDENT),
                     report_for(report_annotations_write, &g.r, AUDIENCE_STUDENT),
                     report_for(report_classroom_write, &g.r, AUDIENCE_STUDENT)};
    for (size_t i = 0; i < 6; i++) {
        assert_lacks(names[i], texts[i], secrets, 5);
        assert_lacks(names[i], texts[i], later, 2);
        if (i != 4) /* annotations: the failed tests by their location, and these have none */
            assert_has(names[i], texts[i], "hidden test 1");
        /* annotations and Classroom name the failed tests; the others say why */
        assert_has(names[i], texts[i], i >= 4 ? "t_bad" : "got 1, expected 2");
    }
    assert_has("terminal", texts[0], "hidden test 1: failed");
    assert_has("terminal", texts[0], "hidden test 2: failed"); /* a timeout says only that */
    assert_has("terminal", texts[0], "hidden test 3: passed");
    assert_lacks("terminal", texts[0], (const char *const[]){"TIMEOUT"}, 1);
    assert_has("terminal (quiet)", texts[1], "hidden test 1: failed");
    assert_has("JSON", texts[2], "\"hidden test 2\"");
    assert_has("JSON", texts[2], "\"visibility\": \"hidden\"");
    for (size_t i = 0; i < 6; i++)
        free(texts[i]);
    teardown_graded(&g);
}
END_TEST

START_TEST(instructors_see_everything)
{
    struct graded g;
    setup_graded(&g);
    char *texts[] = {terminal(&g.r, AUDIENCE_INSTRUCTOR, true), json_for(&g.r, AUDIENCE_INSTRUCTOR),
                     report_for(report_markdown_write, &g.r, AUDIENCE_INSTRUCTOR)};
    for (size_t i = 0; i < 3; i++) {
        assert_has("instructor's report", texts[i], "t_secret");
        assert_has("instructor's report", texts[i], "SECRET-MSG");
        assert_has("instructor's report", texts[i], "LATER-MSG");
        assert_lacks("instructor's report", texts[i], (const char *const[]){"hidden test"}, 1);
        free(texts[i]);
    }
    /* after the due date: after_due_date tests in full, hidden ones still concealed */
    char *after = terminal(&g.r, AUDIENCE_AFTER_DUE_DATE, true);
    assert_has("after the due date", after, "LATER-MSG");
    assert_has("after the due date", after, "hidden test 1: failed");
    assert_lacks("after the due date", after, secrets, 4);
    free(after);
    teardown_graded(&g);
}
END_TEST

/* ---- Gradescope ---- */

START_TEST(gradescope_results_have_their_shape)
{
    struct graded g;
    setup_graded(&g);
    char *dir = unit_tempdir(), *path = path_join(dir, "results.json");
    char err[256];
    struct provenance p = {.workbook_commit = "5a1f0c0ffee5a1f0c0ffee5a1f0c0ffee5a1f0c0",
                           .grader_version = GRADER_VERSION, .graded_at = "2026-12-01T18:30:00Z"};
    report_json_set_provenance(&p);
    ck_assert_int_eq(report_gradescope_write(path, &g.r, 1, 12.2, err, sizeof err), 0);
    report_json_set_provenance(NULL);
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    ck_assert_msg(root != NULL, "%s", error.text);
    ck_assert_uint_eq(json_object_size(root), 6);
    /* what the results were made from, kept by Gradescope with them */
    json_t *prov = json_object_get(json_object_get(root, "extra_data"), "provenance");
    ck_assert_str_eq(json_string_value(json_object_get(prov, "workbook_commit")), p.workbook_commit);
    ck_assert_str_eq(json_string_value(json_object_get(prov, "grader_version")), GRADER_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(prov, "graded_at")), p.graded_at);
    ck_assert(json_is_null(json_object_get(prov, "submission_commit")));
    ck_assert(json_real_value(json_object_get(root, "score")) == g.r.score);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "execution_time")), 13);
    ck_assert_str_eq(json_string_value(json_object_get(root, "output_format")), "text");
    const char *output = json_string_value(json_object_get(root, "output"));
    assert_has("output", output, "hidden test 1: failed");
    assert_lacks("output", output, secrets, 5);
    json_t *tests = json_object_get(root, "tests");
    ck_assert_uint_eq(json_array_size(tests), 6); /* five tests and memcheck */
    static const char *const keys[] = {"name", "score", "max_score", "status", "output",
                                       "visibility"};
    static const char *const want[][4] = {
        {"01-x: t_ok", "passed", "visible", ""},
        {"01-x: t_bad", "failed", "visible", "failed at test_a.c:12: got 1, expected 2"},
        {"01-x: t_secret", "failed", "hidden", "failed at test_more.c:7: SECRET-MSG: got 0"},
        {"01-x: t_later", "failed", "after_due_date", "timeout: LATER-MSG: timed out"},
        {"01-x: t_hidden_ok", "passed", "hidden", ""},
        {"01-x: leak-free (memcheck)", "failed", "visible", "[Leak_DefinitelyLost] in test t_ok\n8 bytes lost"}};
    for (size_t i = 0; i < 6; i++) {
        json_t *t = json_array_get(tests, i);
        ck_assert_uint_eq(json_object_size(t), 6);
        for (size_t k = 0; k < 6; k++)
            ck_assert_msg(json_object_get(t, keys[k]) != NULL, "no %s", keys[k]);
        ck_assert_str_eq(json_string_value(json_object_get(t, "name")), want[i][0]);
        ck_assert_str_eq(json_string_value(json_object_get(t, "status")), want[i][1]);
        ck_assert_str_eq(json_string_value(json_object_get(t, "visibility")), want[i][2]);
        ck_assert_str_eq(json_string_value(json_object_get(t, "output")), want[i][3]);
        ck_assert(json_is_number(json_object_get(t, "score")) &&
                  json_is_number(json_object_get(t, "max_score")));
    }
    json_decref(root);
    remove_tree(dir);
    free(path);
    free(dir);
    teardown_graded(&g);
}
END_TEST

/* ---- JUnit ---- */

/* 0 when the file at path is valid against the workbook's JUnit schema. */
static int junit_validate(const char *path)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt("grader/tests/schemas/junit.xsd");
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    ck_assert_ptr_nonnull(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}

START_TEST(junit_is_valid_and_complete)
{
    struct graded g[3];
    for (int i = 0; i < 3; i++)
        setup_graded(&g[i]);
    g[1].ch.id = "02-y"; /* did not build: every test an error */
    chapter_result_fail_all(&g[1].r, TEST_ERROR, "compile error");
    g[1].r.status = CHAPTER_COMPILE_ERROR;
    g[1].r.message = xstrdup("src/a.c:3: error: expected ';'");
    analysis_result_free(&g[1].r.memcheck); /* not run */
    g[1].r.memcheck = (struct analysis_result){.tool = "memcheck", .max_score = 3};
    g[2].ch.id = "03-z"; /* not graded: skipped */
    chapter_result_fail_all(&g[2].r, TEST_ERROR, "not graded");
    g[2].r.status = CHAPTER_ERROR;
    g[2].r.message = xstrdup("not graded: its metadata is broken");
    analysis_result_free(&g[2].r.memcheck);
    g[2].r.memcheck = (struct analysis_result){.tool = "memcheck", .max_score = 3};
    struct chapter_result rs[3] = {g[0].r, g[1].r, g[2].r};
    char *dir = unit_tempdir(), *path = path_join(dir, "junit.xml");
    char err[256];
    struct provenance p = {.submission_commit = "5a1f0c0ffee5a1f0c0ffee5a1f0c0ffee5a1f0c0",
                           .grader_version = GRADER_VERSION, .graded_at = "2026-12-01T18:30:00Z"};
    report_json_set_provenance(&p);
    ck_assert_int_eq(report_junit_write(path, rs, 3, err, sizeof err), 0);
    report_json_set_provenance(NULL);
    ck_assert_msg(junit_validate(path) == 0, "not valid against junit.xsd:\n%s",
                  read_text_file(path, 1 << 16));
    char *xml = read_text_file(path, 1 << 20);
    assert_has("JUnit", xml, "<testsuites name=\"concurrency workbook\" tests=\"18\" "
                             "failures=\"3\" errors=\"6\"");
    assert_has("JUnit", xml, "<testsuite name=\"01-x\" tests=\"6\" failures=\"3\" errors=\"1\" "
                             "skipped=\"0\"");
    assert_has("JUnit", xml, "<testsuite name=\"02-y\" tests=\"6\" failures=\"0\" errors=\"5\" "
                             "skipped=\"1\"");
    assert_has("JUnit", xml, "<testsuite name=\"03-z\" tests=\"6\" failures=\"0\" errors=\"0\" "
                             "skipped=\"6\"");
    assert_has("JUnit", xml, "<failure type=\"failed\" message=\"got 1, expected 2\">"
                             "test_a.c:12: got 1, expected 2</failure>");
    assert_has("JUnit", xml, "<error type=\"timeout\" message=\"LATER-MSG: timed out\">");
    assert_has("JUnit", xml, "<testcase name=\"t_secret\" classname=\"01-x\">"); /* all of it */
    assert_has("JUnit", xml, "<testcase name=\"leak-free (memcheck)\" classname=\"01-x\">");
    assert_has("JUnit", xml, "<skipped message=\"not graded: its metadata is broken\"");
    assert_has("JUnit", xml, "<system-out>src/a.c:3: error: expected ';'</system-out>");
    assert_has("JUnit", xml, "<property name=\"submission_commit\" "
                             "value=\"5a1f0c0ffee5a1f0c0ffee5a1f0c0ffee5a1f0c0\"/>");
    assert_has("JUnit", xml, "<property name=\"grader_version\" value=\"" GRADER_VERSION "\"/>");
    assert_has("JUnit", xml, "<property name=\"graded_at\" value=\"2026-12-01T18:30:00Z\"/>");
    /* the schema catches a report that breaks it: a testcase without its name */
    char *broken = xstrdup(xml);
    char *at = strstr(broken, "<testcase name=");
    memcpy(at, "<testcase nome=", 15);
    unit_write(dir, "broken.xml", broken);
    char *broken_path = path_join(dir, "broken.xml");
    ck_assert_int_ne(junit_validate(broken_path), 0);
    free(broken_path);
    free(broken);
    free(xml);
    remove_tree(dir);
    free(path);
    free(dir);
    for (int i = 0; i < 3; i++)
        teardown_graded(&g[i]);
}
END_TEST

/* ---- Autolab ---- */

START_TEST(autolab_scores_line)
{
    struct graded g[2];
    for (int i = 0; i < 2; i++)
        setup_graded(&g[i]);
    g[1].ch.id = "02-y";
    struct chapter_result rs[2] = {g[0].r, g[1].r};
    char *dir = unit_tempdir(), *path = path_join(dir, "scores");
    char err[256];
    ck_assert_int_eq(report_autolab_write(path, rs, 2, err, sizeof err), 0);
    char *text = read_text_file(path, 4096);
    ck_assert_str_eq(text, "{\"scores\":{\"01-x\":3.0,\"02-y\":3.0}}\n");
    free(text);
    remove_tree(dir);
    free(path);
    free(dir);
    for (int i = 0; i < 2; i++)
        teardown_graded(&g[i]);
}
END_TEST

Suite *exports_suite(void)
{
    Suite *s = suite_create("exports");
    TCase *tc = tcase_create("exports");
    tcase_add_test(tc, extra_tests_are_merged);
    tcase_add_test(tc, extra_test_mistakes_are_refused);
    tcase_add_test(tc, students_see_hidden_tests_by_number_only);
    tcase_add_test(tc, instructors_see_everything);
    tcase_add_test(tc, gradescope_results_have_their_shape);
    tcase_add_test(tc, junit_is_valid_and_complete);
    tcase_add_test(tc, autolab_scores_line);
    suite_add_tcase(s, tc);
    return s;
}
