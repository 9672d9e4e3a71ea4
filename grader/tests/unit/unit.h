/* unit.h - the grader's unit-test suites and their shared helpers. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

#include "grader.h"

Suite *batch_suite(void);
Suite *changes_suite(void);
Suite *chapter_suite(void);
Suite *checklog_suite(void);
Suite *ci_reports_suite(void);
Suite *collect_suite(void);
Suite *command_suite(void);
Suite *completions_suite(void);
Suite *exports_suite(void);
Suite *hangs_suite(void);
Suite *hints_suite(void);
Suite *includes_suite(void);
Suite *policy_suite(void);
Suite *report_suite(void);
Suite *result_transfer_suite(void);
Suite *sandbox_suite(void);
Suite *valgrindlog_suite(void);
Suite *workfile_suite(void);
Suite *workbook_suite(void);

/* A fresh temporary folder (removed by the test process's exit is not guaranteed:
 * tests remove it themselves). */
char *unit_tempdir(void);

/* Writes text to dir/name, creating folders on the way. */
void unit_write(const char *dir, const char *name, const char *text);

#endif
