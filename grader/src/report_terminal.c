/* report_terminal.c - stage 6a: what the student reads in the terminal.
 *
 * Quiet by default: one line per exercise (the student files its tests exercise) when
 * its tests pass, its failures expanded under it (the first of an exercise not begun,
 * up to MAX_EXPANDED of one under way, the rest named, a long list cut with a count).
 * Verbose: one line per test in the style of course graders (status, name, points),
 * the reason indented under a failure. Then the analyses, notes and the chapter's and
 * the final score. Every path is shown from the workbook's root (display_paths.c). */
#include "grader.h"
#include "redact.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_WIDTH = 46, MAX_EXPANDED = 5, MAX_LISTED = 4 };

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

/* A test's points as its status gives them (live verdicts are not scored yet). */
static double points_of(const struct test_verdict *t)
{
    return t->status == TEST_PASSED ? t->spec->points : 0;
}

/* The reason under a failed test: its location, its message and, with show_output,
 * what its code printed. */
static void print_reason(FILE *out, const struct chapter_result *r, const struct test_verdict *t,
                         const struct terminal_options *o, const struct style *st,
                         const char *indent)
{
    char *where = display_location(&o->paths, r->chapter, t->location);
    char *message = display_text(&o->paths, r->chapter, t->message);
    if (where)
        fprintf(out, "%s%s%s:%s ", indent, st->dim, where, st->off);
    else
        fputs(indent, out);
    print_indented(out, message ? message : "", "");
    if (o->show_output && t->output) {
        fprintf(out, "%s%sit printed:%s\n", indent, st->dim, st->off);
        char *deeper = xasprintf("%s  | ", indent);
        print_indented(out, t->output, deeper);
        free(deeper);
    } else if (o->show_output) {
        fprintf(out, "%s%sit printed nothing%s\n", indent, st->dim, st->off);
    }
    free(message);
    free(where);
}

/* A test the reader may not see (redact.h): "hidden test N: failed" and its points,
 * nothing else. Returns whether it printed it. */
static bool print_concealed(FILE *out, const struct chapter *ch, const struct test_verdict *t,
                            const struct terminal_options *o, const struct style *st,
                            const char *indent, int width)
{
    if (!test_concealed(ch, t->spec, (enum audience)o->audience))
        return false;
    bool passed = t->status == TEST_PASSED;
    char *name = concealed_name(ch, t->spec);
    char *line = xasprintf("%s: %s", name, passed ? "passed" : "failed");
    fprintf(out, "%s%s%-7s%s %-*s %5g/%g\n", indent, passed ? st->pass : st->fail,
            passed ? "PASS" : "FAIL", st->off, width, line, points_of(t), t->spec->points);
    free(line);
    free(name);
    return true;
}

void report_test_terminal(FILE *out, const struct chapter_result *r, size_t i,
                          const struct terminal_options *o)
{
    struct style st = style_for(o->colour);
    const struct test_verdict *t = &r->tests[i];
    bool passed = t->status == TEST_PASSED;
    if (print_concealed(out, r->chapter, t, o, &st, "  ", NAME_WIDTH))
        return;
    fprintf(out, "  %s%-7s%s %-*s %5g/%g\n", passed ? st.pass : st.fail,
            status_label(t->status), st.off, NAME_WIDTH, t->spec->name, points_of(t),
            t->spec->points);
    if (!passed && t->message)
        print_reason(out, r, t, o, &st, "          ");
}

size_t exercise_end(const struct chapter *ch, size_t i)
{
    size_t end = i + 1;
    while (end < ch->n_tests && same_exercise(ch, i, end))
        end++;
    return end;
}

