/* test_completions.c - a test passes only with exactly one genuine completion record. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static struct test_spec specs[] = {{"t_a", 1, 5, false}, {"t_b", 1, 5, false},
                                   {"t_c", 1, 5, false}, {"t_d", 1, 5, false}};
static struct chapter chapter = {.id = "01-x", .title = "x", .tests = specs, .n_tests = 4};

/* Every test passed according to Check; the records decide. */
static void apply(struct chapter_result *r, const char *(*records)(const char *token))
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "completions.log");
    struct completions c;
    ck_assert_int_eq(completions_open(&c, path), 0);
    const char *text = records(c.token);
    ck_assert_int_eq(write(c.fd, text, strlen(text)), (ssize_t)strlen(text));
    chapter_result_init(r, &chapter);
    for (size_t i = 0; i < chapter.n_tests; i++) {
        r->tests[i].status = TEST_PASSED;
        free(r->tests[i].message);
        r->tests[i].message = NULL;
    }
    completions_apply(&c, r);
    completions_close(&c);
    remove_tree(dir);
    free(path);
    free(dir);
}

static const char *mixed_records(const char *token)
{
    static char text[512];
    snprintf(text, sizeof text,
             "%s t_a\n"              /* genuine */
             "00000000000000000000000000000000 t_b\n" /* forged: wrong token */
             "%s t_c\n%s t_c\n"     /* twice */
             "%s t_d_extra\n",       /* not t_d */
             token, token, token, token);
    return text;
}

START_TEST(only_one_genuine_record_makes_a_pass)
{
    struct chapter_result r;
    apply(&r, mixed_records);
    ck_assert_int_eq(r.tests[0].status, TEST_PASSED);
    ck_assert_int_eq(r.tests[1].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[1].message, "ended the test process early"));
    ck_assert_int_eq(r.tests[2].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[2].message, "more than once"));
    ck_assert_int_eq(r.tests[3].status, TEST_ERROR);
    chapter_result_free(&r);
}
END_TEST

START_TEST(token_pipe_hands_over_the_token)
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "completions.log");
    struct completions c;
    ck_assert_int_eq(completions_open(&c, path), 0);
    ck_assert_uint_eq(strlen(c.token), 32);
    int fd = completions_token_pipe(&c);
    ck_assert_int_ge(fd, 0);
    char got[64] = {0};
    ck_assert_int_eq(read(fd, got, sizeof got - 1), 32);
    ck_assert_str_eq(got, c.token);
    close(fd);
    struct completions other;
    ck_assert_int_eq(completions_open(&other, path), 0);
    ck_assert_str_ne(other.token, c.token); /* a new secret every run */
    completions_close(&other);
    completions_close(&c);
    remove_tree(dir);
    free(path);
    free(dir);
}
END_TEST

/* The runner's code may unlink the log and put something else at its path once its
 * records are written: the grader reads them through its own descriptor. */
static void records_survive(void (*replace)(const char *path, const char *dir))
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "completions.log");
    struct completions c;
    ck_assert_int_eq(completions_open(&c, path), 0);
    char *text = xasprintf("%s t_a\n%s t_b\n%s t_c\n%s t_d\n", c.token, c.token, c.token,
                           c.token);
    ck_assert_int_eq(write(c.fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(unlink(path), 0);
    replace(path, dir);
    struct chapter_result r;
    chapter_result_init(&r, &chapter);
    for (size_t i = 0; i < chapter.n_tests; i++) {
        r.tests[i].status = TEST_PASSED;
        free(r.tests[i].message);
        r.tests[i].message = NULL;
    }
    completions_apply(&c, &r);
    for (size_t i = 0; i < chapter.n_tests; i++)
        ck_assert_msg(r.tests[i].status == TEST_PASSED, "%s: %s", specs[i].name,
                      r.tests[i].message ? r.tests[i].message : "");
    chapter_result_free(&r);
    completions_close(&c);
    remove_tree(dir);
    free(text);
    free(path);
    free(dir);
}

static void put_fifo(const char *path, const char *dir)
{
    (void)dir;
    ck_assert_int_eq(mkfifo(path, 0600), 0);
}

static void put_link_to_empty_file(const char *path, const char *dir)
{
    unit_write(dir, "empty.log", "");
    char *target = path_join(dir, "empty.log");
    ck_assert_int_eq(symlink(target, path), 0);
    free(target);
}

START_TEST(records_are_read_after_a_fifo_replaced_the_log)
{
    records_survive(put_fifo);
}
END_TEST

START_TEST(records_are_read_after_a_link_replaced_the_log)
{
    records_survive(put_link_to_empty_file);
}
END_TEST

START_TEST(open_refuses_a_link_at_the_path)
{
    char *dir = unit_tempdir();
    unit_write(dir, "precious.txt", "keep me\n");
    char *target = path_join(dir, "precious.txt"), *path = path_join(dir, "completions.log");
    ck_assert_int_eq(symlink(target, path), 0);
    struct completions c;
    ck_assert_int_eq(completions_open(&c, path), -1); /* not truncating what it points to */
    char *text = read_text_file(target, 64);
    ck_assert_str_eq(text, "keep me\n");
    completions_close(&c);
    remove_tree(dir);
    free(text);
    free(target);
    free(path);
    free(dir);
}
END_TEST

START_TEST(open_refuses_a_fifo_at_the_path)
{
    char *dir = unit_tempdir();
    char *path = path_join(dir, "completions.log");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    struct completions c;
    ck_assert_int_eq(completions_open(&c, path), -1);
    completions_close(&c);
    remove_tree(dir);
    free(path);
    free(dir);
}
END_TEST

Suite *completions_suite(void)
{
    Suite *s = suite_create("completions");
    TCase *tc = tcase_create("records");
    tcase_add_test(tc, only_one_genuine_record_makes_a_pass);
    tcase_add_test(tc, token_pipe_hands_over_the_token);
    suite_add_tcase(s, tc);
    TCase *replaced = tcase_create("replaced log");
    tcase_set_timeout(replaced, 3); /* reading the FIFO by its path never returns */
    tcase_add_test(replaced, records_are_read_after_a_fifo_replaced_the_log);
    tcase_add_test(replaced, records_are_read_after_a_link_replaced_the_log);
    tcase_add_test(replaced, open_refuses_a_link_at_the_path);
    tcase_add_test(replaced, open_refuses_a_fifo_at_the_path);
    suite_add_tcase(s, replaced);
    return s;
}
