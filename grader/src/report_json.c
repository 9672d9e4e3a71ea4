/* report_json.c - stage 6b: the JSON report other tools read (jansson).
 *
 * Written as grading goes (temp file, then rename: never half a file), so that an
 * interrupted or killed grading leaves a valid report with "complete": false.
 *
 * Shape: { score, max_score, complete, partial, selection: { tests[], files[] } | null,
 * provenance: { submission_commit, workbook_commit, grader_version, graded_at } (the
 * commits null when not known; provenance.h),
 * sandbox: { layers: [names], missing: [ { layer, reason } ] },
 * chapters: [ { id, title, score, max_score, status, partial, message, notes[], flags: [ { where,
 * what } ], seconds, stage_seconds, tests: [ { name, status, score, max_score, message,
 * location } ], analysis: { helgrind, memcheck: { ran, errors, ignored, score, max_score,
 * seconds, message, findings: [ { kind, message, where[], variable, test } ] } } } ] }.
 * The names are fixed: tools rely on them. */
#include "grader.h"
#include "extra_tests.h"
#include "redact.h"
#include "provenance.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_json.h"

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *test_json(const struct chapter *ch, const struct test_verdict *t)
{
    json_t *test = json_pack("{s:s, s:s, s:f, s:f, s:o, s:o}", "name", t->spec->name, "status",
                             test_status_name(t->status), "score", t->score, "max_score",
                             t->spec->points, "message", string_or_null(t->message),
                             "location", string_or_null(t->location));
    enum test_visibility v = test_visibility(ch, t->spec);
    if (v != VISIBLE) /* --extra-tests: "hidden" or "after_due_date" */
        json_object_set_new(test, "visibility", json_string(test_visibility_name(v)));
    return test;
}

static json_t *finding_json(const struct finding *f)
{
    json_t *where = json_array();
    for (size_t i = 0; i < f->n_where; i++)
        json_array_append_new(where, json_string(f->where[i]));
    return json_pack("{s:s, s:s, s:o, s:o, s:s}", "kind", f->kind, "message", f->message,
                     "where", where, "variable", string_or_null(f->variable), "test", f->test);
}

static json_t *analysis_json(const struct analysis_result *a)
{
    json_t *findings = json_array();
    for (size_t i = 0; i < a->n_findings; i++)
        json_array_append_new(findings, finding_json(&a->findings[i]));
    return json_pack("{s:b, s:i, s:i, s:f, s:f, s:f, s:o, s:o}", "ran", a->ran, "errors",
                     a->errors, "ignored", a->ignored, "score", a->score, "max_score",
                     a->max_score, "seconds", a->seconds, "message",
                     string_or_null(a->message), "findings", findings);
}

json_t *report_json_chapter(const struct chapter_result *r)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        json_array_append_new(tests, test_json(r->chapter, &r->tests[i]));
    json_t *notes = json_array();
    for (size_t i = 0; i < r->n_notes; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    json_t *flags = json_array();
    for (size_t i = 0; i < r->n_flags; i++)
        json_array_append_new(flags, json_pack("{s:s, s:s}", "where", r->flags[i].where, "what",
                                               r->flags[i].what));
    json_t *analysis = json_pack("{s:o, s:o}", "helgrind", analysis_json(&r->helgrind),
                                 "memcheck", analysis_json(&r->memcheck));
    json_t *stages = json_pack("{s:f, s:f, s:f, s:f, s:f}", "collect", r->stage_seconds.collect,
                               "build", r->stage_seconds.build, "check", r->stage_seconds.check,
                               "run", r->stage_seconds.run, "analyse",
                               r->stage_seconds.analyse);
    return json_pack("{s:s, s:s, s:f, s:f, s:s, s:b, s:o, s:o, s:o, s:f, s:o, s:o, s:o}", "id",
                     r->chapter->id, "title", r->chapter->title, "score", r->score,
                     "max_score", r->max_score, "status", chapter_status_name(r->status),
                     "partial", r->chapter->whole != NULL, "message", string_or_null(r->message), "notes", notes, "flags", flags,
                     "seconds", r->seconds, "stage_seconds", stages, "tests", tests,
                     "analysis", analysis);
}

/* { layers: [active layer names], missing: [ { layer, reason } ] } */
static json_t *sandbox_json(const struct sandbox *box)
{
    json_t *layers = json_array(), *missing = json_array();
    for (int l = 0; box && l < N_LAYERS; l++) {
        if (box->active[l])
            json_array_append_new(layers, json_string(sandbox_layer_name(l)));
        else
            json_array_append_new(missing,
                                  json_pack("{s:s, s:s}", "layer", sandbox_layer_name(l),
                                            "reason", box->why_missing[l] ? box->why_missing[l]
                                                                          : "unavailable"));
    }
    return json_pack("{s:o, s:o}", "layers", layers, "missing", missing);
}

static const struct provenance *report_provenance;

void report_json_set_provenance(const struct provenance *p)
{
    report_provenance = p;
}

const struct provenance *report_json_provenance(void)
{
    return report_provenance;
}

json_t *provenance_json(const struct provenance *p)
{
    if (p == NULL)
        return json_null();
    return json_pack("{s:o, s:o, s:s, s:o}", "submission_commit",
                     string_or_null(p->submission_commit), "workbook_commit",
                     string_or_null(p->workbook_commit), "grader_version", p->grader_version,
                     "graded_at", string_or_null(p->graded_at));
}

static json_t *strings_json(char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

/* Writes root to path through a temporary file beside it and a rename. */
static int dump_atomically(json_t *root, const char *path)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int rc = text ? write_file_atomically(path, text) : -1;
    free(text);
    return rc;
}

int report_json_write_state(const char *path, const struct chapter_result *rs, size_t n,
                            const struct sandbox *box, const struct report_state *state,
                            char *err, size_t errlen)
{
    json_t *chapters = json_array();
    double score, max;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(chapters, report_json_chapter(&rs[i]));
    score_total(rs, n, &score, &max);
    const struct selection *sel = state->selection;
    bool partial = sel && !selection_empty(sel);
    json_t *selection = partial ? json_pack("{s:o, s:o}", "tests",
                                            strings_json(sel->tests, sel->n_tests), "files",
                                            strings_json(sel->files, sel->n_files))
                                : json_null();
    json_t *root = json_pack("{s:f, s:f, s:b, s:b, s:o, s:o, s:o, s:o}", "score", score,
                             "max_score", max, "complete", state->complete, "partial", partial,
                             "selection", selection, "provenance",
                             provenance_json(report_provenance), "sandbox", sandbox_json(box),
                             "chapters", chapters);
    int rc = dump_atomically(root, path);
    if (rc < 0)
        snprintf(err, errlen, "cannot write the JSON report %s", path);
    json_decref(root);
    return rc;
}

int report_json_write(const char *path, const struct chapter_result *rs, size_t n,
                      const struct sandbox *box, char *err, size_t errlen)
{
    const struct report_state done = {.complete = true};
    return report_json_write_state(path, rs, n, box, &done, err, errlen);
}
