/* main.c - runs every unit-test suite of the grader. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

char *unit_tempdir(void)
{
    char *dir = xstrdup("/tmp/grade-unit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

void unit_write(const char *dir, const char *name, const char *text)
{
    char *path = path_join(dir, name);
    char *parent = xstrdup(path);
    *strrchr(parent, '/') = '\0';
    ck_assert_int_eq(mkdir_p(parent), 0);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(parent);
    free(path);
}

int main(void)
{
    SRunner *sr = srunner_create(chapter_suite());
    srunner_add_suite(sr, batch_suite());
    srunner_add_suite(sr, changes_suite());
    srunner_add_suite(sr, checklog_suite());
    srunner_add_suite(sr, ci_reports_suite());
    srunner_add_suite(sr, collect_suite());
    srunner_add_suite(sr, command_suite());
    srunner_add_suite(sr, completions_suite());
    srunner_add_suite(sr, exports_suite());
    srunner_add_suite(sr, hangs_suite());
    srunner_add_suite(sr, hints_suite());
    srunner_add_suite(sr, includes_suite());
    srunner_add_suite(sr, policy_suite());
    srunner_add_suite(sr, report_suite());
    srunner_add_suite(sr, result_transfer_suite());
    srunner_add_suite(sr, sandbox_suite());
    srunner_add_suite(sr, valgrindlog_suite());
    srunner_add_suite(sr, workfile_suite());
    srunner_add_suite(sr, workbook_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
