/* test_chapter.c - reading chapter.cfg: valid files, and a clear error for each mistake. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const char valid_cfg[] =
    "title = \"fork\";\n"
    "student_files = [ \"src/a.c\", \"src/b.c\" ];\n"
    "timeout = 5;\n"
    "analyses = { helgrind = true; memcheck = { points = 3; }; };\n"
    "tests = (\n"
    "  { name = \"t_one\"; points = 2; },\n"
    "  { name = \"t_two\"; points = 1.5; timeout = 30.0; valgrind = true; }\n"
    ");\n";

/* Loads text as dir/01-x/chapter.cfg; returns chapter_load's result. */
static int load(const char *text, struct chapter *ch, char *err, size_t errlen)
{
    char *dir = unit_tempdir();
    char *chdir_ = path_join(dir, "01-x");
    unit_write(chdir_, "chapter.cfg", text);
    int rc = chapter_load(chdir_, ch, err, errlen);
    remove_tree(dir);
    free(chdir_);
    free(dir);
    return rc;
}

START_TEST(valid_metadata_is_read)
{
    struct chapter ch;
    char err[512];
    ck_assert_int_eq(load(valid_cfg, &ch, err, sizeof err), 0);
    ck_assert_str_eq(ch.id, "01-x");
    ck_assert_int_eq(ch.number, 1);
    ck_assert_str_eq(ch.title, "fork");
    ck_assert_uint_eq(ch.n_student_files, 2);
    ck_assert_str_eq(ch.student_files[1], "src/b.c");
    ck_assert_uint_eq(ch.n_tests, 2);
    ck_assert_double_eq(ch.tests[0].points, 2);
    ck_assert_double_eq(ch.tests[0].timeout, 5); /* the chapter default */
    ck_assert(!ch.tests[0].valgrind);
    ck_assert_double_eq(ch.tests[1].points, 1.5);
    ck_assert_double_eq(ch.tests[1].timeout, 30);
    ck_assert(ch.tests[1].valgrind);
    ck_assert(ch.helgrind.on && ch.helgrind.points == 2); /* true: the default points */
    ck_assert(ch.memcheck.on && ch.memcheck.points == 3);
    chapter_free(&ch);
}
END_TEST

