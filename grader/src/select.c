/* select.c - narrow runs: grading only some tests of a chapter (--test, --file).
 *
 * A narrowed chapter is a copy of the chapter that lists only the selected tests, so
 * that every stage (run, analyses, score, reports) sees those alone: the analyses
 * cover the selected tests only, and the score is out of their points. It shares the
 * chapter's strings and remembers it as `whole` (the runner's tests are checked
 * against the whole chapter's declarations). */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

bool selection_empty(const struct selection *s)
{
    return s->n_tests == 0 && s->n_files == 0;
}

/* Whether `file` (src/lock.c, lock.c, chapters/09-thread-sync/src/lock.c, or a path
 * ending in 09-thread-sync/src/lock.c) names the chapter's student file `student`. */
static bool names_file(const struct chapter *ch, const char *file, const char *student)
{
    char *in_chapter = xasprintf("%s/", ch->id);
    const char *at = strstr(file, in_chapter);
    bool elsewhere = at == NULL && strchr(file, '/') != NULL && strncmp(file, "src/", 4) != 0;
    if (at != NULL)
        file = at + strlen(in_chapter);
    free(in_chapter);
    if (elsewhere)
        return false; /* a path into another chapter's folder */
    const char *slash = strrchr(student, '/');
    return strcmp(file, student) == 0 || (strchr(file, '/') == NULL && slash &&
                                          strcmp(file, slash + 1) == 0);
}

static bool selected(const struct chapter *ch, size_t i, const struct selection *s)
{
    for (size_t k = 0; k < s->n_tests; k++)
        if (strncmp(ch->tests[i].name, s->tests[k], strlen(s->tests[k])) == 0)
            return true;
    for (size_t k = 0; k < s->n_files; k++)
        for (size_t f = 0; f < ch->n_student_files; f++)
            if (names_file(ch, s->files[k], ch->student_files[f]) &&
                test_exercises(ch, i, ch->student_files[f]))
                return true;
    return false;
}

void chapter_narrow(const struct chapter *ch, const struct selection *s, struct chapter *out)
{
    *out = *ch;
    out->whole = ch;
    out->tests = xcalloc(ch->n_tests + 1, sizeof *out->tests);
    out->exercises = ch->exercises ? xcalloc(ch->n_tests + 1, sizeof *out->exercises) : NULL;
    out->n_tests = 0;
    for (size_t i = 0; ch->load_error == NULL && i < ch->n_tests; i++) {
        if (!selected(ch, i, s))
            continue;
        if (ch->exercises)
            out->exercises[out->n_tests] = ch->exercises[i];
        out->tests[out->n_tests++] = ch->tests[i];
    }
    bool any_valgrind = false;
    for (size_t i = 0; i < out->n_tests; i++)
        any_valgrind = any_valgrind || out->tests[i].valgrind;
    if (!any_valgrind) /* no selected test to analyse: no analysis, no points for it */
        out->helgrind = out->memcheck = (struct analysis_spec){0};
}

void chapter_narrow_free(struct chapter *narrowed)
{
    free(narrowed->tests);
    free(narrowed->exercises);
    memset(narrowed, 0, sizeof *narrowed);
}

bool selection_names_file(const struct chapter *chs, size_t n, const char *file)
{
    for (size_t c = 0; c < n; c++)
        for (size_t f = 0; f < chs[c].n_student_files; f++)
            if (names_file(&chs[c], file, chs[c].student_files[f]))
                return true;
    return false;
}
