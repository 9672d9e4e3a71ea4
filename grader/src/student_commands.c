/* student_commands.c - what grade does besides grading, for a student: --list (the
 * chapters, with the last score of each and a bar over the workbook) and --hint (the
 * next hint of an exercise). */
#include "student_commands.h"

#include <stdlib.h>
#include <string.h>

#include "hints.h"

enum { BAR_WIDTH = 30 };

/* "[##########--------------------]" for done of total. */
static void print_bar(FILE *out, double done, double total)
{
    int filled = total > 0 ? (int)(BAR_WIDTH * done / total + 0.5) : 0;
    fputc('[', out);
    for (int i = 0; i < BAR_WIDTH; i++)
        fputc(i < filled ? '#' : '-', out);
    fputc(']', out);
}

void student_list(FILE *out, const struct chapter *chs, size_t n, const struct progress *p)
{
    double earned = 0, total = 0;
    size_t done = 0, graded = 0;
    for (size_t i = 0; i < n; i++) {
        if (chs[i].load_error) {
            fprintf(out, "%-22s BROKEN: %s\n", chs[i].id, chs[i].load_error);
            continue;
        }
        double points = chapter_max_points(&chs[i]);
        struct chapter_progress c = p ? progress_chapter(p, chs[i].id) : (struct chapter_progress){0};
        total += points;
        fprintf(out, "%-22s %-52s %3zu tests %5g points", chs[i].id, chs[i].title,
                chs[i].n_tests, points);
        if (c.graded) {
            graded++;
            done += c.done;
            earned += c.score;
            fprintf(out, "  last: %g/%g%s", c.score, c.max_score, c.done ? "  done" : "");
        } else if (p) {
            fputs("  not graded yet", out);
        }
        fputc('\n', out);
    }
    if (p == NULL)
        return;
    fputc('\n', out);
    print_bar(out, earned, total);
    fprintf(out, " %g/%g points; %zu of %zu chapters done, %zu graded (last gradings, kept in "
                 "%s)\n",
            earned, total, done, n, graded, p->path);
}

/* The exercises of a chapter, with their hints shown so far: when none is named. */
static void print_exercises(FILE *out, const struct chapter *ch, const struct hint_set *set,
                            const struct progress *p)
{
    fprintf(out, "Chapter %s has hints for:\n", ch->id);
    for (size_t f = 0; f < ch->n_student_files; f++) {
        const struct exercise_hints *e = hints_find(set, ch, ch->student_files[f]);
        size_t shown = e ? progress_hints_shown(p, ch->id, ch->student_files[f]) : 0;
        if (e)
            fprintf(out, "  %zu. %s: %zu of %zu shown\n", f + 1, ch->student_files[f],
                    shown < e->n_hints ? shown : e->n_hints, e->n_hints);
    }
    fprintf(out, "Ask for the next one of an exercise with: grade --hint %02d EXERCISE "
                 "(its number, or its file: lock.c or lock)\n",
            ch->number);
}

int student_hint(FILE *out, const struct chapter *ch, const char *exercise, struct progress *p,
                 char *err, size_t errlen)
{
    struct hint_set set;
    if (hints_load(ch, &set, err, errlen) < 0)
        return -1;
    int rc = 0;
    const struct exercise_hints *e = exercise ? hints_find(&set, ch, exercise) : NULL;
    bool chapter_wide = set.n_exercises == 1 && set.exercises[0].file == NULL;
    if (exercise == NULL && !chapter_wide) {
        print_exercises(out, ch, &set, p);
    } else if (e == NULL && !chapter_wide) {
        snprintf(err, errlen, "chapter %s has no exercise '%s' (grade --hint %02d lists them)",
                 ch->id, exercise, ch->number);
        rc = -1;
    } else {
        if (e == NULL)
            e = &set.exercises[0];
        const char *key = e->file ? e->file : "chapter";
        size_t shown = progress_hints_shown(p, ch->id, key);
        if (shown >= e->n_hints) {
            fprintf(out, "No more hints for %s%s%s: all %zu were shown. Here is the last one "
                         "again:\n\n  %s\n",
                    ch->id, e->file ? " " : "", e->file ? e->file : "", e->n_hints,
                    e->hints[e->n_hints - 1]);
        } else {
            fprintf(out, "Hint %zu of %zu for %s%s%s:\n\n  %s\n", shown + 1, e->n_hints,
                    ch->id, e->file ? " " : "", e->file ? e->file : "", e->hints[shown]);
            progress_set_hints_shown(p, ch->id, key, shown + 1);
            rc = progress_save(p, err, errlen);
        }
    }
    hints_free(&set);
    return rc;
}
