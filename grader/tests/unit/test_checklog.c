/* test_checklog.c - Check's XML log into results: every verdict, and no pass from
 * a missing, unknown, duplicated or cut-off record. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static struct test_spec specs[] = {
    {"t_pass", 1, 5, false}, {"t_fail", 2, 5, false}, {"t_segv", 3, 5, false},
    {"t_hang", 4, 7, false}, {"t_exit", 5, 5, false}, {"t_absent", 6, 5, false},
};
static struct chapter chapter = {.id = "01-x", .title = "x", .tests = specs, .n_tests = 6};

static const char *record(const char *id, const char *result, const char *message)
{
    static char buf[8][512];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 512,
             "<test result=\"%s\"><path>.</path><fn>tests/t.c:9</fn><id>%s</id>"
             "<iteration>0</iteration><duration>0</duration><description>%s</description>"
             "<message>%s</message></test>\n",
             result, id, id, message);
    return b;
}

/* Reads a log made of the given records into a fresh result. */
static size_t read_log(struct chapter_result *r, const char *body, bool close_tags)
{
    char *dir = unit_tempdir();
    char *text = xasprintf("<?xml version=\"1.0\"?>\n<testsuites xmlns=\"http://check.sourceforge"
                           ".net/ns\"><suite><title>w</title>\n%s%s",
                           body, close_tags ? "</suite></testsuites>\n" : "");
    unit_write(dir, "check.xml", text);
    char *path = path_join(dir, "check.xml");
    chapter_result_init(r, &chapter);
    checklog_read(path, r);
    size_t n = 0;
    for (size_t i = 0; i < chapter.n_tests; i++)
        n += r->tests[i].reported;
    remove_tree(dir);
    free(path);
    free(text);
    free(dir);
    return n;
}

START_TEST(each_verdict_is_read)
{
    struct chapter_result r;
    char *body = xasprintf("%s%s%s%s%s", record("t_pass", "success", "Passed"),
                           record("t_fail", "failure", "expected 1 got 2"),
                           record("t_segv", "error", "Received signal 11 (Segmentation fault)"),
                           record("t_hang", "error", "Test timeout expired"),
                           record("t_exit", "error", "Early exit with return value 3"));
    ck_assert_uint_eq(read_log(&r, body, true), 5);
    ck_assert_int_eq(r.tests[0].status, TEST_PASSED);
    ck_assert_ptr_null(r.tests[0].message);
    ck_assert_int_eq(r.tests[1].status, TEST_FAILED);
    ck_assert_str_eq(r.tests[1].message, "expected 1 got 2");
    ck_assert_str_eq(r.tests[1].location, "tests/t.c:9");
    ck_assert_int_eq(r.tests[2].status, TEST_ERROR);
    ck_assert_str_eq(r.tests[2].message, "killed by signal 11 (Segmentation fault)");
    ck_assert_int_eq(r.tests[3].status, TEST_TIMEOUT);
    ck_assert_str_eq(r.tests[3].message, "timed out after 7 s");
    ck_assert_int_eq(r.tests[4].status, TEST_ERROR);
    ck_assert_str_eq(r.tests[4].message, "the test process exited early with status 3");
    ck_assert(!r.tests[5].reported);
    ck_assert_int_ne(r.tests[5].status, TEST_PASSED);
    score_chapter(&r);
    ck_assert_double_eq(r.score, 1);
    ck_assert_double_eq(r.max_score, 21);
    chapter_result_free(&r);
    free(body);
}
END_TEST

START_TEST(duplicate_record_is_an_error)
{
    struct chapter_result r;
    char *body = xasprintf("%s%s", record("t_pass", "success", "Passed"),
                           record("t_pass", "success", "Passed"));
    read_log(&r, body, true);
    ck_assert_int_eq(r.tests[0].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[0].message, "more than one result"));
    chapter_result_free(&r);
    free(body);
}
END_TEST

START_TEST(record_already_read_from_another_log_is_a_duplicate)
{
    struct chapter_result r;
    read_log(&r, record("t_fail", "failure", "boom"), true);
    char *dir = unit_tempdir();
    char *text = xasprintf("<testsuites><suite>%s</suite></testsuites>",
                           record("t_fail", "success", "Passed"));
    unit_write(dir, "forged.xml", text);
    char *path = path_join(dir, "forged.xml");
    checklog_read(path, &r);
    ck_assert_int_eq(r.tests[1].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[1].message, "more than one result"));
    remove_tree(dir);
    free(path);
    free(text);
    free(dir);
    chapter_result_free(&r);
}
END_TEST

