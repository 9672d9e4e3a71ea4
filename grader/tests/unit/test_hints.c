/* test_hints.c - hints (hints.cfg, or the lesson's "## Hints"), the student's progress
 * file, and grade --hint's one-at-a-time order; every chapter of the workbook has hints
 * for each of its exercises. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hints.h"
#include "progress.h"
#include "student_commands.h"
#include "unit.h"

static char *files[] = {"src/lock.c", "src/rlock.c"};

static struct chapter chapter_in(const char *dir)
{
    return (struct chapter){.id = "09-x", .number = 9, .dir = (char *)dir, .title = "x",
                            .student_files = files, .n_student_files = 2};
}

static const char two_exercises[] =
    "hints = ( { file = \"src/rlock.c\"; hints = [ \"r1\", \"r2\" ]; },\n"
    "          { file = \"src/lock.c\"; hints = [ \"l1\", \"l2\", \"l3\" ]; } );\n";

START_TEST(hints_cfg_is_read_in_the_order_of_the_student_files)
{
    char *dir = unit_tempdir();
    unit_write(dir, "hints.cfg", two_exercises);
    struct chapter ch = chapter_in(dir);
    struct hint_set set;
    char err[256] = "";
    ck_assert_msg(hints_load(&ch, &set, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(set.n_exercises, 2);
    ck_assert_str_eq(set.exercises[0].file, "src/lock.c");
    ck_assert_uint_eq(set.exercises[0].n_hints, 3);
    ck_assert_str_eq(set.exercises[1].hints[1], "r2");
    /* by number (the lesson's), file, base name, stem */
    ck_assert_str_eq(hints_find(&set, &ch, "1")->file, "src/lock.c");
    ck_assert_str_eq(hints_find(&set, &ch, "2")->file, "src/rlock.c");
    ck_assert_str_eq(hints_find(&set, &ch, "src/rlock.c")->file, "src/rlock.c");
    ck_assert_str_eq(hints_find(&set, &ch, "rlock.c")->file, "src/rlock.c");
    ck_assert_str_eq(hints_find(&set, &ch, "lock")->file, "src/lock.c");
    ck_assert_ptr_null(hints_find(&set, &ch, "3"));
    ck_assert_ptr_null(hints_find(&set, &ch, "loc"));
    hints_free(&set);
    remove_tree(dir);
    free(dir);
}
END_TEST

static void assert_refused(const char *cfg, const char *expected)
{
    char *dir = unit_tempdir();
    unit_write(dir, "hints.cfg", cfg);
    struct chapter ch = chapter_in(dir);
    struct hint_set set;
    char err[512] = "";
    ck_assert_int_eq(hints_load(&ch, &set, err, sizeof err), -1);
    ck_assert_msg(strstr(err, expected) && strstr(err, "hints.cfg:"), "'%s' lacks '%s'", err,
                  expected);
    remove_tree(dir);
    free(dir);
}

START_TEST(broken_hints_cfg_is_named_with_its_line)
{
    assert_refused("hints = ( { file = \"src/other.c\"; hints = [ \"x\" ]; } );\n",
                   "one of the chapter's student_files");
    assert_refused("hints = ( { file = \"src/lock.c\"; hints = [ ]; } );\n", "at least one");
    assert_refused("hints = ( { file = \"src/lock.c\"; hints = [ \"\" ]; } );\n", "non-empty");
    assert_refused("hints = ( { file = \"src/lock.c\"; hints = [ \"a\" ]; },\n"
                   "          { file = \"src/lock.c\"; hints = [ \"b\" ]; } );\n",
                   "two entries");
    assert_refused("hints = ( { file = \"src/lock.c\"; hints = [ \"a\" ]; }\n", "syntax error");
}
END_TEST

