/* report_markdown.c - the grade as Markdown for GitHub's job summary: the total, the
 * workbook files that were ignored, a table of the chapters, then for each chapter its
 * notes, a table of its tests and analyses, its failing tests with their messages and
 * its race and leak findings. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_CHANGES_NAMED = 50 };

/* Text inside a table cell or a list item: Markdown's and HTML's characters escaped,
 * lines joined with <br> (a cell cannot hold a line break). */
static void put_inline(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", out);
        else if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '\n')
            fputs(s[1] ? "<br>" : "", out);
        else if (strchr("\\`*_[]|~#", *s))
            fprintf(out, "\\%c", *s);
        else
            fputc(*s, out);
    }
}

/* A code span; names and paths hold no backquote, but a stray one must not end it. */
static void put_code(FILE *out, const char *s)
{
    fputc('`', out);
    for (; *s; s++)
        fputc(*s == '`' ? '\'' : *s == '|' ? '/' : *s, out);
    fputc('`', out);
}

/* Multi-line text kept as it is: compiler output, findings with their source lines. */
static void put_block(FILE *out, const char *s)
{
    size_t len = strlen(s);
    fprintf(out, "\n````text\n%s%s````\n", s, len && s[len - 1] == '\n' ? "" : "\n");
}

static double percent(double score, double max)
{
    return max > 0 ? 100.0 * score / max : 0;
}

static void put_total(FILE *out, const struct chapter_result *rs, size_t n,
                      const struct report_context *ctx)
{
    double score, max;
    score_total(rs, n, &score, &max);
    bool passes = report_passes(score, max, ctx->pass_percent);
    fprintf(out, "## %s Grade: %g/%g (%.1f%%)\n\n", passes ? "✅" : "❌", score, max,
            percent(score, max));
    fprintf(out, "%s the pass mark of %g%%.\n\n", passes ? "Reaches" : "Below",
            ctx->pass_percent);
}

static void put_changes(FILE *out, const struct report_context *ctx)
{
    if (ctx->n_changed == 0)
        return;
    fputs("> [!WARNING]\n> **Workbook files you changed are ignored:** only the student files "
          "that each `chapter.cfg` names are graded; tests, headers, metadata and the grader "
          "come from the pinned workbook.\n>\n>",
          out);
    for (size_t i = 0; i < ctx->n_changed && i < MAX_CHANGES_NAMED; i++) {
        fputs(i ? ", " : " ", out);
        put_code(out, ctx->changed[i]);
    }
    if (ctx->n_changed > MAX_CHANGES_NAMED)
        fprintf(out, " and %zu more", ctx->n_changed - MAX_CHANGES_NAMED);
    fputs("\n\n", out);
}

static const char *chapter_label(const struct chapter_result *r)
{
    if (r->status == CHAPTER_COMPILE_ERROR)
        return "❌ compile error";
    if (r->status == CHAPTER_ERROR)
        return "❌ not graded";
    return r->score >= r->max_score ? "✅ full marks" : "➖ graded";
}

static void put_overview(FILE *out, const struct chapter_result *rs, size_t n)
{
    fputs("| chapter | result | points | tests passed | time |\n|:--|:--|--:|--:|--:|\n", out);
    for (size_t i = 0; i < n; i++) {
        size_t passed = 0;
        for (size_t k = 0; k < rs[i].chapter->n_tests; k++)
            passed += rs[i].tests[k].status == TEST_PASSED;
        fputs("| ", out);
        put_code(out, rs[i].chapter->id);
        fputs(" ", out);
        put_inline(out, rs[i].chapter->title);
        fprintf(out, " | %s | %g/%g | %zu/%zu | %.1f s |\n", chapter_label(&rs[i]),
                rs[i].score, rs[i].max_score, passed, rs[i].chapter->n_tests, rs[i].seconds);
    }
    fputs("\n", out);
}

static const char *test_label(enum test_status s)
{
    static const char *const labels[] = {"✅ pass", "❌ failed", "❌ error", "❌ timeout"};
    return labels[s];
}

static const char *analysis_name(const struct analysis_result *a)
{
    return strcmp(a->tool, "helgrind") == 0 ? "race-free (helgrind)" : "leak-free (memcheck)";
}

static void put_analysis_row(FILE *out, const struct analysis_result *a)
{
    if (a->max_score <= 0 && !a->ran)
        return;
    fprintf(out, "| %s | ", analysis_name(a));
    if (a->score >= a->max_score && a->max_score > 0)
        fputs("✅ pass", out);
    else if (a->n_findings > 0)
        fprintf(out, "❌ %d found", a->errors);
    else
        fputs(a->ran ? "❌ failed" : "➖ not run", out);
    fprintf(out, " | %g/%g |\n", a->score, a->max_score);
}

