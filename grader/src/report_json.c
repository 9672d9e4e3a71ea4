/* report_json.c - stage 6b: the JSON report other tools read (jansson).
 *
 * Shape: { score, max_score, chapters: [ { id, title, score, max_score, status,
 * message, notes[], seconds, tests: [ { name, status, score, max_score, message,
 * location } ] } ] }. The names are fixed: tools rely on them. */
#include "grader.h"

#include <jansson.h>
#include <string.h>

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *test_json(const struct test_verdict *t)
{
    return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o}", "name", t->spec->name, "status",
                     test_status_name(t->status), "score", t->score, "max_score",
                     t->spec->points, "message", string_or_null(t->message), "location",
                     string_or_null(t->location));
}

static json_t *chapter_json(const struct chapter_result *r)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        json_array_append_new(tests, test_json(&r->tests[i]));
    json_t *notes = json_array();
    for (size_t i = 0; i < r->n_notes; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    return json_pack("{s:s, s:s, s:f, s:f, s:s, s:o, s:o, s:f, s:o}", "id", r->chapter->id,
                     "title", r->chapter->title, "score", r->score, "max_score", r->max_score,
                     "status", chapter_status_name(r->status), "message",
                     string_or_null(r->message), "notes", notes, "seconds", r->seconds,
                     "tests", tests);
}

int report_json_write(const char *path, const struct chapter_result *rs, size_t n, char *err,
                      size_t errlen)
{
    json_t *chapters = json_array();
    double score, max;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(chapters, chapter_json(&rs[i]));
    score_total(rs, n, &score, &max);
    json_t *root = json_pack("{s:f, s:f, s:o}", "score", score, "max_score", max, "chapters",
                             chapters);
    int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc < 0)
        snprintf(err, errlen, "cannot write the JSON report %s", path);
    json_decref(root);
    return rc;
}
