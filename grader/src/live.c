/* live.c - the terminal while a chapter is graded: each verdict as it arrives, and on
 * a terminal a progress line redrawn in place.
 *
 * When the runner reports that a test ended (run.c's progress), its Check log is read
 * into a scratch result with the run's completion records, and printed: the test's own
 * line (verbose), or the exercise's once its last test ended (quiet). The report at
 * the chapter's end (report_terminal.c) prints what was not shown, or was shown with
 * another status than the final one. On a terminal (isatty), a line under the output
 * says the chapter, the tests done out of all, the running test and the time; it is
 * erased before anything else is printed and redrawn after, and never written when the
 * output is not a terminal. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "live.h"
#include "redact.h"

enum { REDRAW_EVERY_MS = 200 };

static struct live *ticking; /* the live view the command loop's tick redraws */

void live_init(struct live *l, FILE *out, bool tty, const struct terminal_options *o)
{
    *l = (struct live){.out = out, .tty = tty, .options = *o, .running = -1};
}

/* Erases the progress line, if one is drawn. */
static void erase(struct live *l)
{
    if (l->drawn)
        fputs("\r\033[K", l->out);
    l->drawn = false;
}

static void draw_jobs(struct live *l);

static void draw(struct live *l)
{
    if (l->tty && l->chapter == NULL)
        draw_jobs(l);
    if (!l->tty || l->chapter == NULL)
        return;
    double now = monotonic_seconds();
    erase(l);
    const char *dim = l->options.colour ? "\033[2m" : "", *off = l->options.colour ? "\033[0m" : "";
    fprintf(l->out, "%s[%s] %zu/%zu tests", dim, l->chapter->id, l->done, l->chapter->n_tests);
    const struct test_spec *running = l->running >= 0 ? &l->chapter->tests[l->running] : NULL;
    char *concealed = running && test_concealed(l->chapter, running,
                                                (enum audience)l->options.audience)
                          ? concealed_name(l->chapter, running) : NULL;
    if (concealed)
        fprintf(l->out, "  running %s", concealed);
    else if (running)
        fprintf(l->out, "  running %.60s", running->name);
    else if (l->stage)
        fprintf(l->out, "  %s", l->stage);
    free(concealed);
    fprintf(l->out, "  %.0f s%s", now - l->start, off);
    fflush(l->out);
    l->drawn = true;
    l->last_draw = now;
}

static void tick(void)
{
    if (ticking && monotonic_seconds() - ticking->last_draw >= REDRAW_EVERY_MS / 1000.0)
        draw(ticking);
}

void live_chapter_begin(struct live *l, const struct chapter *ch, const char *work)
{
    l->chapter = ch;
    l->work = work;
    l->done = 0;
    l->running = -1;
    l->stage = "building";
    l->start = monotonic_seconds();
    l->shown = xcalloc(ch->n_tests + 1, sizeof *l->shown);
    for (size_t i = 0; i < ch->n_tests; i++)
        l->shown[i] = -1;
    chapter_result_init(&l->scratch, ch);
    report_chapter_header_terminal(l->out, ch, &l->options);
    fflush(l->out);
    ticking = l;
    command_set_tick(tick);
    draw(l);
}

void live_stage(struct live *l, const char *stage)
{
    if (l == NULL || l->chapter == NULL)
        return;
    l->stage = stage;
    l->running = -1;
    draw(l);
}

void live_test_began(struct live *l, int test)
{
    if (l == NULL || l->chapter == NULL)
        return;
    l->running = test;
    draw(l);
}

/* Prints what test i's end completes: its line, or its exercise when every test of
 * it has a verdict (with --show-output a failing exercise waits for the chapter's
 * end, when the output is known). */
static void show(struct live *l, size_t i)
{
    const struct terminal_options *o = &l->options;
    if (o->verbose) {
        report_test_terminal(l->out, &l->scratch, i, o);
        l->shown[i] = (int)l->scratch.tests[i].status;
        return;
    }
    size_t first = i;
    while (first > 0 && same_exercise(l->chapter, first - 1, i))
        first--;
    size_t end = exercise_end(l->chapter, i);
    for (size_t k = first; k < end; k++)
        if (!l->ended[k] || (o->show_output && l->scratch.tests[k].status != TEST_PASSED))
            return;
    report_exercise_terminal(l->out, &l->scratch, first, end, o);
    for (size_t k = first; k < end; k++)
        l->shown[k] = (int)l->scratch.tests[k].status;
}

void live_test_ended(struct live *l, int test, const struct completions *c)
{
    if (l == NULL || l->chapter == NULL || test < 0)
        return;
    if (l->ended == NULL)
        l->ended = xcalloc(l->chapter->n_tests + 1, sizeof *l->ended);
    char *xml = xasprintf("%s/build/xml/%s.xml", l->work, l->chapter->tests[test].name);
    checklog_read(xml, &l->scratch);
    free(xml);
    if (c)
        completions_apply(c, &l->scratch);
    l->ended[test] = true;
    l->done++;
    l->running = -1;
    erase(l);
    show(l, (size_t)test);
    fflush(l->out);
    draw(l);
}

void live_chapter_end(struct live *l, const struct chapter_result *r)
{
    erase(l);
    command_set_tick(NULL);
    ticking = NULL;
    struct terminal_options o = l->options;
    o.shown = l->shown;
    report_chapter_terminal(l->out, r, &o);
    fflush(l->out);
    chapter_result_free(&l->scratch);
    free(l->shown);
    free(l->ended);
    l->shown = NULL;
    l->ended = NULL;
    l->chapter = NULL;
}

/* ---- -j N: chapters graded at once (parallel.c) ---- */

static void draw_jobs(struct live *l)
{
    erase(l);
    if (l->jobs[0] == '\0')
        return;
    const char *dim = l->options.colour ? "\033[2m" : "", *off = l->options.colour ? "\033[0m" : "";
    fprintf(l->out, "%s%s%s", dim, l->jobs, off);
    fflush(l->out);
    l->drawn = true;
    l->last_draw = monotonic_seconds();
}

void live_jobs_progress(struct live *l, const char *text)
{
    enum { COLUMNS = 79 }; /* what fits a line of a terminal of 80 */
    char line[sizeof l->jobs];
    snprintf(line, sizeof line, "%.*s", (int)COLUMNS, text);
    if (strcmp(line, l->jobs) == 0 && (l->drawn || line[0] == '\0'))
        return; /* already on the screen */
    memcpy(l->jobs, line, sizeof line);
    if (l->tty)
        draw(l);
}

void live_chapter_whole(struct live *l, const struct chapter_result *r)
{
    erase(l);
    report_chapter_header_terminal(l->out, r->chapter, &l->options);
    report_chapter_terminal(l->out, r, &l->options);
    fflush(l->out);
    draw(l);
}
