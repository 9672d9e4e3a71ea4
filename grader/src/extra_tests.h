/* extra_tests.h - an instructor's private tests, merged with --extra-tests DIR.
 *
 * DIR has the workbook's NN-topic/ layout: per chapter an extra.cfg (libconfig, like
 * chapter.cfg) that declares the tests with their points, timeouts and visibility, and
 * tests/ holding the C files that define them (WB_TEST). They are compiled with the
 * chapter's tests; their sources are in the work folder only while the build runs. */
#ifndef EXTRA_TESTS_H
#define EXTRA_TESTS_H

#include "grader.h"

#define EXTRA_METADATA_FILE "extra.cfg"

/* Merges DIR/ID/extra.cfg and DIR/ID/tests/ into each chapter ID of chs (appending
 * its tests). -1 with a message naming the file and line when DIR or one of its
 * chapters cannot be read or does not fit its chapter. */
int extra_tests_merge(const char *dir, struct chapter *chs, size_t n, char *err,
                      size_t errlen);
/* What extra_tests_merge added to ch (chapter_free calls it). */
void extra_tests_free(struct chapter *ch);

/* collect.c: copies the chapter's extra test sources into work/tests/. */
int extra_tests_collect(const struct chapter *ch, const char *work, struct chapter_result *r);
/* build.c: removes them from work/tests/ once compiled (their objects stay in build/):
 * nothing a test runs can read their source. */
void extra_tests_remove_sources(const struct chapter *ch, const char *work);

/* "visible", "after_due_date", "hidden" */
const char *test_visibility_name(enum test_visibility v);

#endif
