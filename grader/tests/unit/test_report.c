/* test_report.c - the JSON report has the fixed names other tools rely on. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct test_spec specs[] = {{"t_ok", 2, 5, false}, {"t_bad", 3, 5, false}};
static struct chapter chapter = {.id = "01-x", .title = "Title", .tests = specs, .n_tests = 2};

static json_t *write_and_load(struct chapter_result *r, size_t n)
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "report.json");
    char err[256];
    ck_assert_int_eq(report_json_write(path, r, n, NULL, err, sizeof err), 0);
    json_t *root = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(root);
    remove_tree(dir);
    free(path);
    free(dir);
    return root;
}

START_TEST(json_report_has_the_documented_shape)
{
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    r.tests[0].status = TEST_PASSED;
    free(r.tests[0].message);
    r.tests[0].message = NULL;
    r.tests[1].status = TEST_TIMEOUT;
    free(r.tests[1].message);
    r.tests[1].message = xstrdup("timed out after 5 s");
    score_chapter(&r);
    json_t *root = write_and_load(&r, 1);
    ck_assert_double_eq(json_number_value(json_object_get(root, "score")), 2);
    ck_assert_double_eq(json_number_value(json_object_get(root, "max_score")), 5);
    json_t *ch = json_array_get(json_object_get(root, "chapters"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(ch, "id")), "01-x");
    ck_assert_str_eq(json_string_value(json_object_get(ch, "title")), "Title");
    ck_assert_str_eq(json_string_value(json_object_get(ch, "status")), "graded");
    ck_assert_double_eq(json_number_value(json_object_get(ch, "score")), 2);
    ck_assert_double_eq(json_number_value(json_object_get(ch, "max_score")), 5);
    json_t *bad = json_array_get(json_object_get(ch, "tests"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "name")), "t_bad");
    ck_assert_str_eq(json_string_value(json_object_get(bad, "status")), "timeout");
    ck_assert_double_eq(json_number_value(json_object_get(bad, "score")), 0);
    ck_assert_double_eq(json_number_value(json_object_get(bad, "max_score")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "message")), "timed out after 5 s");
    json_decref(root);
    chapter_result_free(&r);
}
END_TEST

START_TEST(compile_error_is_named_in_json)
{
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    r.status = CHAPTER_COMPILE_ERROR;
    r.message = xstrdup("src/a.c:1:1: error: expected ';'");
    chapter_result_fail_all(&r, TEST_ERROR, "compile error");
    score_chapter(&r);
    json_t *root = write_and_load(&r, 1);
    json_t *ch = json_array_get(json_object_get(root, "chapters"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(ch, "status")), "compile_error");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(ch, "message")), "error:"));
    json_t *t = json_array_get(json_object_get(ch, "tests"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(t, "status")), "error");
    ck_assert_str_eq(json_string_value(json_object_get(t, "message")), "compile error");
    json_decref(root);
    chapter_result_free(&r);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, json_report_has_the_documented_shape);
    tcase_add_test(tc, compile_error_is_named_in_json);
    suite_add_tcase(s, tc);
    return s;
}
