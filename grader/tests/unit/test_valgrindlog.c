/* test_valgrindlog.c - valgrind's XML files are read as regular files only; one the
 * code under test replaced (a link, a FIFO) is charged, never waited on. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *student_files[] = {"src/a.c"};
static struct test_spec specs[] = {{"t_x", 1, 5, true}};
static struct chapter chapter = {.id = "01-x", .title = "x", .student_files = student_files,
                                 .n_student_files = 1, .tests = specs, .n_tests = 1};

struct vg {
    char *work, *xml_dir, *pid_log;
    struct analysis_result a;
};

/* A work folder with the student's file, the harness's pid log and, in build/vg,
 * helgrind.100.xml holding one race on the student's line 2. */
static void setup_vg(struct vg *v)
{
    v->work = unit_tempdir();
    unit_write(v->work, "src/a.c", "int n;\nvoid f(void) { n++; }\n");
    unit_write(v->work, "build/vg/helgrind.pids", "100 t_x\n");
    char *xml = xasprintf("<?xml version=\"1.0\"?>\n<valgrindoutput><pid>100</pid><ppid>1</ppid>"
                          "<error><kind>Race</kind><xwhat><text>Possible data race during "
                          "write of size 4</text></xwhat><stack><frame><dir>%s/src</dir>"
                          "<file>a.c</file><line>2</line></frame></stack></error>"
                          "</valgrindoutput>\n",
                          v->work);
    unit_write(v->work, "build/vg/helgrind.100.xml", xml);
    free(xml);
    v->xml_dir = path_join(v->work, "build/vg");
    v->pid_log = path_join(v->work, "build/vg/helgrind.pids");
    v->a = (struct analysis_result){.tool = "helgrind"};
}

static void read_vg(struct vg *v)
{
    struct valgrind_scope scope = {v->work, &chapter, v->pid_log, NULL};
    free(valgrind_read(&scope, v->xml_dir, "helgrind", &v->a));
}

/* What valgrind_read says of the covered test t_x's log: NULL when complete. */
static char *gap_of(struct vg *v)
{
    static const bool covered[] = {true};
    struct valgrind_scope scope = {v->work, &chapter, v->pid_log, covered};
    return valgrind_read(&scope, v->xml_dir, "helgrind", &v->a);
}

static void teardown_vg(struct vg *v)
{
    analysis_result_free(&v->a);
    remove_tree(v->work);
    free(v->work);
    free(v->xml_dir);
    free(v->pid_log);
}

static const struct finding *find_kind(const struct analysis_result *a, const char *kind)
{
    for (size_t i = 0; i < a->n_findings; i++)
        if (strcmp(a->findings[i].kind, kind) == 0)
            return &a->findings[i];
    return NULL;
}

START_TEST(regular_xml_is_read)
{
    struct vg v;
    setup_vg(&v);
    unit_write(v.work, "build/vg/helgrind.log", "not XML: the runner's own output\n");
    read_vg(&v);
    ck_assert_int_eq(v.a.errors, 1);
    const struct finding *f = find_kind(&v.a, "Race");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->test, "t_x");
    ck_assert_str_eq(f->where[0], "src/a.c:2");
    teardown_vg(&v);
}
END_TEST

/* setup_vg's log has no final <status>: the process did not run to its end */
START_TEST(a_log_without_its_end_does_not_count)
{
    struct vg v;
    setup_vg(&v);
    char *gap = gap_of(&v);
    ck_assert_ptr_nonnull(gap);
    ck_assert_ptr_nonnull(strstr(gap, "t_x is incomplete"));
    free(gap);
    teardown_vg(&v);
}
END_TEST

START_TEST(a_finished_log_counts)
{
    struct vg v;
    setup_vg(&v);
    unit_write(v.work, "build/vg/helgrind.100.xml",
               "<?xml version=\"1.0\"?>\n<valgrindoutput><pid>100</pid><ppid>1</ppid>"
               "<status><state>RUNNING</state></status><status><state>FINISHED</state>"
               "</status></valgrindoutput>\n");
    char *gap = gap_of(&v);
    ck_assert_msg(gap == NULL, "%s", gap);
    teardown_vg(&v);
}
END_TEST