void report_exercise_terminal(FILE *out, const struct chapter_result *r, size_t first,
                              size_t end, const struct terminal_options *o)
{
    if (o->verbose) {
        for (size_t i = first; i < end; i++)
            report_test_terminal(out, r, i, o);
        return;
    }
    struct style st = style_for(o->colour);
    size_t passed = 0, failing = 0;
    double score = 0, max = 0;
    for (size_t i = first; i < end; i++) {
        passed += r->tests[i].status == TEST_PASSED;
        score += points_of(&r->tests[i]);
        max += r->tests[i].spec->points;
    }
    char *label = exercise_label(r->chapter, first);
    char *summary = xasprintf("%s: %zu/%zu passed", label, passed, end - first);
    bool all = passed == end - first;
    fprintf(out, "  %s%-7s%s %-*s %5g/%g\n", all ? st.pass : st.fail, all ? "PASS" : "FAIL",
            st.off, NAME_WIDTH, summary, score, max);
    /* failures expanded: the first one of an exercise not begun, more of one under way */
    size_t expand = passed == 0 ? 1 : MAX_EXPANDED;
    char *rest = xstrdup("");
    for (size_t i = first; i < end; i++) {
        const struct test_verdict *t = &r->tests[i];
        if (t->status == TEST_PASSED)
            continue;
        if (failing++ < expand &&
            print_concealed(out, r->chapter, t, o, &st, "    ", NAME_WIDTH - 2)) {
            continue;
        } else if (failing <= expand) {
            fprintf(out, "    %s%-7s%s %-*s %3g/%g\n", st.fail, status_label(t->status), st.off,
                    NAME_WIDTH - 2, t->spec->name, points_of(t), t->spec->points);
            if (t->message)
                print_reason(out, r, t, o, &st, "            ");
        } else if (passed > 0 && failing - expand <= MAX_LISTED) {
            char *name = test_concealed(r->chapter, t->spec, (enum audience)o->audience)
                             ? concealed_name(r->chapter, t->spec) : xstrdup(t->spec->name);
            char *longer = xasprintf("%s%s%s", rest, failing - expand > 1 ? ", " : "", name);
            free(name);
            free(rest);
            rest = longer;
        }
    }
    if (failing > expand) {
        size_t more = failing - expand;
        fprintf(out, "    %s... and %zu more failing%s%s", st.dim, more, passed ? ": " : "", rest);
        if (passed > 0 && more > MAX_LISTED)
            fprintf(out, " and %zu more", more - MAX_LISTED);
        fprintf(out, " (--verbose shows them)%s\n", st.off);
    }
    free(rest);
    free(summary);
    free(label);
}

static const char *analysis_label(const char *tool)
{
    return strcmp(tool, "helgrind") == 0 ? "race-free (helgrind)" : "leak-free (memcheck)";
}

/* text with a long list after its last ": " cut to MAX_LISTED names and a count. */
static char *cut_list(const char *text)
{
    const char *colon = strstr(text, ": "), *next;
    while (colon && (next = strstr(colon + 2, ": ")) != NULL)
        colon = next;
    if (colon == NULL || strchr(colon, '\n'))
        return xstrdup(text);
    size_t items = 1;
    const char *cut = NULL;
    for (const char *p = strstr(colon, ", "); p; p = strstr(p + 2, ", "))
        if (++items == MAX_LISTED + 1)
            cut = p;
    if (cut == NULL)
        return xstrdup(text);
    return xasprintf("%.*s ... and %zu more", (int)(cut - text), text, items - MAX_LISTED);
}

/* One scored line per analysis, then its message (quiet: its list cut, and not again
 * when the analysis before said the same), then each finding with its lines and hint. */
