/* chapter_table.c - grade --list --markdown: the README's table of chapters, made from
 * their metadata (title, teaches, student files, tests, points), so that it cannot go
 * stale: make test compares it with the README's copy between its two markers. */
#include "exports.h"

/* The points a chapter's grading can earn: its tests and its analyses. */
static double chapter_points(const struct chapter *ch)
{
    double points = ch->helgrind.on ? ch->helgrind.points : 0;
    points += ch->memcheck.on ? ch->memcheck.points : 0;
    for (size_t i = 0; i < ch->n_tests; i++)
        points += ch->tests[i].points;
    return points;
}

void chapter_table_markdown(FILE *out, const struct chapter *chs, size_t n)
{
    fputs("| chapter | what it teaches (the Python idea, in C) | exercises | tests | points |\n"
          "|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct chapter *ch = &chs[i];
        if (ch->load_error) {
            fprintf(out, "| %s | (its chapter.cfg is broken) | | | |\n", ch->id);
            continue;
        }
        fprintf(out, "| %s | %s | %zu | %zu | %g |\n", ch->id,
                ch->teaches ? ch->teaches : ch->title, ch->n_student_files, ch->n_tests,
                chapter_points(ch));
    }
}
