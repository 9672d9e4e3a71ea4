/* chapter_table.c - grade --list --markdown: the README's table of chapters, made from
 * their metadata (title, teaches, student files, tests, points), so that it cannot go
 * stale: make test compares it with the README's copy between its two markers. */
#include "exports.h"

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
                chapter_max_points(ch));
    }
}