START_TEST(without_hints_cfg_the_lessons_hints_are_used)
{
    char *dir = unit_tempdir();
    unit_write(dir, "README.md", "# x\n\n## Pitfalls\n\n- not a hint\n\n## Hints\n\n"
                                 "- first,\n  continued\n- second\n\n## After\n- not one\n");
    struct chapter ch = chapter_in(dir);
    struct hint_set set;
    char err[256] = "";
    ck_assert_msg(hints_load(&ch, &set, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(set.n_exercises, 1);
    ck_assert_ptr_null(set.exercises[0].file);
    ck_assert_uint_eq(set.exercises[0].n_hints, 2);
    ck_assert_str_eq(set.exercises[0].hints[0], "first, continued");
    ck_assert_str_eq(set.exercises[0].hints[1], "second");
    ck_assert_ptr_eq(hints_find(&set, &ch, "anything"), &set.exercises[0]);
    hints_free(&set);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Runs student_hint and returns what it printed. */
static char *hint_output(const struct chapter *ch, const char *exercise, struct progress *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char err[256] = "";
    int rc = student_hint(out, ch, exercise, p, err, sizeof err);
    fclose(out);
    ck_assert_msg(rc == 0, "%s", err);
    return text;
}

static void assert_hint(const struct chapter *ch, const char *exercise, const char *path,
                        const char *expected)
{
    struct progress p;
    char err[256];
    ck_assert_int_eq(progress_load(path, &p, err, sizeof err), 0);
    char *text = hint_output(ch, exercise, &p);
    ck_assert_msg(strstr(text, expected), "'%s' lacks '%s'", text, expected);
    free(text);
    progress_free(&p);
}

START_TEST(hints_come_one_at_a_time_and_are_remembered)
{
    char *dir = unit_tempdir();
    unit_write(dir, "hints.cfg", two_exercises);
    struct chapter ch = chapter_in(dir);
    char *path = path_join(dir, "progress.json");
    assert_hint(&ch, NULL, path, "1. src/lock.c: 0 of 3 shown");
    assert_hint(&ch, "lock", path, "Hint 1 of 3 for 09-x src/lock.c:\n\n  l1\n");
    assert_hint(&ch, "2", path, "Hint 1 of 2 for 09-x src/rlock.c:\n\n  r1\n");
    assert_hint(&ch, "lock.c", path, "Hint 2 of 3 for 09-x src/lock.c:\n\n  l2\n");
    assert_hint(&ch, "1", path, "Hint 3 of 3 for 09-x src/lock.c:\n\n  l3\n");
    assert_hint(&ch, "lock", path, "No more hints for 09-x src/lock.c: all 3 were shown");
    assert_hint(&ch, NULL, path, "1. src/lock.c: 3 of 3 shown");
    struct progress p;
    char err[256];
    ck_assert_int_eq(progress_load(path, &p, err, sizeof err), 0);
    ck_assert_int_eq(student_hint(stdout, &ch, "barrier", &p, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no exercise 'barrier'"), "%s", err);
    progress_free(&p);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(progress_keeps_the_last_score_of_each_chapter)
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "progress.json");
    struct chapter ch = chapter_in(dir);
    struct chapter_result r;
    chapter_result_init(&r, &ch);
    r.score = 40;
    r.max_score = 86;
    struct progress p;
    char err[256];
    ck_assert_int_eq(progress_load(path, &p, err, sizeof err), 0);
    ck_assert(!progress_chapter(&p, "09-x").graded);
    progress_record(&p, &r);
    ck_assert_int_eq(progress_save(&p, err, sizeof err), 0);
    progress_free(&p);
    ck_assert_int_eq(progress_load(path, &p, err, sizeof err), 0);
    struct chapter_progress c = progress_chapter(&p, "09-x");
    ck_assert(c.graded && !c.done && c.score == 40 && c.max_score == 86);
    r.score = 86;
    progress_record(&p, &r);
    ck_assert(progress_chapter(&p, "09-x").done);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    student_list(out, &ch, 1, &p);
    fclose(out);
    ck_assert_msg(strstr(text, "last: 86/86  done") && strstr(text, "1 of 1 chapters done"),
                  "%s", text);
    free(text);
    progress_free(&p);
    chapter_result_free(&r);
    /* a file that is not a progress file is named, and left alone */
    unit_write(dir, "progress.json", "[1, 2]\n");
    ck_assert_int_eq(progress_load(path, &p, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not a progress file"), "%s", err);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Every chapter of the workbook has a hints.cfg with at least two hints for each of its
 * exercises. */
START_TEST(every_exercise_of_the_workbook_has_hints)
{
    struct chapter *chs;
    size_t n;
    char err[512];
    ck_assert_int_eq(chapters_load_all("chapters", &chs, &n, err, sizeof err), 0);
    char *missing = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        struct hint_set set;
        char *cfg = path_join(chs[i].dir, "hints.cfg");
        bool has_cfg = is_file(cfg);
        free(cfg);
        if (!has_cfg || hints_load(&chs[i], &set, err, sizeof err) < 0) {
            char *longer = xasprintf("%s%s: %s\n", missing, chs[i].id,
                                     has_cfg ? err : "no hints.cfg");
            free(missing);
            missing = longer;
            continue;
        }
        for (size_t f = 0; f < chs[i].n_student_files; f++) {
            const struct exercise_hints *e = hints_find(&set, &chs[i], chs[i].student_files[f]);
            if (e == NULL || e->n_hints < 2) {
                char *longer = xasprintf("%s%s: %s has %zu hint(s), wants 2 or more\n", missing,
                                         chs[i].id, chs[i].student_files[f],
                                         e ? e->n_hints : 0);
                free(missing);
                missing = longer;
            }
        }
        hints_free(&set);
    }
    ck_assert_msg(missing[0] == '\0', "%s", missing);
    free(missing);
    for (size_t i = 0; i < n; i++)
        chapter_free(&chs[i]);
    free(chs);
}
END_TEST

Suite *hints_suite(void)
{
    Suite *s = suite_create("hints and progress");
    TCase *tc = tcase_create("hints");
    tcase_add_test(tc, hints_cfg_is_read_in_the_order_of_the_student_files);
    tcase_add_test(tc, broken_hints_cfg_is_named_with_its_line);
    tcase_add_test(tc, without_hints_cfg_the_lessons_hints_are_used);
    tcase_add_test(tc, hints_come_one_at_a_time_and_are_remembered);
    tcase_add_test(tc, progress_keeps_the_last_score_of_each_chapter);
    tcase_add_test(tc, every_exercise_of_the_workbook_has_hints);
    suite_add_tcase(s, tc);
    return s;
}
