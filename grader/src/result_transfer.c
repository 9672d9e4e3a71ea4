/* result_transfer.c - a chapter's result as JSON text and back, so that a worker
 * process that graded a chapter (parallel.c) can hand it to the grader that reports it.
 *
 * The text is the JSON report's chapter (report_json.c writes it; the names are the
 * report's), plus a "transfer" object with what the report leaves out:
 *   { "metadata_broken": bool, "reported": [bool per test], "output": [string|null] }.
 * Reading it back gives a result equal to the one written in every field (reals are
 * written with 17 significant digits, which read back exactly). */
#include "result_transfer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_json.h"

char *result_transfer_encode(const struct chapter_result *r)
{
    json_t *root = report_json_chapter(r);
    if (root == NULL)
        return NULL;
    json_t *reported = json_array(), *output = json_array();
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        json_array_append_new(reported, json_boolean(r->tests[i].reported));
        json_array_append_new(output, r->tests[i].output ? json_string(r->tests[i].output)
                                                         : json_null());
    }
    json_object_set_new(root, "transfer",
                        json_pack("{s:b, s:o, s:o}", "metadata_broken", r->metadata_broken,
                                  "reported", reported, "output", output));
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

/* ---- reading ---- */

/* The first error found while reading, with where it was. */
struct reader {
    char *err;
    size_t errlen;
    bool failed;
};

static void fail(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct reader *rd, const char *fmt, ...)
{
    if (rd->failed)
        return;
    rd->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err, rd->errlen, fmt, ap);
    va_end(ap);
}

static json_t *member(struct reader *rd, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        fail(rd, "no \"%s\"", key);
    return v;
}

static double number(struct reader *rd, json_t *obj, const char *key)
{
    json_t *v = member(rd, obj, key);
    if (v && !json_is_number(v))
        fail(rd, "\"%s\" is not a number", key);
    return json_number_value(v);
}

static bool boolean(struct reader *rd, json_t *v, const char *what)
{
    if (v && !json_is_boolean(v))
        fail(rd, "%s is not true or false", what);
    return json_is_true(v);
}

/* A copy of a string, NULL for null (when nullable). */
static char *string_of(struct reader *rd, json_t *v, const char *what, bool nullable)
{
    if (v && json_is_string(v))
        return xstrdup(json_string_value(v));
    if (!(v && nullable && json_is_null(v)))
        fail(rd, "%s is not a string%s", what, nullable ? " or null" : "");
    return NULL;
}

static char *string_member(struct reader *rd, json_t *obj, const char *key, bool nullable)
{
    return string_of(rd, member(rd, obj, key), key, nullable);
}

/* The array at key, whose size must be n when n is not (size_t)-1. */
static json_t *array_member(struct reader *rd, json_t *obj, const char *key, size_t n)
{
    json_t *v = member(rd, obj, key);
    if (v && !json_is_array(v))
        fail(rd, "\"%s\" is not an array", key);
    else if (v && n != (size_t)-1 && json_array_size(v) != n)
        fail(rd, "\"%s\" has %zu entries, not %zu", key, json_array_size(v), n);
    return json_is_array(v) ? v : NULL;
}

static char **strings_of(struct reader *rd, json_t *array, size_t *n, const char *what)
{
    *n = json_array_size(array);
    char **items = xcalloc(*n + 1, sizeof *items);
    for (size_t i = 0; i < *n; i++)
        items[i] = string_of(rd, json_array_get(array, i), what, false);
    return items;
}

