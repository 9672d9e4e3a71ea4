/* test_result_transfer.c - a chapter's result written by a worker and read back by the
 * grader (result_transfer.c) is the same result: every field equal, and every report
 * (terminal, JSON, Markdown, annotations, Classroom) written from it byte for byte the
 * same as from the original. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "result_transfer.h"
#include "unit.h"

static char *student_files[] = {"src/a.c", "src/b.c"};
static struct test_spec specs[] = {{"t_ok", 2, 5, false},
                                   {"t_bad", 3, 5, true},
                                   {"t_crash", 1.25, 5, false},
                                   {"t_slow", 1, 5, true}};

static void set_test(struct test_verdict *t, enum test_status s, const char *message,
                     const char *location, const char *output, double score, bool reported)
{
    free(t->message);
    t->status = s;
    t->message = message ? xstrdup(message) : NULL;
    t->location = location ? xstrdup(location) : NULL;
    t->output = output ? xstrdup(output) : NULL;
    t->score = score;
    t->reported = reported;
}

static void add_finding(struct analysis_result *a, const char *kind, const char *where1,
                        const char *where2, const char *variable, const char *test)
{
    a->findings = xrealloc(a->findings, (a->n_findings + 1) * sizeof *a->findings);
    struct finding *f = &a->findings[a->n_findings++];
    *f = (struct finding){.kind = xstrdup(kind),
                          .message = xasprintf("%s in %s\n    %s: x++;\n  hint: a lock", kind,
                                               test, where1),
                          .variable = variable ? xstrdup(variable) : NULL,
                          .test = xstrdup(test)};
    f->where = xcalloc(2, sizeof *f->where);
    f->where[f->n_where++] = xstrdup(where1);
    if (where2)
        f->where[f->n_where++] = xstrdup(where2);
}

/* A result with every field set to something other than its initial value. */
static void make_result(struct chapter *ch, const char *dir, struct chapter_result *r)
{
    *ch = (struct chapter){.id = "01-x", .dir = (char *)dir, .title = "Title | with <html> \"q\"",
                           .student_files = student_files, .n_student_files = 2,
                           .tests = specs, .n_tests = 4, .helgrind = {true, 4},
                           .memcheck = {true, 3}};
    chapter_result_init(r, ch);
    r->status = CHAPTER_COMPILE_ERROR;
    r->metadata_broken = true;
    r->message = xstrdup("src/b.c:3:1: error: expected ';'\n  3 | int x\n    | ^");
    chapter_result_add_note(r, "src/b.c does not compile: graded with its skeleton");
    chapter_result_add_note(r, "unicode \xc3\xa9t\xc3\xa9 and a tab\tand \"quotes\"");
    chapter_result_add_flag(r, "src/a.c:12", "uses 'pthread_exit': %s", "no threads here");
    chapter_result_add_flag(r, "src/b.c", "reads /proc");
    set_test(&r->tests[0], TEST_PASSED, NULL, NULL, NULL, 2, true);
    set_test(&r->tests[1], TEST_FAILED, "got 1, expected 2 | *not* <this>", "test_a.c:12",
             "printed\nlines\n", 0, true);
    set_test(&r->tests[2], TEST_ERROR, "killed by signal 11 (Segmentation fault)", NULL, "",
             0, false);
    set_test(&r->tests[3], TEST_TIMEOUT, "did not finish within 5 s", "src/a.c:31", NULL, 0,
             true);
    r->helgrind.ran = true;
    r->helgrind.errors = 2;
    r->helgrind.ignored = 3;
    r->helgrind.score = 0;
    r->helgrind.seconds = 3.141592653589793;
    r->helgrind.message = xstrdup("found 2 problems");
    add_finding(&r->helgrind, "Race", "src/a.c:22", "src/a.c:25", "counter", "t_bad");
    add_finding(&r->helgrind, "LockOrder", "src/b.c:7", NULL, NULL, "t_slow");
    r->memcheck.ran = false;
    r->memcheck.message = xstrdup("could not analyse: valgrind timed out");
    r->memcheck.seconds = 0.1 + 0.2; /* not exactly 0.3: 17 digits must survive */
    r->score = 2;
    r->max_score = 1e-9 + 14.25;
    r->seconds = 12.345678901234567;
    r->stage_seconds.collect = 0.001;
    r->stage_seconds.build = 1.9;
    r->stage_seconds.check = 0.25;
    r->stage_seconds.run = 1.0 / 3;
    r->stage_seconds.analyse = 7.75;
}

