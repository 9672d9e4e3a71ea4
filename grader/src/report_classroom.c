/* report_classroom.c - the result payload of GitHub Classroom's autograding runners, which
 * classroom-resources/autograding-grading-reporter reads (base64 in the runner step's
 * `result` output) and turns into the points Classroom shows:
 *
 *   { version: 1, status: pass|fail, max_score,
 *     tests: [ { name, status: pass|fail|error, score, message, line_no,
 *                execution_time } ] }
 *
 * The reporter adds up every entry's score and every runner's max_score, and fails its
 * step when a runner's status is fail or error; so the status is fail exactly when the
 * score is below the pass mark, which then agrees with --fail-under.
 *
 * One entry per chapter, not per test: the payload reaches the reporter as one
 * environment variable, and Linux refuses to start a program with a variable beyond
 * 128 KiB; the 400 tests of the workbook, with their messages, would pass that. A
 * chapter's entry names what lost points; the job summary has the rest. */
#include "grader.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_MESSAGE = 400 }; /* bytes of an entry's message, so that the payload stays small */

/* Integral points as JSON integers: "2", as the other runners write them, not "2.0". */
static json_t *points_json(double points)
{
    bool integral = points > -1e15 && points < 1e15 && (double)(json_int_t)points == points;
    return integral ? json_integer((json_int_t)points) : json_real(points);
}

static json_t *seconds_json(double seconds)
{
    char text[32];
    snprintf(text, sizeof text, "%.2fs", seconds);
    return json_string(text);
}

/* Appends text to *message, which ends with "..." once it would pass MAX_MESSAGE (cut
 * between characters, never inside one). */
static void append(char **message, const char *text)
{
    if (strlen(*message) >= MAX_MESSAGE)
        return;
    char *longer = xasprintf("%s%s", *message, text);
    if (strlen(longer) > MAX_MESSAGE) {
        size_t cut = MAX_MESSAGE - 3;
        while (cut > 0 && ((unsigned char)longer[cut] & 0xC0) == 0x80)
            cut--;
        strcpy(longer + cut, "...");
    }
    free(*message);
    *message = longer;
}

/* A JSON string of text that may not be UTF-8 (a compiler quoting a student's bytes):
 * then its other bytes become '?', rather than the entry being lost. */
static json_t *text_json(char *text)
{
    json_t *s = json_string(text);
    if (s != NULL)
        return s;
    for (char *p = text; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    return json_string(text);
}

/* "42/48: failed: a, b; leak-free (memcheck): 1 found", or the chapter's first line
 * when it could not be graded. */
static char *chapter_message(const struct chapter_result *r)
{
    char *message = xasprintf("%g/%g", r->score, r->max_score);
    if (r->status != CHAPTER_GRADED) {
        size_t len = r->message ? strcspn(r->message, "\n") : 0;
        char *why = xasprintf(": %s: %.*s", chapter_status_name(r->status), (int)len,
                              r->message ? r->message : "");
        append(&message, why);
        free(why);
        return message;
    }
    const char *sep = ": failed: ";
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        if (r->tests[i].status != TEST_PASSED) {
            append(&message, sep);
            append(&message, r->tests[i].spec->name);
            sep = ", ";
        }
    const struct analysis_result *analyses[] = {&r->helgrind, &r->memcheck};
    for (size_t i = 0; i < 2; i++)
        if (analyses[i]->max_score > 0 && analyses[i]->score < analyses[i]->max_score) {
            char *lost = xasprintf("; %s (%s): %d found",
                                   strcmp(analyses[i]->tool, "helgrind") == 0 ? "race-free"
                                                                              : "leak-free",
                                   analyses[i]->tool, analyses[i]->errors);
            append(&message, lost);
            free(lost);
        }
    return message;
}

static const char *chapter_entry_status(const struct chapter_result *r)
{
    if (r->status != CHAPTER_GRADED)
        return "error";
    return r->score >= r->max_score ? "pass" : "fail";
}

static json_t *chapter_entry(const struct chapter_result *r)
{
    char *name = xasprintf("%s: %s", r->chapter->id, r->chapter->title);
    char *message = chapter_message(r);
    json_t *e = json_pack("{s:s, s:s, s:o, s:o, s:i, s:o}", "name", name, "status",
                          chapter_entry_status(r), "score", points_json(r->score), "message",
                          text_json(message), "line_no", 0, "execution_time",
                          seconds_json(r->seconds));
    free(message);
    free(name);
    return e;
}

int report_classroom_write(const char *path, const struct chapter_result *rs, size_t n,
                           const struct report_context *ctx, char *err, size_t errlen)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(tests, chapter_entry(&rs[i]));
    double score, max;
    score_total(rs, n, &score, &max);
    const char *status = report_passes(score, max, ctx->pass_percent) ? "pass" : "fail";
    json_t *root = json_pack("{s:i, s:s, s:o, s:o}", "version", 1, "status", status,
                             "max_score", points_json(max), "tests", tests);
    /* compact, on one line: the workflow base64-encodes it as it is */
    int rc = json_dump_file(root, path, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (rc < 0)
        snprintf(err, errlen, "cannot write the Classroom payload %s", path);
    json_decref(root);
    return rc;
}
