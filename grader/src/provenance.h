/* provenance.h - what a report was made from: the submission's commit (when it is a git
 * repository), the workbook's commit, the grader's version and the time of grading. */
#ifndef PROVENANCE_H
#define PROVENANCE_H

#include <jansson.h>

#define GRADER_VERSION "1.1.0"

struct provenance {
    char *submission_commit; /* NULL: not a git repository, or no commit readable */
    char *workbook_commit;   /* NULL: the workbook is not a git checkout */
    const char *grader_version;
    char *graded_at;         /* "2026-12-01T18:30:00Z", when grading began */
};

/* Fills p for a grading of submission (a folder) against the workbook at root. */
void provenance_read(struct provenance *p, const char *root, const char *submission);
void provenance_free(struct provenance *p);

/* The commit checked out in dir (hex), read from dir/.git (a folder, or a file
 * "gitdir: PATH" as worktrees and submodules have) without running git: HEAD, then the
 * loose ref it names or packed-refs. NULL when dir holds no .git or what it reads is no
 * commit. dir is untrusted: no file is opened through a link in its last component
 * or read when it is not a small regular file, a ref name must lie under refs/ with
 * no "..", and only a 40- or 64-digit hex name is ever returned (to free). */
char *git_head_commit(const char *dir);

/* "2026-12-01T18:30:00Z" for now (to free). */
char *provenance_now(void);

/* { submission_commit, workbook_commit, grader_version, graded_at } (unknown commits
 * null), or JSON null when p is NULL (report_json.c). */
json_t *provenance_json(const struct provenance *p);

#endif