static void put_test_table(FILE *out, const struct chapter_result *r)
{
    fputs("| test | result | points |\n|:--|:--|--:|\n", out);
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        const struct test_verdict *t = &r->tests[i];
        fputs("| ", out);
        put_code(out, t->spec->name);
        fprintf(out, " | %s | %g/%g |\n", test_label(t->status), t->score, t->spec->points);
    }
    put_analysis_row(out, &r->helgrind);
    put_analysis_row(out, &r->memcheck);
}

static void put_failures(FILE *out, const struct chapter_result *r, const char *prefix)
{
    bool any = false;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        const struct test_verdict *t = &r->tests[i];
        if (t->status == TEST_PASSED)
            continue;
        fputs(any ? "" : "\n**Failing tests**\n\n", out);
        any = true;
        fputs("- ", out);
        put_code(out, t->spec->name);
        long line = 0;
        char *path = report_location(r->chapter, prefix, t->location, &line);
        if (path) {
            char *where = xasprintf("%s:%ld", path, line);
            fputs(" at ", out);
            put_code(out, where);
            free(where);
        }
        fputs(": ", out);
        put_inline(out, t->message ? t->message : test_status_name(t->status));
        fputs("\n", out);
        free(path);
    }
}

static void put_findings(FILE *out, const struct analysis_result *a)
{
    if (a->message && (a->n_findings > 0 || a->max_score > 0)) {
        fprintf(out, "\n**%s:** ", analysis_name(a));
        put_inline(out, a->message);
        fputs("\n", out);
    }
    for (size_t i = 0; i < a->n_findings; i++) {
        const struct finding *f = &a->findings[i];
        fprintf(out, "\n**%s: [", analysis_name(a));
        put_inline(out, f->kind);
        fputs("] in test ", out);
        put_code(out, f->test);
        fputs("**\n", out);
        put_block(out, f->message);
    }
}

/* A note's first line is its sentence; what follows (a compiler's output) is kept as
 * it is. */
static void put_note(FILE *out, const char *note)
{
    size_t len = strcspn(note, "\n");
    char *first = strndup(note, len);
    fputs("\n**Note:** ", out);
    put_inline(out, first ? first : "");
    fputs("\n", out);
    if (note[len] == '\n' && note[len + 1] != '\0')
        put_block(out, note + len + 1);
    free(first);
}

static void put_chapter(FILE *out, const struct chapter_result *r, const char *prefix)
{
    fputs("### ", out);
    put_inline(out, r->chapter->id);
    fputs(": ", out);
    put_inline(out, r->chapter->title);
    fprintf(out, " — %g/%g\n\n", r->score, r->max_score);
    if (r->status == CHAPTER_COMPILE_ERROR)
        fputs("**Compile error:** every test of this chapter scores 0.\n", out);
    else if (r->status == CHAPTER_ERROR)
        fputs("**Not graded:** every test of this chapter scores 0.\n", out);
    if (r->status != CHAPTER_GRADED && r->message)
        put_block(out, r->message);
    for (size_t i = 0; i < r->n_notes; i++) /* before the tests: they explain them */
        put_note(out, r->notes[i]);
    if (r->status != CHAPTER_GRADED || r->n_notes > 0)
        fputs("\n", out);
    put_test_table(out, r);
    if (r->status == CHAPTER_GRADED)
        put_failures(out, r, prefix);
    put_findings(out, &r->helgrind);
    put_findings(out, &r->memcheck);
    fputs("\n", out);
}

int report_markdown_write(const char *path, const struct chapter_result *rs, size_t n,
                          const struct report_context *ctx, char *err, size_t errlen)
{
    FILE *out = fopen(path, "a");
    if (out == NULL) {
        snprintf(err, errlen, "cannot write the summary to %s", path);
        return -1;
    }
    put_total(out, rs, n, ctx);
    put_changes(out, ctx);
    put_overview(out, rs, n);
    for (size_t i = 0; i < n; i++)
        put_chapter(out, &rs[i], ctx->prefix);
    int rc = ferror(out) ? -1 : 0;
    if (fclose(out) != 0 || rc < 0) {
        snprintf(err, errlen, "cannot write the summary to %s", path);
        rc = -1;
    }
    return rc;
}
