/* gradebook_csv.c - the class's gradebook as CSV (RFC 4180): one row per submission,
 * each chapter's score, the total, the maximum, the review flags, the status and the
 * submission's commit. A spreadsheet or an LMS import reads it as it is. */
#include "gradebook.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"

char *csv_field(const char *text)
{
    if (text == NULL)
        return xstrdup("");
    size_t len = strlen(text);
    bool quote = strpbrk(text, ",\"\r\n") != NULL ||
                 (len > 0 && (text[0] == ' ' || text[len - 1] == ' '));
    if (!quote)
        return xstrdup(text);
    char *out = xcalloc(2 * len + 3, 1), *o = out;
    *o++ = '"';
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            *o++ = '"';
        *o++ = *c;
    }
    *o++ = '"';
    return out;
}

static void put_field(FILE *out, const char *text, bool first)
{
    char *field = csv_field(text);
    fprintf(out, "%s%s", first ? "" : ",", field);
    free(field);
}

static void put_number(FILE *out, double value)
{
    fprintf(out, ",%g", value);
}

int gradebook_csv_write(FILE *out, const struct graded_submission *subs, size_t n,
                        const char *const *chapter_ids, size_t n_chapters)
{
    put_field(out, "id", true);
    for (size_t c = 0; c < n_chapters; c++)
        put_field(out, chapter_ids[c], false);
    fputs(",total,max,flags,status,commit\r\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct graded_submission *s = &subs[i];
        put_field(out, s->id, true);
        for (size_t c = 0; c < n_chapters; c++) {
            const struct graded_chapter *g = graded_chapter_find(s, chapter_ids[c]);
            if (g)
                put_number(out, g->score);
            else
                fputc(',', out);
        }
        put_number(out, s->score);
        put_number(out, s->max_score);
        fprintf(out, ",%zu", s->n_flags);
        put_field(out, s->status, false);
        put_field(out, s->commit, false);
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}
