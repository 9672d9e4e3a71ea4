/* report_annotations.c - GitHub workflow commands that put the grade's problems on the
 * student's lines: ::error file=chapters/01-fork/src/reap.c,line=12,title=...::message.
 *
 * GitHub shows only the first 10 errors of a step, so they come most precise first:
 * compiler and rule errors at student lines (from the chapter's message or notes), then
 * race and leak findings, then failed
 * tests at student lines, then failed tests at the check in the tests that failed (one
 * per line, however many tests failed there). Then a warning for the workbook files the
 * submission changed, which grading ignored. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_CHANGES_NAMED = 20 }; /* a message, not an inventory */

/* One place that failed tests point at. */
struct failure_site {
    char *path;
    long line;
    const struct test_verdict *first;
    int tests;
};

/* Workflow command data: %, CR and LF are encoded; properties also encode : and ,. */
static void put_escaped(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%' || *s == '\r' || *s == '\n' || (property && (*s == ':' || *s == ',')))
            fprintf(out, "%%%02X", (unsigned char)*s);
        else
            fputc(*s, out);
    }
}

/* ::LEVEL file=F,line=L,col=C,title=T::MESSAGE, leaving out what is unknown. */
static void emit(FILE *out, const char *level, const char *file, long line, long col,
                 const char *title, const char *message)
{
    fprintf(out, "::%s ", level);
    if (file) {
        fputs("file=", out);
        put_escaped(out, file, true);
        if (line > 0)
            fprintf(out, ",line=%ld", line);
        if (col > 0)
            fprintf(out, ",col=%ld", col);
        fputc(',', out);
    }
    fputs("title=", out);
    put_escaped(out, title, true);
    fputs("::", out);
    put_escaped(out, message, false);
    fputc('\n', out);
}

static const char *student_file_named(const struct chapter *ch, const char *text, size_t len)
{
    for (size_t i = 0; i < ch->n_student_files; i++)
        if (strlen(ch->student_files[i]) == len &&
            strncmp(ch->student_files[i], text, len) == 0)
            return ch->student_files[i];
    return NULL;
}

/* One line of a compiler or rule message: "src/a.c:12:5: error: ..." or
 * "src/a.c:12: uses 'exit', ...", indented or not. Notes are context, not errors. */
static void emit_message_line(FILE *out, const struct chapter_result *r, const char *prefix,
                              const char *text, const char *title)
{
    text += strspn(text, " \t");
    const char *colon = strchr(text, ':');
    const char *file = colon ? student_file_named(r->chapter, text, (size_t)(colon - text))
                             : NULL;
    if (file == NULL)
        return;
    char *end;
    long line = strtol(colon + 1, &end, 10), col = 0;
    if (line <= 0 || *end != ':')
        return;
    if (end[1] >= '0' && end[1] <= '9')
        col = strtol(end + 1, &end, 10);
    const char *what = end + 1 + (end[1] == ' ');
    if (*end != ':' || strncmp(what, "note:", 5) == 0)
        return;
    char *path = xasprintf("%s%s/%s", prefix, r->chapter->id, file);
    emit(out, "error", path, line, col, title, what);
    free(path);
}

static void emit_message_lines(FILE *out, const struct chapter_result *r, const char *prefix,
                               const char *message, const char *title)
{
    char *text = xstrdup(message);
    char *saved;
    for (char *line = strtok_r(text, "\n", &saved); line; line = strtok_r(NULL, "\n", &saved))
        emit_message_line(out, r, prefix, line, title);
    free(text);
}

/* Compiler errors and rule violations name the student's lines: in the chapter's message
 * when it could not be graded, in a note when a file that did not compile was graded as
 * its skeleton. */
static void emit_chapter_errors(FILE *out, const struct chapter_result *r, const char *prefix)
{
    char *title = xasprintf("%s: %s", r->chapter->id,
                            r->status == CHAPTER_ERROR ? "not graded" : "compile error");
    if (r->status != CHAPTER_GRADED && r->message)
        emit_message_lines(out, r, prefix, r->message, title);
    for (size_t i = 0; i < r->n_notes; i++)
        emit_message_lines(out, r, prefix, r->notes[i], title);
    free(title);
}

