/* result_transfer.h - a chapter's result handed from the process that graded it to the
 * one that reports it (result_transfer.c; parallel.c uses it). */
#ifndef RESULT_TRANSFER_H
#define RESULT_TRANSFER_H

#include <stddef.h>

#include "grader.h"

/* The result as JSON text (to free): the JSON report's chapter (report_json.h) plus
 * what the report leaves out: whether the metadata was broken, and per test whether
 * its log held it and what its code printed. NULL when it cannot be encoded. */
char *result_transfer_encode(const struct chapter_result *r);

/* Reads text (len bytes) back into r, a result of ch (which must be the chapter it was
 * encoded from: same id, same tests in the same order). Returns 0, or -1 with why in
 * err; r is always left a result to free with chapter_result_free. */
int result_transfer_decode(const char *text, size_t len, const struct chapter *ch,
                           struct chapter_result *r, char *err, size_t errlen);

#endif
