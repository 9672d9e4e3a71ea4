/* test_collect.c - only the student files come from a submission. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

struct fixture {
    char *base, *root_ch, *sub, *work;
    struct chapter ch;
    struct grade_config cfg;
};

static char *student_files[] = {"src/a.c"};
static struct test_spec specs[] = {{"t", 1, 5, false}};

static void setup_fixture(struct fixture *f)
{
    f->base = unit_tempdir();
    f->root_ch = path_join(f->base, "root/chapters/01-x");
    f->sub = path_join(f->base, "sub");
    f->work = path_join(f->base, "work");
    unit_write(f->root_ch, "include/a.h", "int a(void);\n");
    unit_write(f->root_ch, "tests/test_a.c", "/* the real test */\n");
    f->ch = (struct chapter){.id = "01-x", .dir = f->root_ch, .title = "x",
                             .student_files = student_files, .n_student_files = 1,
                             .tests = specs, .n_tests = 1};
    f->cfg = (struct grade_config){.root = f->base, .submission = f->sub, .workdir = f->work};
}

static void teardown_fixture(struct fixture *f)
{
    remove_tree(f->base);
    free(f->base);
    free(f->root_ch);
    free(f->sub);
    free(f->work);
}

static char *work_file(struct fixture *f, const char *rel)
{
    char *path = xasprintf("%s/01-x/%s", f->work, rel);
    char *text = read_text_file(path, 4096);
    free(path);
    return text;
}

START_TEST(edited_tests_and_headers_are_ignored)
{
    struct fixture f;
    setup_fixture(&f);
    unit_write(f.sub, "01-x/src/a.c", "int a(void) { return 1; }\n");
    unit_write(f.sub, "01-x/tests/test_a.c", "/* always passes */\n");
    unit_write(f.sub, "01-x/include/a.h", "#define a() 1\n");
    unit_write(f.sub, "01-x/src/extra.c", "int extra;\n");
    struct chapter_result r;
    chapter_result_init(&r, &f.ch);
    ck_assert_int_eq(collect_chapter(&f.cfg, &f.ch, &r), 0);
    char *test = work_file(&f, "tests/test_a.c"), *header = work_file(&f, "include/a.h");
    char *student = work_file(&f, "src/a.c"), *extra = work_file(&f, "src/extra.c");
    ck_assert_str_eq(test, "/* the real test */\n");
    ck_assert_str_eq(header, "int a(void);\n");
    ck_assert_str_eq(student, "int a(void) { return 1; }\n");
    ck_assert_ptr_null(extra);
    free(test);
    free(header);
    free(student);
    chapter_result_free(&r);
    teardown_fixture(&f);
}
END_TEST

START_TEST(missing_student_file_is_an_error)
{
    struct fixture f;
    setup_fixture(&f);
    unit_write(f.sub, "01-x/src/other.c", "\n");
    struct chapter_result r;
    chapter_result_init(&r, &f.ch);
    ck_assert_int_eq(collect_chapter(&f.cfg, &f.ch, &r), -1);
    ck_assert_int_eq(r.status, CHAPTER_ERROR);
    ck_assert_str_eq(r.message, "src/a.c is missing from the submission");
    chapter_result_free(&r);
    teardown_fixture(&f);
}
END_TEST

START_TEST(symlinked_student_file_is_refused)
{
    struct fixture f;
    setup_fixture(&f);
    unit_write(f.sub, "01-x/src/keep.txt", "\n");
    char *link = path_join(f.sub, "01-x/src/a.c");
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
    struct chapter_result r;
    chapter_result_init(&r, &f.ch);
    ck_assert_int_eq(collect_chapter(&f.cfg, &f.ch, &r), -1);
    ck_assert_ptr_nonnull(strstr(r.message, "not a regular file"));
    chapter_result_free(&r);
    free(link);
    teardown_fixture(&f);
}
END_TEST

