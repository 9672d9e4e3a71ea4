/* report_gradescope.c - Gradescope's results.json (its autograder specification):
 *
 *   { "score": 42, "execution_time": 37, "output": "...", "output_format": "text",
 *     "tests": [ { "name": "01-fork: reap_collects_every_zombie", "score": 0,
 *                  "max_score": 2, "status": "failed", "output": "...",
 *                  "visibility": "visible" }, ... ] }
 *
 * One entry per test and per analysis a chapter runs, named "ID: NAME"; "status" is
 * "passed" at full marks, else "failed". Each test carries the visibility extra.cfg
 * gave it ("visible", "after_due_date", "hidden"), which Gradescope enforces; the
 * top-level "output", which every student reads, gives the chapters' scores and notes
 * and names no hidden or after_due_date test (redact.h). */
#include "exports.h"
#include "provenance.h"
#include "extra_tests.h"
#include "redact.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *analysis_name(const char *tool)
{
    return strcmp(tool, "helgrind") == 0 ? "race-free (helgrind)" : "leak-free (memcheck)";
}

static json_t *entry(const struct chapter *ch, const char *name, double score, double max,
                     const char *output, const char *visibility)
{
    char *full = xasprintf("%s: %s", ch->id, name);
    json_t *e = json_pack("{s:s, s:f, s:f, s:s, s:s, s:s}", "name", full, "score", score,
                          "max_score", max, "status",
                          score >= max ? "passed" : "failed", "output", output ? output : "",
                          "visibility", visibility);
    free(full);
    return e;
}

/* A test's output: where it failed and why. */
static char *test_output(const struct test_verdict *t)
{
    if (t->status == TEST_PASSED)
        return xstrdup("");
    return xasprintf("%s%s%s%s", test_status_name(t->status), t->location ? " at " : "",
                     t->location ? t->location : "", t->message ? ": " : "");
}

static json_t *test_entry(const struct chapter_result *r, size_t i)
{
    const struct test_verdict *t = &r->tests[i];
    char *head = test_output(t);
    char *output = xasprintf("%s%s", head, t->status != TEST_PASSED && t->message
                                               ? t->message : "");
    json_t *e = entry(r->chapter, t->spec->name, t->score, t->spec->points, output,
                      test_visibility_name(test_visibility(r->chapter, t->spec)));
    free(output);
    free(head);
    return e;
}

static json_t *analysis_entry(const struct chapter_result *r, const struct analysis_result *a)
{
    char *output = xstrdup(a->message ? a->message : "");
    for (size_t f = 0; f < a->n_findings; f++) {
        char *longer = xasprintf("%s%s[%s] in test %s\n%s", output, *output ? "\n" : "",
                                 a->findings[f].kind, a->findings[f].test,
                                 a->findings[f].message);
        free(output);
        output = longer;
    }
    json_t *e = entry(r->chapter, analysis_name(a->tool), a->score, a->max_score, output,
                      "visible");
    free(output);
    return e;
}

static void append(char **text, const char *piece)
{
    char *longer = xasprintf("%s%s", *text, piece);
    free(*text);
    *text = longer;
}

/* What every student reads: the score, each chapter's, its notes and why a chapter was
 * not graded; hidden tests by number only. */
static char *student_output(const struct chapter_result *all, size_t n)
{
    struct redacted red;
    const struct chapter_result *rs = redact_results(all, n, AUDIENCE_STUDENT, &red);
    double score, max;
    score_total(rs, n, &score, &max);
    char *text = xasprintf("Score: %g/%g\n", score, max);
    for (size_t c = 0; c < n; c++) {
        const struct chapter_result *r = &rs[c];
        char *line = xasprintf("\n%s: %g/%g (%s)\n", r->chapter->id, r->score, r->max_score,
                               chapter_status_name(r->status));
        append(&text, line);
        free(line);
        if (r->message && r->status != CHAPTER_GRADED) {
            append(&text, r->message);
            append(&text, "\n");
        }
        for (size_t i = 0; i < r->n_notes; i++) {
            char *note = xasprintf("note: %s\n", r->notes[i]);
            append(&text, note);
            free(note);
        }
        for (size_t i = 0; r->tests && i < r->chapter->n_tests; i++)
            if (test_concealed(all[c].chapter, &all[c].chapter->tests[i], AUDIENCE_STUDENT)) {
                char *h = xasprintf("%s: %s\n", r->tests[i].spec->name,
                                    r->tests[i].status == TEST_PASSED ? "passed" : "failed");
                append(&text, h);
                free(h);
            }
    }
    redacted_free(&red);
    return text;
}

int report_gradescope_write(const char *path, const struct chapter_result *rs, size_t n,
                            double seconds, char *err, size_t errlen)
{
    json_t *tests = json_array();
    for (size_t c = 0; c < n; c++) {
        const struct chapter_result *r = &rs[c];
        for (size_t i = 0; r->tests && i < r->chapter->n_tests; i++)
            json_array_append_new(tests, test_entry(r, i));
        const struct analysis_result *as[] = {&r->helgrind, &r->memcheck};
        const struct analysis_spec *on[] = {&r->chapter->helgrind, &r->chapter->memcheck};
        for (size_t k = 0; k < 2; k++)
            if (on[k]->on && as[k]->tool)
                json_array_append_new(tests, analysis_entry(r, as[k]));
    }
    double score, max;
    score_total(rs, n, &score, &max);
    char *output = student_output(rs, n);
    /* extra_data: Gradescope keeps it with the results (what they were made from) */
    json_t *extra = json_pack("{s:o}", "provenance", provenance_json(report_json_provenance()));
    json_t *root = json_pack("{s:f, s:I, s:s, s:s, s:o, s:o}", "score", score, "execution_time",
                             (json_int_t)(seconds + 0.999), "output", output, "output_format",
                             "text", "tests", tests, "extra_data", extra);
    free(output);
    int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc < 0)
        snprintf(err, errlen, "cannot write Gradescope's results %s", path);
    json_decref(root);
    return rc;
}
