/* completions.c - the channel that proves a test ran to its end.
 *
 * Check reports a test as passed when its process exits with status 0, so code
 * under test that calls exit(0) "passes" every test that calls it, and code in the
 * runner could rewrite Check's XML log. The grader therefore also asks each test to
 * record, after its last check, "TOKEN NAME" on a descriptor it hands the runner;
 * TOKEN is a secret made per run and given to the runner through a pipe it closes
 * before any test starts. A test passes only when Check says so AND exactly one
 * genuine record names it. */
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int completions_open(struct completions *c, const char *path)
{
    unsigned char bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
        return -1;
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(c->token + 2 * i, 3, "%02x", bytes[i]);
    c->path = xstrdup(path);
    /* Readable too: completions_apply reads the records back through this descriptor,
     * since the runner's code may have put a link or a FIFO at the path since. */
    c->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct stat st;
    if (c->fd >= 0 && (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(c->fd); /* a FIFO left there: O_RDWR opened it without waiting */
        c->fd = -1;
    }
    return c->fd < 0 ? -1 : 0;
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

void completions_close(struct completions *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->path);
    c->fd = -1;
    c->path = NULL;
}

/* How many genuine records name each declared test. */
static void count_records(const char *text, const char *token, struct chapter_result *r,
                          int *counts)
{
    size_t token_len = strlen(token);
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        if (len > token_len + 1 && strncmp(line, token, token_len) == 0 &&
            line[token_len] == ' ') {
            const char *name = line + token_len + 1;
            size_t name_len = len - token_len - 1;
            for (size_t i = 0; i < r->chapter->n_tests; i++) {
                const char *want = r->tests[i].spec->name;
                if (strlen(want) == name_len && strncmp(want, name, name_len) == 0)
                    counts[i]++;
            }
        }
        line += len + (line[len] == '\n');
    }
}

enum { MAX_RECORD_BYTES = 1 << 20 };

/* The records written so far, read through the grader's own descriptor from the
 * start (never by reopening the path), at most MAX_RECORD_BYTES. */
static char *read_records(int fd)
{
    char *text = xcalloc(MAX_RECORD_BYTES + 1, 1);
    size_t n = 0;
    while (fd >= 0 && n < MAX_RECORD_BYTES) {
        ssize_t got = pread(fd, text + n, MAX_RECORD_BYTES - n, (off_t)n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    text[n] = '\0';
    return text;
}

void completions_apply(const struct completions *c, struct chapter_result *r)
{
    char *text = read_records(c->fd);
    int *counts = xcalloc(r->chapter->n_tests, sizeof *counts);
    count_records(text, c->token, r, counts);
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        if (t->status != TEST_PASSED || counts[i] == 1)
            continue;
        t->status = TEST_ERROR;
        free(t->message);
        t->message = xstrdup(counts[i] == 0
                                 ? "the code under test ended the test process early (the "
                                   "test did not run to its end)"
                                 : "the test recorded its end more than once");
    }
    free(counts);
    free(text);
}
