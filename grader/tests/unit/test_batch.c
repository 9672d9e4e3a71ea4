/* test_batch.c - the parts of grade --batch that need no grading: SHA-256, the manifest
 * and the resume decision, reading a commit from .git without git, the provenance in
 * the JSON report, a report read back, CSV quoting and the gradebook's rows, and the
 * class summary's statistics. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gradebook.h"
#include "manifest.h"
#include "provenance.h"
#include "sha256.h"
#include "unit.h"

/* ---- SHA-256: FIPS 180-4's examples ---- */

START_TEST(sha256_matches_the_standard_examples)
{
    char hex[65];
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a', fed in pieces that straddle the 64-byte blocks */
    struct sha256 h;
    sha256_init(&h);
    char as[997];
    memset(as, 'a', sizeof as);
    size_t left = 1000000;
    while (left > 0) {
        size_t take = left < sizeof as ? left : sizeof as;
        sha256_update(&h, as, take);
        left -= take;
    }
    sha256_final_hex(&h, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* ---- the manifest and the resume decision ---- */

static char *student_files[] = {"src/a.c", "src/b.c"};
static struct chapter manifest_chapter = {.id = "01-x", .student_files = student_files,
                                          .n_student_files = 2};

START_TEST(manifest_names_each_student_file_by_size_and_hash)
{
    char *dir = unit_tempdir();
    unit_write(dir, "01-x/src/a.c", "abc");
    unit_write(dir, "01-x/src/other.c", "not a student file");
    const struct chapter *chs[] = {&manifest_chapter};
    char *m = manifest_build("workbook 1234\n", dir, chs, 1);
    ck_assert_str_eq(m, "wb-manifest 1\nworkbook 1234\n"
                        "file 01-x/src/a.c 3 "
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
                        "file 01-x/src/b.c missing\n");
    char *link = path_join(dir, "01-x/src/b.c");
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
    char *m2 = manifest_build("", dir, chs, 1);
    ck_assert_ptr_nonnull(strstr(m2, "file 01-x/src/b.c link\n"));
    free(m2);
    free(link);
    free(m);
    remove_tree(dir);
    free(dir);
}
END_TEST

static void write_report(const char *path, bool complete)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "{\"score\": 1, \"complete\": %s, \"chapters\": []}\n",
            complete ? "true" : "false");
    fclose(f);
}

