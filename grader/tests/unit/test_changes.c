/* test_changes.c - the workbook files a submission changed are named: edited and added
 * ones in its chapter folders, and its Makefile and grader/ files; never its student
 * files, nor the files it lacks, nor what a linked folder leads to. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static char *student_files[] = {"src/a.c"};

struct repos {
    char *base, *root, *sub, *ch_dir, *sub_chapters;
    struct chapter ch;
};

/* A workbook (root) and a student's repository (sub) holding the same files. */
static void setup_repos(struct repos *r)
{
    r->base = unit_tempdir();
    r->root = path_join(r->base, "workbook");
    r->sub = path_join(r->base, "student");
    r->ch_dir = path_join(r->root, "chapters/01-x");
    r->sub_chapters = path_join(r->sub, "chapters");
    const char *files[][2] = {{"chapters/01-x/chapter.cfg", "points = 2;\n"},
                              {"chapters/01-x/tests/test_a.c", "assert(a() == 1);\n"},
                              {"chapters/01-x/include/a.h", "int a(void);\n"},
                              {"chapters/01-x/src/a.c", "int a(void) { return 0; }\n"},
                              {"chapters/01-x/README.md", "the lesson\n"},
                              {"Makefile", "all:\n"},
                              {"grader/src/g.c", "int grade;\n"}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        unit_write(r->root, files[i][0], files[i][1]);
        unit_write(r->sub, files[i][0], files[i][1]);
    }
    unit_write(r->root, "grader/tests/t.c", "the workbook's own tests\n");
    r->ch = (struct chapter){.id = "01-x", .dir = r->ch_dir, .title = "x",
                             .student_files = student_files, .n_student_files = 1};
}

static void teardown_repos(struct repos *r)
{
    remove_tree(r->base);
    free(r->base);
    free(r->root);
    free(r->sub);
    free(r->ch_dir);
    free(r->sub_chapters);
}

static char *changes_of(struct repos *r, const char *sub_chapters, const char *prefix)
{
    const struct chapter *chs[] = {&r->ch};
    char **changed;
    size_t n = workbook_changes(r->root, sub_chapters, prefix, chs, 1, &changed);
    char *list = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *longer = xasprintf("%s%s\n", list, changed[i]);
        free(list);
        list = longer;
    }
    workbook_changes_free(changed, n);
    return list;
}

START_TEST(an_untouched_copy_changes_nothing)
{
    struct repos r;
    setup_repos(&r);
    unit_write(r.sub, "chapters/01-x/src/a.c", "int a(void) { return 1; }\n");
    char *list = changes_of(&r, r.sub_chapters, "chapters/");
    ck_assert_str_eq(list, ""); /* the student file is theirs to change */
    free(list);
    teardown_repos(&r);
}
END_TEST

START_TEST(edited_and_added_files_are_named)
{
    struct repos r;
    setup_repos(&r);
    unit_write(r.sub, "chapters/01-x/chapter.cfg", "points = 200;\n");
    unit_write(r.sub, "chapters/01-x/tests/test_a.c", "/* asserts nothing */\n");
    unit_write(r.sub, "chapters/01-x/tests/extra.c", "int extra;\n");
    char *readme = path_join(r.sub, "chapters/01-x/README.md");
    unlink(readme);
    free(readme);
    unit_write(r.sub, "grader/src/g.c", "int grade = 100;\n");
    unit_write(r.sub, "grader/src/new.c", "int mine;\n");
    char *list = changes_of(&r, r.sub_chapters, "chapters/");
    ck_assert_str_eq(list, "chapters/01-x/chapter.cfg\n"
                           "chapters/01-x/tests/extra.c\n"
                           "chapters/01-x/tests/test_a.c\n"
                           "grader/src/g.c\n"
                           "grader/src/new.c\n");
    free(list);
    teardown_repos(&r);
}
END_TEST

START_TEST(a_changed_makefile_is_named)
{
    struct repos r;
    setup_repos(&r);
    unit_write(r.sub, "Makefile", "grade:\n\techo 100/100\n");
    char *list = changes_of(&r, r.sub_chapters, "chapters/");
    ck_assert_str_eq(list, "Makefile\n");
    free(list);
    teardown_repos(&r);
}
END_TEST

START_TEST(a_chapters_folder_is_compared_alone)
{
    struct repos r;
    setup_repos(&r);
    unit_write(r.sub, "Makefile", "changed, but not part of a chapters-shaped submission\n");
    unit_write(r.sub, "chapters/01-x/include/a.h", "#define a() 1\n");
    char *list = changes_of(&r, r.sub_chapters, "");
    ck_assert_str_eq(list, "01-x/include/a.h\n");
    free(list);
    teardown_repos(&r);
}
END_TEST

START_TEST(a_linked_folder_is_not_followed)
{
    struct repos r;
    setup_repos(&r);
    unit_write(r.base, "elsewhere/secret.txt", "not the submission's\n");
    char *ch = path_join(r.sub_chapters, "01-x"), *grader = path_join(r.sub, "grader");
    char *elsewhere = path_join(r.base, "elsewhere");
    remove_tree(ch);
    remove_tree(grader);
    ck_assert_int_eq(symlink(elsewhere, ch), 0);
    ck_assert_int_eq(symlink(elsewhere, grader), 0);
    char *list = changes_of(&r, r.sub_chapters, "chapters/");
    ck_assert_str_eq(list, "");
    free(list);
    free(elsewhere);
    free(grader);
    free(ch);
    teardown_repos(&r);
}
END_TEST

Suite *changes_suite(void)
{
    Suite *s = suite_create("changes");
    TCase *tc = tcase_create("changes");
    tcase_add_test(tc, an_untouched_copy_changes_nothing);
    tcase_add_test(tc, edited_and_added_files_are_named);
    tcase_add_test(tc, a_changed_makefile_is_named);
    tcase_add_test(tc, a_chapters_folder_is_compared_alone);
    tcase_add_test(tc, a_linked_folder_is_not_followed);
    suite_add_tcase(s, tc);
    return s;
}
