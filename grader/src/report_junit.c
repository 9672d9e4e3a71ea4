/* report_junit.c - JUnit XML, as GitLab's and Jenkins' test reports read it:
 *
 *   <testsuites name="workbook" tests= failures= errors= skipped= time=>
 *     <testsuite name="01-fork" tests= failures= errors= skipped= time= package=>
 *       <properties><property name="score" value="45"/> max_score, status </properties>
 *       <testcase classname="01-fork" name="reap_collects_every_zombie">
 *         <failure type="failed" message="FIRST LINE">location: the whole message</failure>
 *       </testcase>
 *       <testcase classname="01-fork" name="leak-free (memcheck)"> ... </testcase>
 *       <system-out>the chapter's notes</system-out>
 *     </testsuite> ...
 *
 * A failed test is a <failure>; a crash, an early exit, a timeout or a compile error an
 * <error> (type: the test's status); a test of a chapter that could not be graded, or
 * an analysis that did not run, <skipped> with the reason. The unit tests validate it
 * against grader/tests/schemas/junit.xsd. */
#include "exports.h"
#include "provenance.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

struct counts {
    size_t tests, failures, errors, skipped;
};

enum outcome { OUTCOME_PASSED, OUTCOME_FAILED, OUTCOME_ERROR, OUTCOME_SKIPPED };

static enum outcome test_outcome(const struct chapter_result *r, const struct test_verdict *t)
{
    if (r->status == CHAPTER_ERROR)
        return OUTCOME_SKIPPED;
    if (t->status == TEST_PASSED)
        return OUTCOME_PASSED;
    return t->status == TEST_FAILED ? OUTCOME_FAILED : OUTCOME_ERROR;
}

static enum outcome analysis_outcome(const struct chapter_result *r,
                                     const struct analysis_result *a)
{
    if (r->status == CHAPTER_ERROR || !a->ran)
        return a->score >= a->max_score && a->ran ? OUTCOME_PASSED : OUTCOME_SKIPPED;
    return a->score >= a->max_score ? OUTCOME_PASSED : OUTCOME_FAILED;
}

static void count(struct counts *c, enum outcome o)
{
    c->tests++;
    c->failures += o == OUTCOME_FAILED;
    c->errors += o == OUTCOME_ERROR;
    c->skipped += o == OUTCOME_SKIPPED;
}

static bool analysed(const struct chapter_result *r, int k)
{
    return k == 0 ? r->chapter->helgrind.on : r->chapter->memcheck.on;
}

static struct counts chapter_counts(const struct chapter_result *r)
{
    struct counts c = {0};
    for (size_t i = 0; r->tests && i < r->chapter->n_tests; i++)
        count(&c, test_outcome(r, &r->tests[i]));
    const struct analysis_result *as[] = {&r->helgrind, &r->memcheck};
    for (int k = 0; k < 2; k++)
        if (analysed(r, k))
            count(&c, analysis_outcome(r, as[k]));
    return c;
}