static void emit_findings(FILE *out, const struct chapter_result *r,
                          const struct analysis_result *a, const char *prefix)
{
    for (size_t i = 0; i < a->n_findings; i++) {
        const struct finding *f = &a->findings[i];
        long line = 0;
        char *path = f->n_where ? report_location(r->chapter, prefix, f->where[0], &line)
                                : NULL;
        char *title = xasprintf("%s: %s (%s) in test %s", r->chapter->id,
                                strcmp(a->tool, "helgrind") == 0 ? "race-free" : "leak-free",
                                a->tool, f->test);
        char *message = xasprintf("[%s] %s", f->kind, f->message);
        if (path)
            emit(out, "error", path, line, 0, title, message);
        free(message);
        free(title);
        free(path);
    }
}

static bool in_student_file(const struct chapter *ch, const char *path)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < ch->n_student_files; i++) {
        size_t n = strlen(ch->student_files[i]);
        if (len > n && path[len - n - 1] == '/' &&
            strcmp(path + len - n, ch->student_files[i]) == 0)
            return true;
    }
    return false;
}

/* The chapter's failed tests that have a location, one site per file and line. */
static size_t failure_sites(const struct chapter_result *r, const char *prefix,
                            struct failure_site *sites)
{
    size_t n = 0;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        const struct test_verdict *t = &r->tests[i];
        long line = 0;
        char *path = t->status == TEST_PASSED ? NULL
                                               : report_location(r->chapter, prefix,
                                                                 t->location, &line);
        if (path == NULL)
            continue;
        size_t k = 0;
        while (k < n && (sites[k].line != line || strcmp(sites[k].path, path) != 0))
            k++;
        if (k == n)
            sites[n++] = (struct failure_site){.path = path, .line = line, .first = t};
        else
            free(path);
        sites[k].tests++;
    }
    return n;
}

/* Failed tests located in student files (student_files) or in the tests (otherwise). */
static void emit_failures(FILE *out, const struct chapter_result *r, const char *prefix,
                          bool student_files)
{
    if (r->status != CHAPTER_GRADED)
        return; /* no test ran: the chapter's errors say why */
    struct failure_site *sites = xcalloc(r->chapter->n_tests, sizeof *sites);
    size_t n = failure_sites(r, prefix, sites);
    for (size_t i = 0; i < n; i++) {
        if (in_student_file(r->chapter, sites[i].path) == student_files) {
            char *title = sites[i].tests > 1
                              ? xasprintf("%s: %s failed (and %d more tests here)",
                                          r->chapter->id, sites[i].first->spec->name,
                                          sites[i].tests - 1)
                              : xasprintf("%s: %s failed", r->chapter->id,
                                          sites[i].first->spec->name);
            emit(out, "error", sites[i].path, sites[i].line, 0, title,
                 sites[i].first->message ? sites[i].first->message : "failed");
            free(title);
        }
        free(sites[i].path);
    }
    free(sites);
}

static void emit_changes(FILE *out, const struct report_context *ctx)
{
    if (ctx->n_changed == 0)
        return;
    char *list = xstrdup("");
    for (size_t i = 0; i < ctx->n_changed && i < MAX_CHANGES_NAMED; i++) {
        char *longer = xasprintf("%s%s%s", list, i ? ", " : "", ctx->changed[i]);
        free(list);
        list = longer;
    }
    if (ctx->n_changed > MAX_CHANGES_NAMED) {
        char *longer = xasprintf("%s and %zu more", list, ctx->n_changed - MAX_CHANGES_NAMED);
        free(list);
        list = longer;
    }
    char *message = xasprintf("workbook files you changed are ignored: %s (only the student "
                              "files that chapter.cfg names are graded)", list);
    emit(out, "warning", NULL, 0, 0, "Workbook files you changed are ignored", message);
    free(message);
    free(list);
}

int report_annotations_write(const char *path, const struct chapter_result *rs, size_t n,
                             const struct report_context *ctx, char *err, size_t errlen)
{
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(path, "w");
    if (out == NULL) {
        snprintf(err, errlen, "cannot write the annotations to %s", path);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        emit_chapter_errors(out, &rs[i], ctx->prefix);
    for (size_t i = 0; i < n; i++) {
        emit_findings(out, &rs[i], &rs[i].helgrind, ctx->prefix);
        emit_findings(out, &rs[i], &rs[i].memcheck, ctx->prefix);
    }
    for (size_t i = 0; i < n; i++)
        emit_failures(out, &rs[i], ctx->prefix, true);
    for (size_t i = 0; i < n; i++)
        emit_failures(out, &rs[i], ctx->prefix, false);
    emit_changes(out, ctx);
    int rc = fflush(out) == 0 && !ferror(out) ? 0 : -1;
    if (!to_stdout && fclose(out) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write the annotations to %s", path);
    return rc;
}