START_TEST(missing_chapter_folder_is_an_error)
{
    struct fixture f;
    setup_fixture(&f);
    ck_assert_int_eq(mkdir_p(f.sub), 0);
    struct chapter_result r;
    chapter_result_init(&r, &f.ch);
    ck_assert_int_eq(collect_chapter(&f.cfg, &f.ch, &r), -1);
    ck_assert_str_eq(r.message, "the submission has no folder 01-x");
    chapter_result_free(&r);
    teardown_fixture(&f);
}
END_TEST

/* A linked folder would take files from wherever it points, as a linked file would. */
static void assert_refused_link(struct fixture *f, const char *message)
{
    struct chapter_result r;
    chapter_result_init(&r, &f->ch);
    ck_assert_int_eq(collect_chapter(&f->cfg, &f->ch, &r), -1);
    ck_assert_int_eq(r.status, CHAPTER_ERROR);
    ck_assert_str_eq(r.message, message);
    char *copied = work_file(f, "src/a.c");
    ck_assert_ptr_null(copied);
    chapter_result_free(&r);
}

START_TEST(linked_src_folder_is_refused)
{
    struct fixture f;
    setup_fixture(&f);
    unit_write(f.base, "elsewhere/a.c", "int a(void) { return 1; }\n");
    ck_assert_int_eq(mkdir_p(f.sub), 0);
    char *chapter = path_join(f.sub, "01-x"), *src = path_join(f.sub, "01-x/src");
    char *target = path_join(f.base, "elsewhere");
    ck_assert_int_eq(mkdir(chapter, 0755), 0);
    ck_assert_int_eq(symlink(target, src), 0);
    assert_refused_link(&f, "src in the submission is a link to a folder; links are not allowed");
    free(chapter);
    free(src);
    free(target);
    teardown_fixture(&f);
}
END_TEST

START_TEST(linked_chapter_folder_is_refused)
{
    struct fixture f;
    setup_fixture(&f);
    unit_write(f.base, "elsewhere/src/a.c", "int a(void) { return 1; }\n");
    ck_assert_int_eq(mkdir_p(f.sub), 0);
    char *chapter = path_join(f.sub, "01-x"), *target = path_join(f.base, "elsewhere");
    ck_assert_int_eq(symlink(target, chapter), 0);
    assert_refused_link(&f, "01-x in the submission is a link to a folder; links are not allowed");
    free(chapter);
    free(target);
    teardown_fixture(&f);
}
END_TEST

START_TEST(linked_nested_folder_is_refused)
{
    struct fixture f;
    setup_fixture(&f);
    static char *nested[] = {"src/sub/a.c"};
    f.ch.student_files = nested;
    unit_write(f.base, "elsewhere/a.c", "int a(void) { return 1; }\n");
    unit_write(f.sub, "01-x/src/keep.txt", "\n");
    char *sub = path_join(f.sub, "01-x/src/sub"), *target = path_join(f.base, "elsewhere");
    ck_assert_int_eq(symlink(target, sub), 0);
    struct chapter_result r;
    chapter_result_init(&r, &f.ch);
    ck_assert_int_eq(collect_chapter(&f.cfg, &f.ch, &r), -1);
    ck_assert_str_eq(r.message,
                     "src/sub in the submission is a link to a folder; links are not allowed");
    chapter_result_free(&r);
    free(sub);
    free(target);
    teardown_fixture(&f);
}
END_TEST

Suite *collect_suite(void)
{
    Suite *s = suite_create("collect");
    TCase *tc = tcase_create("student files");
    tcase_add_test(tc, edited_tests_and_headers_are_ignored);
    tcase_add_test(tc, missing_student_file_is_an_error);
    tcase_add_test(tc, symlinked_student_file_is_refused);
    tcase_add_test(tc, missing_chapter_folder_is_an_error);
    tcase_add_test(tc, linked_src_folder_is_refused);
    tcase_add_test(tc, linked_chapter_folder_is_refused);
    tcase_add_test(tc, linked_nested_folder_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
