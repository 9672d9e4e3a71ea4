/* result.c - a chapter's results: creation, blanket verdicts, notes, release. */
#include "grader.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void chapter_result_init(struct chapter_result *r, const struct chapter *ch)
{
    *r = (struct chapter_result){.chapter = ch, .status = CHAPTER_GRADED};
    r->tests = xcalloc(ch->n_tests, sizeof *r->tests);
    for (size_t i = 0; i < ch->n_tests; i++) {
        r->tests[i].spec = &ch->tests[i];
        r->tests[i].status = TEST_ERROR;
        r->tests[i].message = xstrdup("not run");
    }
    r->helgrind = (struct analysis_result){.tool = "helgrind", .max_score = ch->helgrind.points};
    r->memcheck = (struct analysis_result){.tool = "memcheck", .max_score = ch->memcheck.points};
    r->max_score = chapter_max_points(ch);
}

void chapter_result_fail_all(struct chapter_result *r, enum test_status status,
                             const char *message)
{
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        free(r->tests[i].message);
        r->tests[i].status = status;
        r->tests[i].message = xstrdup(message);
    }
}

void chapter_result_add_note(struct chapter_result *r, const char *fmt, ...)
{
    va_list ap;
    char *note;
    va_start(ap, fmt);
    if (vasprintf(&note, fmt, ap) < 0)
        note = NULL;
    va_end(ap);
    if (note == NULL)
        return;
    r->notes = xrealloc(r->notes, (r->n_notes + 1) * sizeof *r->notes);
    r->notes[r->n_notes++] = note;
}

void chapter_result_add_flag(struct chapter_result *r, const char *where, const char *fmt, ...)
{
    va_list ap;
    char *what;
    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    if (what == NULL)
        return;
    for (size_t i = 0; i < r->n_flags; i++)
        if (strcmp(r->flags[i].where, where) == 0 && strcmp(r->flags[i].what, what) == 0) {
            free(what);
            return;
        }
    if (r->n_flags > MAX_REVIEW_FLAGS) {
        free(what);
        return;
    }
    if (r->n_flags == MAX_REVIEW_FLAGS) {
        free(what);
        what = xasprintf("more flags were left out (only the first %d are listed)",
                         MAX_REVIEW_FLAGS);
        where = "";
    }
    r->flags = xrealloc(r->flags, (r->n_flags + 1) * sizeof *r->flags);
    r->flags[r->n_flags++] = (struct review_flag){xstrdup(where), what};
}

void chapter_result_free(struct chapter_result *r)
{
    for (size_t i = 0; i < r->n_flags; i++) {
        free(r->flags[i].where);
        free(r->flags[i].what);
    }
    free(r->flags);
    for (size_t i = 0; r->tests && i < r->chapter->n_tests; i++) {
        free(r->tests[i].message);
        free(r->tests[i].location);
        free(r->tests[i].output);
    }
    for (size_t i = 0; i < r->n_notes; i++)
        free(r->notes[i]);
    free(r->notes);
    free(r->tests);
    free(r->message);
    analysis_result_free(&r->helgrind);
    analysis_result_free(&r->memcheck);
}
