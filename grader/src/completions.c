/* completions.c - the proof that a test ran to its end, in its own process.
 *
 * Check reports a test as passed when its process exits with status 0, so code
 * under test that calls exit(0) "passes" every test that calls it. The grader
 * therefore also asks each test to record, after its last check, "TOKEN NAME" on a
 * pipe that the runner gives that test's process alone; TOKEN is a secret made per
 * run and given to the runner through a pipe it closes before any test starts. The
 * runner counts each test's records and reports them on its progress channel: a test
 * passes only when Check says so AND exactly one genuine record names it. A record
 * naming another test, or a second one, can only be forged by code under test: then
 * no test of the chapter counts. */
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

int completions_init(struct completions *c, size_t n_tests)
{
    *c = (struct completions){.n_tests = n_tests};
    unsigned char bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
        return -1;
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(c->token + 2 * i, 3, "%02x", bytes[i]);
    c->genuine = xcalloc(n_tests, sizeof *c->genuine);
    return 0;
}

int completions_token_pipe(const struct completions *c)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    /* 33 bytes fit in any pipe buffer: the write cannot block. */
    ssize_t put = write(fds[1], c->token, strlen(c->token));
    close(fds[1]);
    if (put != (ssize_t)strlen(c->token)) {
        close(fds[0]);
        return -1;
    }
    return fds[0];
}

void completions_record(struct completions *c, size_t test, int genuine, int forged)
{
    if (test < c->n_tests)
        c->genuine[test] += genuine;
    c->forged += forged;
}

/* Every test void: code under test wrote records it could not have written honestly. */
static void void_all(const struct completions *c, struct chapter_result *r)
{
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        free(t->message);
        t->message = xstrdup("void: a test process recorded the end of another test, or of "
                             "its own twice, which only forged records do");
        t->status = TEST_ERROR;
    }
    chapter_result_add_note(r, "forged completion records (%d): no test of this chapter "
                            "counts; an instructor should review it", c->forged);
}

void completions_apply(const struct completions *c, struct chapter_result *r)
{
    if (c->forged > 0) {
        void_all(c, r);
        return;
    }
    for (size_t i = 0; i < r->chapter->n_tests && i < c->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        if (t->status != TEST_PASSED || c->genuine[i] == 1)
            continue;
        t->status = TEST_ERROR;
        free(t->message);
        t->message = xstrdup(c->genuine[i] == 0
                                 ? "the code under test ended the test process early (the "
                                   "test did not run to its end)"
                                 : "the test recorded its end more than once");
    }
}

void completions_free(struct completions *c)
{
    free(c->genuine);
    *c = (struct completions){0};
}
