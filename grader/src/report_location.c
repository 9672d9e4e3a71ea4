/* report_location.c - where a location the grader reports is in the student's
 * repository, and the pass mark: what the CI reports share. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

/* The chapter's file that `file` names: a student file by its path or its name (Check
 * names a file by its name alone), else one of the chapter's tests. */
static char *chapter_file(const struct chapter *ch, const char *file)
{
    for (size_t i = 0; i < ch->n_student_files; i++) {
        const char *s = ch->student_files[i], *slash = strrchr(s, '/');
        if (strcmp(s, file) == 0 || strcmp(slash ? slash + 1 : s, file) == 0)
            return xstrdup(s);
    }
    if (strchr(file, '/') != NULL)
        return NULL; /* nothing else of a chapter is reported with its folder */
    char *rel = path_join("tests", file), *full = path_join(ch->dir, rel);
    bool found = is_file(full);
    free(full);
    if (!found)
        free(rel);
    return found ? rel : NULL;
}

char *report_location(const struct chapter *ch, const char *prefix, const char *location,
                      long *line)
{
    const char *colon = location ? strrchr(location, ':') : NULL;
    if (colon == NULL || colon == location || colon[1] == '\0')
        return NULL;
    char *end;
    long n = strtol(colon + 1, &end, 10);
    if (*end != '\0' || n <= 0)
        return NULL;
    char *file = strndup(location, (size_t)(colon - location));
    char *rel = file ? chapter_file(ch, file) : NULL;
    free(file);
    if (rel == NULL)
        return NULL;
    char *path = xasprintf("%s%s/%s", prefix, ch->id, rel);
    free(rel);
    *line = n;
    return path;
}

bool report_passes(double score, double max, double pass_percent)
{
    /* multiplied out, so that 45/45 against 100 is not lost to a rounded division */
    return max > 0 ? score * 100.0 >= pass_percent * max : pass_percent <= 0;
}
