/* gradebook.c - a submission's grading read back from its JSON report (report_json.c's
 * shape), for the batch's CSV and class summary. */
#include "gradebook.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "workfile.h"

enum { REPORT_MAX = 64 << 20 };

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void read_chapters(struct graded_submission *s, json_t *chapters)
{
    s->n_chapters = json_array_size(chapters);
    s->chapters = xcalloc(s->n_chapters + 1, sizeof *s->chapters);
    size_t i;
    json_t *ch;
    json_array_foreach(chapters, i, ch) {
        struct graded_chapter *g = &s->chapters[i];
        const char *id = json_string_value(json_object_get(ch, "id"));
        const char *status = json_string_value(json_object_get(ch, "status"));
        g->id = xstrdup(id ? id : "?");
        g->status = xstrdup(status ? status : "?");
        g->score = json_number_value(json_object_get(ch, "score"));
        g->max_score = json_number_value(json_object_get(ch, "max_score"));
        s->n_flags += json_array_size(json_object_get(ch, "flags"));
        if (strcmp(g->status, "error") == 0 && strcmp(s->status, "graded") == 0) {
            free(s->status);
            s->status = xstrdup("chapter_error");
            const char *why = json_string_value(json_object_get(ch, "message"));
            s->problem = xasprintf("%s: %s", g->id, why ? why : "not graded");
        }
        size_t t;
        json_t *test;
        json_array_foreach(json_object_get(ch, "tests"), t, test) {
            const char *st = json_string_value(json_object_get(test, "status"));
            const char *name = json_string_value(json_object_get(test, "name"));
            if (st && name && strcmp(st, "passed") != 0) {
                s->failed_tests = xrealloc(s->failed_tests,
                                           (s->n_failed_tests + 1) * sizeof *s->failed_tests);
                s->failed_tests[s->n_failed_tests++] = xasprintf("%s: %s", g->id, name);
            }
        }
    }
}

void gradebook_load(struct graded_submission *s, const char *id, const char *json_path,
                    const char *failure)
{
    memset(s, 0, sizeof *s);
    s->id = xstrdup(id);
    char *text = json_path ? workfile_read(json_path, REPORT_MAX, NULL) : NULL;
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!json_is_object(root)) {
        s->status = xstrdup("failed");
        s->problem = xstrdup(failure ? failure : "no readable report");
        s->chapters = xcalloc(1, sizeof *s->chapters);
        json_decref(root);
        return;
    }
    json_t *prov = json_object_get(root, "provenance");
    s->commit = dup_or_null(json_string_value(json_object_get(prov, "submission_commit")));
    s->graded_at = dup_or_null(json_string_value(json_object_get(prov, "graded_at")));
    s->score = json_number_value(json_object_get(root, "score"));
    s->max_score = json_number_value(json_object_get(root, "max_score"));
    bool complete = json_is_true(json_object_get(root, "complete"));
    s->status = xstrdup(complete ? "graded" : "incomplete");
    if (!complete)
        s->problem = xstrdup(failure ? failure : "the grading was stopped before its end");
    read_chapters(s, json_object_get(root, "chapters"));
    json_decref(root);
}

void graded_submission_free(struct graded_submission *s)
{
    for (size_t i = 0; i < s->n_chapters; i++) {
        free(s->chapters[i].id);
        free(s->chapters[i].status);
    }
    free(s->chapters);
    for (size_t i = 0; i < s->n_failed_tests; i++)
        free(s->failed_tests[i]);
    free(s->failed_tests);
    free(s->id);
    free(s->status);
    free(s->problem);
    free(s->commit);
    free(s->graded_at);
}

const struct graded_chapter *graded_chapter_find(const struct graded_submission *s,
                                                 const char *chapter_id)
{
    for (size_t i = 0; i < s->n_chapters; i++)
        if (strcmp(s->chapters[i].id, chapter_id) == 0)
            return &s->chapters[i];
    return NULL;
}
