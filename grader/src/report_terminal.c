/* report_terminal.c - stage 6a: what the student reads in the terminal.
 *
 * One line per test in the style of course graders (status, name, points), the
 * reason indented under a failure, then the chapter's and the final score. */
#include "grader.h"

#include <string.h>

enum { NAME_WIDTH = 46 };

struct style {
    const char *pass, *fail, *bold, *dim, *off;
};

static struct style style_for(bool colour)
{
    if (!colour)
        return (struct style){"", "", "", "", ""};
    return (struct style){"\033[32m", "\033[31m", "\033[1m", "\033[2m", "\033[0m"};
}

static const char *status_label(enum test_status s)
{
    static const char *const labels[] = {"PASS", "FAIL", "ERROR", "TIMEOUT"};
    return labels[s];
}

/* Prints text with every line indented, so multi-line reasons stay readable. */
static void print_indented(FILE *out, const char *text, const char *indent)
{
    while (*text) {
        size_t len = strcspn(text, "\n");
        fprintf(out, "%s%.*s\n", indent, (int)len, text);
        text += len + (text[len] == '\n');
    }
}

static void print_test(FILE *out, const struct test_verdict *t, const struct style *st)
{
    bool passed = t->status == TEST_PASSED;
    fprintf(out, "  %s%-7s%s %-*s %5g/%g\n", passed ? st->pass : st->fail,
            status_label(t->status), st->off, NAME_WIDTH, t->spec->name, t->score,
            t->spec->points);
    if (!passed && t->message) {
        if (t->location)
            fprintf(out, "          %s%s:%s ", st->dim, t->location, st->off);
        else
            fputs("          ", out);
        print_indented(out, t->message, "");
    }
}

static const char *analysis_label(const char *tool)
{
    return strcmp(tool, "helgrind") == 0 ? "race-free (helgrind)" : "leak-free (memcheck)";
}

/* One scored line per analysis, then each finding with its lines and hint. */
static void print_analysis(FILE *out, const struct analysis_result *a, const struct style *st)
{
    if (a->max_score <= 0 && !a->ran)
        return;
    bool earned = a->score >= a->max_score && a->max_score > 0;
    fprintf(out, "  %s%-7s%s %-*s %5g/%g  %s(%d found, %d ignored, %.1f s)%s\n",
            earned ? st->pass : st->fail, earned ? "PASS" : "FAIL", st->off, NAME_WIDTH,
            analysis_label(a->tool), a->score, a->max_score, st->dim, a->errors, a->ignored,
            a->seconds, st->off);
    if (a->message)
        fprintf(out, "          %s\n", a->message);
    for (size_t i = 0; i < a->n_findings; i++) {
        fprintf(out, "          %s[%s] in test %s%s\n", st->bold, a->findings[i].kind,
                a->findings[i].test, st->off);
        print_indented(out, a->findings[i].message, "          ");
    }
}

void report_chapter_terminal(FILE *out, const struct chapter_result *r, bool colour)
{
    struct style st = style_for(colour);
    const struct chapter *ch = r->chapter;
    fprintf(out, "\n%s== %s: %s ==%s\n", st.bold, ch->id, ch->title, st.off);
    if (r->status == CHAPTER_COMPILE_ERROR) {
        fprintf(out, "  %sCOMPILE ERROR%s: every test of this chapter scores 0\n", st.fail,
                st.off);
        print_indented(out, r->message, "    ");
    } else if (r->status == CHAPTER_ERROR) {
        fprintf(out, "  %sNOT GRADED%s: %s\n", st.fail, st.off, r->message);
    }
    if (r->status == CHAPTER_GRADED) {
        for (size_t i = 0; i < ch->n_tests; i++)
            print_test(out, &r->tests[i], &st);
        print_analysis(out, &r->helgrind, &st);
        print_analysis(out, &r->memcheck, &st);
    }
    for (size_t i = 0; i < r->n_notes; i++)
        fprintf(out, "  note: %s\n", r->notes[i]);
    if (r->n_flags > 0)
        fprintf(out, "  flagged for review (not scored):\n");
    for (size_t i = 0; i < r->n_flags; i++)
        fprintf(out, "    %s%s%s\n", r->flags[i].where, r->flags[i].where[0] ? ": " : "",
                r->flags[i].what);
    fprintf(out, "  %sChapter %s: %g/%g%s  %s(%.1f s: build %.1f, tests %.1f, analyses %.1f)%s\n",
            st.bold, ch->id, r->score, r->max_score, st.off, st.dim, r->seconds,
            r->stage_seconds.collect + r->stage_seconds.build + r->stage_seconds.check,
            r->stage_seconds.run, r->stage_seconds.analyse, st.off);
}

void report_total_terminal(FILE *out, const struct chapter_result *rs, size_t n, bool colour)
{
    struct style st = style_for(colour);
    double score, max;
    score_total(rs, n, &score, &max);
    fprintf(out, "\n%sScore: %g/%g%s\n", st.bold, score, max, st.off);
}

void report_sandbox_terminal(FILE *out, const struct sandbox *box, bool colour)
{
    struct style st = style_for(colour);
    int missing = 0;
    for (int l = 0; l < N_LAYERS; l++)
        missing += !box->active[l];
    if (missing == 0) {
        fprintf(out, "%sSandbox: every layer active%s\n", st.dim, st.off);
        return;
    }
    fprintf(out, "%sSandbox: %d layer(s) missing; student code is less contained:%s\n",
            st.fail, missing, st.off);
    for (int l = 0; l < N_LAYERS; l++)
        if (!box->active[l])
            fprintf(out, "  %-14s %s\n", sandbox_layer_name(l),
                    box->why_missing[l] ? box->why_missing[l] : "unavailable");
}
