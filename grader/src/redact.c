/* redact.c - reports for students conceal the instructor's hidden tests (redact.h). */
#include "redact.h"

#include <stdlib.h>
#include <string.h>

bool test_concealed(const struct test_spec *t, enum audience a)
{
    switch (t->visibility) {
    case HIDDEN: return a != AUDIENCE_INSTRUCTOR;
    case AFTER_DUE_DATE: return a == AUDIENCE_STUDENT;
    default: return false;
    }
}

char *concealed_name(const struct test_spec *t)
{
    return xasprintf("hidden test %d", t->hidden_number);
}

static bool any_concealed(const struct chapter_result *rs, size_t n, enum audience a)
{
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; rs[c].tests && i < rs[c].chapter->n_tests; i++)
            if (test_concealed(&rs[c].chapter->tests[i], a))
                return true;
    return false;
}

static void redact_one(const struct chapter_result *r, enum audience a, struct chapter *ch,
                       struct chapter_result *out)
{
    *ch = *r->chapter;
    *out = *r;
    out->chapter = ch;
    if (r->tests == NULL)
        return;
    ch->tests = xcalloc(ch->n_tests + 1, sizeof *ch->tests);
    out->tests = xcalloc(ch->n_tests + 1, sizeof *out->tests);
    for (size_t i = 0; i < ch->n_tests; i++) {
        const struct test_spec *spec = &r->chapter->tests[i];
        ch->tests[i] = *spec;
        out->tests[i] = r->tests[i];
        out->tests[i].spec = &ch->tests[i];
        if (!test_concealed(spec, a))
            continue;
        ch->tests[i].name = concealed_name(spec);
        struct test_verdict *t = &out->tests[i];
        t->status = t->status == TEST_PASSED ? TEST_PASSED : TEST_FAILED;
        t->message = t->location = t->output = NULL;
    }
}

const struct chapter_result *redact_results(const struct chapter_result *rs, size_t n,
                                            enum audience a, struct redacted *out)
{
    *out = (struct redacted){0};
    if (!any_concealed(rs, n, a))
        return rs;
    out->n = n;
    out->chapters = xcalloc(n + 1, sizeof *out->chapters);
    out->results = xcalloc(n + 1, sizeof *out->results);
    for (size_t c = 0; c < n; c++)
        redact_one(&rs[c], a, &out->chapters[c], &out->results[c]);
    return out->results;
}

void redacted_free(struct redacted *r)
{
    for (size_t c = 0; c < r->n; c++) {
        struct chapter *ch = &r->chapters[c];
        if (r->results[c].tests == NULL)
            continue;
        for (size_t i = 0; i < ch->n_tests; i++) /* a test's real name has no space */
            if (strncmp(ch->tests[i].name, "hidden test ", 12) == 0)
                free(ch->tests[i].name);
        free(ch->tests);
        free(r->results[c].tests);
    }
    free(r->chapters);
    free(r->results);
    *r = (struct redacted){0};
}
