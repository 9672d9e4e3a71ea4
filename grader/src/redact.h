/* redact.h - who reads a report, and what a student may not see in it.
 *
 * A test an instructor merged with --extra-tests as "hidden" (or "after_due_date",
 * before the due date) is shown to students as "hidden test N" with whether it passed
 * and its points: never its name, code, location, message or output. */
#ifndef REDACT_H
#define REDACT_H

#include "grader.h"

enum audience {
    AUDIENCE_STUDENT = 0,    /* hidden and after_due_date tests concealed (the default) */
    AUDIENCE_AFTER_DUE_DATE, /* --after-due-date: hidden tests concealed */
    AUDIENCE_INSTRUCTOR      /* --instructor: everything */
};

/* The visibility of test t of chapter ch: VISIBLE for the workbook's own tests. */
enum test_visibility test_visibility(const struct chapter *ch, const struct test_spec *t);
/* Whether the audience may not see test t's name, code, location, message or output. */
bool test_concealed(const struct chapter *ch, const struct test_spec *t, enum audience a);
/* "hidden test N" (to free). */
char *concealed_name(const struct chapter *ch, const struct test_spec *t);

/* A copy of rs in which each concealed test is named "hidden test N", is "passed" or
 * "failed" only, and has no message, location or output; the rest is shared with rs.
 * Valid until redacted_free; rs itself when nothing is concealed. */
struct redacted {
    struct chapter *chapters;
    struct chapter_result *results;
    size_t n;
};
const struct chapter_result *redact_results(const struct chapter_result *rs, size_t n,
                                            enum audience a, struct redacted *out);
void redacted_free(struct redacted *r);

#endif