START_TEST(resume_grades_only_what_changed)
{
    char *dir = unit_tempdir();
    unit_write(dir, "sub/01-x/src/a.c", "int a;\n");
    unit_write(dir, "sub/01-x/src/b.c", "int b;\n");
    char *sub = path_join(dir, "sub"), *stored = path_join(dir, "s.manifest"),
         *json = path_join(dir, "s.json");
    const struct chapter *chs[] = {&manifest_chapter};
    char *now = manifest_build("workbook 1\n", sub, chs, 1);
    ck_assert_int_eq(manifest_decide(stored, now, json, false), MANIFEST_GRADE_NEW);
    ck_assert_int_eq(manifest_save(stored, now), 0);
    write_report(json, true);
    ck_assert_int_eq(manifest_decide(stored, now, json, false), MANIFEST_SKIP);
    ck_assert_int_eq(manifest_decide(stored, now, json, true), MANIFEST_GRADE_FORCED);
    /* a stopped grading's report, or none */
    write_report(json, false);
    ck_assert_int_eq(manifest_decide(stored, now, json, false), MANIFEST_GRADE_INCOMPLETE);
    unlink(json);
    ck_assert_int_eq(manifest_decide(stored, now, json, false), MANIFEST_GRADE_INCOMPLETE);
    write_report(json, true);
    /* the same size, one byte changed: the hash sees it */
    unit_write(dir, "sub/01-x/src/b.c", "int c;\n");
    char *edited = manifest_build("workbook 1\n", sub, chs, 1);
    ck_assert_int_eq(manifest_decide(stored, edited, json, false), MANIFEST_GRADE_CHANGED);
    /* another workbook commit */
    unit_write(dir, "sub/01-x/src/b.c", "int b;\n");
    char *same = manifest_build("workbook 1\n", sub, chs, 1);
    ck_assert_int_eq(manifest_decide(stored, same, json, false), MANIFEST_SKIP);
    char *other = manifest_build("workbook 2\n", sub, chs, 1);
    ck_assert_int_eq(manifest_decide(stored, other, json, false), MANIFEST_GRADE_CHANGED);
    /* a file that is not a student file changes nothing */
    unit_write(dir, "sub/01-x/README.md", "notes\n");
    char *readme = manifest_build("workbook 1\n", sub, chs, 1);
    ck_assert_str_eq(readme, now);
    free(readme), free(other), free(same), free(edited), free(now);
    free(sub), free(stored), free(json);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(tree_hash_changes_with_any_file)
{
    char *dir = unit_tempdir();
    unit_write(dir, "tests/t.c", "one\n");
    char *before = manifest_tree_hash(dir);
    unit_write(dir, "tests/t.c", "two\n");
    char *after = manifest_tree_hash(dir);
    ck_assert_str_ne(before, after);
    ck_assert_int_eq(strlen(after), 64);
    free(before), free(after);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- the submission's commit, read from .git ---- */

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define C2 "89abcdef0123456789abcdef0123456789abcdef"

START_TEST(commit_is_read_from_git_files)
{
    char *dir = unit_tempdir();
    char *repo = path_join(dir, "repo");
    unit_write(dir, "repo/.git/HEAD", "ref: refs/heads/main\n");
    ck_assert_ptr_null(git_head_commit(repo)); /* a branch with no commit yet */
    unit_write(dir, "repo/.git/packed-refs", "# pack-refs with: peeled\n" C2
                                             " refs/heads/main\n");
    char *c = git_head_commit(repo);
    ck_assert_str_eq(c, C2);
    free(c);
    unit_write(dir, "repo/.git/refs/heads/main", C1 "\n"); /* loose refs first */
    c = git_head_commit(repo);
    ck_assert_str_eq(c, C1);
    free(c);
    unit_write(dir, "repo/.git/HEAD", C2 "\n"); /* detached */
    c = git_head_commit(repo);
    ck_assert_str_eq(c, C2);
    free(c);
    /* a worktree: .git is a file naming its git folder, whose commondir has the refs */
    unit_write(dir, "wt/.git", "gitdir: ../repo/.git/worktrees/wt\n");
    unit_write(dir, "repo/.git/worktrees/wt/HEAD", "ref: refs/heads/main\n");
    unit_write(dir, "repo/.git/worktrees/wt/commondir", "../..\n");
    char *wt = path_join(dir, "wt");
    c = git_head_commit(wt);
    ck_assert_str_eq(c, C1);
    free(c);
    /* refused: a ref outside refs/, a HEAD that is a link, no hex name */
    unit_write(dir, "repo/.git/HEAD", "ref: refs/../../../secret\n");
    unit_write(dir, "secret", C1 "\n");
    ck_assert_ptr_null(git_head_commit(repo));
    char *head = path_join(dir, "repo/.git/HEAD"), *secret = path_join(dir, "secret");
    unlink(head);
    ck_assert_int_eq(symlink(secret, head), 0);
    ck_assert_ptr_null(git_head_commit(repo));
    unlink(head);
    unit_write(dir, "repo/.git/HEAD", "root:x:0:0:root:/root:/bin/bash\n");
    ck_assert_ptr_null(git_head_commit(repo));
    ck_assert_ptr_null(git_head_commit(dir)); /* no .git at all */
    free(head), free(secret), free(wt), free(repo);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- the JSON report's provenance, read back ---- */

static struct test_spec specs[] = {{"t_ok", 2, 5, false}, {"t_bad", 3, 5, false}};
static struct chapter report_chapter = {.id = "01-x", .title = "T", .tests = specs,
                                        .n_tests = 2};

START_TEST(report_carries_provenance_and_reads_back)
{
    struct chapter_result r;
    chapter_result_init(&r, &report_chapter);
    r.tests[0].status = TEST_PASSED;
    r.tests[1].status = TEST_FAILED;
    chapter_result_add_flag(&r, "src/a.c:3", "uses '%s'", "pthread_exit");
    score_chapter(&r);
    struct provenance p = {.submission_commit = C1, .workbook_commit = C2,
                           .grader_version = GRADER_VERSION,
                           .graded_at = "2026-12-01T18:30:00Z"};
    report_json_set_provenance(&p);
    char *dir = unit_tempdir(), *path = path_join(dir, "alice.json");
    char err[256];
    ck_assert_int_eq(report_json_write(path, &r, 1, NULL, err, sizeof err), 0);
    report_json_set_provenance(NULL);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *prov = json_object_get(root, "provenance");
    ck_assert_str_eq(json_string_value(json_object_get(prov, "submission_commit")), C1);
    ck_assert_str_eq(json_string_value(json_object_get(prov, "workbook_commit")), C2);
    ck_assert_str_eq(json_string_value(json_object_get(prov, "grader_version")),
                     GRADER_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(prov, "graded_at")),
                     "2026-12-01T18:30:00Z");
    json_decref(root);
    struct graded_submission g;
    gradebook_load(&g, "alice", path, NULL);
    ck_assert_str_eq(g.status, "graded");
    ck_assert_str_eq(g.commit, C1);
    ck_assert_double_eq(g.score, 2);
    ck_assert_double_eq(g.max_score, 5);
    ck_assert_uint_eq(g.n_flags, 1);
    ck_assert_uint_eq(g.n_failed_tests, 1);
    ck_assert_str_eq(g.failed_tests[0], "01-x: t_bad");
    graded_submission_free(&g);
    gradebook_load(&g, "bob", NULL, "the submission folder 'bob' does not exist");
    ck_assert_str_eq(g.status, "failed");
    ck_assert_str_eq(g.problem, "the submission folder 'bob' does not exist");
    graded_submission_free(&g);
    chapter_result_free(&r);
    remove_tree(dir);
    free(path);
    free(dir);
}
END_TEST

/* ---- CSV ---- */

START_TEST(csv_fields_are_quoted_as_rfc_4180_says)
{
    const char *cases[][2] = {
        {"alice", "alice"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\r", "\"cr\r\""},
        {" padded", "\" padded\""},
        {"in side", "in side"},
        {"\"", "\"\"\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = csv_field(cases[i][0]);
        ck_assert_str_eq(f, cases[i][1]);
        free(f);
    }
    char *none = csv_field(NULL);
    ck_assert_str_eq(none, "");
    free(none);
}
END_TEST

static struct graded_chapter ch_a[] = {{"01-fork", "graded", 55, 55}, {"02-p", "graded", 10, 59}};
static struct graded_chapter ch_b[] = {{"01-fork", "graded", 0, 55}, {"02-p", "graded", 0, 59}};
static struct graded_chapter ch_c[] = {{"01-fork", "graded", 54, 55}};
static struct graded_chapter ch_d[] = {{"01-fork", "graded", 30, 55}, {"02-p", "error", 0, 59}};
static char *fails_a[] = {"02-p: t1", "02-p: t2"};
static char *fails_b[] = {"01-fork: t1", "02-p: t1", "02-p: t2", "02-p: t3"};
static char *fails_c[] = {"01-fork: t9"};
static char *fails_d[] = {"01-fork: t1", "02-p: t3"};
static struct graded_submission class4[] = {
    {.id = "alice", .status = "graded", .commit = C1, .score = 65, .max_score = 114,
     .chapters = ch_a, .n_chapters = 2, .failed_tests = fails_a, .n_failed_tests = 2},
    {.id = "bob, jr.", .status = "graded", .score = 0, .max_score = 114, .n_flags = 3,
     .chapters = ch_b, .n_chapters = 2, .failed_tests = fails_b, .n_failed_tests = 4},
    {.id = "carol", .status = "incomplete", .problem = "stopped", .score = 54,
     .max_score = 55, .chapters = ch_c, .n_chapters = 1, .failed_tests = fails_c,
     .n_failed_tests = 1},
    {.id = "dan", .status = "chapter_error", .problem = "02-p: broken\nits message's second line", .score = 30,
     .max_score = 114, .chapters = ch_d, .n_chapters = 2, .failed_tests = fails_d,
     .n_failed_tests = 2},
    {.id = "erin \"e\"", .status = "failed", .problem = "no chapter folder"},
};
static const char *class_chapters[] = {"01-fork", "02-p"};

START_TEST(gradebook_rows_are_exact)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gradebook_csv_write(f, class4, 5, class_chapters, 2), 0);
    fclose(f);
    ck_assert_str_eq(buf, "id,01-fork,02-p,total,max,flags,status,commit\r\n"
                          "alice,55,10,65,114,0,graded," C1 "\r\n"
                          "\"bob, jr.\",0,0,0,114,3,graded,\r\n"
                          "carol,54,,54,55,0,incomplete,\r\n"
                          "dan,30,0,30,114,0,chapter_error,\r\n"
                          "\"erin \"\"e\"\"\",,,0,0,0,failed,\r\n");
    free(buf);
}
END_TEST

/* ---- the class summary ---- */

START_TEST(median_of_odd_and_even_counts)
{
    double odd[] = {3, 1, 2};
    ck_assert_double_eq(summary_median(odd, 3), 2);
    double even[] = {4, 1, 3, 2};
    ck_assert_double_eq(summary_median(even, 4), 2.5);
    double one[] = {7};
    ck_assert_double_eq(summary_median(one, 1), 7);
    ck_assert_double_eq(summary_median(NULL, 0), 0);
}
END_TEST

START_TEST(chapter_statistics_of_a_known_class)
{
    struct chapter_stats st = class_chapter_stats(class4, 5, "01-fork");
    ck_assert_uint_eq(st.graded, 4); /* erin has no report */
    ck_assert_double_eq_tol(st.mean, (55.0 + 0 + 54 + 30) / 4, 1e-9);
    ck_assert_double_eq(st.median, 42); /* 0 30 54 55 */
    ck_assert_uint_eq(st.full_marks, 1);
    ck_assert_double_eq(st.max_score, 55);
    st = class_chapter_stats(class4, 5, "02-p");
    ck_assert_uint_eq(st.graded, 3);
    ck_assert_double_eq_tol(st.mean, 10.0 / 3, 1e-9);
    ck_assert_double_eq(st.median, 0);
    ck_assert_uint_eq(st.full_marks, 0);
}
END_TEST

START_TEST(most_failed_tests_come_first)
{
    const char *names[3];
    size_t counts[3];
    ck_assert_uint_eq(class_most_failed(class4, 5, 3, names, counts), 3);
    ck_assert_str_eq(names[0], "01-fork: t1"); /* four tests failed twice: by name */
    ck_assert_uint_eq(counts[0], 2);
    ck_assert_str_eq(names[1], "02-p: t1");
    ck_assert_str_eq(names[2], "02-p: t2");
    ck_assert_uint_eq(counts[2], 2);
    const char *all[10];
    size_t all_counts[10];
    ck_assert_uint_eq(class_most_failed(class4, 5, 10, all, all_counts), 5);
    ck_assert_str_eq(all[3], "02-p: t3");
    ck_assert_str_eq(all[4], "01-fork: t9"); /* failed once: last */
    ck_assert_uint_eq(all_counts[4], 1);
}
END_TEST

START_TEST(summary_lists_flags_and_errors)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    class_summary_print(f, "workbook " C2, class4, 5, class_chapters, 2);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "Class summary: 5 submission(s); workbook " C2));
    ck_assert_ptr_nonnull(strstr(buf, "  01-fork                        4    34.8    42.0     55"
                                      "           1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "    2 of 5  01-fork: t1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  bob, jr.: 3 review flag(s)\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  carol: incomplete: stopped\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  dan: chapter_error: 02-p: broken\n"));
    ck_assert_ptr_null(strstr(buf, "second line")); /* a problem's first line only */
    ck_assert_ptr_nonnull(strstr(buf, "  erin \"e\": failed: no chapter folder\n"));
    ck_assert_ptr_null(strstr(buf, "  alice:"));
    free(buf);
}
END_TEST

Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("parts");
    tcase_add_test(tc, sha256_matches_the_standard_examples);
    tcase_add_test(tc, manifest_names_each_student_file_by_size_and_hash);
    tcase_add_test(tc, resume_grades_only_what_changed);
    tcase_add_test(tc, tree_hash_changes_with_any_file);
    tcase_add_test(tc, commit_is_read_from_git_files);
    tcase_add_test(tc, report_carries_provenance_and_reads_back);
    tcase_add_test(tc, csv_fields_are_quoted_as_rfc_4180_says);
    tcase_add_test(tc, gradebook_rows_are_exact);
    tcase_add_test(tc, median_of_odd_and_even_counts);
    tcase_add_test(tc, chapter_statistics_of_a_known_class);
    tcase_add_test(tc, most_failed_tests_come_first);
    tcase_add_test(tc, summary_lists_flags_and_errors);
    suite_add_tcase(s, tc);
    return s;
}
