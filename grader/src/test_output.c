/* test_output.c - what the code under test printed during each test (--show-output).
 *
 * The runner's output (logs/run.log: the first 64 KiB, see command.c) holds, for each
 * test, a line "@@wb-test NAME" (WB_OUTPUT_MARK) before it starts, then what the test's
 * processes printed, then the runner's own "PASS NAME" or "FAIL NAME" line. The text
 * between is kept with the test's verdict, its first TEST_OUTPUT_CAP bytes. It is for
 * the student to read, never for a verdict: code under test can print anything,
 * including such lines. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

#include "wb_test.h"
#include "workfile.h"

enum { RUN_LOG_MAX = 1 << 20 };

static struct test_verdict *verdict_named(struct chapter_result *r, const char *name,
                                          size_t len)
{
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        if (strlen(r->tests[i].spec->name) == len &&
            strncmp(r->tests[i].spec->name, name, len) == 0)
            return &r->tests[i];
    return NULL;
}

/* Whether line (up to its '\n') is the runner's "PASS NAME" or "FAIL NAME" for name. */
static bool is_end_line(const char *line, const char *name)
{
    size_t len = strlen(name);
    return (strncmp(line, "PASS ", 5) == 0 || strncmp(line, "FAIL ", 5) == 0) &&
           strncmp(line + 5, name, len) == 0 && (line[5 + len] == '\n' || line[5 + len] == '\0');
}

/* Keeps the output of t: text[0, len), its first TEST_OUTPUT_CAP bytes. */
static void keep(struct test_verdict *t, const char *text, size_t len)
{
    free(t->output);
    t->output = NULL;
    if (len == 0)
        return;
    if (len <= TEST_OUTPUT_CAP) {
        t->output = strndup(text, len);
        return;
    }
    t->output = xasprintf("%.*s\n[... %zu more bytes not shown]\n", TEST_OUTPUT_CAP, text,
                          len - TEST_OUTPUT_CAP);
}

void test_output_read(const char *run_log, struct chapter_result *r)
{
    char *text = workfile_read(run_log, RUN_LOG_MAX, NULL);
    if (text == NULL)
        return;
    size_t mark_len = strlen(WB_OUTPUT_MARK);
    for (char *p = strstr(text, WB_OUTPUT_MARK); p; p = strstr(p, WB_OUTPUT_MARK)) {
        if (p != text && p[-1] != '\n') {
            p += mark_len; /* printed by the code under test, mid-line */
            continue;
        }
        char *name = p + mark_len;
        size_t name_len = strcspn(name, "\n");
        struct test_verdict *t = verdict_named(r, name, name_len);
        char *start = name + name_len + (name[name_len] == '\n');
        char *end = start;
        while (*end && strncmp(end, WB_OUTPUT_MARK, mark_len) != 0 &&
               !(t && is_end_line(end, t->spec->name)))
            end += strcspn(end, "\n") + (end[strcspn(end, "\n")] == '\n');
        if (t)
            keep(t, start, (size_t)(end - start));
        p = end;
    }
    free(text);
}