START_TEST(unknown_record_is_noted_not_scored)
{
    struct chapter_result r;
    read_log(&r, record("t_extra", "success", "Passed"), true);
    ck_assert_uint_eq(r.n_notes, 1);
    ck_assert_ptr_nonnull(strstr(r.notes[0], "t_extra"));
    score_chapter(&r);
    ck_assert_double_eq(r.score, 0);
    chapter_result_free(&r);
}
END_TEST

START_TEST(truncated_log_keeps_complete_records)
{
    struct chapter_result r;
    char *body = xasprintf("%s<test result=\"success\"><path>.</path><fn>t.c:1</fn>"
                           "<id>t_fail</id>",
                           record("t_pass", "success", "Passed"));
    ck_assert_uint_eq(read_log(&r, body, false), 1);
    ck_assert_int_eq(r.tests[0].status, TEST_PASSED);
    ck_assert_msg(r.tests[1].status != TEST_PASSED && !r.tests[1].reported,
                  "a record cut off before its message must not count");
    chapter_result_free(&r);
    free(body);
}
END_TEST

START_TEST(missing_log_reports_nothing)
{
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    checklog_read("/nonexistent/check.xml", &r);
    for (size_t i = 0; i < chapter.n_tests; i++)
        ck_assert(!r.tests[i].reported);
    score_chapter(&r);
    ck_assert_double_eq(r.score, 0);
    chapter_result_free(&r);
}
END_TEST

/* The runner's code may replace its log: with a link to a log it wrote elsewhere, the
 * records must not count; with a FIFO, the grader must not wait for a writer. */
START_TEST(linked_log_adds_nothing)
{
    char *dir = unit_tempdir();
    char *text = xasprintf("<testsuites><suite>%s</suite></testsuites>",
                           record("t_pass", "success", "Passed"));
    unit_write(dir, "elsewhere.xml", text);
    char *target = path_join(dir, "elsewhere.xml"), *log = path_join(dir, "check.xml");
    ck_assert_int_eq(symlink(target, log), 0);
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    checklog_read(log, &r);
    for (size_t i = 0; i < chapter.n_tests; i++)
        ck_assert(!r.tests[i].reported);
    checklog_read(target, &r); /* the same records, read from a regular file, count */
    ck_assert(r.tests[0].reported && r.tests[0].status == TEST_PASSED);
    chapter_result_free(&r);
    remove_tree(dir);
    free(target);
    free(log);
    free(text);
    free(dir);
}
END_TEST

START_TEST(fifo_log_adds_nothing_at_once)
{
    char *dir = unit_tempdir();
    char *log = path_join(dir, "check.xml");
    ck_assert_int_eq(mkfifo(log, 0600), 0);
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    double start = monotonic_seconds();
    checklog_read(log, &r);
    ck_assert_double_lt(monotonic_seconds() - start, 1.0);
    for (size_t i = 0; i < chapter.n_tests; i++)
        ck_assert(!r.tests[i].reported);
    chapter_result_free(&r);
    remove_tree(dir);
    free(log);
    free(dir);
}
END_TEST

Suite *checklog_suite(void)
{
    Suite *s = suite_create("check log");
    TCase *tc = tcase_create("xml");
    tcase_add_test(tc, each_verdict_is_read);
    tcase_add_test(tc, duplicate_record_is_an_error);
    tcase_add_test(tc, record_already_read_from_another_log_is_a_duplicate);
    tcase_add_test(tc, unknown_record_is_noted_not_scored);
    tcase_add_test(tc, truncated_log_keeps_complete_records);
    tcase_add_test(tc, missing_log_reports_nothing);
    suite_add_tcase(s, tc);
    TCase *untrusted = tcase_create("replaced log");
    tcase_set_timeout(untrusted, 3); /* reading the FIFO the old way never returns */
    tcase_add_test(untrusted, linked_log_adds_nothing);
    tcase_add_test(untrusted, fifo_log_adds_nothing_at_once);
    suite_add_tcase(s, untrusted);
    return s;
}