static void print_analysis(FILE *out, const struct chapter_result *r,
                           const struct analysis_result *a, const char *said_before,
                           const struct terminal_options *o, const struct style *st)
{
    if (a->max_score <= 0 && !a->ran)
        return;
    bool earned = a->score >= a->max_score && a->max_score > 0;
    fprintf(out, "  %s%-7s%s %-*s %5g/%g  %s(%d found, %d ignored, %.1f s)%s\n",
            earned ? st->pass : st->fail, earned ? "PASS" : "FAIL", st->off, NAME_WIDTH,
            analysis_label(a->tool), a->score, a->max_score, st->dim, a->errors, a->ignored,
            a->seconds, st->off);
    if (a->message && !o->verbose && said_before && strcmp(said_before, a->message) == 0) {
        fprintf(out, "          %s(the same)%s\n", st->dim, st->off);
    } else if (a->message) {
        char *message = o->verbose ? xstrdup(a->message) : cut_list(a->message);
        fprintf(out, "          %s\n", message);
        free(message);
    }
    for (size_t i = 0; i < a->n_findings; i++) {
        fprintf(out, "          %s[%s] in test %s%s\n", st->bold, a->findings[i].kind,
                a->findings[i].test, st->off);
        char *message = display_text(&o->paths, r->chapter, a->findings[i].message);
        print_indented(out, message, "          ");
        free(message);
    }
}

/* Whether every test of [first, end) was printed live with the status it has now. */
static bool shown_already(const struct chapter_result *r, size_t first, size_t end,
                          const struct terminal_options *o)
{
    for (size_t i = first; o->shown && i < end; i++)
        if (o->shown[i] != (int)r->tests[i].status)
            return false;
    return o->shown != NULL;
}

void report_chapter_header_terminal(FILE *out, const struct chapter *ch,
                                    const struct terminal_options *o)
{
    struct style st = style_for(o->colour);
    fprintf(out, "\n%s== %s: %s ==%s\n", st.bold, ch->id, ch->title, st.off);
    if (ch->whole)
        fprintf(out, "  %spartial: %zu of its %zu tests (--test, --file); the score is not "
                "comparable to a full grading%s\n", st.dim, ch->n_tests, ch->whole->n_tests,
                st.off);
}

void report_chapter_terminal(FILE *out, const struct chapter_result *r,
                             const struct terminal_options *o)
{
    struct style st = style_for(o->colour);
    const struct chapter *ch = r->chapter;
    if (r->status == CHAPTER_COMPILE_ERROR) {
        fprintf(out, "  %sCOMPILE ERROR%s: every test of this chapter scores 0\n", st.fail,
                st.off);
        char *message = display_text(&o->paths, ch, r->message);
        print_indented(out, message, "    ");
        free(message);
    } else if (r->status == CHAPTER_ERROR) {
        fprintf(out, "  %sNOT GRADED%s: %s\n", st.fail, st.off, r->message);
    }
    if (r->status == CHAPTER_GRADED) {
        for (size_t i = 0; i < ch->n_tests;) {
            size_t end = o->verbose ? i + 1 : exercise_end(ch, i);
            if (!shown_already(r, i, end, o))
                report_exercise_terminal(out, r, i, end, o);
            i = end;
        }
        print_analysis(out, r, &r->helgrind, NULL, o, &st);
        print_analysis(out, r, &r->memcheck, r->helgrind.max_score > 0 || r->helgrind.ran
                                                 ? r->helgrind.message : NULL, o, &st);
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        char *note = display_text(&o->paths, ch, r->notes[i]);
        fprintf(out, "  note: ");
        print_indented(out, note, "");
        free(note);
    }
    if (r->n_flags > 0)
        fprintf(out, "  flagged for review (not scored):\n");
    for (size_t i = 0; i < r->n_flags; i++)
        fprintf(out, "    %s%s%s\n", r->flags[i].where, r->flags[i].where[0] ? ": " : "",
                r->flags[i].what);
    char *reused = r->files_reused == 0
                       ? xstrdup("")
                       : xasprintf("; %zu of %zu student files unchanged, not compiled again",
                                   r->files_reused, ch->n_student_files);
    fprintf(out,
            "  %sChapter %s: %g/%g%s%s  %s(%.1f s: build %.1f, tests %.1f, analyses %.1f%s)%s\n",
            st.bold, ch->id, r->score, r->max_score, ch->whole ? " (partial)" : "", st.off,
            st.dim, r->seconds,
            r->stage_seconds.collect + r->stage_seconds.build + r->stage_seconds.check,
            r->stage_seconds.run, r->stage_seconds.analyse, reused, st.off);
    free(reused);
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
