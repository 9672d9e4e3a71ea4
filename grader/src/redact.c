/* redact.c - reports for students conceal the instructor's hidden tests (redact.h). */
#include "redact.h"

#include <stdlib.h>
#include <string.h>

static const struct hidden_test *hidden_of(const struct chapter *ch, const struct test_spec *t)
{
    for (size_t i = 0; i < ch->n_hidden; i++)
        if (strcmp(ch->hidden[i].name, t->name) == 0)
            return &ch->hidden[i];
    return NULL;
}

enum test_visibility test_visibility(const struct chapter *ch, const struct test_spec *t)
{
    const struct hidden_test *h = hidden_of(ch, t);
    return h ? h->visibility : VISIBLE;
}

bool test_concealed(const struct chapter *ch, const struct test_spec *t, enum audience a)
{
    switch (test_visibility(ch, t)) {
    case HIDDEN: return a != AUDIENCE_INSTRUCTOR;
    case AFTER_DUE_DATE: return a == AUDIENCE_STUDENT;
    default: return false;
    }
}

char *concealed_name(const struct chapter *ch, const struct test_spec *t)
{
    const struct hidden_test *h = hidden_of(ch, t);
    return xasprintf("hidden test %d", h ? h->number : 0);
}

static bool any_concealed(const struct chapter_result *rs, size_t n, enum audience a)
{
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; rs[c].tests && i < rs[c].chapter->n_tests; i++)
            if (test_concealed(rs[c].chapter, &rs[c].chapter->tests[i], a))
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
    ch->hidden = xcalloc(ch->n_hidden + 1, sizeof *ch->hidden); /* by the copy's names */
    ch->n_hidden = 0;
    for (size_t i = 0; i < ch->n_tests; i++) {
        const struct test_spec *spec = &r->chapter->tests[i];
        ch->tests[i] = *spec;
        out->tests[i] = r->tests[i];
        out->tests[i].spec = &ch->tests[i];
        bool concealed = test_concealed(r->chapter, spec, a);
        if (concealed)
            ch->tests[i].name = concealed_name(r->chapter, spec);
        const struct hidden_test *h = hidden_of(r->chapter, spec);
        if (h)
            ch->hidden[ch->n_hidden++] = (struct hidden_test){ch->tests[i].name, h->visibility,
                                                              h->number};
        if (!concealed)
            continue;
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
        free(ch->hidden);
        free(r->results[c].tests);
    }
    free(r->chapters);
    free(r->results);
    *r = (struct redacted){0};
}
