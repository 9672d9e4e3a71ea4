/* manifest.h - what one grading of a submission depended on, so that a batch that
 * stopped can resume: the pinned workbook (its commit, each graded chapter's files, the
 * grader's binary, the options) and each student file's size and SHA-256. A submission
 * whose manifest is unchanged since its last complete grading is not graded again. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "grader.h"

/* The SHA-256 (hex) of a folder's regular files (paths, sizes, contents, sorted by path;
 * links and other files named by kind only); "missing" when it is no folder (to free). */
char *manifest_tree_hash(const char *dir);

/* The SHA-256 (hex) of a file's content, or NULL when it cannot be read (to free). */
char *manifest_file_hash(const char *path);

/* The manifest of a submission: context (lines saying what the workbook is, the same
 * for every submission of a batch), then one line per student file of each chapter,
 * "file ID/PATH SIZE SHA256", or "file ID/PATH missing|link|not-regular|unreadable".
 * sub_chapters is the submission's folder of chapter folders (to free). */
char *manifest_build(const char *context, const char *sub_chapters,
                     const struct chapter *const *chs, size_t n);

/* Whether a submission must be graded (again), and why. */
enum manifest_decision {
    MANIFEST_GRADE_NEW,        /* no manifest stored: never graded to its end */
    MANIFEST_GRADE_CHANGED,    /* its student files or the workbook changed */
    MANIFEST_GRADE_INCOMPLETE, /* its report is missing or not complete */
    MANIFEST_GRADE_FORCED,     /* --force */
    MANIFEST_SKIP              /* unchanged since a complete grading */
};
/* Compares current with the manifest stored at stored_path, and looks at the report
 * at json_path ("complete": true). */
enum manifest_decision manifest_decide(const char *stored_path, const char *current,
                                       const char *json_path, bool force);
const char *manifest_decision_reason(enum manifest_decision d);

/* Writes text to path whole (a temporary file renamed over it). 0, or -1. */
int manifest_save(const char *path, const char *text);

#endif
