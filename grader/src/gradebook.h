/* gradebook.h - a class's gradings, read back from their JSON reports: what the CSV
 * gradebook (gradebook_csv.c) and the class summary (class_summary.c) are made of. */
#ifndef GRADEBOOK_H
#define GRADEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct graded_chapter {
    char *id;
    char *status;       /* the report's: graded, compile_error, error */
    double score, max_score;
};

struct graded_submission {
    char *id;           /* the submission's folder name */
    char *status;       /* graded | chapter_error | incomplete | failed (see below) */
    char *problem;      /* why, when status is not graded; else NULL */
    char *commit;       /* the submission's commit; NULL when not a git repository */
    char *graded_at;    /* from the report's provenance; NULL when unknown */
    double score, max_score;
    size_t n_flags;     /* review flags, every chapter together */
    struct graded_chapter *chapters;
    size_t n_chapters;
    char **failed_tests; /* "01-fork: name" for each test not passed */
    size_t n_failed_tests;
};

/* Fills s from the report at json_path: status graded (complete, every chapter graded
 * or a compile error), chapter_error (a chapter could not be graded), incomplete (the
 * grading was stopped), or failed (no readable report: then problem says why, from
 * failure when given). id is copied. */
void gradebook_load(struct graded_submission *s, const char *id, const char *json_path,
                    const char *failure);
void graded_submission_free(struct graded_submission *s);
/* The chapter of s with that id; NULL when its report lacks it. */
const struct graded_chapter *graded_chapter_find(const struct graded_submission *s,
                                                 const char *chapter_id);

/* gradebook_csv.c: one field as RFC 4180 writes it: as is, or in double quotes (its
 * quotes doubled) when it holds a comma, a quote, a CR or LF, or starts or ends with a
 * space (to free). */
char *csv_field(const char *text);
/* The gradebook: a header row "id,CHAPTER...,total,max,flags,status,commit", then one
 * row per submission, CRLF line ends (RFC 4180). A chapter its report lacks is an
 * empty field. Returns 0, or -1 when out could not be written. */
int gradebook_csv_write(FILE *out, const struct graded_submission *subs, size_t n,
                        const char *const *chapter_ids, size_t n_chapters);

/* class_summary.c */
struct chapter_stats {
    size_t graded;     /* submissions whose report has the chapter */
    double mean, median, max_score;
    size_t full_marks; /* at the chapter's maximum (above 0) */
};
/* The median of values[0..n) (sorted in place); 0 when n is 0. */
double summary_median(double *values, size_t n);
struct chapter_stats class_chapter_stats(const struct graded_submission *subs, size_t n,
                                         const char *chapter_id);
/* The tests failed by the most submissions, at most max: names[i] ("01-fork: name")
 * and counts[i], most first, then by name. Returns how many (names are borrowed from
 * subs). */
size_t class_most_failed(const struct graded_submission *subs, size_t n, size_t max,
                         const char **names, size_t *counts);
/* The class summary: per chapter mean, median and full marks; the 10 tests failed
 * most; the submissions with review flags or whose grading had errors. header is its
 * first line (the provenance). */
void class_summary_print(FILE *out, const char *header, const struct graded_submission *subs,
                         size_t n, const char *const *chapter_ids, size_t n_chapters);

#endif