/* The index of name among names (count of them), or -1. */
static int name_index(const char *const *names, int count, const char *name)
{
    for (int i = 0; name && i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static int status_of(struct reader *rd, json_t *obj, bool chapter)
{
    static const char *const chapter_names[] = {"graded", "compile_error", "error"};
    static const char *const test_names[] = {"passed", "failed", "error", "timeout"};
    json_t *v = member(rd, obj, "status");
    int k = chapter ? name_index(chapter_names, 3, json_string_value(v))
                    : name_index(test_names, 4, json_string_value(v));
    if (v && k < 0)
        fail(rd, "unknown status '%s'", json_string_value(v) ? json_string_value(v) : "?");
    return k < 0 ? 0 : k;
}

static void read_test(struct reader *rd, json_t *t, struct test_verdict *v)
{
    const char *name = json_string_value(json_object_get(t, "name"));
    if (name == NULL || strcmp(name, v->spec->name) != 0)
        fail(rd, "test '%s' where '%s' was expected", name ? name : "?", v->spec->name);
    v->status = (enum test_status)status_of(rd, t, false);
    v->score = number(rd, t, "score");
    free(v->message);
    v->message = string_member(rd, t, "message", true);
    v->location = string_member(rd, t, "location", true);
}

static void read_finding(struct reader *rd, json_t *j, struct finding *f)
{
    f->kind = string_member(rd, j, "kind", false);
    f->message = string_member(rd, j, "message", false);
    f->where = strings_of(rd, array_member(rd, j, "where", (size_t)-1), &f->n_where, "where");
    f->variable = string_member(rd, j, "variable", true);
    f->test = string_member(rd, j, "test", false);
}

static void read_analysis(struct reader *rd, json_t *j, struct analysis_result *a)
{
    if (!json_is_object(j)) {
        fail(rd, "no analysis of %s", a->tool);
        return;
    }
    a->ran = boolean(rd, member(rd, j, "ran"), "ran");
    a->errors = (int)number(rd, j, "errors");
    a->ignored = (int)number(rd, j, "ignored");
    a->score = number(rd, j, "score");
    a->max_score = number(rd, j, "max_score");
    a->seconds = number(rd, j, "seconds");
    a->message = string_member(rd, j, "message", true);
    json_t *findings = array_member(rd, j, "findings", (size_t)-1);
    a->n_findings = json_array_size(findings);
    a->findings = a->n_findings ? xcalloc(a->n_findings, sizeof *a->findings) : NULL;
    for (size_t i = 0; i < a->n_findings; i++)
        read_finding(rd, json_array_get(findings, i), &a->findings[i]);
}

static void read_flags(struct reader *rd, json_t *flags, struct chapter_result *r)
{
    r->n_flags = json_array_size(flags);
    r->flags = r->n_flags ? xcalloc(r->n_flags, sizeof *r->flags) : NULL;
    for (size_t i = 0; i < r->n_flags; i++) {
        json_t *f = json_array_get(flags, i);
        r->flags[i].where = string_member(rd, f, "where", false);
        r->flags[i].what = string_member(rd, f, "what", false);
        if (r->flags[i].where == NULL)
            r->flags[i].where = xstrdup(""); /* never NULL: the reports print it */
        if (r->flags[i].what == NULL)
            r->flags[i].what = xstrdup("");
    }
}

static void read_transfer(struct reader *rd, json_t *j, struct chapter_result *r)
{
    size_t n = r->chapter->n_tests;
    r->metadata_broken = boolean(rd, member(rd, j, "metadata_broken"), "metadata_broken");
    json_t *reported = array_member(rd, j, "reported", n);
    json_t *output = array_member(rd, j, "output", n);
    for (size_t i = 0; reported && output && i < n; i++) {
        r->tests[i].reported = boolean(rd, json_array_get(reported, i), "reported");
        r->tests[i].output = string_of(rd, json_array_get(output, i), "output", true);
    }
}

static void read_chapter(struct reader *rd, json_t *root, struct chapter_result *r)
{
    const struct chapter *ch = r->chapter;
    const char *id = json_string_value(json_object_get(root, "id"));
    if (id == NULL || strcmp(id, ch->id) != 0) {
        fail(rd, "the result of '%s', not of %s", id ? id : "?", ch->id);
        return;
    }
    r->status = (enum chapter_status)status_of(rd, root, true);
    r->score = number(rd, root, "score");
    r->max_score = number(rd, root, "max_score");
    r->seconds = number(rd, root, "seconds");
    r->message = string_member(rd, root, "message", true);
    json_t *notes = array_member(rd, root, "notes", (size_t)-1);
    r->notes = strings_of(rd, notes, &r->n_notes, "a note");
    read_flags(rd, array_member(rd, root, "flags", (size_t)-1), r);
    json_t *stages = member(rd, root, "stage_seconds");
    r->stage_seconds.collect = number(rd, stages, "collect");
    r->stage_seconds.build = number(rd, stages, "build");
    r->stage_seconds.check = number(rd, stages, "check");
    r->stage_seconds.run = number(rd, stages, "run");
    r->stage_seconds.analyse = number(rd, stages, "analyse");
    json_t *tests = array_member(rd, root, "tests", ch->n_tests);
    for (size_t i = 0; tests && i < ch->n_tests; i++)
        read_test(rd, json_array_get(tests, i), &r->tests[i]);
    json_t *analysis = member(rd, root, "analysis");
    read_analysis(rd, json_object_get(analysis, "helgrind"), &r->helgrind);
    read_analysis(rd, json_object_get(analysis, "memcheck"), &r->memcheck);
    read_transfer(rd, member(rd, root, "transfer"), r);
}

int result_transfer_decode(const char *text, size_t len, const struct chapter *ch,
                           struct chapter_result *r, char *err, size_t errlen)
{
    chapter_result_init(r, ch);
    struct reader rd = {err, errlen, false};
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    if (root == NULL)
        fail(&rd, "not JSON: %s", jerr.text);
    else if (!json_is_object(root))
        fail(&rd, "%s", "not a JSON object");
    else
        read_chapter(&rd, root, r);
    json_decref(root);
    return rd.failed ? -1 : 0;
}
