/* test_completions.c - a test passes only with exactly one genuine completion record
 * from its own process; a forged record voids the chapter. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static struct test_spec specs[] = {{"t_a", 1, 5, false}, {"t_b", 1, 5, false},
                                   {"t_c", 1, 5, false}, {"t_d", 1, 5, false}};
static struct chapter chapter = {.id = "01-x", .title = "x", .tests = specs, .n_tests = 4};

/* A result where Check passed every test. */
static void all_passed(struct chapter_result *r)
{
    chapter_result_init(r, &chapter);
    for (size_t i = 0; i < chapter.n_tests; i++) {
        r->tests[i].status = TEST_PASSED;
        free(r->tests[i].message);
        r->tests[i].message = NULL;
    }
}

START_TEST(only_one_genuine_record_makes_a_pass)
{
    struct completions c;
    ck_assert_int_eq(completions_init(&c, chapter.n_tests), 0);
    completions_record(&c, 0, 1, 0); /* t_a: its one record */
    completions_record(&c, 1, 0, 0); /* t_b: none: ended early */
    completions_record(&c, 2, 1, 0); /* t_c: one record, reported twice (a restart) */
    completions_record(&c, 2, 1, 0);
    /* t_d: never reported */
    struct chapter_result r;
    all_passed(&r);
    completions_apply(&c, &r);
    ck_assert_int_eq(r.tests[0].status, TEST_PASSED);
    ck_assert_int_eq(r.tests[1].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[1].message, "ended the test process early"));
    ck_assert_int_eq(r.tests[2].status, TEST_ERROR);
    ck_assert_ptr_nonnull(strstr(r.tests[2].message, "more than once"));
    ck_assert_int_eq(r.tests[3].status, TEST_ERROR);
    chapter_result_free(&r);
    completions_free(&c);
}
END_TEST

START_TEST(a_forged_record_voids_every_test)
{
    struct completions c;
    ck_assert_int_eq(completions_init(&c, chapter.n_tests), 0);
    for (size_t i = 0; i < chapter.n_tests; i++)
        completions_record(&c, i, 1, 0);
    completions_record(&c, 1, 0, 1); /* t_b's process wrote a record for another test */
    struct chapter_result r;
    all_passed(&r);
    completions_apply(&c, &r);
    for (size_t i = 0; i < chapter.n_tests; i++) {
        ck_assert_int_eq(r.tests[i].status, TEST_ERROR);
        ck_assert_ptr_nonnull(strstr(r.tests[i].message, "void"));
    }
    ck_assert_uint_eq(r.n_notes, 1);
    ck_assert_ptr_nonnull(strstr(r.notes[0], "forged completion records"));
    chapter_result_free(&r);
    completions_free(&c);
}
END_TEST

START_TEST(token_pipe_hands_over_the_token)
{
    struct completions c, other;
    ck_assert_int_eq(completions_init(&c, 1), 0);
    ck_assert_int_eq(completions_init(&other, 1), 0);
    ck_assert_uint_eq(strlen(c.token), 32);
    ck_assert_str_ne(c.token, other.token); /* a secret per run */
    int fd = completions_token_pipe(&c);
    ck_assert_int_ge(fd, 0);
    char got[64] = {0};
    ck_assert_int_eq(read(fd, got, sizeof got - 1), 32);
    ck_assert_str_eq(got, c.token);
    close(fd);
    completions_free(&c);
    completions_free(&other);
}
END_TEST

Suite *completions_suite(void)
{
    Suite *s = suite_create("completions");
    TCase *tc = tcase_create("records");
    tcase_add_test(tc, only_one_genuine_record_makes_a_pass);
    tcase_add_test(tc, a_forged_record_voids_every_test);
    tcase_add_test(tc, token_pipe_hands_over_the_token);
    suite_add_tcase(s, tc);
    return s;
}
