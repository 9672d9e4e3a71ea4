/* progress.h - the student's progress, kept between gradings in a local JSON file:
 * each chapter's last score, and how many hints of each exercise were shown. */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "grader.h"

struct progress {
    char *path;
    void *root; /* the JSON document (jansson's json_t) */
};

/* What the file says of a chapter. */
struct chapter_progress {
    bool graded; /* false: never graded, the rest is unset */
    double score, max_score;
    bool done; /* full marks */
    const char *graded_at; /* "2026-12-01T18:30:00Z" */
};

/* Reads path; a missing file is an empty progress. -1 when it exists but is not a
 * progress file (err says why: nothing is overwritten then). */
int progress_load(const char *path, struct progress *p, char *err, size_t errlen);
void progress_free(struct progress *p);

/* Records a chapter's result (the caller records only gradings of every test). */
void progress_record(struct progress *p, const struct chapter_result *r);
struct chapter_progress progress_chapter(const struct progress *p, const char *chapter_id);

/* How many hints of an exercise were shown ("09-thread-sync", "src/lock.c"), and
 * setting it. */
size_t progress_hints_shown(const struct progress *p, const char *chapter_id, const char *file);
void progress_set_hints_shown(struct progress *p, const char *chapter_id, const char *file,
                              size_t n);

/* Writes the file whole (a temporary file renamed over it): an interrupted write
 * leaves the old one. 0, or -1 with err. */
int progress_save(const struct progress *p, char *err, size_t errlen);

#endif