static void attr_size(xmlTextWriterPtr w, const char *name, size_t value)
{
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%zu", value);
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static void write_counts(xmlTextWriterPtr w, const struct counts *c, double seconds)
{
    attr_size(w, "tests", c->tests);
    attr_size(w, "failures", c->failures);
    attr_size(w, "errors", c->errors);
    attr_size(w, "skipped", c->skipped);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", seconds);
}

/* <failure>, <error> or <skipped> with its message's first line as the attribute and
 * the whole of it (after the location) as the text. */
static void write_problem(xmlTextWriterPtr w, enum outcome o, const char *type,
                          const char *location, const char *message)
{
    static const char *const elements[] = {NULL, "failure", "error", "skipped"};
    if (o == OUTCOME_PASSED)
        return;
    message = message ? message : "";
    char *first = xasprintf("%.*s", (int)strcspn(message, "\n"), message);
    xmlTextWriterStartElement(w, BAD_CAST elements[o]);
    if (o != OUTCOME_SKIPPED)
        attr(w, "type", type);
    attr(w, "message", first);
    char *text = location ? xasprintf("%s: %s", location, message) : xstrdup(message);
    if (*text)
        xmlTextWriterWriteString(w, BAD_CAST text);
    xmlTextWriterEndElement(w);
    free(text);
    free(first);
}

static void start_case(xmlTextWriterPtr w, const struct chapter_result *r, const char *name)
{
    xmlTextWriterStartElement(w, BAD_CAST "testcase");
    attr(w, "name", name);
    attr(w, "classname", r->chapter->id);
}

static void write_analysis(xmlTextWriterPtr w, const struct chapter_result *r,
                           const struct analysis_result *a)
{
    start_case(w, r, strcmp(a->tool, "helgrind") == 0 ? "race-free (helgrind)"
                                                      : "leak-free (memcheck)");
    enum outcome o = analysis_outcome(r, a);
    const char *why = a->message ? a->message
                      : r->status == CHAPTER_ERROR && r->message ? r->message
                      : o == OUTCOME_SKIPPED ? "not run: the tests it covers did not pass"
                      : "";
    char *message = xstrdup(why);
    if (*message == '\0' && a->n_findings > 0) {
        free(message);
        message = xasprintf("%d found", a->errors);
    }
    for (size_t f = 0; f < a->n_findings; f++) {
        char *longer = xasprintf("%s\n[%s] in test %s\n%s", message, a->findings[f].kind,
                                 a->findings[f].test, a->findings[f].message);
        free(message);
        message = longer;
    }
    write_problem(w, o, "analysis", NULL, message);
    free(message);
    xmlTextWriterEndElement(w);
}

/* What the report was made from, as properties (those not known are left out). */
static void write_provenance(xmlTextWriterPtr w, const struct provenance *p)
{
    if (p == NULL)
        return;
    const char *names[] = {"submission_commit", "workbook_commit", "grader_version",
                           "graded_at"};
    const char *values[] = {p->submission_commit, p->workbook_commit, p->grader_version,
                            p->graded_at};
    for (int k = 0; k < 4; k++) {
        if (values[k] == NULL)
            continue;
        xmlTextWriterStartElement(w, BAD_CAST "property");
        attr(w, "name", names[k]);
        attr(w, "value", values[k]);
        xmlTextWriterEndElement(w);
    }
}

static void write_suite(xmlTextWriterPtr w, const struct chapter_result *r)
{
    struct counts c = chapter_counts(r);
    xmlTextWriterStartElement(w, BAD_CAST "testsuite");
    attr(w, "name", r->chapter->id);
    write_counts(w, &c, r->seconds);
    attr(w, "package", r->chapter->title);
    xmlTextWriterStartElement(w, BAD_CAST "properties");
    const char *names[] = {"score", "max_score"};
    double values[] = {r->score, r->max_score};
    for (int k = 0; k < 2; k++) {
        xmlTextWriterStartElement(w, BAD_CAST "property");
        attr(w, "name", names[k]);
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "value", "%g", values[k]);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterStartElement(w, BAD_CAST "property");
    attr(w, "name", "status");
    attr(w, "value", chapter_status_name(r->status));
    xmlTextWriterEndElement(w);
    write_provenance(w, report_json_provenance());
    xmlTextWriterEndElement(w);
    for (size_t i = 0; r->tests && i < r->chapter->n_tests; i++) {
        const struct test_verdict *t = &r->tests[i];
        start_case(w, r, t->spec->name);
        bool graded = r->status != CHAPTER_ERROR;
        write_problem(w, test_outcome(r, t), test_status_name(t->status),
                      graded ? t->location : NULL, graded ? t->message : r->message);
        xmlTextWriterEndElement(w);
    }
    const struct analysis_result *as[] = {&r->helgrind, &r->memcheck};
    for (int k = 0; k < 2; k++)
        if (analysed(r, k))
            write_analysis(w, r, as[k]);
    if (r->n_notes > 0 || (r->message && r->status == CHAPTER_COMPILE_ERROR)) {
        char *out = xstrdup(r->status == CHAPTER_COMPILE_ERROR && r->message ? r->message : "");
        for (size_t i = 0; i < r->n_notes; i++) {
            char *longer = xasprintf("%s%snote: %s", out, *out ? "\n" : "", r->notes[i]);
            free(out);
            out = longer;
        }
        xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST out);
        free(out);
    }
    xmlTextWriterEndElement(w);
}

int report_junit_write(const char *path, const struct chapter_result *rs, size_t n,
                       char *err, size_t errlen)
{
    xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
    if (w == NULL) {
        snprintf(err, errlen, "cannot write the JUnit report %s", path);
        return -1;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    attr(w, "name", "concurrency workbook");
    struct counts all = {0};
    double seconds = 0;
    for (size_t c = 0; c < n; c++) {
        struct counts one = chapter_counts(&rs[c]);
        all.tests += one.tests;
        all.failures += one.failures;
        all.errors += one.errors;
        all.skipped += one.skipped;
        seconds += rs[c].seconds;
    }
    attr_size(w, "tests", all.tests);
    attr_size(w, "failures", all.failures);
    attr_size(w, "errors", all.errors);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", seconds);
    for (size_t c = 0; c < n; c++)
        write_suite(w, &rs[c]);
    xmlTextWriterEndElement(w);
    int rc = xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
    xmlFreeTextWriter(w);
    if (rc < 0)
        snprintf(err, errlen, "cannot write the JUnit report %s", path);
    return rc;
}
