/* class_summary.c - what a batch tells the instructor at its end: per chapter the mean,
 * the median and how many reached full marks; the tests failed most; the submissions
 * to look at (review flags, gradings with errors). */
#include "gradebook.h"

#include <stdlib.h>
#include <string.h>

#include "grader.h"

enum { MOST_FAILED_SHOWN = 10 };

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double summary_median(double *values, size_t n)
{
    if (n == 0)
        return 0;
    qsort(values, n, sizeof *values, by_value);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct chapter_stats class_chapter_stats(const struct graded_submission *subs, size_t n,
                                         const char *chapter_id)
{
    struct chapter_stats st = {0};
    double *scores = xcalloc(n + 1, sizeof *scores), sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct graded_chapter *g = graded_chapter_find(&subs[i], chapter_id);
        if (g == NULL)
            continue;
        scores[st.graded++] = g->score;
        sum += g->score;
        if (g->max_score > st.max_score)
            st.max_score = g->max_score;
        if (g->max_score > 0 && g->score >= g->max_score)
            st.full_marks++;
    }
    st.mean = st.graded ? sum / (double)st.graded : 0;
    st.median = summary_median(scores, st.graded);
    free(scores);
    return st;
}

struct tally {
    const char *name;
    size_t count;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_count_then_name(const void *a, const void *b)
{
    const struct tally *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

size_t class_most_failed(const struct graded_submission *subs, size_t n, size_t max,
                         const char **names, size_t *counts)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += subs[i].n_failed_tests;
    const char **all = xcalloc(total + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* a submission counts once per test */
        for (size_t t = 0; t < subs[i].n_failed_tests; t++)
            all[k++] = subs[i].failed_tests[t];
    qsort(all, total, sizeof *all, by_name);
    struct tally *tallies = xcalloc(total + 1, sizeof *tallies);
    size_t distinct = 0;
    for (size_t i = 0; i < total; i++) {
        if (distinct == 0 || strcmp(tallies[distinct - 1].name, all[i]) != 0)
            tallies[distinct++] = (struct tally){all[i], 0};
        tallies[distinct - 1].count++;
    }
    qsort(tallies, distinct, sizeof *tallies, by_count_then_name);
    size_t shown = distinct < max ? distinct : max;
    for (size_t i = 0; i < shown; i++) {
        names[i] = tallies[i].name;
        counts[i] = tallies[i].count;
    }
    free(tallies);
    free(all);
    return shown;
}

void class_summary_print(FILE *out, const char *header, const struct graded_submission *subs,
                         size_t n, const char *const *chapter_ids, size_t n_chapters)
{
    fprintf(out, "Class summary: %zu submission(s); %s\n\n", n, header);
    fprintf(out, "  %-24s %7s %7s %7s %6s %11s\n", "chapter", "graded", "mean", "median",
            "max", "full marks");
    for (size_t c = 0; c < n_chapters; c++) {
        struct chapter_stats st = class_chapter_stats(subs, n, chapter_ids[c]);
        fprintf(out, "  %-24s %7zu %7.1f %7.1f %6g %11zu\n", chapter_ids[c], st.graded, st.mean,
                st.median, st.max_score, st.full_marks);
    }
    const char *names[MOST_FAILED_SHOWN];
    size_t counts[MOST_FAILED_SHOWN];
    size_t shown = class_most_failed(subs, n, MOST_FAILED_SHOWN, names, counts);
    fprintf(out, "\nTests failed most (%zu shown):\n", shown);
    for (size_t i = 0; i < shown; i++)
        fprintf(out, "  %3zu of %zu  %s\n", counts[i], n, names[i]);
    if (shown == 0)
        fputs("  none\n", out);
    fputs("\nTo look at (review flags, gradings with errors):\n", out);
    size_t listed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct graded_submission *s = &subs[i];
        bool problem = strcmp(s->status, "graded") != 0;
        if (!problem && s->n_flags == 0)
            continue;
        fprintf(out, "  %s:", s->id);
        if (s->n_flags)
            fprintf(out, " %zu review flag(s)%s", s->n_flags, problem ? ";" : "");
        const char *why = s->problem ? s->problem : "";
        if (problem) /* its first line: a compiler's messages are in the report */
            fprintf(out, " %s: %.*s", s->status, (int)strcspn(why, "\n"), why);
        fputc('\n', out);
        listed++;
    }
    if (listed == 0)
        fputs("  none\n", out);
}
