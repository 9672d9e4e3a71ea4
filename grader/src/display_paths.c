/* display_paths.c - every path the terminal shows, from the repository root.
 *
 * Check names a failing check by its file's name ("test_lock.c:44") and the compiler,
 * run in the work folder, names "src/reap.c:9:9": neither opens in an editor. A test
 * or header is shown where the workbook has it (chapters/09-thread-sync/tests/
 * test_lock.c:44), a student file where the student edits it, in the submission
 * (chapters/01-fork/src/reap.c:9:9), both relative to the workbook's root when they
 * are under it (else absolute). */
#include "grader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* path relative to root when it is under it. */
static char *from_root(const struct display_paths *d, const char *path)
{
    size_t len = d->root ? strlen(d->root) : 0;
    if (len > 0 && strncmp(path, d->root, len) == 0 && path[len] == '/')
        return xstrdup(path + len + 1);
    return xstrdup(path);
}

/* The shown path of a chapter file: rel is "src/x.c", "tests/t.c" or "include/h.h". */
static char *shown_file(const struct display_paths *d, const struct chapter *ch,
                        const char *rel)
{
    char *full;
    if (strncmp(rel, "src/", 4) == 0 && d->submission)
        full = xasprintf("%s/%s/%s", d->submission, ch->id, rel);
    else
        full = path_join(ch->dir, rel);
    char *shown = from_root(d, full);
    free(full);
    return shown;
}

char *display_location(const struct display_paths *d, const struct chapter *ch,
                       const char *location)
{
    long line;
    char *in_chapter = location ? report_location(ch, "", location, &line) : NULL;
    if (in_chapter == NULL)
        return location ? xstrdup(location) : NULL;
    const char *rel = in_chapter + strlen(ch->id) + 1; /* "ID/src/x.c" */
    char *file = shown_file(d, ch, rel);
    char *shown = xasprintf("%s:%ld", file, line);
    free(file);
    free(in_chapter);
    return shown;
}

/* The length of a chapter path ("src/x.c", "tests/t.c", "include/h.h") at p, followed
 * by ':' and a digit; 0 when there is none. */
static size_t chapter_path_at(const char *p)
{
    static const char *const folders[] = {"src/", "tests/", "include/", NULL};
    bool known = false;
    for (const char *const *f = folders; *f && !known; f++)
        known = strncmp(p, *f, strlen(*f)) == 0;
    if (!known)
        return 0;
    size_t len = 0;
    while (isalnum((unsigned char)p[len]) || strchr("_-./", p[len]))
        len++;
    return p[len] == ':' && isdigit((unsigned char)p[len + 1]) ? len : 0;
}

char *display_text(const struct display_paths *d, const struct chapter *ch, const char *text)
{
    if (text == NULL)
        return NULL;
    char *out = xstrdup("");
    const char *copied = text;
    for (const char *p = text; *p; p++) {
        bool boundary = p == text || strchr(" \t\n('\"", p[-1]) != NULL;
        size_t len = boundary ? chapter_path_at(p) : 0;
        if (len == 0)
            continue;
        char *rel = strndup(p, len);
        char *shown = shown_file(d, ch, rel);
        char *longer = xasprintf("%s%.*s%s", out, (int)(p - copied), copied, shown);
        free(out);
        free(shown);
        free(rel);
        out = longer;
        p += len - 1;
        copied = p + 1;
    }
    char *whole = xasprintf("%s%s", out, copied);
    free(out);
    return whole;
}