START_TEST(policy_settings_are_read)
{
    static const char cfg[] =
        "title = \"x\"; student_files = [ \"src/a.c\" ];\n"
        "tests = ( { name = \"t\"; points = 1; } );\n"
        "exports = [ \"run_in_child\", \"tq_fifo\" ];\n"
        "forbidden = ( { name = \"pthread_barrier_*\"; reason = \"build it\" \" yourself\"; } );\n"
        "review = ( { name = \"pthread_exit\"; reason = \"no threads here\"; } );\n";
    struct chapter ch;
    char err[512];
    ck_assert_msg(load(cfg, &ch, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(ch.n_exports, 2);
    ck_assert_str_eq(ch.exports[1], "tq_fifo");
    ck_assert_uint_eq(ch.n_forbidden, 1);
    ck_assert_str_eq(ch.forbidden[0].name, "pthread_barrier_*");
    ck_assert_str_eq(ch.forbidden[0].reason, "build it yourself"); /* strings joined */
    ck_assert_uint_eq(ch.n_review, 1);
    ck_assert_str_eq(ch.review[0].reason, "no threads here");
    chapter_free(&ch);
    /* all three may be left out: nothing exported, forbidden or reviewed */
    ck_assert_int_eq(load(valid_cfg, &ch, err, sizeof err), 0);
    ck_assert_uint_eq(ch.n_exports + ch.n_forbidden + ch.n_review, 0);
    chapter_free(&ch);
}
END_TEST

/* Each broken file, and a phrase its error message must contain. */
static const struct {
    const char *text, *error;
} broken[] = {
    {"student_files = [\"src/a.c\"]; tests = ({name=\"t\"; points=1;});", "missing 'title'"},
    {"title=\"x\"; tests = ({name=\"t\"; points=1;});", "'student_files'"},
    {"title=\"x\"; student_files=[\"../a.c\"]; tests=({name=\"t\"; points=1;});", "under src/"},
    {"title=\"x\"; student_files=[\"src/a.c\"];", "'tests'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\";});", "needs 'points'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=-1;});",
     "must not be negative"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=\"two\";});",
     "must be a number"},
    {"title=\"x\"; student_files=[\"src/a.c\"];\ntests=({name=\"t\"; points=1; point=2;});",
     ":2: unknown setting 'point'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;},"
     "{name=\"t\"; points=1;});",
     "declared twice"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1; timeout=0;});",
     "timeout must be positive"},
    {"title=\"x\"; titel=\"y\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});",
     "unknown setting 'titel'"},
    {"title=\"x\" student_files", "syntax error"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; analyses={memcheck=true;};"
     "tests=({name=\"t\"; points=1;});",
     "no test is marked 'valgrind = true;'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; analyses={memcheck={point=1;};};"
     "tests=({name=\"t\"; points=1; valgrind=true;});",
     "unknown setting 'point'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "exports = [ \"run in child\" ];",
     "'exports': 'run in child' is not a C identifier"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "exports = [ \"f\", \"g\", \"f\" ];",
     "'f' is listed twice"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "exports = \"f\";",
     "'exports' must be a list"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "forbidden = ( { name = \"exit\"; } );",
     "'forbidden': 'exit' needs a 'reason'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "forbidden = [ \"exit\" ];",
     "'forbidden' must be a list: ( { name"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "review = ( { name = \"*exit\"; reason = \"r\"; } );",
     "'review': 'name' must be a function name"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "\nreview = ( { name = \"f\"; reason = \"r\"; why = \"w\"; } );",
     ":2: unknown setting 'why'"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "\ntest_sources = ( { source = \"tests/t.c\"; files = [ \"src/b.c\" ]; } );",
     ":2: test_sources: 'src/b.c' is not one of the student_files"},
    {"title=\"x\"; student_files=[\"src/a.c\"]; tests=({name=\"t\"; points=1;});"
     "test_sources = ( { source = \"t.c\"; files = [ \"src/a.c\" ]; } );",
     "'source' must be a path like \"tests/test_x.c\""},
};

START_TEST(broken_metadata_is_explained)
{
    struct chapter ch;
    char err[512];
    ck_assert_msg(load(broken[_i].text, &ch, err, sizeof err) == -1,
                  "case %d was accepted: %s", _i, broken[_i].text);
    ck_assert_msg(strstr(err, broken[_i].error) != NULL, "case %d: error '%s' lacks '%s'", _i,
                  err, broken[_i].error);
    ck_assert_msg(strstr(err, "chapter.cfg") != NULL, "error '%s' does not name the file", err);
}
END_TEST

/* Each test exercises the student files its tests/ file names (test_a.c: src/a.c), or
 * those test_sources gives that file; a test no tests/ file defines exercises none. */
START_TEST(tests_know_the_files_they_exercise)
{
    static const char cfg[] =
        "title = \"x\"; student_files = [ \"src/a.c\", \"src/b.c\", \"src/c.c\" ];\n"
        "tests = ( { name = \"a_one\"; points = 1; }, { name = \"both\"; points = 1; },\n"
        "          { name = \"lost\"; points = 1; }, { name = \"a_two\"; points = 1; } );\n"
        "test_sources = ( { source = \"tests/test_bc.c\"; files = [ \"src/b.c\", \"src/c.c\" ]; } );\n";
    char *dir = unit_tempdir();
    char *ch_dir = path_join(dir, "01-x");
    unit_write(ch_dir, "chapter.cfg", cfg);
    unit_write(ch_dir, "tests/test_a.c", "WB_TEST(a_one) { }\nWB_TEST( a_two ) { }\n"
                                         "/* WB_TEST(name) in prose */\n");
    unit_write(ch_dir, "tests/test_bc.c", "#include \"wb_test.h\"\nWB_TEST(both)\n{\n}\n");
    struct chapter ch;
    char err[512];
    ck_assert_msg(chapter_load(ch_dir, &ch, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(ch.exercises[0].source, "tests/test_a.c");
    ck_assert_uint_eq(ch.exercises[0].n_files, 1);
    ck_assert_str_eq(ch.exercises[0].files[0], "src/a.c");
    ck_assert_uint_eq(ch.exercises[3].n_files, 1);
    ck_assert(same_exercise(&ch, 0, 3));
    ck_assert(!same_exercise(&ch, 0, 1));
    ck_assert_str_eq(ch.exercises[1].source, "tests/test_bc.c");
    ck_assert_uint_eq(ch.exercises[1].n_files, 2);
    ck_assert(test_exercises(&ch, 1, "src/c.c"));
    ck_assert(!test_exercises(&ch, 1, "src/a.c"));
    char *label = exercise_label(&ch, 1);
    ck_assert_str_eq(label, "b.c, c.c");
    free(label);
    ck_assert_ptr_null(ch.exercises[2].source);
    ck_assert_uint_eq(ch.exercises[2].n_files, 0);
    chapter_free(&ch);
    remove_tree(dir);
    free(ch_dir);
    free(dir);
}
END_TEST

START_TEST(chapters_are_found_by_number_or_name)
{
    char *dir = unit_tempdir();
    char *a = path_join(dir, "02-two"), *b = path_join(dir, "01-one");
    unit_write(a, "chapter.cfg", valid_cfg);
    unit_write(b, "chapter.cfg", valid_cfg);
    unit_write(dir, "notes/readme.txt", "not a chapter");
    struct chapter *chs;
    size_t n;
    char err[512];
    ck_assert_int_eq(chapters_load_all(dir, &chs, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(chs[0].id, "01-one"); /* sorted */
    ck_assert_ptr_eq(chapter_find(chs, n, "1"), &chs[0]);
    ck_assert_ptr_eq(chapter_find(chs, n, "02"), &chs[1]);
    ck_assert_ptr_eq(chapter_find(chs, n, "02-two"), &chs[1]);
    ck_assert_ptr_null(chapter_find(chs, n, "3"));
    ck_assert_ptr_null(chapter_find(chs, n, "two"));
    ck_assert_ptr_null(chs[0].load_error);
    for (size_t i = 0; i < n; i++)
        chapter_free(&chs[i]);
    free(chs);
    /* a broken chapter is kept, named and explained; the others still load */
    unit_write(a, "chapter.cfg", "title = \"broken\"");
    ck_assert_int_eq(chapters_load_all(dir, &chs, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_ptr_null(chs[0].load_error);
    ck_assert_str_eq(chs[1].id, "02-two");
    ck_assert_ptr_nonnull(strstr(chs[1].load_error, "chapter.cfg"));
    for (size_t i = 0; i < n; i++)
        chapter_free(&chs[i]);
    free(chs);
    remove_tree(dir);
    free(a);
    free(b);
    free(dir);
}
END_TEST

START_TEST(no_chapters_is_an_error)
{
    char *dir = unit_tempdir();
    struct chapter *chs;
    size_t n;
    char err[512];
    ck_assert_int_eq(chapters_load_all(dir, &chs, &n, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no chapters found"));
    remove_tree(dir);
    free(dir);
}
END_TEST

Suite *chapter_suite(void)
{
    Suite *s = suite_create("chapter metadata");
    TCase *tc = tcase_create("chapter.cfg");
    tcase_add_test(tc, valid_metadata_is_read);
    tcase_add_test(tc, policy_settings_are_read);
    tcase_add_loop_test(tc, broken_metadata_is_explained, 0,
                        (int)(sizeof broken / sizeof *broken));
    tcase_add_test(tc, tests_know_the_files_they_exercise);
    tcase_add_test(tc, chapters_are_found_by_number_or_name);
    tcase_add_test(tc, no_chapters_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