static struct chapter_result round_trip(const struct chapter_result *r)
{
    char *text = result_transfer_encode(r);
    ck_assert_ptr_nonnull(text);
    struct chapter_result back;
    char err[256] = "";
    int rc = result_transfer_decode(text, strlen(text), r->chapter, &back, err, sizeof err);
    ck_assert_msg(rc == 0, "decode failed: %s\n%s", err, text);
    free(text);
    return back;
}

static void assert_same_string(const char *a, const char *b, const char *what)
{
    if (a == NULL || b == NULL)
        ck_assert_msg(a == b, "%s: %s vs %s", what, a ? a : "NULL", b ? b : "NULL");
    else
        ck_assert_msg(strcmp(a, b) == 0, "%s: '%s' vs '%s'", what, a, b);
}

static void assert_same_analysis(const struct analysis_result *a, const struct analysis_result *b)
{
    assert_same_string(a->tool, b->tool, "tool");
    ck_assert(a->ran == b->ran);
    assert_same_string(a->message, b->message, "analysis message");
    ck_assert_int_eq(a->errors, b->errors);
    ck_assert_int_eq(a->ignored, b->ignored);
    ck_assert(a->score == b->score && a->max_score == b->max_score &&
              a->seconds == b->seconds);
    ck_assert_uint_eq(a->n_findings, b->n_findings);
    for (size_t i = 0; i < a->n_findings; i++) {
        const struct finding *f = &a->findings[i], *g = &b->findings[i];
        assert_same_string(f->kind, g->kind, "kind");
        assert_same_string(f->message, g->message, "finding message");
        assert_same_string(f->variable, g->variable, "variable");
        assert_same_string(f->test, g->test, "finding test");
        ck_assert_uint_eq(f->n_where, g->n_where);
        for (size_t k = 0; k < f->n_where; k++)
            assert_same_string(f->where[k], g->where[k], "where");
    }
}

/* Every field of struct chapter_result, one by one. */
static void assert_same_result(const struct chapter_result *a, const struct chapter_result *b)
{
    ck_assert_ptr_eq(a->chapter, b->chapter);
    ck_assert_int_eq(a->status, b->status);
    ck_assert(a->metadata_broken == b->metadata_broken);
    assert_same_string(a->message, b->message, "message");
    ck_assert_uint_eq(a->n_notes, b->n_notes);
    for (size_t i = 0; i < a->n_notes; i++)
        assert_same_string(a->notes[i], b->notes[i], "note");
    ck_assert_uint_eq(a->n_flags, b->n_flags);
    for (size_t i = 0; i < a->n_flags; i++) {
        assert_same_string(a->flags[i].where, b->flags[i].where, "flag where");
        assert_same_string(a->flags[i].what, b->flags[i].what, "flag what");
    }
    for (size_t i = 0; i < a->chapter->n_tests; i++) {
        const struct test_verdict *t = &a->tests[i], *u = &b->tests[i];
        ck_assert_ptr_eq(t->spec, u->spec);
        ck_assert_int_eq(t->status, u->status);
        assert_same_string(t->message, u->message, "test message");
        assert_same_string(t->location, u->location, "location");
        ck_assert(t->score == u->score);
        ck_assert(t->reported == u->reported);
        assert_same_string(t->output, u->output, "output");
    }
    assert_same_analysis(&a->helgrind, &b->helgrind);
    assert_same_analysis(&a->memcheck, &b->memcheck);
    ck_assert(a->score == b->score && a->max_score == b->max_score);
    ck_assert(a->seconds == b->seconds);
    ck_assert(memcmp(&a->stage_seconds, &b->stage_seconds, sizeof a->stage_seconds) == 0);
}