START_TEST(a_covered_test_missing_from_the_log_does_not_count)
{
    struct vg v;
    setup_vg(&v);
    unit_write(v.work, "build/vg/helgrind.pids", "100 another_test\n");
    char *gap = gap_of(&v);
    ck_assert_ptr_nonnull(gap);
    ck_assert_ptr_nonnull(strstr(gap, "t_x did not run"));
    free(gap);
    teardown_vg(&v);
}
END_TEST

/* A Misc error of helgrind's with text what, at the student's line 2. */
static void write_misc(struct vg *v, const char *what)
{
    char *xml = xasprintf("<?xml version=\"1.0\"?>\n<valgrindoutput><pid>100</pid><ppid>1</ppid>"
                          "<error><kind>Misc</kind><xwhat><text>%s</text></xwhat><stack><frame>"
                          "<dir>%s/src</dir><file>a.c</file><line>2</line></frame></stack>"
                          "</error></valgrindoutput>\n",
                          what, v->work);
    unit_write(v->work, "build/vg/helgrind.100.xml", xml);
    free(xml);
}

START_TEST(signalling_while_another_thread_holds_the_lock_is_not_charged)
{
    struct vg v;
    setup_vg(&v);
    write_misc(&v, "Thread #1: pthread_cond_{signal,broadcast}: associated lock is not held "
                   "by calling thread");
    read_vg(&v);
    ck_assert_int_eq(v.a.errors, 0);
    ck_assert_int_eq(v.a.ignored, 1);
    teardown_vg(&v);
}
END_TEST

START_TEST(other_misuse_of_a_condition_is_charged)
{
    struct vg v;
    setup_vg(&v);
    write_misc(&v, "Thread #2: pthread_cond_{timed}wait called with un-held mutex");
    read_vg(&v);
    ck_assert_int_eq(v.a.errors, 1);
    teardown_vg(&v);
}
END_TEST

START_TEST(linked_xml_is_charged)
{
    struct vg v;
    setup_vg(&v);
    unit_write(v.work, "clean.xml", "<valgrindoutput><pid>101</pid></valgrindoutput>\n");
    char *target = path_join(v.work, "clean.xml");
    char *link = path_join(v.xml_dir, "helgrind.101.xml");
    ck_assert_int_eq(symlink(target, link), 0);
    read_vg(&v);
    ck_assert_int_eq(v.a.errors, 2);
    const struct finding *f = find_kind(&v.a, "UnreadableLog");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->message, ": build/vg/helgrind.101.xml is a symbolic link"));
    ck_assert_str_eq(f->test, "(unknown test)");
    free(target);
    free(link);
    teardown_vg(&v);
}
END_TEST

START_TEST(fifo_xml_is_charged_at_once)
{
    struct vg v;
    setup_vg(&v);
    char *fifo = path_join(v.xml_dir, "helgrind.102.xml");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    read_vg(&v);
    ck_assert_int_eq(v.a.errors, 2);
    const struct finding *f = find_kind(&v.a, "UnreadableLog");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->message, "is not a regular file (a FIFO)"));
    free(fifo);
    teardown_vg(&v);
}
END_TEST

Suite *valgrindlog_suite(void)
{
    Suite *s = suite_create("valgrind log");
    TCase *tc = tcase_create("xml files");
    tcase_set_timeout(tc, 3); /* reading the FIFO the old way never returns */
    tcase_add_test(tc, regular_xml_is_read);
    tcase_add_test(tc, a_log_without_its_end_does_not_count);
    tcase_add_test(tc, a_finished_log_counts);
    tcase_add_test(tc, a_covered_test_missing_from_the_log_does_not_count);
    tcase_add_test(tc, signalling_while_another_thread_holds_the_lock_is_not_charged);
    tcase_add_test(tc, other_misuse_of_a_condition_is_charged);
    tcase_add_test(tc, linked_xml_is_charged);
    tcase_add_test(tc, fifo_xml_is_charged_at_once);
    suite_add_tcase(s, tc);
    return s;
}
