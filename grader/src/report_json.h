/* report_json.h - one chapter as the JSON report shows it (report_json.c), for what
 * else reads or writes chapters in that shape (result_transfer.c). */
#ifndef REPORT_JSON_H
#define REPORT_JSON_H

#include <jansson.h>

#include "grader.h"

/* { id, title, score, max_score, status, partial, message, notes, flags, seconds,
 * stage_seconds, tests, analysis }: a new reference. */
json_t *report_json_chapter(const struct chapter_result *r);

#endif
