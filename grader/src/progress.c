/* progress.c - the student's progress file (JSON, jansson):
 *
 *   { "chapters": { "09-thread-sync": { "score": 70, "max_score": 86,
 *                                       "graded_at": "2026-12-01T18:30:00Z" } },
 *     "hints": { "09-thread-sync": { "src/lock.c": 2 } } }
 *
 * It lives in the student's working copy (make grade passes --progress), which git
 * ignores: it is the student's own record, never part of a grade. */
#include "progress.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static json_t *object_at(json_t *parent, const char *key)
{
    json_t *o = json_object_get(parent, key);
    if (!json_is_object(o)) {
        o = json_object();
        json_object_set_new(parent, key, o);
    }
    return o;
}

int progress_load(const char *path, struct progress *p, char *err, size_t errlen)
{
    p->path = xstrdup(path);
    p->root = NULL;
    if (access(path, F_OK) != 0) {
        p->root = json_object();
        return 0;
    }
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    if (root == NULL || !json_is_object(root)) {
        snprintf(err, errlen, "%s:%d: not a progress file: %s (remove it to start afresh)",
                 path, e.line, root ? "not a JSON object" : e.text);
        json_decref(root);
        free(p->path);
        p->path = NULL;
        return -1;
    }
    p->root = root;
    return 0;
}

void progress_free(struct progress *p)
{
    json_decref(p->root);
    free(p->path);
    p->root = NULL;
    p->path = NULL;
}

void progress_record(struct progress *p, const struct chapter_result *r)
{
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_t *chapters = object_at(p->root, "chapters");
    json_object_set_new(chapters, r->chapter->id,
                        json_pack("{s:f, s:f, s:s}", "score", r->score, "max_score",
                                  r->max_score, "graded_at", when));
}

struct chapter_progress progress_chapter(const struct progress *p, const char *chapter_id)
{
    struct chapter_progress out = {0};
    json_t *c = json_object_get(json_object_get(p->root, "chapters"), chapter_id);
    json_t *score = json_object_get(c, "score"), *max = json_object_get(c, "max_score");
    if (!json_is_number(score) || !json_is_number(max))
        return out;
    out.graded = true;
    out.score = json_number_value(score);
    out.max_score = json_number_value(max);
    out.done = out.max_score > 0 && out.score >= out.max_score;
    out.graded_at = json_string_value(json_object_get(c, "graded_at"));
    return out;
}

size_t progress_hints_shown(const struct progress *p, const char *chapter_id, const char *file)
{
    json_t *n = json_object_get(json_object_get(json_object_get(p->root, "hints"), chapter_id),
                                file);
    return json_is_integer(n) && json_integer_value(n) > 0 ? (size_t)json_integer_value(n) : 0;
}

void progress_set_hints_shown(struct progress *p, const char *chapter_id, const char *file,
                              size_t n)
{
    json_t *chapter = object_at(object_at(p->root, "hints"), chapter_id);
    json_object_set_new(chapter, file, json_integer((json_int_t)n));
}

int progress_save(const struct progress *p, char *err, size_t errlen)
{
    char *text = json_dumps(p->root, JSON_INDENT(2) | JSON_SORT_KEYS);
    int rc = text ? write_file_atomically(p->path, text) : -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write %s: %s", p->path, text ? strerror(errno)
                                                                   : "out of memory");
    free(text);
    return rc;
}