START_TEST(every_field_round_trips)
{
    char *dir = unit_tempdir();
    struct chapter ch;
    struct chapter_result r;
    make_result(&ch, dir, &r);
    struct chapter_result back = round_trip(&r);
    assert_same_result(&r, &back);
    chapter_result_free(&back);
    /* and a result as chapter_result_init leaves it: nulls, no findings, nothing run */
    struct chapter_result fresh;
    chapter_result_init(&fresh, &ch);
    back = round_trip(&fresh);
    assert_same_result(&fresh, &back);
    chapter_result_free(&back);
    chapter_result_free(&fresh);
    chapter_result_free(&r);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* What a writer wrote to a fresh file. */
typedef int (*writer)(const char *, const struct chapter_result *, size_t,
                      const struct report_context *, char *, size_t);
static char *written(writer w, const struct chapter_result *r, const struct report_context *ctx)
{
    char *dir = unit_tempdir(), *path = path_join(dir, "out");
    char err[256];
    ck_assert_int_eq(w(path, r, 1, ctx, err, sizeof err), 0);
    char *text = read_text_file(path, 1 << 20);
    ck_assert_ptr_nonnull(text);
    remove_tree(dir);
    free(path);
    free(dir);
    return text;
}

static int json_writer(const char *path, const struct chapter_result *r, size_t n,
                       const struct report_context *ctx, char *err, size_t errlen)
{
    (void)ctx;
    return report_json_write(path, r, n, NULL, err, errlen);
}

static char *terminal(const struct chapter_result *r, bool verbose)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    struct terminal_options o = {.colour = true, .verbose = verbose, .show_output = true};
    report_chapter_header_terminal(out, r->chapter, &o);
    report_chapter_terminal(out, r, &o);
    report_total_terminal(out, r, 1, true);
    fclose(out);
    return text;
}

static void assert_same_text(char *a, char *b, const char *report)
{
    ck_assert_msg(strcmp(a, b) == 0, "the %s report differs:\n%s\n--- vs ---\n%s", report, a, b);
    free(a);
    free(b);
}

START_TEST(every_report_is_the_same_from_the_copy)
{
    char *dir = unit_tempdir();
    unit_write(dir, "tests/test_a.c", "/* the tests */\n");
    struct chapter ch;
    struct chapter_result r;
    make_result(&ch, dir, &r);
    struct chapter_result back = round_trip(&r);
    const struct report_context ctx = {.prefix = "chapters/", .pass_percent = 100};
    assert_same_text(terminal(&r, false), terminal(&back, false), "terminal");
    assert_same_text(terminal(&r, true), terminal(&back, true), "verbose terminal");
    assert_same_text(written(json_writer, &r, &ctx), written(json_writer, &back, &ctx), "JSON");
    assert_same_text(written(report_markdown_write, &r, &ctx),
                     written(report_markdown_write, &back, &ctx), "Markdown");
    assert_same_text(written(report_annotations_write, &r, &ctx),
                     written(report_annotations_write, &back, &ctx), "annotations");
    assert_same_text(written(report_classroom_write, &r, &ctx),
                     written(report_classroom_write, &back, &ctx), "Classroom");
    chapter_result_free(&back);
    chapter_result_free(&r);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(a_broken_or_foreign_transfer_is_refused)
{
    char *dir = unit_tempdir();
    struct chapter ch, other;
    struct chapter_result r, back;
    make_result(&ch, dir, &r);
    char *text = result_transfer_encode(&r);
    char err[256];
    /* cut short */
    ck_assert_int_eq(result_transfer_decode(text, strlen(text) / 2, &ch, &back, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "not JSON"));
    chapter_result_free(&back);
    /* another chapter's */
    other = ch;
    other.id = "02-y";
    ck_assert_int_eq(result_transfer_decode(text, strlen(text), &other, &back, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "02-y"));
    chapter_result_free(&back);
    /* a chapter with other tests */
    other = ch;
    other.n_tests = 3;
    ck_assert_int_eq(result_transfer_decode(text, strlen(text), &other, &back, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "tests"));
    chapter_result_free(&back);
    free(text);
    chapter_result_free(&r);
    remove_tree(dir);
    free(dir);
}
END_TEST

Suite *result_transfer_suite(void)
{
    Suite *s = suite_create("result_transfer");
    TCase *tc = tcase_create("round trip");
    tcase_add_test(tc, every_field_round_trips);
    tcase_add_test(tc, every_report_is_the_same_from_the_copy);
    tcase_add_test(tc, a_broken_or_foreign_transfer_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
