/* collect.c - stage 1: assemble a chapter's work folder.
 *
 * Headers and tests always come from the grader's own tree; from the submission only
 * the student files that chapter.cfg names are taken, so editing a test or a header
 * in a submission has no effect. */
#include "grader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extra_tests.h"

enum { MAX_STUDENT_FILE_BYTES = 1 << 20 };

/* Copies the grader-owned part of the chapter (include/, tests/) into work. */
static int copy_grader_files(const struct chapter *ch, const char *work,
                             struct chapter_result *r)
{
    static const char *const parts[] = {"include", "tests"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        char *from = path_join(ch->dir, parts[i]);
        char *to = path_join(work, parts[i]);
        int rc = is_dir(from) ? copy_tree(from, to) : 0;
        if (rc < 0)
            r->message = xasprintf("cannot copy %s: %s", from, strerror(errno));
        free(from);
        free(to);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Refuses a folder of the submission (shown as `name`) that is a link. What is missing
 * or not a folder is left to the later checks, whose messages name it. */
static int check_folder(const char *path, const char *name, struct chapter_result *r)
{
    struct stat st, target;
    if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
        return 0;
    bool to_folder = stat(path, &target) == 0 && S_ISDIR(target.st_mode);
    r->message = xasprintf("%s in the submission is a link%s; links are not allowed", name,
                           to_folder ? " to a folder" : "");
    return -1;
}

/* Each folder on the way from sub_dir to the student file rel ("src", "src/sub") must
 * be a real folder: following a linked one would take files from outside the
 * submission, as a linked file would. */
static int check_folders(const char *sub_dir, const char *rel, struct chapter_result *r)
{
    char *part = xstrdup(rel);
    int rc = 0;
    for (char *slash = strchr(part, '/'); rc == 0 && slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        char *path = path_join(sub_dir, part);
        rc = check_folder(path, part, r);
        free(path);
        *slash = '/';
    }
    free(part);
    return rc;
}

/* Copies one student file, refusing what is not a plain file of sensible size. */
static int copy_student_file(const char *sub_dir, const char *rel, const char *work,
                             struct chapter_result *r)
{
    if (check_folders(sub_dir, rel, r) < 0)
        return -1;
    char *from = path_join(sub_dir, rel);
    char *to = path_join(work, rel);
    char *to_dir = xstrdup(to);
    *strrchr(to_dir, '/') = '\0';
    struct stat st;
    if (lstat(from, &st) < 0)
        r->message = xasprintf("%s is missing from the submission", rel);
    else if (!S_ISREG(st.st_mode))
        r->message = xasprintf("%s in the submission is not a regular file", rel);
    else if (st.st_size > MAX_STUDENT_FILE_BYTES)
        r->message = xasprintf("%s is larger than %d KiB", rel, MAX_STUDENT_FILE_BYTES >> 10);
    else if (mkdir_p(to_dir) < 0 || copy_file(from, to) < 0)
        r->message = xasprintf("cannot copy %s: %s", rel, strerror(errno));
    free(from);
    free(to);
    free(to_dir);
    return r->message ? -1 : 0;
}

int collect_chapter(const struct grade_config *cfg, const struct chapter *ch,
                    struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char *sub_dir = path_join(cfg->submission, ch->id);
    int rc = 0;
    if (remove_tree(work) < 0 || mkdir_p(work) < 0) {
        r->message = xasprintf("cannot create the work folder %s: %s", work, strerror(errno));
        rc = -1;
    } else if (check_folder(sub_dir, ch->id, r) < 0) {
        rc = -1;
    } else if (!is_dir(sub_dir)) {
        r->message = xasprintf("the submission has no folder %s", ch->id);
        rc = -1;
    } else {
        rc = copy_grader_files(ch, work, r);
        if (rc == 0) /* --extra-tests: gone again once built (build.c) */
            rc = extra_tests_collect(ch, work, r);
        for (size_t i = 0; rc == 0 && i < ch->n_student_files; i++)
            rc = copy_student_file(sub_dir, ch->student_files[i], work, r);
    }
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the chapter could not be collected");
    }
    free(work);
    free(sub_dir);
    return rc;
}
