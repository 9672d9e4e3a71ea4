/* exports.h - reports for the systems a course grades in: Gradescope's results.json
 * (report_gradescope.c) and JUnit XML for GitLab and Jenkins (report_junit.c). Both are
 * written for the instructor's side: every test by its name, hidden ones included (on
 * Gradescope each test carries its visibility, which Gradescope enforces). */
#ifndef EXPORTS_H
#define EXPORTS_H

#include "grader.h"

/* Gradescope's results.json: score, execution_time, output (what students read: the
 * chapters' scores and notes, hidden tests by number only), tests[] with name, score,
 * max_score, status ("passed"/"failed"), output and visibility; one entry per test and
 * per analysis, named "ID: NAME". */
int report_gradescope_write(const char *path, const struct chapter_result *rs, size_t n,
                            double seconds, char *err, size_t errlen);

/* JUnit XML: <testsuites> with one <testsuite> per chapter, one <testcase> per test and
 * per analysis; <failure> (failed), <error> (crash, timeout, compile error) with the
 * message, <skipped> for what did not run. */
int report_junit_write(const char *path, const struct chapter_result *rs, size_t n,
                       char *err, size_t errlen);

/* Autolab's scores line, {"scores": {"01-fork": 45, ...}}, to path ("-": stdout). */
int report_autolab_write(const char *path, const struct chapter_result *rs, size_t n,
                         char *err, size_t errlen);

/* grade --list --markdown: the README's table of chapters, from their metadata. */
void chapter_table_markdown(FILE *out, const struct chapter *chs, size_t n);

#endif
