/* live.h - the terminal while a chapter is graded (live.c): each verdict as it arrives,
 * and on a terminal a progress line redrawn in place. */
#ifndef LIVE_H
#define LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "grader.h"

struct live {
    FILE *out;
    bool tty;                         /* draw the progress line */
    struct terminal_options options;
    const struct chapter *chapter;    /* the chapter being graded; NULL between chapters */
    const char *work;                 /* its work folder: build/xml/NAME.xml */
    struct chapter_result scratch;    /* the verdicts so far, not scored */
    int *shown;                       /* per test: the status printed, -1 when not yet */
    bool *ended;                      /* per test: the runner reported its end */
    size_t done;
    int running;                      /* the test running, -1: none */
    const char *stage;                /* "building", "analysing"... when no test runs */
    double start, last_draw;
    bool drawn;                       /* a progress line is on the screen */
    char jobs[160];                   /* -j N: the progress line between chapters */
};

void live_init(struct live *l, FILE *out, bool tty, const struct terminal_options *o);
/* Prints the chapter's header and starts its progress line. */
void live_chapter_begin(struct live *l, const struct chapter *ch, const char *work);
void live_stage(struct live *l, const char *stage);
/* From the runner's progress (run.c); l may be NULL (analyses: nothing shown). */
void live_test_began(struct live *l, int test);
void live_test_ended(struct live *l, int test, const struct completions *c);
/* Erases the progress line and prints the rest of the chapter's report. */
void live_chapter_end(struct live *l, const struct chapter_result *r);

/* -j N (parallel.c): chapters graded at once elsewhere, each printed whole when it
 * ends. The progress line shows text (cut to fit a line; "" for none). */
void live_jobs_progress(struct live *l, const char *text);
/* Erases the progress line, prints the chapter's header and report, redraws the line. */
void live_chapter_whole(struct live *l, const struct chapter_result *r);

#endif
